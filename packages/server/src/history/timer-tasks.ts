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
  | 'workflow_timeout';

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
}

export interface WorkflowTimeoutData {
  /** Which limit: the run's or the whole execution's. */
  scope: 'run' | 'execution';
}
