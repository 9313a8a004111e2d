export interface WorkflowRef {
  namespace: string;
  workflowId: string;
  runId: string;
  /** The run is still open: follow its history as it grows. */
  running: boolean;
}

export function HistoryTab(_props: WorkflowRef) {
  return <p>Not written yet.</p>;
}
