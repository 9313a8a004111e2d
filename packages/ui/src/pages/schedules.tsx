export function SchedulesPage() {
  return <p>Not written yet.</p>;
}
