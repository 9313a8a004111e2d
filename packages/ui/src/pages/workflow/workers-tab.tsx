/** The workers polling the run's task queue, for workflow tasks and for activity tasks. */
import { apiGet } from '../../api';
import { ErrorBox, Loading, Time } from '../../components/common';
import { useLoad } from '../../hooks';
import { taskQueuePath } from './links';

const REFRESH_MS = 5000;

interface PollerInfo {
  identity?: string;
  lastAccessTime?: string;
  ratePerSecond?: number;
}

interface Pollers {
  workflow: PollerInfo[];
  activity: PollerInfo[];
}

async function loadPollers(namespace: string, taskQueue: string, signal: AbortSignal): Promise<Pollers> {
  const path = `/namespaces/${encodeURIComponent(namespace)}/task-queues/${encodeURIComponent(taskQueue)}`;
  const describe = (type: string) => apiGet<{ pollers?: PollerInfo[] }>(path, { taskQueueType: type }, signal);
  const [workflow, activity] = await Promise.all([describe('TASK_QUEUE_TYPE_WORKFLOW'), describe('TASK_QUEUE_TYPE_ACTIVITY')]);
  return { workflow: workflow.pollers ?? [], activity: activity.pollers ?? [] };
}

function PollerTable({ title, pollers }: { title: string; pollers: PollerInfo[] }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {pollers.length === 0 ? (
        <p class="muted">No worker has polled recently.</p>
      ) : (
        <table aria-label={title}>
          <thead>
            <tr>
              <th>Identity</th>
              <th>Last access</th>
              <th>Rate per second</th>
            </tr>
          </thead>
          <tbody>
            {pollers.map((poller) => (
              <tr key={poller.identity}>
                <td class="mono">{poller.identity}</td>
                <td>
                  <Time value={poller.lastAccessTime} />
                </td>
                <td>{poller.ratePerSecond ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function WorkersTab({ namespace, taskQueue, running }: { namespace: string; taskQueue: string; running: boolean }) {
  const pollers = useLoad(`pollers/${namespace}/${taskQueue}`, (signal) => loadPollers(namespace, taskQueue, signal), running ? REFRESH_MS : undefined);
  if (!taskQueue) return <p class="muted">The run names no task queue.</p>;
  return (
    <div class="workers">
      <p>
        Task queue <a href={taskQueuePath(namespace, taskQueue)}>{taskQueue}</a>
      </p>
      {pollers.error && <ErrorBox error={pollers.error} />}
      {!pollers.data && !pollers.error && <Loading />}
      {pollers.data && (
        <>
          <PollerTable title="Workflow task pollers" pollers={pollers.data.workflow} />
          <PollerTable title="Activity task pollers" pollers={pollers.data.activity} />
        </>
      )}
    </div>
  );
}
