/** Terminates the run at once, with a reason recorded in its history. */
import { useState } from 'preact/hooks';
import { apiPost } from '../../../api';
import { ModalDialog } from '../../../components/modal-dialog';
import { workflowApiPath } from '../links';
import { UI_IDENTITY, type ActionProps } from './action-props';

export function TerminateDialog({ namespace, workflowId, runId, onDone, onClose }: ActionProps) {
  const [reason, setReason] = useState('');
  const submit = async () => {
    await apiPost(`${workflowApiPath(namespace, workflowId)}/terminate`, {
      workflowExecution: { workflowId, runId },
      reason,
      identity: UI_IDENTITY,
    });
    onDone();
  };
  return (
    <ModalDialog title="Terminate the workflow" submitLabel="Terminate workflow" danger onSubmit={submit} onClose={onClose}>
      <p>
        The workflow <strong>{workflowId}</strong> stops at once; its code gets no chance to clean up.
      </p>
      <label>
        Reason
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
    </ModalDialog>
  );
}
