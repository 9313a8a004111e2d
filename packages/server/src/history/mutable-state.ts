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
  scheduledEventId: number;
  /** 0 until a poller picks it up. */
  startedEventId: number;
  attempt: number;
  scheduledTimeMs: number;
  startedTimeMs: number;
  requestId: string;
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
  lastWorkerIdentity: string;
  cancelRequested: boolean;
  cancelRequestedEventId: number;
  /** base64 ActivityTaskScheduledEventAttributes, for the poll response. */
  scheduledAttributes: string;
}

export interface BufferedEvent {
  /** base64 encoded HistoryEvent, without id and time. */
  data: string;
  /**
   * An activity close event whose `started_event_id` is the event just before
   * it; fixed up when the buffer is flushed and ids are known.
   */
  startedIsPrevious?: boolean;
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAtMs: number;
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
  historySizeBytes: number;
  stateTransitionCount: number;
  /** base64 Memo (absent in states written before it was kept). */
  memo?: string | null;
  /** base64 SearchAttributes, as upserted so far. */
  searchAttributes?: string | null;
}

export const SIGNAL_REQUEST_IDS_MAX = 1000;

export function isRunning(state: Pick<ExecutionState, 'status'>): boolean {
  return state.status === enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
}

export function serializeState(state: ExecutionState): string {
  return JSON.stringify(state);
}

export function parseState(text: string): ExecutionState {
  return JSON.parse(text) as ExecutionState;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Buffer {
  return Buffer.from(text, 'base64');
}
