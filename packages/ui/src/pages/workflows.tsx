export function WorkflowsPage() {
  return <p>Not written yet.</p>;
}
