import type { WorkflowRef } from '../history/history-tab';

export function TimelineTab(_props: WorkflowRef) {
  return <p>Not written yet.</p>;
}
