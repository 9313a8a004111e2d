/** Sends a signal (name and JSON arguments) to the run. */
import { useState } from 'preact/hooks';
import { apiPost } from '../../../api';
import { newRequestId } from '../../../components/request-id';
import { parseJsonArgs } from '../../../components/json-args';
import { ModalDialog } from '../../../components/modal-dialog';
import { workflowApiPath } from '../links';
import { UI_IDENTITY, type ActionProps } from './action-props';

export function SignalDialog({ namespace, workflowId, runId, onDone, onClose }: ActionProps) {
  const [name, setName] = useState('');
  const [input, setInput] = useState('');
  const [problem, setProblem] = useState('');

  const submit = async () => {
    const parsed = parseJsonArgs(input);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem('');
    await apiPost(`${workflowApiPath(namespace, workflowId)}/signal/${encodeURIComponent(name)}`, {
      workflowExecution: { workflowId, runId },
      input: parsed.args,
      identity: UI_IDENTITY,
      requestId: newRequestId(),
    });
    onDone();
  };

  return (
    <ModalDialog title="Send a signal" submitLabel="Send signal" onSubmit={submit} onClose={onClose} submitDisabled={!name.trim()}>
      <label>
        Signal name
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Arguments (JSON array, one element per argument)
        <textarea value={input} placeholder='["value"]' onInput={(e) => setInput(e.currentTarget.value)} />
      </label>
      {problem && <p class="form-message" role="alert">{problem}</p>}
    </ModalDialog>
  );
}
