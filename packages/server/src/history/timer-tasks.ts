/**
 * Kinds of durable timer the history engine writes, and what each carries.
 * A timer is checked against the execution's state when it fires: one that no
 * longer matches (the activity finished, the task moved on) is simply dropped.
 */

export type TimerTaskKind =
  | 'user_timer'
  | 'activity_timeout'
  | 'activity_retry'
  | 'workflow_task_timeout'
  | 'workflow_timeout'
  /** The first workflow task of a run that starts after a backoff (cron, retry, start delay). */
  | 'workflow_backoff'
  /** A workflow task attempt after failures, scheduled after its backoff. */
  | 'workflow_task_retry'
  /** Start a child workflow this run initiated (outbox: runs against the parent). */
  | 'start_child'
  /** Tell the parent how its child closed (runs against the parent). */
  | 'child_closed'
  /** Carry out the parent close policy on a child (runs against the child). */
  | 'parent_close_policy'
  /** Deliver a signal or cancel request to another workflow (runs against the sender). */
  | 'external_request'
  /** Delete a closed run once its namespace's retention has passed. */
  | 'retention'
  /** A schedule's next pass (schedules/; the row's workflow id is the schedule id). */
  | 'schedule_tick'
  /** A run a schedule started has closed (runs against the schedule). */
  | 'schedule_action_closed';

export interface UserTimerData {
  timerId: string;
  startedEventId: number;
}

export interface ActivityTimeoutData {
  scheduledEventId: number;
  attempt: number;
  /** temporal.api.enums.v1.TimeoutType */
  timeoutType: number;
}

export interface ActivityRetryData {
  scheduledEventId: number;
  attempt: number;
}

export interface WorkflowTaskTimeoutData {
  scheduledEventId: number;
  attempt: number;
  /**
   * The node that handed the task to its worker. If that node dies, the worker may never
   * have received it: a live node then fires this timeout at once (cluster/).
   */
  node?: string;
}

export interface WorkflowTimeoutData {
  /** Which limit: the run's or the whole execution's. */
  scope: 'run' | 'execution';
}
