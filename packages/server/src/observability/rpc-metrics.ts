/**
 * Request metrics around the method table (frontend/grpc-server.ts), so gRPC and the HTTP API,
 * which share the table, are both counted: one counter per method and status, and the time to
 * answer. Long polls (a task poll held for up to a minute, a history or update wait) go to
 * their own histogram: mixed with the others they would swamp every latency percentile.
 */
import type { Counter } from 'prom-client';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import { ConditionFailedError, isStoreUnavailable } from '../persistence/store.js';
import type { ServerMetrics } from './metrics.js';

/** Methods that wait for something to happen before they answer. */
const LONG_POLL_METHODS = new Set([
  'PollWorkflowTaskQueue',
  'PollActivityTaskQueue',
  'PollNexusTaskQueue',
  'PollWorkflowExecutionUpdate',
  'UpdateWorkflowExecution',
]);

/** GetWorkflowExecutionHistory is a long poll only when it asks to wait for new events. */
function isLongPoll(method: string, request: unknown): boolean {
  if (LONG_POLL_METHODS.has(method)) return true;
  return method === 'GetWorkflowExecutionHistory' && (request as { waitNewEvent?: boolean } | null)?.waitNewEvent === true;
}

/** The methods of `table`, each counted and timed. */
export function instrumentMethods(table: Map<string, UnaryMethod>, metrics: ServerMetrics): Map<string, UnaryMethod> {
  const out = new Map<string, UnaryMethod>();
  for (const [path, method] of table) out.set(path, instrumented(path.slice(path.lastIndexOf('/') + 1), method, metrics));
  return out;
}

function instrumented(name: string, method: UnaryMethod, metrics: ServerMetrics): UnaryMethod {
  const counts = new StatusCounters(metrics.rpcRequests, name);
  const latency = metrics.rpcLatency.labels(name);
  const longPoll = metrics.rpcLongPollDuration.labels(name);
  return {
    decode: (bytes) => method.decode(bytes),
    encode: (response) => method.encode(response),
    handle: async (request, ctx) => {
      const startedMs = performance.now();
      const timer = isLongPoll(name, request) ? longPoll : latency;
      try {
        const response = await method.handle(request, ctx);
        counts.inc('OK');
        return response;
      } catch (err) {
        counts.inc(statusName(err));
        throw err;
      } finally {
        timer.observe((performance.now() - startedMs) / 1000);
      }
    },
  };
}

/** Label children per status, made on first use: the status set is small and fixed. */
class StatusCounters {
  private readonly byStatus = new Map<string, Counter.Internal>();

  constructor(
    private readonly counter: Counter<'method' | 'status'>,
    private readonly method: string,
  ) {}

  inc(status: string): void {
    let child = this.byStatus.get(status);
    if (!child) {
      child = this.counter.labels(this.method, status);
      this.byStatus.set(status, child);
    }
    child.inc();
  }
}

/** The status the client sees for `err`, as frontend/grpc-server.ts#toGrpcError decides it. */
function statusName(err: unknown): string {
  if (err instanceof ServiceError) return Status[err.code];
  if (isStoreUnavailable(err) || err instanceof ConditionFailedError) return 'UNAVAILABLE';
  return 'INTERNAL';
}
