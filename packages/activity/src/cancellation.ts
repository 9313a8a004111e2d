/**
 * Why an activity was cancelled: the reason string carried by its `CancelledFailure`
 * and the boolean breakdown exposed as `Context.cancellationDetails`.
 */

/**
 * The reason an activity's context was cancelled; it becomes the `CancelledFailure`'s message.
 *
 * - `CANCELLED`: the workflow requested cancellation (learnt from a heartbeat reply).
 * - `NOT_FOUND`: the server no longer knows this attempt (the workflow closed, or the attempt timed out).
 * - `TIMED_OUT`: the worker's own start-to-close or heartbeat deadline passed.
 * - `WORKER_SHUTDOWN`: the worker is shutting down and its grace time is over.
 * - `HEARTBEAT_DETAILS_CONVERSION_FAILED`: heartbeat details could not be serialized.
 * - `PAUSED`, `RESET`: the activity was paused or reset through the server.
 */
export type CancelReason =
  | 'CANCELLED'
  | 'NOT_FOUND'
  | 'TIMED_OUT'
  | 'WORKER_SHUTDOWN'
  | 'HEARTBEAT_DETAILS_CONVERSION_FAILED'
  | 'PAUSED'
  | 'RESET';

/** Options of {@link ActivityCancellationDetails}; unset flags are `false`. */
export interface ActivityCancellationDetailsOptions {
  notFound?: boolean;
  cancelRequested?: boolean;
  paused?: boolean;
  timedOut?: boolean;
  workerShutdown?: boolean;
  reset?: boolean;
}

/**
 * Why an activity was cancelled, as flags (several may hold at once).
 *
 * @example
 * ```ts
 * import { CancelledFailure, Context } from '@endure/activity';
 *
 * export async function poll(): Promise<void> {
 *   const ctx = Context.current();
 *   try {
 *     await ctx.sleep('1 hour');
 *   } catch (err) {
 *     if (err instanceof CancelledFailure && ctx.cancellationDetails?.workerShutdown) {
 *       ctx.log.info('worker is going away; the next attempt resumes');
 *     }
 *     throw err;
 *   }
 * }
 * ```
 *
 * @experimental as in the official SDK.
 */
export class ActivityCancellationDetails {
  readonly notFound: boolean;
  readonly cancelRequested: boolean;
  readonly paused: boolean;
  readonly timedOut: boolean;
  readonly workerShutdown: boolean;
  readonly reset: boolean;

  constructor(options: ActivityCancellationDetailsOptions = {}) {
    this.notFound = options.notFound ?? false;
    this.cancelRequested = options.cancelRequested ?? false;
    this.paused = options.paused ?? false;
    this.timedOut = options.timedOut ?? false;
    this.workerShutdown = options.workerShutdown ?? false;
    this.reset = options.reset ?? false;
  }

  /** The flags that go with a single cancel reason (a worker-side timeout also means the server forgot the attempt). */
  static fromReason(reason: CancelReason): ActivityCancellationDetails {
    switch (reason) {
      case 'CANCELLED':
        return new ActivityCancellationDetails({ cancelRequested: true });
      case 'NOT_FOUND':
        return new ActivityCancellationDetails({ notFound: true });
      case 'TIMED_OUT':
        return new ActivityCancellationDetails({ timedOut: true, notFound: true });
      case 'WORKER_SHUTDOWN':
        return new ActivityCancellationDetails({ workerShutdown: true });
      case 'PAUSED':
        return new ActivityCancellationDetails({ paused: true });
      case 'RESET':
        return new ActivityCancellationDetails({ reset: true });
      case 'HEARTBEAT_DETAILS_CONVERSION_FAILED':
        return new ActivityCancellationDetails();
    }
  }
}

/** Mutable slot the worker fills when it cancels an activity; read through `Context.cancellationDetails`. */
export interface ActivityCancellationDetailsHolder {
  details?: ActivityCancellationDetails;
}
