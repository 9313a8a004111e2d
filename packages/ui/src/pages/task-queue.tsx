/**
 * One task queue (`/namespaces/:ns/task-queues/:queue`): the workers polling it for workflow
 * tasks and for activity tasks, and each kind's backlog. Refreshes itself.
 */
import { useRoute } from 'preact-iso';
import { apiGet, enc } from '../api';
import { Card, ErrorBox, Field, Loading, Time } from '../components/common';
import { durationMs, formatDurationMs } from '../format';
import { useLoad } from '../hooks';

interface Poller {
  identity?: string;
  lastAccessTime?: string;
  ratePerSecond?: number;
}

interface DescribeTaskQueueResponse {
  pollers?: Poller[];
  stats?: { approximateBacklogCount?: string; approximateBacklogAge?: string; tasksAddRate?: number; tasksDispatchRate?: number };
}

const REFRESH_MS = 3000;

const KINDS = [
  { type: 'TASK_QUEUE_TYPE_WORKFLOW', title: 'Workflow tasks' },
  { type: 'TASK_QUEUE_TYPE_ACTIVITY', title: 'Activity tasks' },
] as const;

export function TaskQueuePage() {
  const { params } = useRoute();
  const ns = params.namespace ?? '';
  const queue = params.queue ?? '';
  return (
    <section>
      <h1>
        Task queue <span class="mono">{queue}</span>
      </h1>
      <p class="muted">
        Namespace <a href={`/namespaces/${enc(ns)}/workflows`}>{ns}</a>
      </p>
      {KINDS.map((kind) => (
        <TaskQueueKind key={kind.type} ns={ns} queue={queue} type={kind.type} title={kind.title} />
      ))}
    </section>
  );
}

function TaskQueueKind({ ns, queue, type, title }: { ns: string; queue: string; type: string; title: string }) {
  const loaded = useLoad(
    `${ns}\n${queue}\n${type}`,
    (signal) =>
      apiGet<DescribeTaskQueueResponse>(`/namespaces/${enc(ns)}/task-queues/${enc(queue)}`, { taskQueueType: type, reportStats: true }, signal),
    REFRESH_MS,
  );
  const pollers = loaded.data?.pollers ?? [];
  const stats = loaded.data?.stats;
  const ageMs = durationMs(stats?.approximateBacklogAge);

  return (
    <Card title={title}>
      {loaded.error && <ErrorBox error={loaded.error} />}
      {!loaded.data && !loaded.error && <Loading />}
      {loaded.data && (
        <>
          <dl>
            <Field label="Backlog">{Number(stats?.approximateBacklogCount ?? 0).toLocaleString()} tasks</Field>
            <Field label="Oldest task waiting">{ageMs ? formatDurationMs(ageMs) : <span class="muted">—</span>}</Field>
          </dl>
          <h3>Pollers</h3>
          {pollers.length === 0 ? (
            <p class="muted">No worker has polled this queue recently.</p>
          ) : (
            <table aria-label={`${title} pollers`}>
              <thead>
                <tr>
                  <th scope="col">Identity</th>
                  <th scope="col">Last access</th>
                  <th scope="col">Rate per second</th>
                </tr>
              </thead>
              <tbody>
                {pollers.map((p) => (
                  <tr key={p.identity}>
                    <td class="mono">{p.identity}</td>
                    <td>
                      <Time value={p.lastAccessTime} />
                    </td>
                    <td>{p.ratePerSecond ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Card>
  );
}
