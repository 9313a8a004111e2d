/**
 * Persistence metrics for any store: a proxy in front of it times each operation of the Store
 * interface and counts its failures, so sqlite/, postgres/ and memory/ need no code of their
 * own for it. Only the operations named here are wrapped; anything else (a store's own
 * methods, such as PostgreSQL's clusterStore()) passes through untouched.
 */
import type { Store } from '../persistence/store.js';
import type { ServerMetrics } from './metrics.js';

/** Every operation of the Store interface, by name (checked against it by the type below). */
const STORE_OPERATIONS = [
  'createNamespace',
  'updateNamespace',
  'deleteNamespace',
  'getNamespaceByName',
  'listNamespaces',
  'getCurrentExecution',
  'getExecution',
  'commitExecution',
  'deleteExecution',
  'listNamespaceRuns',
  'listVisibility',
  'countVisibility',
  'readHistory',
  'deleteTaskQueueTasks',
  'commitSchedule',
  'getSchedule',
  'listSchedules',
  'deleteTimerTasks',
  'listTaskQueueTasks',
  'listDueTimerTasks',
  'nextTimerFireMs',
] as const satisfies readonly (keyof Store)[];

type AsyncFn = (...args: unknown[]) => Promise<unknown>;

/** `store`, with each Store operation timed into `endure_persistence_latency_seconds`. */
export function instrumentStore<S extends Store>(store: S, metrics: ServerMetrics): S {
  const wrapped = new Map<PropertyKey, AsyncFn>();
  for (const operation of STORE_OPERATIONS) {
    const fn = (store[operation] as unknown as AsyncFn | undefined)?.bind(store);
    if (fn) wrapped.set(operation, timed(operation, fn, metrics));
  }
  return new Proxy(store, {
    get(target, property, receiver) {
      return wrapped.get(property) ?? Reflect.get(target, property, receiver);
    },
  });
}

function timed(operation: string, fn: AsyncFn, metrics: ServerMetrics): AsyncFn {
  const latency = metrics.storeLatency.labels(operation);
  const errors = metrics.storeErrors.labels(operation);
  return async (...args) => {
    const startedMs = performance.now();
    try {
      return await fn(...args);
    } catch (err) {
      errors.inc();
      throw err;
    } finally {
      latency.observe((performance.now() - startedMs) / 1000);
    }
  };
}
