/**
 * Sends an update (name and JSON arguments) and waits for it to complete; the outcome, a
 * result or a failure, stays in the dialog until it is closed.
 */
import { useState } from 'preact/hooks';
import { apiPost } from '../../../api';
import { newRequestId } from '../../../components/request-id';
import { PayloadView } from '../../../components/common';
import { FailureView, type Failure } from '../../../components/failure-view';
import { parseJsonArgs } from '../../../components/json-args';
import { ModalDialog } from '../../../components/modal-dialog';
import { enumLabel } from '../../../format';
import { workflowApiPath } from '../links';
import { UI_IDENTITY, type ActionProps } from './action-props';

interface UpdateWorkflowExecutionResponse {
  outcome?: { success?: unknown; failure?: Failure };
  stage?: string;
}

export function UpdateDialog({ namespace, workflowId, runId, onClose }: Omit<ActionProps, 'onDone'>) {
  const [name, setName] = useState('');
  const [input, setInput] = useState('');
  const [problem, setProblem] = useState('');
  const [answer, setAnswer] = useState<UpdateWorkflowExecutionResponse | undefined>(undefined);

  const submit = async () => {
    const parsed = parseJsonArgs(input);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem('');
    setAnswer(undefined);
    const response = await apiPost<UpdateWorkflowExecutionResponse>(`${workflowApiPath(namespace, workflowId)}/update/${encodeURIComponent(name)}`, {
      workflowExecution: { workflowId, runId },
      request: {
        meta: { updateId: newRequestId(), identity: UI_IDENTITY },
        input: { name, args: parsed.args },
      },
      waitPolicy: { lifecycleStage: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED' },
    });
    setAnswer(response);
  };

  return (
    <ModalDialog title="Send an update" submitLabel="Run update" onSubmit={submit} onClose={onClose} submitDisabled={!name.trim()}>
      <label>
        Update name
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Arguments (JSON array, one element per argument)
        <textarea value={input} placeholder='["value"]' onInput={(e) => setInput(e.currentTarget.value)} />
      </label>
      {problem && <p class="form-message" role="alert">{problem}</p>}
      {answer && <UpdateOutcome answer={answer} />}
    </ModalDialog>
  );
}

function UpdateOutcome({ answer }: { answer: UpdateWorkflowExecutionResponse }) {
  const outcome = answer.outcome;
  if (outcome?.failure) {
    return (
      <section aria-label="Update outcome">
        <h3>Update failed</h3>
        <FailureView failure={outcome.failure} />
      </section>
    );
  }
  if (outcome) {
    return (
      <section aria-label="Update outcome">
        <h3>Update completed</h3>
        <PayloadView value={outcome.success ?? []} label="Update result" />
      </section>
    );
  }
  return (
    <section aria-label="Update outcome">
      <p>The update has not completed yet (stage: {enumLabel(answer.stage, 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_') || 'unknown'}).</p>
    </section>
  );
}
