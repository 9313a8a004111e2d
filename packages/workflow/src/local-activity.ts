/**
 * Local activities (mirrors @temporalio/workflow's proxyLocalActivities): the workflow asks its
 * own worker to run an activity in-process, with no activity task on the server. The worker
 * retries it locally and, once it is done, records the outcome as a `core_local_activity`
 * marker when the workflow task completes. When the next attempt would wait longer than
 * `localRetryThreshold`, the worker reports a backoff instead: the workflow sleeps on a
 * durable timer and schedules the next attempt under a new sequence number, as Temporal's
 * SDK does.
 */
import { ActivityCancellationType, msOptionalToNumber, msToNumber, toPayloads, type LocalActivityOptions } from '@endure/common';
import { CancellationScope } from './cancellation-scope.js';
import { LocalActivityDoBackoff } from './errors.js';
import { nextSeq, payloadConverter, state } from './internals/activator.js';
import { userMetadata } from './internals/user-metadata.js';
import { sleep, type ActivityInterfaceFor } from './workflow.js';

/** Backoffs up to this are taken in the worker's memory, longer ones on a durable timer. */
const LOCAL_RETRY_THRESHOLD_DEFAULT_MS = 60_000;

// Activity functions take any arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => any;

/**
 * Typed functions that run activities as local activities, in the workflow's own worker.
 * One of `startToCloseTimeout` or `scheduleToCloseTimeout` is required.
 *
 * @example
 * ```ts
 * const { lookupRate } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '5s' });
 * const rate = await lookupRate('EUR');
 * ```
 */
export function proxyLocalActivities<A = Record<string, AnyFunction>>(options: LocalActivityOptions): ActivityInterfaceFor<A> {
  if (options === undefined) throw new TypeError('options must be defined');
  validateLocalActivityOptions(options);
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_, activityType) {
      if (typeof activityType !== 'string') throw new TypeError(`Only strings are supported for Activity types, got: ${String(activityType)}`);
      return (...args: unknown[]) => scheduleLocalActivity(activityType, args, options);
    },
  });
}

/**
 * Run a local activity by type name (what proxyLocalActivities calls): its result, or its
 * failure once the worker stops retrying it.
 *
 * @example
 * ```ts
 * const rate = await scheduleLocalActivity<number>('lookupRate', ['EUR'], { startToCloseTimeout: '5s' });
 * ```
 */
export async function scheduleLocalActivity<R>(activityType: string, args: unknown[], options: LocalActivityOptions): Promise<R> {
  validateLocalActivityOptions(options);
  let attempt = 1;
  let originalScheduleTimeMs: number | undefined;
  for (;;) {
    try {
      return await scheduleAttempts<R>(activityType, args, options, attempt, originalScheduleTimeMs);
    } catch (err) {
      if (!(err instanceof LocalActivityDoBackoff)) throw err;
      await sleep(err.backoff.backoffMs);
      attempt = err.backoff.attempt;
      originalScheduleTimeMs = err.backoff.originalScheduleTimeMs;
    }
  }
}

function validateLocalActivityOptions(options: LocalActivityOptions): void {
  if (options.scheduleToCloseTimeout === undefined && options.startToCloseTimeout === undefined) {
    throw new TypeError('Required either scheduleToCloseTimeout or startToCloseTimeout');
  }
}

/** Ask the worker to run attempts from `attempt` on; settles with the outcome it reports. */
function scheduleAttempts<R>(
  activityType: string,
  args: unknown[],
  options: LocalActivityOptions,
  attempt: number,
  originalScheduleTimeMs: number | undefined,
): Promise<R> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled) return scope.cancelRequested;
  const seq = nextSeq('activity');
  return new Promise<R>((resolve, reject) => {
    if (scope.cancellable) {
      scope.cancelRequested.catch(() => {
        // The worker settles the call: at once for TRY_CANCEL and ABANDON, when the activity ends otherwise.
        if (state.activities.has(seq)) state.localActivityRequests.push({ type: 'cancel', seq });
      });
    }
    state.localActivityRequests.push({
      type: 'schedule',
      seq,
      activityId: `${seq}`,
      activityType,
      args: toPayloads(payloadConverter, ...args) ?? [],
      attempt,
      originalScheduleTimeMs,
      startToCloseTimeoutMs: msOptionalToNumber(options.startToCloseTimeout),
      scheduleToCloseTimeoutMs: msOptionalToNumber(options.scheduleToCloseTimeout),
      scheduleToStartTimeoutMs: msOptionalToNumber(options.scheduleToStartTimeout),
      localRetryThresholdMs: options.localRetryThreshold === undefined ? LOCAL_RETRY_THRESHOLD_DEFAULT_MS : msToNumber(options.localRetryThreshold),
      retry: options.retry,
      cancellationType: options.cancellationType ?? ActivityCancellationType.TRY_CANCEL,
      userMetadata: userMetadata(options.summary),
    });
    state.activities.set(seq, { resolve, reject });
  });
}
