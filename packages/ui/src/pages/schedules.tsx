/**
 * The schedules of a namespace (`/namespaces/:ns/schedules`). A server without schedules
 * answers UNIMPLEMENTED, which is said plainly rather than shown as an error.
 */
import { useRoute } from 'preact-iso';
import { ApiError, apiGet, enc } from '../api';
import { ErrorBox, Loading, Time } from '../components/common';
import { useLoad } from '../hooks';

interface ScheduleListEntry {
  scheduleId?: string;
  info?: {
    workflowType?: { name?: string };
    notes?: string;
    paused?: boolean;
    recentActions?: Array<{ actualTime?: string }>;
    futureActionTimes?: string[];
  };
}

interface ListSchedulesResponse {
  schedules?: ScheduleListEntry[];
  nextPageToken?: string;
}

const REFRESH_MS = 5000;
const PAGE_SIZE = 100;
const UNIMPLEMENTED = 12;

export function SchedulesPage() {
  const { params } = useRoute();
  const ns = params.namespace ?? '';
  const loaded = useLoad(
    `schedules\n${ns}`,
    (signal) => apiGet<ListSchedulesResponse>(`/namespaces/${enc(ns)}/schedules`, { maximumPageSize: PAGE_SIZE }, signal),
    REFRESH_MS,
  );
  const unsupported = loaded.error instanceof ApiError && loaded.error.code === UNIMPLEMENTED;
  const schedules = loaded.data?.schedules ?? [];

  return (
    <section>
      <h1>Schedules</h1>
      {unsupported && (
        <p class="notice" role="status">
          This server does not support schedules yet.
        </p>
      )}
      {loaded.error && !unsupported && <ErrorBox error={loaded.error} />}
      {!loaded.data && !loaded.error && <Loading />}
      {loaded.data && schedules.length === 0 && <p class="muted">No schedules in {ns}.</p>}
      {schedules.length > 0 && (
        <table aria-label="Schedules">
          <thead>
            <tr>
              <th scope="col">Schedule ID</th>
              <th scope="col">State</th>
              <th scope="col">Workflow type</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.scheduleId}>
                <td class="mono">{s.scheduleId}</td>
                <td>{s.info?.paused ? 'Paused' : 'Running'}</td>
                <td>{s.info?.workflowType?.name}</td>
                <td>
                  <Time value={s.info?.recentActions?.at(-1)?.actualTime} />
                </td>
                <td>
                  <Time value={s.info?.futureActionTimes?.[0]} />
                </td>
                <td>{s.info?.notes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
