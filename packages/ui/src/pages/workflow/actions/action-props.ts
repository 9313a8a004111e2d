/** What every action dialog is given: the run it acts on, and what to do after. */
export interface ActionProps {
  namespace: string;
  workflowId: string;
  runId: string;
  /** The action succeeded: close the dialog and refresh the page. */
  onDone: () => void;
  onClose: () => void;
}

/** Who the server records as the sender of signals, cancels, terminations, resets and updates. */
export const UI_IDENTITY = 'endure-ui';
