export function WorkflowPage() {
  return <p>Not written yet.</p>;
}
