/**
 * Workflow tasks: handing one to a poller (WorkflowTaskStarted + the history it
 * needs), completing it (commands → events, buffered events flushed, next task
 * scheduled when there is news), failing it and timing it out.
 */
import Long from 'long';
import { EventType, encodeEvent, enumValueName, enums, type proto } from '../common/proto.js';
import { assert, invalidArgument, notFound } from '../common/errors.js';
import { msToDuration, msToTimestamp } from '../common/time.js';
import type { WorkflowTaskState } from './mutable-state.js';
import type { TaskQueueTask } from '../persistence/store.js';
import type { ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { applyCommands, closesWorkflow, validateCommands, type CommandError } from './commands.js';
import { withRawHistory } from '../common/raw-history.js';
import { encodeTaskToken, type WorkflowTaskToken } from './task-token.js';
import type { WorkflowTaskTimeoutData } from './timer-tasks.js';
import { UpdateMessages, deliverUpdates, hasUndeliveredUpdates, isDiscardable, requestMessages, updateRegistry } from './updates.js';
import { clearSticky, historyStartEventId, setStickyFromCompletion, type PolledQueue } from './sticky.js';
import { commandSizeProblem } from './command-sizes.js';
import { HISTORY_SERVICE_IDENTITY } from './history-limits.js';
import { terminate_ } from './workflow-lifecycle.js';

type PollResponse = proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type CompletedRequest = proto.temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest;
type FailedRequest = proto.temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest;
const Cause = enums.WorkflowTaskFailedCause;

const TASK_RETRY_BACKOFF_INITIAL_MS = 1000;
const TASK_RETRY_BACKOFF_MAX_MS = 10 * 60_000;

/** Delay before workflow task attempt `attempt`: the first retry at once, then doubling from 1 s, capped. */
export function workflowTaskRetryDelayMs(attempt: number): number {
  if (attempt <= 2) return 0;
  return Math.min(TASK_RETRY_BACKOFF_INITIAL_MS * 2 ** (attempt - 3), TASK_RETRY_BACKOFF_MAX_MS);
}

/** A poller took the task: record WorkflowTaskStarted. Null when the task is stale. */
export async function recordWorkflowTaskStarted(
  es: ExecutionStore,
  task: TaskQueueTask,
  identity: string,
  requestId: string,
  polled?: PolledQueue,
): Promise<PollResponse | null> {
  const ref = { namespaceId: task.namespaceId, workflowId: task.workflowId, runId: task.runId };
  const started = await es.update(ref, (tx) => {
    const wt = tx.state.workflowTask;
    // Stale: nothing to record; the caller drops the task row.
    if (!tx.isRunning || !wt || wt.scheduledEventId !== task.scheduledEventId || wt.attempt !== task.attempt || wt.startedEventId > 0) {
      return null;
    }
    tx.doneTaskQueueTaskIds.push(task.id);
    return markWorkflowTaskStarted(tx, es, identity, requestId, polled);
  });
  if (started) es.metrics.workflowTaskStarted(started.startedTimeMs - started.scheduledTimeMs);
  return started && workflowTaskResponse(es, started);
}

/** What a started workflow task's poll response is made of, once its change is committed. */
export interface StartedWorkflowTask {
  token: Uint8Array;
  namespaceId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  previousStartedEventId: number;
  startedEventId: number;
  firstEventId: number;
  storedEventIdMax: number;
  transientEvents: Uint8Array[];
  attempt: number;
  scheduledTimeMs: number;
  startedTimeMs: number;
  /** Protocol messages (updates) delivered with the task. */
  messages: ReturnType<typeof requestMessages>;
}

/** Record the pending workflow task as started by `identity` (the caller checked it is pending). */
export function markWorkflowTaskStarted(
  tx: ExecutionTx,
  es: ExecutionStore,
  identity: string,
  requestId: string,
  polled: PolledQueue | undefined,
): StartedWorkflowTask {
  const s = tx.state;
  const wt = s.workflowTask!;
  const firstEventId = historyStartEventId(s, polled);
  const startedAttributes = {
    scheduledEventId: Long.fromNumber(wt.scheduledEventId),
    identity,
    requestId,
    historySizeBytes: Long.fromNumber(s.historySizeBytes),
    suggestContinueAsNew: s.nextEventId - 1 >= es.config.suggestContinueAsNewEvents || s.historySizeBytes >= es.config.suggestContinueAsNewBytes,
  };
  let transientEvents: Uint8Array[] = [];
  if (wt.transient) {
    // Shown to the worker, written only if this attempt completes.
    wt.transientScheduledEventId = s.nextEventId;
    wt.startedEventId = s.nextEventId + 1;
    transientEvents = transientTaskEvents(tx, wt, startedAttributes);
    tx.markDirty();
  } else {
    wt.startedEventId = tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      workflowTaskStartedEventAttributes: startedAttributes,
    });
  }
  wt.startedTimeMs = tx.nowMs;
  wt.requestId = requestId;
  tx.addTimer('workflow_task_timeout', tx.nowMs + s.workflowTaskTimeoutMs, {
    scheduledEventId: wt.scheduledEventId,
    attempt: wt.attempt,
    ...(tx.nodeId ? { node: tx.nodeId } : {}),
  } satisfies WorkflowTaskTimeoutData);
  return {
    token: encodeTaskToken({ k: 'wt', ns: s.namespaceId, wf: s.workflowId, run: s.runId, s: wt.scheduledEventId, a: wt.attempt }),
    namespaceId: s.namespaceId,
    workflowId: s.workflowId,
    runId: s.runId,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    previousStartedEventId: s.lastCompletedWorkflowTaskStartedEventId,
    startedEventId: wt.startedEventId,
    firstEventId,
    storedEventIdMax: s.nextEventId - 1,
    transientEvents,
    attempt: wt.attempt,
    scheduledTimeMs: wt.scheduledTimeMs,
    startedTimeMs: wt.startedTimeMs,
    messages: requestMessages(es, tx, wt),
  };
}

/** The poll response of a started task, with its history read from the store. */
export async function workflowTaskResponse(es: ExecutionStore, started: StartedWorkflowTask): Promise<PollResponse> {
  const stored = await es.readEvents(started.namespaceId, started.runId, started.firstEventId, started.storedEventIdMax);
  return withRawHistory<PollResponse>({
    taskToken: started.token,
    workflowExecution: { workflowId: started.workflowId, runId: started.runId },
    workflowType: { name: started.workflowType },
    previousStartedEventId: Long.fromNumber(started.previousStartedEventId),
    startedEventId: Long.fromNumber(started.startedEventId),
    attempt: started.attempt,
    workflowExecutionTaskQueue: { name: started.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    scheduledTime: msToTimestamp(started.scheduledTimeMs),
    startedTime: msToTimestamp(started.startedTimeMs),
    messages: started.messages,
  }, [...stored, ...started.transientEvents]);
}

type StartedAttributes = proto.temporal.api.history.v1.IWorkflowTaskStartedEventAttributes;

/** The Scheduled and Started events of a transient attempt, with the ids they get if it completes. */
function transientTaskEvents(tx: ExecutionTx, wt: WorkflowTaskState, started: StartedAttributes): Uint8Array[] {
  const time = msToTimestamp(tx.nowMs);
  const scheduledId = wt.transientScheduledEventId!;
  return [
    encodeEvent({
      eventId: Long.fromNumber(scheduledId),
      eventTime: time,
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      workflowTaskScheduledEventAttributes: scheduledAttributes(tx, wt),
    }),
    encodeEvent({
      eventId: Long.fromNumber(scheduledId + 1),
      eventTime: time,
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      workflowTaskStartedEventAttributes: { ...started, scheduledEventId: Long.fromNumber(scheduledId) },
    }),
  ];
}

function scheduledAttributes(tx: ExecutionTx, wt: WorkflowTaskState) {
  return {
    taskQueue: { name: tx.state.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    startToCloseTimeout: msToDuration(tx.state.workflowTaskTimeoutMs),
    attempt: wt.attempt,
  };
}

/** A transient attempt completed: its Scheduled and Started events go into history now, before its Completed. */
function persistTransientTask(tx: ExecutionTx, wt: WorkflowTaskState): void {
  assert(tx.state.nextEventId === wt.transientScheduledEventId, 'history moved under a transient workflow task');
  const scheduledId = tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    workflowTaskScheduledEventAttributes: scheduledAttributes(tx, wt),
  });
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    workflowTaskStartedEventAttributes: {
      scheduledEventId: Long.fromNumber(scheduledId),
      requestId: wt.requestId,
      historySizeBytes: Long.fromNumber(tx.state.historySizeBytes),
    },
  });
  wt.scheduledEventId = scheduledId;
  wt.transient = false;
}

function requireStartedTask(tx: ExecutionTx, token: WorkflowTaskToken) {
  if (!tx.isRunning) throw notFound('workflow execution already completed');
  const wt = tx.state.workflowTask;
  if (!wt || wt.scheduledEventId !== token.s || wt.attempt !== token.a || wt.startedEventId === 0) {
    throw notFound('workflow task not found: it timed out or was already answered');
  }
  return wt;
}

/**
 * Outcome of a completion the server could not accept as sent. The failure
 * is committed; the caller then answers the worker with this error.
 */
export type CompletionOutcome =
  | {
      ok: true;
      activityTasks: proto.temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse[];
      /** The task was dropped (speculative, changed nothing): the worker rewinds to this started event. */
      resetHistoryEventId?: number;
    }
  | { ok: false; error: Error };

export async function completeWorkflowTask(
  es: ExecutionStore,
  token: WorkflowTaskToken,
  req: CompletedRequest,
): Promise<CompletionOutcome> {
  const ref = { namespaceId: token.ns, workflowId: token.wf, runId: token.run };
  let updates: UpdateMessages | null = null;
  let scheduledTimeMs = 0;
  const outcome = await es.update(ref, (tx): CompletionOutcome => {
    const wt = requireStartedTask(tx, token);
    scheduledTimeMs = wt.scheduledTimeMs;
    const commands = req.commands ?? [];
    const identity = req.identity ?? '';
    // New events arrived while the worker decided to close: it must see them first.
    if (tx.state.bufferedEvents.length > 0 && closesWorkflow(commands)) {
      failTask(tx, { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, message: 'UnhandledCommand' }, identity, false);
      return { ok: false, error: invalidArgument('UnhandledCommand') };
    }
    if (closesWorkflow(commands) && hasUndeliveredUpdates(es, tx.state, wt)) {
      failTask(tx, { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_UPDATE, message: 'UnhandledUpdate' }, identity, false);
      return { ok: false, error: invalidArgument('UnhandledUpdate') };
    }
    const checked = UpdateMessages.read(es, tx.state, req.messages ?? [], commands);
    const problem = 'cause' in checked ? checked : commandProblem(es, tx, commands);
    if (problem) {
      failTask(tx, problem, identity, true);
      return { ok: false, error: invalidArgument(problem.terminate ? causedMessage(problem) : problem.message) };
    }
    updates = checked as UpdateMessages;
    if (isDiscardable(tx.state, wt, commands, updates, !!req.forceCreateNewWorkflowTask)) {
      // A speculative task that only rejected updates leaves history as it was.
      tx.state.workflowTask = null;
      tx.markDirty();
      updates.finish(tx, wt);
      deliverUpdates(tx, updateRegistry(es), updates.answeredIds);
      return { ok: true, activityTasks: [], resetHistoryEventId: tx.state.lastCompletedWorkflowTaskStartedEventId };
    }
    if (wt.transient) persistTransientTask(tx, wt);
    const completedEventId = tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      workflowTaskCompletedEventAttributes: {
        scheduledEventId: Long.fromNumber(wt.scheduledEventId),
        startedEventId: Long.fromNumber(wt.startedEventId),
        identity,
        binaryChecksum: req.binaryChecksum,
        sdkMetadata: req.sdkMetadata,
        meteringMetadata: req.meteringMetadata,
        // We advertise no build-id versioning, so workers send their build id as the binary checksum only;
        // the stamp is where Temporal's core reads it back on replay (workflowInfo().currentBuildId).
        workerVersion: req.workerVersionStamp ?? (req.binaryChecksum ? { buildId: req.binaryChecksum } : null),
      },
    });
    tx.state.lastCompletedWorkflowTaskStartedEventId = wt.startedEventId;
    tx.state.workflowTask = null;
    setStickyFromCompletion(tx.state, req.stickyAttributes);
    const hadBuffered = tx.state.bufferedEvents.length > 0;
    const applied = applyCommands(tx, commands, completedEventId, identity, updates);
    updates.finish(tx, wt);
    if (!tx.isRunning) return { ok: true, activityTasks: [] };
    tx.flushBufferedEvents();
    if (hadBuffered || applied.needsWorkflowTask || req.forceCreateNewWorkflowTask) tx.ensureWorkflowTask();
    deliverUpdates(tx, updateRegistry(es), updates.answeredIds);
    return { ok: true, activityTasks: applied.activityTasks };
  });
  (updates as UpdateMessages | null)?.committed(ref);
  if (outcome.ok) {
    es.metrics.workflowTaskCompleted(es.clock.nowMs() - scheduledTimeMs);
    // Activities started eagerly in this completion waited for no poll.
    for (let i = 0; i < outcome.activityTasks.length; i++) es.metrics.activityTaskStarted(0);
  }
  return outcome;
}

/** Sizes first (a too-large payload ends the run whatever else is wrong), then each command's attributes and limits. */
function commandProblem(es: ExecutionStore, tx: ExecutionTx, commands: proto.temporal.api.command.v1.ICommand[]): CommandError | null {
  const sizes = { blobSizeMaxBytes: es.config.payloadSizeMaxBytes, limits: es.config.limits };
  return (
    commandSizeProblem(tx, commands, sizes) ??
    validateCommands(tx, commands, es.config.idLengthMax, es.namespaces.byId(tx.state.namespaceId), es.config.limits)
  );
}

/** Temporal's message of a failed task's cause: `BadScheduleActivityAttributes: ScheduleActivityTaskCommandAttributes.Input exceeds size limit.` */
function causedMessage(problem: CommandError): string {
  return `${enumValueName(Cause, problem.cause, 'WORKFLOW_TASK_FAILED_CAUSE_')}: ${problem.message}`;
}

export async function failWorkflowTask(es: ExecutionStore, token: WorkflowTaskToken, req: FailedRequest): Promise<void> {
  const ref = { namespaceId: token.ns, workflowId: token.wf, runId: token.run };
  await es.update(ref, (tx) => {
    requireStartedTask(tx, token);
    const cause = req.cause ?? Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED;
    failTask(tx, { cause, message: req.failure?.message ?? '' }, req.identity ?? '', true, req.failure);
  });
}

/**
 * The first failed attempt writes WorkflowTaskFailed; later attempts are
 * transient (see `scheduleTransientWorkflowTask`). What was buffered is
 * written either way. `nextAttempt` false starts over at attempt 1, in history
 * (the worker only needs to see new events).
 */
function failTask(
  tx: ExecutionTx,
  problem: CommandError,
  identity: string,
  nextAttempt: boolean,
  failure?: proto.temporal.api.failure.v1.IFailure | null,
): void {
  const wt = tx.state.workflowTask!;
  // A speculative task that fails is kept in history, as Temporal does.
  if (wt.speculativeBaseEventId !== undefined && wt.transient) persistTransientTask(tx, wt);
  tx.noteLog('warn', 'workflow task failed', {
    attempt: wt.attempt,
    cause: enumValueName(Cause, problem.cause, 'WORKFLOW_TASK_FAILED_CAUSE_'),
    message: problem.message,
    identity,
  });
  if (!wt.transient) {
    tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      workflowTaskFailedEventAttributes: {
        scheduledEventId: Long.fromNumber(wt.scheduledEventId),
        startedEventId: Long.fromNumber(wt.startedEventId),
        cause: problem.cause,
        failure: failure ?? {
          message: problem.terminate ? causedMessage(problem) : problem.message,
          source: 'Server',
          applicationFailureInfo: { type: 'WorkflowTaskFailed' },
        },
        identity,
      },
    });
  }
  tx.state.workflowTask = null;
  tx.flushBufferedEvents();
  if (problem.terminate) {
    terminate_(tx, causedMessage(problem), null, HISTORY_SERVICE_IDENTITY);
    return;
  }
  // Temporal's rule: a sticky run first retries at attempt 1 on the normal queue.
  const wasSticky = clearSticky(tx.state);
  scheduleRetry(tx, nextAttempt && !wasSticky ? wt.attempt + 1 : 1);
}

function scheduleRetry(tx: ExecutionTx, attempt: number): void {
  if (attempt === 1) tx.scheduleWorkflowTask(1);
  else tx.scheduleTransientWorkflowTask(attempt, workflowTaskRetryDelayMs(attempt));
}

export function onWorkflowTaskTimeout(tx: ExecutionTx, timerId: number, data: WorkflowTaskTimeoutData): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  const wt = tx.state.workflowTask;
  if (!tx.isRunning || !wt || wt.scheduledEventId !== data.scheduledEventId || wt.attempt !== data.attempt) return;
  if (wt.startedEventId === 0) return;
  timeOutStartedWorkflowTask(tx, wt);
}

/** The started task `wt` is over its start-to-close limit (or known lost): time it out and retry. */
export function timeOutStartedWorkflowTask(tx: ExecutionTx, wt: WorkflowTaskState): void {
  tx.markDirty();
  tx.noteLog('warn', 'workflow task timed out', { attempt: wt.attempt, timeoutType: 'StartToClose' });
  if (wt.speculativeBaseEventId !== undefined && wt.transient) persistTransientTask(tx, wt);
  if (!wt.transient) {
    tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
      workflowTaskTimedOutEventAttributes: {
        scheduledEventId: Long.fromNumber(wt.scheduledEventId),
        startedEventId: Long.fromNumber(wt.startedEventId),
        timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
      },
    });
  }
  tx.state.workflowTask = null;
  tx.flushBufferedEvents();
  scheduleRetry(tx, clearSticky(tx.state) ? 1 : wt.attempt + 1);
}

/** A transient attempt's backoff is over: hand it to matching. */
export function onWorkflowTaskRetry(tx: ExecutionTx, timerId: number, data: WorkflowTaskTimeoutData): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  const wt = tx.state.workflowTask;
  if (!tx.isRunning || !wt || wt.scheduledEventId !== data.scheduledEventId || wt.attempt !== data.attempt || wt.startedEventId > 0) return;
  wt.scheduledTimeMs = tx.nowMs;
  tx.addTaskQueueTask('workflow', tx.state.taskQueue, wt.scheduledEventId, wt.attempt);
}
