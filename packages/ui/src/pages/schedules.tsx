/**
 * The schedules of a namespace (`/namespaces/:ns/schedules`, `?schedule=<id>` opens one,
 * `?new=1` the form that creates one). A server without schedules (a Temporal server with
 * them turned off) answers UNIMPLEMENTED, which is said plainly rather than shown as an error.
 */
import { useLocation, useRoute } from 'preact-iso';
import { ApiError } from '../api';
import { ErrorBox, Loading, Time } from '../components/common';
import { useLoad } from '../hooks';
import { ScheduleDetail } from './schedules/schedule-detail';
import { ScheduleForm } from './schedules/schedule-form';
import { calendarText, intervalText } from './schedules/schedule-spec';
import { listSchedules, type ScheduleListEntry } from './schedules/schedules-api';

const REFRESH_MS = 5000;
const UNIMPLEMENTED = 12;

export function SchedulesPage() {
  const { params } = useRoute();
  const { query, route } = useLocation();
  const ns = params.namespace ?? '';
  const base = `/namespaces/${encodeURIComponent(ns)}/schedules`;
  const loaded = useLoad(`schedules\n${ns}`, (signal) => listSchedules(ns, signal), REFRESH_MS);
  const unsupported = loaded.error instanceof ApiError && loaded.error.code === UNIMPLEMENTED;
  const schedules = loaded.data?.schedules ?? [];
  const selected = query.schedule;

  return (
    <section>
      <div class="toolbar">
        <h1>Schedules</h1>
        <span class="spacer" />
        {!unsupported && (
          <button type="button" onClick={() => route(`${base}?new=1`)}>
            New schedule
          </button>
        )}
      </div>
      {unsupported && (
        <p class="card" role="status">
          This server does not support schedules.
        </p>
      )}
      {loaded.error && !unsupported && <ErrorBox error={loaded.error} />}
      {!loaded.data && !loaded.error && <Loading />}
      {query.new && !unsupported && (
        <ScheduleForm
          ns={ns}
          onCreated={(id) => {
            loaded.reload();
            route(`${base}?schedule=${encodeURIComponent(id)}`);
          }}
          onClose={() => route(base)}
        />
      )}
      {selected && (
        <ScheduleDetail
          ns={ns}
          id={selected}
          onChanged={loaded.reload}
          onDeleted={() => {
            loaded.reload();
            route(base);
          }}
        />
      )}
      {loaded.data && schedules.length === 0 && <p class="muted">No schedules in {ns}.</p>}
      {loaded.data?.truncated && <p class="muted">The first {schedules.length} schedules are shown.</p>}
      {schedules.length > 0 && (
        <table aria-label="Schedules">
          <thead>
            <tr>
              <th scope="col">Schedule ID</th>
              <th scope="col">State</th>
              <th scope="col">Workflow type</th>
              <th scope="col">Runs</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.scheduleId} aria-selected={s.scheduleId === selected}>
                <td>
                  <a class="mono" href={`${base}?schedule=${encodeURIComponent(s.scheduleId ?? '')}`}>
                    {s.scheduleId}
                  </a>
                </td>
                <td>{s.info?.paused ? 'Paused' : 'Running'}</td>
                <td>{s.info?.workflowType?.name}</td>
                <td>{specSummary(s)}</td>
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

/** The first calendar or interval of a schedule, and how many more it has. */
function specSummary(entry: ScheduleListEntry): string {
  const spec = entry.info?.spec;
  const all = [...(spec?.structuredCalendar ?? []).map(calendarText), ...(spec?.interval ?? []).map(intervalText)];
  if (all.length === 0) return '—';
  const zone = spec?.timezoneName ? ` (${spec.timezoneName})` : '';
  return `${all[0]}${all.length > 1 ? ` +${all.length - 1} more` : ''}${zone}`;
}
