/**
 * What an activity knows about its own execution: the `Info` a worker builds from
 * an activity task and hands to the activity through its `Context`.
 */
import type { RetryPolicy } from '@endure/common';

/**
 * Task-queue priority of an activity, as sent by the server.
 *
 * @example
 * ```ts
 * const { priority } = activityInfo();
 * if ((priority?.priorityKey ?? 3) <= 2) log.info('urgent work');
 * ```
 */
export interface Priority {
  /** 1 is the highest priority; unset means the server's default (3 on Temporal). */
  readonly priorityKey?: number;
  /** Key that fair scheduling groups tasks by. */
  readonly fairnessKey?: string;
  /** Weight of `fairnessKey` in fair scheduling. */
  readonly fairnessWeight?: number;
}

/**
 * Information about the current activity execution, read inside an activity with
 * `Context.current().info` or {@link activityInfo}.
 *
 * @example
 * ```ts
 * import { activityInfo } from '@endure/activity';
 *
 * export async function charge(orderId: string): Promise<string> {
 *   const { attempt, workflowExecution } = activityInfo();
 *   return `${workflowExecution?.workflowId}/${orderId} charged on attempt ${attempt}`;
 * }
 * ```
 */
export interface Info {
  /** Opaque token of this activity task; pass it to an async completion client. */
  readonly taskToken: Uint8Array;
  /** {@link taskToken} encoded as base64. */
  readonly base64TaskToken: string;
  /** Id of this activity, unique within its workflow execution. */
  readonly activityId: string;
  /** Name the activity was scheduled with (the function's registered name). */
  readonly activityType: string;
  /**
   * Namespace of the worker running this activity.
   *
   * @deprecated Use {@link namespace} instead.
   */
  readonly activityNamespace: string;
  /** Attempt number, starting at 1 and incremented on every retry. */
  readonly attempt: number;
  /** Whether this is a local activity (always `false` for activities run from a task queue). */
  readonly isLocal: boolean;
  /** The workflow that scheduled this activity; unset for activities not started by a workflow. */
  readonly workflowExecution?: { readonly workflowId: string; readonly runId: string };
  /**
   * Namespace of the workflow that scheduled this activity.
   *
   * @deprecated Use {@link namespace} instead.
   */
  readonly workflowNamespace?: string;
  /** Type of the workflow that scheduled this activity. */
  readonly workflowType?: string;
  /**
   * When the activity was first scheduled (the first attempt, for retries).
   *
   * @format milliseconds since the epoch
   */
  readonly scheduledTimestampMs: number;
  /**
   * When the current attempt was scheduled.
   *
   * @format milliseconds since the epoch
   */
  readonly currentAttemptScheduledTimestampMs: number;
  /**
   * When the current attempt was handed to this worker.
   *
   * @format milliseconds since the epoch
   */
  readonly startedTimestampMs: number;
  /** @format milliseconds; 0 when the activity has no schedule-to-close timeout */
  readonly scheduleToCloseTimeoutMs: number;
  /** @format milliseconds */
  readonly startToCloseTimeoutMs: number;
  /**
   * The activity must heartbeat more often than this, if set.
   *
   * @format milliseconds
   */
  readonly heartbeatTimeoutMs?: number;
  /**
   * Details of the last heartbeat recorded by a previous attempt, decoded: resume from
   * this checkpoint. `undefined` on a first attempt or when no attempt heartbeated.
   */
  readonly heartbeatDetails: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- any serializable value, as in the official SDK
  /** Task queue the activity was scheduled on. */
  readonly taskQueue: string;
  /** Priority of this activity, if the server sent one. */
  readonly priority?: Priority;
  /** Retry policy applied by the server (it may differ from the workflow's: the server fills in defaults), if it sent one. */
  readonly retryPolicy?: RetryPolicy;
  /** Namespace this activity runs in. */
  readonly namespace: string;
  /** Run id of a standalone activity (unset for activities started by a workflow). */
  readonly activityRunId?: string;
  /** Whether a workflow started this activity. */
  readonly inWorkflow: boolean;
}
