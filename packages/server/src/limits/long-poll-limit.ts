/**
 * Concurrent long-running calls (Temporal's frontend.namespaceCount): at most
 * `longPollsPerNamespaceMax` open at once per namespace and method, the methods Temporal
 * counts (ExecutionAPICountLimitOverride): task polls, update polls, QueryWorkflow,
 * UpdateWorkflowExecution, ExecuteMultiOperation, and GetWorkflowExecutionHistory when it
 * waits for new events. Optionally also per task queue for task polls
 * (`longPollsPerTaskQueueMax`; Temporal has no such limit). A slot is taken before the
 * handler runs and given back when its promise settles: the call answered, failed, or was
 * cancelled by the client (handlers end a cancelled long poll through ctx.signal).
 */
import type { Limits } from '../config.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import { namespaceOf } from './rate-limit.js';
import { concurrentLimitExceeded } from './resource-exhausted.js';

const WORKFLOW_SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';

const TASK_POLLS = new Set(['PollWorkflowTaskQueue', 'PollActivityTaskQueue', 'PollNexusTaskQueue']);
const LONG_RUNNING = new Set([
  ...TASK_POLLS,
  'PollWorkflowExecutionUpdate',
  'QueryWorkflow',
  'UpdateWorkflowExecution',
  'ExecuteMultiOperation',
  'GetWorkflowExecutionHistory',
]);

export function withLongPollLimit(
  methods: ReadonlyMap<string, UnaryMethod>,
  limits: Pick<Limits, 'longPollsPerNamespaceMax' | 'longPollsPerTaskQueueMax'>,
): Map<string, UnaryMethod> {
  const open = new Map<string, number>();
  const release = (key: string) => {
    const n = (open.get(key) ?? 1) - 1;
    if (n <= 0) open.delete(key);
    else open.set(key, n);
  };
  const wrapped = new Map<string, UnaryMethod>(methods);
  for (const [path, method] of methods) {
    const name = path.startsWith(WORKFLOW_SERVICE) ? path.slice(WORKFLOW_SERVICE.length) : '';
    if (!LONG_RUNNING.has(name)) continue;
    const isTaskPoll = TASK_POLLS.has(name);
    wrapped.set(path, {
      ...method,
      handle: async (request, ctx) => {
        const namespace = namespaceOf(request);
        if (!namespace || !isLongRunning(name, request)) return method.handle(request, ctx);
        const taken: string[] = [];
        try {
          take(`${namespace}\u0000${name}`, limits.longPollsPerNamespaceMax, () =>
            concurrentLimitExceeded(`${name} in namespace ${namespace}`, limits.longPollsPerNamespaceMax, 'limits.longPollsPerNamespaceMax'),
          );
          const taskQueue = isTaskPoll ? taskQueueOf(request) : '';
          if (taskQueue && limits.longPollsPerTaskQueueMax > 0) {
            take(`${namespace}\u0000${name}\u0000${taskQueue}`, limits.longPollsPerTaskQueueMax, () =>
              concurrentLimitExceeded(`${name} on task queue ${taskQueue}`, limits.longPollsPerTaskQueueMax, 'limits.longPollsPerTaskQueueMax'),
            );
          }
          return await method.handle(request, ctx);
        } finally {
          for (const key of taken) release(key);
        }

        function take(key: string, max: number, error: () => Error): void {
          const n = open.get(key) ?? 0;
          if (n >= max) throw error();
          open.set(key, n + 1);
          taken.push(key);
        }
      },
    });
  }
  return wrapped;
}

/** GetWorkflowExecutionHistory is long-running only when it waits for new events. */
function isLongRunning(method: string, request: unknown): boolean {
  if (method !== 'GetWorkflowExecutionHistory') return true;
  return !!(request as { waitNewEvent?: unknown } | null)?.waitNewEvent;
}

function taskQueueOf(request: unknown): string {
  const name = (request as { taskQueue?: { name?: unknown } | null } | null)?.taskQueue?.name;
  return typeof name === 'string' ? name : '';
}
