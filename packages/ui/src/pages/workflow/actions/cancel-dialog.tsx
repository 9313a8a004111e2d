/** Asks the run to cancel: the workflow code sees the request and decides how to finish. */
import { apiPost } from '../../../api';
import { newRequestId } from '../../../components/request-id';
import { ModalDialog } from '../../../components/modal-dialog';
import { workflowApiPath } from '../links';
import { UI_IDENTITY, type ActionProps } from './action-props';

export function CancelDialog({ namespace, workflowId, runId, onDone, onClose }: ActionProps) {
  const submit = async () => {
    await apiPost(`${workflowApiPath(namespace, workflowId)}/cancel`, {
      workflowExecution: { workflowId, runId },
      identity: UI_IDENTITY,
      requestId: newRequestId(),
    });
    onDone();
  };
  return (
    <ModalDialog title="Cancel the workflow" submitLabel="Request cancellation" danger onSubmit={submit} onClose={onClose}>
      <p>
        The workflow <strong>{workflowId}</strong> is asked to cancel. Its code receives the request and may clean up before it
        closes.
      </p>
    </ModalDialog>
  );
}
