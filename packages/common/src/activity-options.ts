/**
 * Options for scheduling Activities from a Workflow (remote and local), and the cancellation types
 * that decide when an Activity's cancellation is reported to the Workflow.
 */
import type { RetryPolicy } from './retry-policy.js';
import type { Duration } from './time.js';

/**
 * Whether a cancellation request reaches the Activity, and when the Workflow's call fails with an
 * `ActivityFailure` whose cause is a `CancelledFailure`.
 *
 * @default ActivityCancellationType.WAIT_CANCELLATION_COMPLETED
 * @example
 * ```ts
 * proxyActivities<typeof acts>({ startToCloseTimeout: '1m', cancellationType: ActivityCancellationType.TRY_CANCEL });
 * ```
 */
export const ActivityCancellationType = {
  /** Do not tell the Activity; report cancellation to the Workflow at once. */
  ABANDON: 'ABANDON',
  /** Request cancellation of the Activity and report it to the Workflow at once, without waiting. */
  TRY_CANCEL: 'TRY_CANCEL',
  /** Request cancellation and report it once the Activity has acknowledged it (or completed). */
  WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
} as const;
/** See the {@link ActivityCancellationType} values. */
export type ActivityCancellationType = (typeof ActivityCancellationType)[keyof typeof ActivityCancellationType];

/**
 * Options of a (remote) Activity call. One of `startToCloseTimeout` or `scheduleToCloseTimeout`
 * is required.
 *
 * @example
 * ```ts
 * const { charge } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 5 } });
 * ```
 */
export interface ActivityOptions {
  /** Identifier unique within the Workflow Execution. @default a sequence number */
  activityId?: string;
  /** Task Queue to schedule the Activity on. @default the Workflow's Task Queue */
  taskQueue?: string;
  /** Maximum time between heartbeats; the Activity times out when it is exceeded. */
  heartbeatTimeout?: Duration;
  /** How the Activity is retried. @default retried with exponential backoff without limit */
  retry?: RetryPolicy;
  /** Maximum time of one attempt. */
  startToCloseTimeout?: Duration;
  /** Maximum time in the Task Queue before a Worker picks an attempt up. Not retried. */
  scheduleToStartTimeout?: Duration;
  /** Maximum total time, retries included. */
  scheduleToCloseTimeout?: Duration;
  /** See {@link ActivityCancellationType}. @default 'WAIT_CANCELLATION_COMPLETED' */
  cancellationType?: ActivityCancellationType;
  /** Let the server hand the Activity to this Worker directly when it is ready. @default true */
  allowEagerDispatch?: boolean;
  /** A single-line summary for UIs. @experimental */
  summary?: string;
}

/**
 * Options of a Local Activity call, run by the Workflow's Worker without a round trip through a
 * Task Queue. One of `startToCloseTimeout` or `scheduleToCloseTimeout` is required.
 *
 * @example
 * ```ts
 * const { lookup } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '5s' });
 * ```
 */
export interface LocalActivityOptions {
  /** How the Local Activity is retried. */
  retry?: RetryPolicy;
  /** Maximum time of one attempt. */
  startToCloseTimeout?: Duration;
  /** Maximum time waiting for a free local execution slot. */
  scheduleToStartTimeout?: Duration;
  /** Maximum total time, retries included. */
  scheduleToCloseTimeout?: Duration;
  /** Backoff above which retries are scheduled with a durable timer instead of in-memory. @default 1 minute */
  localRetryThreshold?: Duration;
  /** See {@link ActivityCancellationType}. @default 'WAIT_CANCELLATION_COMPLETED' */
  cancellationType?: ActivityCancellationType;
  /** A single-line summary for UIs. @experimental */
  summary?: string;
}
