export function TaskQueuePage() {
  return <p>Not written yet.</p>;
}
