/**
 * Mutable state of one workflow run: everything the engine needs to decide
 * what happens next without reading history. Persisted as JSON beside the
 * events, in the same transaction. Binary protobuf values are kept as base64
 * of their encoding so the state stays plain JSON.
 */
import { enums } from '../common/proto.js';

export interface RetryPolicyState {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0 means unlimited. */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface WorkflowTaskState {
  /**
   * For a task in history, its WorkflowTaskScheduled event id. A transient
   * task (attempt > 1 after a failure) has no events until it completes: this
   * is then only its identity (the id it would have had when scheduled).
   */
  scheduledEventId: number;
  /** 0 until a poller picks it up. */
  startedEventId: number;
  attempt: number;
  scheduledTimeMs: number;
  startedTimeMs: number;
  requestId: string;
  /** Attempts after the first failure are kept out of history until one completes. */
  transient?: boolean;
  /** Event ids the transient task's Scheduled/Started events get when it completes. */
  transientScheduledEventId?: number;
  /**
   * A speculative task (history/updates.ts): scheduled only to carry updates, kept out of
   * history like a transient attempt, and dropped when it changed nothing. This is
   * `nextEventId` when it was scheduled: the events its worker had all seen.
   */
  speculativeBaseEventId?: number;
}

export interface ActivityState {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  scheduledTimeMs: number;
  attempt: number;
  /** When the current attempt became (or becomes, after backoff) dispatchable. */
  attemptScheduledTimeMs: number;
  /** 0 while no attempt is running. */
  startedTimeMs: number;
  startedIdentity: string;
  startedRequestId: string;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatTimeoutMs: number;
  retry: RetryPolicyState;
  /** base64 Payloads from the last heartbeat (survives retries). */
  heartbeatDetails: string | null;
  lastHeartbeatMs: number;
  /** base64 Failure of the previous attempt. */
  lastFailure: string | null;
  /** The backoff before the current attempt, when it is a retry (DescribeWorkflowExecution's current_retry_interval). */
  retryIntervalMs?: number;
  lastWorkerIdentity: string;
  cancelRequested: boolean;
  cancelRequestedEventId: number;
  /** base64 ActivityTaskScheduledEventAttributes: input and header for the poll response, and the original options. */
  scheduledAttributes: string;
  /** Paused by an operator (PauseActivity): no attempt is dispatched until it is unpaused. */
  paused?: boolean;
  pauseInfo?: { timeMs: number; identity: string; reason: string; requestId: string } | null;
  /** Reset (ResetActivity) while an attempt ran: that attempt hears of it by heartbeat, and the next one is attempt 1. */
  resetRequested?: boolean;
  /** With `resetRequested`: the next attempt starts without the heartbeat details. */
  resetHeartbeats?: boolean;
}

export interface BufferedEvent {
  /** base64 encoded HistoryEvent, without id and time. */
  data: string;
  /**
   * An activity close event whose `started_event_id` is the event just before
   * it; fixed up when the buffer is flushed and ids are known.
   */
  startedIsPrevious?: boolean;
  /**
   * A child's started or close event: its initiated event id. When written,
   * the started event's id is kept on the child (close events refer to it),
   * and a close event ends the child's entry.
   */
  child?: { initiatedEventId: number; closed: boolean };
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAtMs: number;
}

/** A child workflow this run initiated (keyed by its initiated event id). */
export interface ChildState {
  initiatedEventId: number;
  /** 0 until ChildWorkflowExecutionStarted is recorded. */
  startedEventId: number;
  namespace: string;
  namespaceId: string;
  workflowId: string;
  /** '' until started. */
  runId: string;
  workflowType: string;
  /** temporal.api.enums.v1.ParentClosePolicy */
  parentClosePolicy: number;
  /** The child's start request id: a repeated start (after a crash) finds the run it made. */
  requestId: string;
}

/** A signal or cancel request this run sent to another workflow, not yet acknowledged. */
export interface ExternalRequestState {
  initiatedEventId: number;
  kind: 'signal' | 'cancel';
  namespace: string;
  workflowId: string;
  runId: string;
  requestId: string;
}

export interface ParentInfo {
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

/** An update the workflow accepted (history/updates.ts); the outcome is in its Completed event. */
export interface UpdateRecord {
  acceptedEventId: number;
  /** 0 while the update runs. */
  completedEventId: number;
}

/**
 * An update admitted and not yet accepted, kept in the run's state on several nodes
 * (history/update-registry.ts): whichever node starts the run's next workflow task delivers it.
 */
export interface AdmittedUpdateRecord {
  /** base64 temporal.api.update.v1.Request; '' once rejected. */
  request: string;
  /** The workflow task that carried it last. */
  sentIn: { scheduledEventId: number; attempt: number } | null;
  /** base64 temporal.api.failure.v1.Failure once the worker rejected it (kept a while for its caller). */
  rejection: string | null;
  /** When it was rejected (ms), 0 before. */
  rejectedMs: number;
}

export interface ExecutionState {
  namespaceId: string;
  namespace: string;
  workflowId: string;
  runId: string;
  firstExecutionRunId: string;
  workflowType: string;
  taskQueue: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus */
  status: number;
  startTimeMs: number;
  /** When the first workflow task was (or will be) due: start time plus any backoff. */
  executionTimeMs: number;
  closeTimeMs: number | null;
  closeEventId: number;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  workflowTaskTimeoutMs: number;
  startRequestId: string;
  nextEventId: number;
  /** previous_started_event_id for the next workflow task. */
  lastCompletedWorkflowTaskStartedEventId: number;
  workflowTask: WorkflowTaskState | null;
  /** Events held back while a workflow task is in flight. */
  bufferedEvents: BufferedEvent[];
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  cancelRequested: boolean;
  /** Recent signal request ids, for idempotent signals (bounded). */
  signalRequestIds: string[];
  /** Signals this run has received (absent in states written before it was kept: counted from then on). */
  signalCount?: number;
  historySizeBytes: number;
  stateTransitionCount: number;
  /** base64 Memo (absent in states written before it was kept). */
  memo?: string | null;
  /** base64 SearchAttributes, as upserted so far. */
  searchAttributes?: string | null;
  /** base64 UserMetadata (static summary and details) from the start request. */
  userMetadata?: string | null;
  /** Workflow attempt (1 unless this run is a retry). */
  attempt: number;
  /** Workflow retry policy; null: failures are final. */
  retryPolicy: RetryPolicyState | null;
  cronSchedule: string;
  /** End of the whole chain of runs (execution timeout), 0 for none. */
  executionExpirationMs: number;
  /** Set while the first workflow task waits out a backoff (cron, retry, start delay). */
  firstTaskBackoffUntilMs: number;
  parent: ParentInfo | null;
  /** The schedule that started this chain of runs; told when the chain ends (schedules/). */
  scheduledBy?: string;
  root: { workflowId: string; runId: string } | null;
  children: Record<string, ChildState>;
  externalRequests: Record<string, ExternalRequestState>;
  /** base64 Payloads: the last successful cron run's result, handed to the next run. */
  lastCompletionResult: string | null;
  /**
   * base64 WorkflowExecutionStartedEventAttributes (header, input, retry
   * policy): what a retry or the next cron run starts from. Kept only for runs
   * that have a retry policy or a cron schedule.
   */
  restartAttributes: string | null;
  /**
   * The first task's backoff is a start delay, and what ends it early
   * (Temporal's rule): any signal after a plain start, another
   * signal-with-start after a signal-with-start.
   */
  startDelayEndedBy: 'signal' | 'signal_with_start' | null;
  /** Accepted updates by update id, kept for the life of the run (answers repeats of an id). */
  updates?: Record<string, UpdateRecord>;
  /** Updates admitted and not yet accepted, by update id: on several nodes only (one process keeps them in memory). */
  admittedUpdates?: Record<string, AdmittedUpdateRecord>;
  /** Speculative workflow tasks made so far: each gets its own identity (see updates.ts). */
  speculativeTaskCount?: number;
  /** The worker queue this run's workflow tasks go to (history/sticky.ts). In memory only: never serialized. */
  sticky?: StickyState | null;
}

/** Set by a worker's completion (sticky attributes): it has the run cached and polls `taskQueue`. */
export interface StickyState {
  taskQueue: string;
  scheduleToStartMs: number;
}

export const SIGNAL_REQUEST_IDS_MAX = 1000;

export function isRunning(state: Pick<ExecutionState, 'status'>): boolean {
  return state.status === enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
}

export function serializeState(state: ExecutionState): string {
  // Stickiness names a worker's in-memory cache: after a restart tasks go to the normal queue.
  return JSON.stringify(state.sticky ? { ...state, sticky: undefined } : state);
}

export function parseState(text: string): ExecutionState {
  return withDefaults(JSON.parse(text) as ExecutionState);
}

/** States written before a field existed get its neutral value. */
function withDefaults(s: ExecutionState): ExecutionState {
  s.attempt ??= 1;
  s.executionTimeMs ??= s.startTimeMs;
  s.retryPolicy ??= null;
  s.cronSchedule ??= '';
  s.executionExpirationMs ??= 0;
  s.firstTaskBackoffUntilMs ??= 0;
  s.parent ??= null;
  s.root ??= null;
  s.children ??= {};
  s.externalRequests ??= {};
  s.lastCompletionResult ??= null;
  s.restartAttributes ??= null;
  s.startDelayEndedBy ??= null;
  return s;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Buffer {
  return Buffer.from(text, 'base64');
}
