/**
 * Endure's activity API, a drop-in for `@temporalio/activity`: the {@link Context} of the
 * running activity and shortcuts to it.
 *
 * Any function can be an activity as long as its arguments and result can be converted
 * by the worker's data converter. Inside one, `Context.current()` (or the shortcuts
 * `activityInfo()`, `heartbeat()`, `sleep()`, `cancelled()`, `cancellationSignal()`, `log`)
 * reach the current attempt.
 *
 * Cancellation reaches an activity as a {@link CancelledFailure} (from `cancelled`,
 * `sleep`) and an aborted `cancellationSignal`, whose message says why: `CANCELLED`
 * (the workflow asked; learnt from a heartbeat reply, so the activity must heartbeat),
 * `NOT_FOUND` (the server forgot the attempt), `TIMED_OUT` (the worker's own deadline
 * passed), `WORKER_SHUTDOWN`, `PAUSED`, `RESET` or `HEARTBEAT_DETAILS_CONVERSION_FAILED`.
 *
 * @example
 * ```ts
 * import { activityInfo, CancelledFailure, heartbeat, log, sleep } from '@endure/activity';
 *
 * export async function fakeProgress(stepMs = 1000): Promise<void> {
 *   const start: number = activityInfo().heartbeatDetails ?? 1; // resume after a retry
 *   try {
 *     for (let progress = start; progress <= 100; progress++) {
 *       await sleep(stepMs);
 *       heartbeat(progress);
 *     }
 *   } catch (err) {
 *     if (err instanceof CancelledFailure) log.warn('cancelled', { reason: err.message });
 *     throw err;
 *   }
 * }
 * ```
 *
 * @module
 */
export {
  ApplicationFailure,
  CancelledFailure,
  CompleteAsyncError,
  type ActivityFunction,
  type ActivityInterface,
  type UntypedActivities,
} from '@endure/common';
export {
  ActivityCancellationDetails,
  type ActivityCancellationDetailsHolder,
  type ActivityCancellationDetailsOptions,
  type CancelReason,
} from './cancellation.js';
export {
  activityInfo,
  asyncLocalStorage,
  cancellationDetails,
  cancellationSignal,
  cancelled,
  Context,
  createActivityContext,
  heartbeat,
  log,
  sleep,
  type ActivityContextHandle,
} from './context.js';
export type { Info, Priority } from './info.js';
export type { Logger, LogLevel, LogMetadata } from './logger.js';
