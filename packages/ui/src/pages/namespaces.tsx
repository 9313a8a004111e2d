export function NamespacesPage() {
  return <p>Not written yet.</p>;
}
