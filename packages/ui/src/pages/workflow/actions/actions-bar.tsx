/**
 * The buttons that act on a run, each opening its confirmation dialog. The open dialog is
 * state of this bar, so the page refreshing underneath never closes it.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { workflowPath } from '../links';
import { CancelDialog } from './cancel-dialog';
import { ResetDialog } from './reset-dialog';
import { SignalDialog } from './signal-dialog';
import { TerminateDialog } from './terminate-dialog';
import { UpdateDialog } from './update-dialog';

type Action = 'signal' | 'update' | 'cancel' | 'terminate' | 'reset';

export interface ActionsBarProps {
  namespace: string;
  workflowId: string;
  runId: string;
  running: boolean;
  /** Loads the run again (after an action, or when a dialog closes). */
  reload: () => void;
}

export function ActionsBar({ namespace, workflowId, runId, running, reload }: ActionsBarProps) {
  const [open, setOpen] = useState<Action | undefined>(undefined);
  const { route } = useLocation();
  const close = () => {
    setOpen(undefined);
    reload();
  };
  const props = { namespace, workflowId, runId, onClose: close, onDone: close };
  const closedTitle = running ? undefined : 'The workflow is closed';

  const button = (action: Action, label: string, enabled: boolean, danger = false) => (
    <button type="button" class={danger ? 'danger-outline' : undefined} disabled={!enabled} title={enabled ? undefined : closedTitle} onClick={() => setOpen(action)}>
      {label}
    </button>
  );

  return (
    <div class="workflow-actions" role="group" aria-label="Actions">
      {button('signal', 'Signal', running)}
      {button('update', 'Update', running)}
      {button('cancel', 'Cancel', running, true)}
      {button('terminate', 'Terminate', running, true)}
      {button('reset', 'Reset', true, true)}
      {open === 'signal' && <SignalDialog {...props} />}
      {open === 'update' && <UpdateDialog {...props} />}
      {open === 'cancel' && <CancelDialog {...props} />}
      {open === 'terminate' && <TerminateDialog {...props} />}
      {open === 'reset' && (
        <ResetDialog
          {...props}
          onReset={(newRunId) => {
            setOpen(undefined);
            route(workflowPath(namespace, workflowId, newRunId, 'history'));
          }}
        />
      )}
    </div>
  );
}
