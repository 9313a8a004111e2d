/**
 * Activities: scheduling (from a workflow command), dispatch to a poller,
 * heartbeats, results, server-side retries, the four timeouts, cancellation.
 *
 * An attempt writes no events while it runs: ActivityTaskStarted is written
 * together with the activity's close event (as Temporal does), so retries
 * leave no trace in history but the final attempt number and last failure.
 */
import Long from 'long';
import { EventType, enums, temporal, type IFailure, type IPayloads, type IRetryPolicy, type proto } from '../common/proto.js';
import { notFound } from '../common/errors.js';
import { durationMs, msToDuration, msToTimestamp } from '../common/time.js';
import type { TaskQueueTask } from '../persistence/store.js';
import type { ExecutionStore, ExecutionRef } from './engine.js';
import type { EventInput, ExecutionTx } from './execution-tx.js';
import { fromBase64, toBase64, type ActivityState, type RetryPolicyState } from './mutable-state.js';
import { normalizeRetryPolicy, retryDelayMs } from './retry.js';
import { encodeTaskToken, type ActivityTaskToken } from './task-token.js';
import type { ActivityRetryData, ActivityTimeoutData } from './timer-tasks.js';

type ScheduleAttributes = proto.temporal.api.command.v1.IScheduleActivityTaskCommandAttributes;
type PollResponse = proto.temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;
type IUserMetadata = proto.temporal.api.sdk.v1.IUserMetadata;

const TimeoutType = enums.TimeoutType;
const RetryState = enums.RetryState;
const ScheduledAttributes = temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
const Payloads = temporal.api.common.v1.Payloads;
const Failure = temporal.api.failure.v1.Failure;

interface ActivityTimeouts {
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatTimeoutMs: number;
}

/** Temporal's timeout rules; returns an error message when none is usable. */
export function normalizeActivityTimeouts(attrs: ScheduleAttributes, runTimeoutMs: number): ActivityTimeouts | string {
  let scheduleToCloseMs = durationMs(attrs.scheduleToCloseTimeout);
  let scheduleToStartMs = durationMs(attrs.scheduleToStartTimeout);
  let startToCloseMs = durationMs(attrs.startToCloseTimeout);
  let heartbeatTimeoutMs = durationMs(attrs.heartbeatTimeout);
  if (scheduleToCloseMs < 0 || scheduleToStartMs < 0 || startToCloseMs < 0 || heartbeatTimeoutMs < 0) {
    return 'activity timeouts cannot be negative';
  }
  if (scheduleToCloseMs === 0 && startToCloseMs === 0) {
    return 'a valid start_to_close_timeout or schedule_to_close_timeout is not set on ScheduleActivityTaskCommand';
  }
  if (runTimeoutMs > 0 && (scheduleToCloseMs === 0 || scheduleToCloseMs > runTimeoutMs)) scheduleToCloseMs = runTimeoutMs;
  if (scheduleToCloseMs > 0) {
    if (scheduleToStartMs === 0 || scheduleToStartMs > scheduleToCloseMs) scheduleToStartMs = scheduleToCloseMs;
    if (startToCloseMs === 0 || startToCloseMs > scheduleToCloseMs) startToCloseMs = scheduleToCloseMs;
  }
  if (heartbeatTimeoutMs > startToCloseMs) heartbeatTimeoutMs = startToCloseMs;
  return { scheduleToCloseMs, scheduleToStartMs, startToCloseMs, heartbeatTimeoutMs };
}

/** Check a ScheduleActivityTask command without changing anything. */
export function validateScheduleActivity(attrs: ScheduleAttributes, runTimeoutMs: number): string | null {
  if (!attrs.activityId) return 'activity_id is not set on ScheduleActivityTaskCommand';
  if (!attrs.activityType?.name) return 'activity_type is not set on ScheduleActivityTaskCommand';
  const timeouts = normalizeActivityTimeouts(attrs, runTimeoutMs);
  if (typeof timeouts === 'string') return timeouts;
  const retry = normalizeRetryPolicy(attrs.retryPolicy);
  return typeof retry === 'string' ? retry : null;
}

/**
 * Schedule an activity; its command's `userMetadata` (a summary) goes onto the
 * scheduled event. With `eagerFor` (the identity of the worker completing the
 * workflow task), the first attempt starts at once and its task is returned in
 * the workflow-task completion, skipping a poll round trip (Temporal's eager
 * activity dispatch); otherwise it waits in its task queue.
 */
export function scheduleActivity(
  tx: ExecutionTx,
  attrs: ScheduleAttributes,
  completedEventId: number,
  options: { eagerFor?: string | undefined; userMetadata?: IUserMetadata | null } = {},
): PollResponse | null {
  const { eagerFor, userMetadata } = options;
  const s = tx.state;
  const timeouts = normalizeActivityTimeouts(attrs, s.runTimeoutMs) as ActivityTimeouts;
  const retry = normalizeRetryPolicy(attrs.retryPolicy) as Exclude<ReturnType<typeof normalizeRetryPolicy>, string>;
  const taskQueue = attrs.taskQueue?.name || s.taskQueue;
  const eventAttrs: proto.temporal.api.history.v1.IActivityTaskScheduledEventAttributes = {
    activityId: attrs.activityId,
    activityType: attrs.activityType,
    taskQueue: { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    header: attrs.header,
    input: attrs.input,
    scheduleToCloseTimeout: msToDuration(timeouts.scheduleToCloseMs),
    scheduleToStartTimeout: msToDuration(timeouts.scheduleToStartMs),
    startToCloseTimeout: msToDuration(timeouts.startToCloseMs),
    heartbeatTimeout: msToDuration(timeouts.heartbeatTimeoutMs),
    workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
    retryPolicy: retryPolicyProto(retry),
    useWorkflowBuildId: attrs.useWorkflowBuildId,
    priority: attrs.priority,
  };
  const scheduledEventId = tx.appendEvent({
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    activityTaskScheduledEventAttributes: eventAttrs,
    userMetadata,
  });
  const a = activityStateFrom(scheduledEventId, eventAttrs, tx.nowMs);
  s.activities[scheduledEventId] = a;
  if (a.scheduleToCloseMs > 0) {
    addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, a.scheduledTimeMs + a.scheduleToCloseMs);
  }
  if (eagerFor !== undefined) return startAttempt(tx, a, eagerFor, `eager-${a.scheduledEventId}-${a.attempt}`);
  makeDispatchable(tx, a);
  return null;
}

/** A normalized retry policy as the protocol carries it. */
export function retryPolicyProto(retry: RetryPolicyState): IRetryPolicy {
  return {
    initialInterval: msToDuration(retry.initialIntervalMs),
    backoffCoefficient: retry.backoffCoefficient,
    maximumInterval: msToDuration(retry.maximumIntervalMs),
    maximumAttempts: retry.maximumAttempts,
    nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
  };
}

/** Mutable state of an activity as its ActivityTaskScheduled event describes it, before its first attempt. */
function activityStateFrom(
  scheduledEventId: number,
  eventAttrs: proto.temporal.api.history.v1.IActivityTaskScheduledEventAttributes,
  nowMs: number,
): ActivityState {
  const retry = normalizeRetryPolicy(eventAttrs.retryPolicy) as Exclude<ReturnType<typeof normalizeRetryPolicy>, string>;
  return {
    scheduledEventId,
    activityId: eventAttrs.activityId!,
    activityType: eventAttrs.activityType!.name!,
    taskQueue: eventAttrs.taskQueue!.name!,
    scheduledTimeMs: nowMs,
    attempt: 1,
    attemptScheduledTimeMs: nowMs,
    startedTimeMs: 0,
    startedIdentity: '',
    startedRequestId: '',
    scheduleToCloseMs: durationMs(eventAttrs.scheduleToCloseTimeout),
    scheduleToStartMs: durationMs(eventAttrs.scheduleToStartTimeout),
    startToCloseMs: durationMs(eventAttrs.startToCloseTimeout),
    heartbeatTimeoutMs: durationMs(eventAttrs.heartbeatTimeout),
    retry,
    heartbeatDetails: null,
    lastHeartbeatMs: 0,
    lastFailure: null,
    lastWorkerIdentity: '',
    cancelRequested: false,
    cancelRequestedEventId: 0,
    scheduledAttributes: toBase64(ScheduledAttributes.encode(eventAttrs).finish()),
  };
}

/**
 * An activity scheduled in copied history (a reset run) and not finished
 * there: tracked again and dispatched afresh, its timeouts counted from now.
 */
export function restoreActivity(
  tx: ExecutionTx,
  scheduledEventId: number,
  eventAttrs: proto.temporal.api.history.v1.IActivityTaskScheduledEventAttributes,
): void {
  const a = activityStateFrom(scheduledEventId, eventAttrs, tx.nowMs);
  tx.state.activities[scheduledEventId] = a;
  if (a.scheduleToCloseMs > 0) {
    addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, a.scheduledTimeMs + a.scheduleToCloseMs);
  }
  makeDispatchable(tx, a);
}

/** Make the current attempt dispatchable after `delayMs` (at once when 0). */
export function dispatchAttempt(tx: ExecutionTx, a: ActivityState, delayMs: number): void {
  a.attemptScheduledTimeMs = tx.nowMs + delayMs;
  tx.markDirty();
  if (delayMs <= 0) makeDispatchable(tx, a);
  else tx.addTimer('activity_retry', a.attemptScheduledTimeMs, { scheduledEventId: a.scheduledEventId, attempt: a.attempt });
}

function makeDispatchable(tx: ExecutionTx, a: ActivityState): void {
  tx.addTaskQueueTask('activity', a.taskQueue, a.scheduledEventId, a.attempt);
  // Schedule-to-close already bounds the wait when it is the same limit.
  if (a.scheduleToStartMs > 0 && a.scheduleToStartMs !== a.scheduleToCloseMs) {
    addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, tx.nowMs + a.scheduleToStartMs);
  }
}

export function addActivityTimer(tx: ExecutionTx, a: ActivityState, timeoutType: number, fireAtMs: number): void {
  tx.addTimer('activity_timeout', fireAtMs, {
    scheduledEventId: a.scheduledEventId,
    attempt: a.attempt,
    timeoutType,
  } satisfies ActivityTimeoutData);
}

/** A poller took the task: start the attempt. Null when the task is stale. */
export async function recordActivityTaskStarted(
  es: ExecutionStore,
  task: TaskQueueTask,
  identity: string,
  requestId: string,
): Promise<PollResponse | null> {
  const ref = { namespaceId: task.namespaceId, workflowId: task.workflowId, runId: task.runId };
  let waitedMs = 0;
  const response = await es.update(ref, (tx): PollResponse | null => {
    const a = tx.state.activities[task.scheduledEventId];
    // Stale: nothing to record; the caller drops the task row.
    // A paused activity starts nothing; one moved to another task queue is started from there.
    if (!tx.isRunning || !a || a.attempt !== task.attempt || a.startedTimeMs > 0 || a.paused || task.taskQueue !== a.taskQueue) {
      return null;
    }
    tx.doneTaskQueueTaskIds.push(task.id);
    waitedMs = tx.nowMs - a.attemptScheduledTimeMs;
    return startAttempt(tx, a, identity, requestId);
  });
  if (response) es.metrics.activityTaskStarted(waitedMs);
  return response;
}

/** Start the current attempt: its start-to-close and heartbeat timers, and the task a worker runs. */
function startAttempt(tx: ExecutionTx, a: ActivityState, identity: string, requestId: string): PollResponse {
  a.startedTimeMs = tx.nowMs;
  a.startedIdentity = identity;
  a.startedRequestId = requestId;
  a.lastWorkerIdentity = identity;
  a.lastHeartbeatMs = 0;
  addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, tx.nowMs + a.startToCloseMs);
  if (a.heartbeatTimeoutMs > 0) {
    addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_HEARTBEAT, tx.nowMs + a.heartbeatTimeoutMs);
  }
  const scheduled = ScheduledAttributes.decode(fromBase64(a.scheduledAttributes));
  const s = tx.state;
  return {
    taskToken: encodeTaskToken({
      k: 'at',
      ns: s.namespaceId,
      wf: s.workflowId,
      run: s.runId,
      s: a.scheduledEventId,
      a: a.attempt,
      activityId: a.activityId,
    }),
    workflowNamespace: s.namespace,
    workflowType: { name: s.workflowType },
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    activityType: scheduled.activityType,
    activityId: a.activityId,
    header: scheduled.header,
    input: scheduled.input,
    heartbeatDetails: a.heartbeatDetails ? Payloads.decode(fromBase64(a.heartbeatDetails)) : null,
    scheduledTime: msToTimestamp(a.scheduledTimeMs),
    currentAttemptScheduledTime: msToTimestamp(a.attemptScheduledTimeMs),
    startedTime: msToTimestamp(a.startedTimeMs),
    attempt: a.attempt,
    // The current options: UpdateActivityOptions may have changed those the activity was scheduled with.
    scheduleToCloseTimeout: msToDuration(a.scheduleToCloseMs),
    startToCloseTimeout: msToDuration(a.startToCloseMs),
    heartbeatTimeout: msToDuration(a.heartbeatTimeoutMs),
    retryPolicy: retryPolicyProto(a.retry),
  };
}

/** Run `fn` on the running attempt the token names; NOT_FOUND when it moved on. */
export function updateActivity<T>(
  es: ExecutionStore,
  token: ActivityTaskToken,
  fn: (tx: ExecutionTx, a: ActivityState) => T,
): Promise<T> {
  const ref = { namespaceId: token.ns, workflowId: token.wf, runId: token.run };
  return es.update(ref, (tx) => {
    if (!tx.isRunning) throw notFound('workflow execution already completed');
    const a = tx.state.activities[token.s];
    if (!a || a.attempt !== token.a || a.startedTimeMs === 0) {
      throw notFound('activity task not found: it completed, timed out or was retried');
    }
    return fn(tx, a);
  });
}

/** Token for the ...ById calls: the activity's current attempt in the given run. */
export async function activityTokenById(
  es: ExecutionStore,
  ref: ExecutionRef,
  activityId: string,
): Promise<ActivityTaskToken> {
  const state = await es.read(ref);
  const a = Object.values(state.activities).find((x) => x.activityId === activityId);
  if (!a) throw notFound(`activity not found: activity_id ${activityId}`);
  return { k: 'at', ns: state.namespaceId, wf: state.workflowId, run: state.runId, s: a.scheduledEventId, a: a.attempt };
}

/** What a heartbeat tells the running attempt: stop because of a cancel, a pause or a reset. */
export interface HeartbeatAnswer {
  cancelRequested: boolean;
  activityPaused: boolean;
  activityReset: boolean;
}

export function recordHeartbeat(tx: ExecutionTx, a: ActivityState, details: IPayloads | null | undefined): HeartbeatAnswer {
  a.heartbeatDetails = details ? toBase64(Payloads.encode(details).finish()) : null;
  a.lastHeartbeatMs = tx.nowMs;
  tx.markDirty();
  return { cancelRequested: a.cancelRequested, activityPaused: !!a.paused, activityReset: !!a.resetRequested };
}

export function completeActivity(tx: ExecutionTx, a: ActivityState, result: IPayloads | null | undefined, identity: string): void {
  closeActivity(tx, a, true, {
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    activityTaskCompletedEventAttributes: { result, scheduledEventId: Long.fromNumber(a.scheduledEventId), identity },
  });
}

export function failActivity(
  tx: ExecutionTx,
  a: ActivityState,
  failure: IFailure | null | undefined,
  lastHeartbeatDetails: IPayloads | null | undefined,
  identity: string,
): void {
  if (lastHeartbeatDetails) recordHeartbeat(tx, a, lastHeartbeatDetails);
  const f = failure ?? { message: 'activity failed without a failure', source: 'Endure' };
  const retryState = retryActivity(tx, a, f);
  if (retryState === RetryState.RETRY_STATE_IN_PROGRESS) return;
  closeActivity(tx, a, true, {
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    activityTaskFailedEventAttributes: {
      failure: f,
      scheduledEventId: Long.fromNumber(a.scheduledEventId),
      identity,
      retryState,
    },
  });
}

export function cancelActivity(tx: ExecutionTx, a: ActivityState, details: IPayloads | null | undefined, identity: string): void {
  closeActivity(tx, a, true, {
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    activityTaskCanceledEventAttributes: {
      details,
      latestCancelRequestedEventId: Long.fromNumber(a.cancelRequestedEventId),
      scheduledEventId: Long.fromNumber(a.scheduledEventId),
      identity,
    },
  });
}

/** The workflow asked to cancel: at once if no attempt runs, else via the next heartbeat. */
export function requestCancelActivity(tx: ExecutionTx, a: ActivityState, completedEventId: number): boolean {
  a.cancelRequestedEventId = tx.appendEvent({
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
    activityTaskCancelRequestedEventAttributes: {
      scheduledEventId: Long.fromNumber(a.scheduledEventId),
      workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
    },
  });
  a.cancelRequested = true;
  if (a.startedTimeMs > 0) return false;
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    activityTaskCanceledEventAttributes: {
      latestCancelRequestedEventId: Long.fromNumber(a.cancelRequestedEventId),
      scheduledEventId: Long.fromNumber(a.scheduledEventId),
      startedEventId: Long.fromNumber(0),
    },
  });
  delete tx.state.activities[a.scheduledEventId];
  return true;
}

/**
 * Schedule the next attempt if the policy allows; returns RETRY_STATE_IN_PROGRESS
 * when it did, otherwise why not (written on the close event).
 */
function retryActivity(tx: ExecutionTx, a: ActivityState, failure: IFailure): number {
  const info = failure.applicationFailureInfo;
  if (a.cancelRequested) return RetryState.RETRY_STATE_CANCEL_REQUESTED;
  if (info?.nonRetryable) return RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
  if (info?.type && a.retry.nonRetryableErrorTypes.includes(info.type)) return RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
  // A reset during the attempt counts attempts from 1 again.
  const ended = a.resetRequested ? 0 : a.attempt;
  if (a.paused) {
    // As Temporal does: the next attempt is counted but waits for UnpauseActivity.
    beginNextAttempt(tx, a, ended, failure);
    return RetryState.RETRY_STATE_IN_PROGRESS;
  }
  if (a.retry.maximumAttempts > 0 && ended >= a.retry.maximumAttempts) {
    return RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED;
  }
  const delayMs = durationMs(info?.nextRetryDelay) || retryDelayMs(a.retry, Math.max(ended, 1));
  if (a.scheduleToCloseMs > 0 && tx.nowMs + delayMs >= a.scheduledTimeMs + a.scheduleToCloseMs) {
    return RetryState.RETRY_STATE_TIMEOUT;
  }
  beginNextAttempt(tx, a, ended, failure);
  a.retryIntervalMs = delayMs;
  dispatchAttempt(tx, a, delayMs);
  return RetryState.RETRY_STATE_IN_PROGRESS;
}

function beginNextAttempt(tx: ExecutionTx, a: ActivityState, ended: number, failure: IFailure): void {
  a.attempt = ended + 1;
  a.startedTimeMs = 0;
  a.startedIdentity = '';
  a.startedRequestId = '';
  a.lastFailure = toBase64(Failure.encode(failure).finish());
  if (a.resetHeartbeats) {
    a.heartbeatDetails = null;
    a.lastHeartbeatMs = 0;
  }
  a.resetRequested = false;
  a.resetHeartbeats = false;
  tx.markDirty();
}

/** Write Started (when an attempt ran) and the close event, then wake the workflow. */
function closeActivity(tx: ExecutionTx, a: ActivityState, started: boolean, closeEvent: EventInput): void {
  if (started) {
    tx.addExternalEvent({
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      activityTaskStartedEventAttributes: {
        scheduledEventId: Long.fromNumber(a.scheduledEventId),
        identity: a.startedIdentity,
        requestId: a.startedRequestId,
        attempt: a.attempt,
        lastFailure: a.lastFailure ? Failure.decode(fromBase64(a.lastFailure)) : null,
      },
    });
  }
  tx.addExternalEvent(closeEvent, started);
  delete tx.state.activities[a.scheduledEventId];
  tx.ensureWorkflowTask();
}

export function onActivityRetry(tx: ExecutionTx, timerId: number, data: ActivityRetryData): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  const a = tx.state.activities[data.scheduledEventId];
  if (!tx.isRunning || !a || a.attempt !== data.attempt || a.startedTimeMs > 0 || a.paused) return;
  makeDispatchable(tx, a);
}

export function onActivityTimeout(tx: ExecutionTx, timerId: number, data: ActivityTimeoutData): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  const a = tx.state.activities[data.scheduledEventId];
  if (!tx.isRunning || !a) return;
  switch (data.timeoutType) {
    case TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE:
      // UpdateActivityOptions may have moved the deadline (its own timer then fires at the new one).
      if (a.scheduleToCloseMs > 0 && tx.nowMs >= a.scheduledTimeMs + a.scheduleToCloseMs) timeOut(tx, a, data.timeoutType, false);
      return;
    case TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START:
      if (a.attempt === data.attempt && a.startedTimeMs === 0) timeOut(tx, a, data.timeoutType, false);
      return;
    case TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE:
      if (a.attempt === data.attempt && a.startedTimeMs > 0 && tx.nowMs >= a.startedTimeMs + a.startToCloseMs) {
        timeOut(tx, a, data.timeoutType, true);
      }
      return;
    case TimeoutType.TIMEOUT_TYPE_HEARTBEAT: {
      // No heartbeat timeout any more (UpdateActivityOptions removed it): nothing to enforce.
      if (a.attempt !== data.attempt || a.startedTimeMs === 0 || a.heartbeatTimeoutMs === 0) return;
      const deadlineMs = Math.max(a.startedTimeMs, a.lastHeartbeatMs) + a.heartbeatTimeoutMs;
      if (deadlineMs > tx.nowMs) addActivityTimer(tx, a, data.timeoutType, deadlineMs);
      else timeOut(tx, a, data.timeoutType, true);
      return;
    }
  }
}

function timeOut(tx: ExecutionTx, a: ActivityState, timeoutType: number, retryable: boolean): void {
  const name = TIMEOUT_NAMES[timeoutType] ?? 'Unknown';
  const failure: IFailure = {
    message: `activity ${name} timeout`,
    source: 'Server',
    timeoutFailureInfo: {
      timeoutType,
      lastHeartbeatDetails: a.heartbeatDetails ? Payloads.decode(fromBase64(a.heartbeatDetails)) : null,
    },
  };
  const retryState = retryable ? retryActivity(tx, a, failure) : RetryState.RETRY_STATE_TIMEOUT;
  if (retryState === RetryState.RETRY_STATE_IN_PROGRESS) return;
  if (a.lastFailure && !retryable) failure.cause = Failure.decode(fromBase64(a.lastFailure));
  closeActivity(tx, a, a.startedTimeMs > 0, {
    eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    activityTaskTimedOutEventAttributes: {
      failure,
      scheduledEventId: Long.fromNumber(a.scheduledEventId),
      startedEventId: Long.fromNumber(0),
      retryState,
    },
  });
}

const TIMEOUT_NAMES: Record<number, string> = {
  [TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE]: 'StartToClose',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'ScheduleToStart',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
  [TimeoutType.TIMEOUT_TYPE_HEARTBEAT]: 'Heartbeat',
};
