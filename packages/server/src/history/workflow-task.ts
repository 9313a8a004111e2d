/**
 * Workflow tasks: handing one to a poller (WorkflowTaskStarted + the history it
 * needs), completing it (commands → events, buffered events flushed, next task
 * scheduled when there is news), failing it and timing it out.
 */
import Long from 'long';
import { EventType, enums, type proto } from '../common/proto.js';
import { invalidArgument, notFound } from '../common/errors.js';
import { msToTimestamp } from '../common/time.js';
import type { TaskQueueTask } from '../persistence/store.js';
import type { ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { applyCommands, closesWorkflow, validateCommands, type CommandError } from './commands.js';
import { readHistoryEventBytes } from './history-reader.js';
import { withRawHistory } from '../common/raw-history.js';
import { encodeTaskToken, type WorkflowTaskToken } from './task-token.js';
import type { WorkflowTaskTimeoutData } from './timer-tasks.js';

type PollResponse = proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type CompletedRequest = proto.temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest;
type FailedRequest = proto.temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest;
const Cause = enums.WorkflowTaskFailedCause;

/** A poller took the task: record WorkflowTaskStarted. Null when the task is stale. */
export async function recordWorkflowTaskStarted(
  es: ExecutionStore,
  task: TaskQueueTask,
  identity: string,
  requestId: string,
): Promise<PollResponse | null> {
  const ref = { namespaceId: task.namespaceId, workflowId: task.workflowId, runId: task.runId };
  const started = await es.update(ref, (tx) => {
    const s = tx.state;
    const wt = s.workflowTask;
    // Stale: nothing to record; the caller drops the task row.
    if (!tx.isRunning || !wt || wt.scheduledEventId !== task.scheduledEventId || wt.startedEventId > 0) return null;
    tx.doneTaskQueueTaskIds.push(task.id);
    wt.startedEventId = tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      workflowTaskStartedEventAttributes: {
        scheduledEventId: Long.fromNumber(wt.scheduledEventId),
        identity,
        requestId,
        historySizeBytes: Long.fromNumber(s.historySizeBytes),
      },
    });
    wt.startedTimeMs = tx.nowMs;
    wt.requestId = requestId;
    tx.addTimer('workflow_task_timeout', tx.nowMs + s.workflowTaskTimeoutMs, {
      scheduledEventId: wt.scheduledEventId,
      attempt: wt.attempt,
    } satisfies WorkflowTaskTimeoutData);
    return {
      token: encodeTaskToken({ k: 'wt', ns: s.namespaceId, wf: s.workflowId, run: s.runId, s: wt.scheduledEventId, a: wt.attempt }),
      workflowType: s.workflowType,
      taskQueue: s.taskQueue,
      previousStartedEventId: s.lastCompletedWorkflowTaskStartedEventId,
      startedEventId: wt.startedEventId,
      attempt: wt.attempt,
      scheduledTimeMs: wt.scheduledTimeMs,
      startedTimeMs: wt.startedTimeMs,
    };
  });
  if (!started) return null;
  const events = await readHistoryEventBytes(es.store, task.namespaceId, task.runId, 1, started.startedEventId);
  return withRawHistory<PollResponse>({
    taskToken: started.token,
    workflowExecution: { workflowId: task.workflowId, runId: task.runId },
    workflowType: { name: started.workflowType },
    previousStartedEventId: Long.fromNumber(started.previousStartedEventId),
    startedEventId: Long.fromNumber(started.startedEventId),
    attempt: started.attempt,
    workflowExecutionTaskQueue: { name: started.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    scheduledTime: msToTimestamp(started.scheduledTimeMs),
    startedTime: msToTimestamp(started.startedTimeMs),
  }, events);
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
  | { ok: true; activityTasks: proto.temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse[] }
  | { ok: false; error: Error };

export async function completeWorkflowTask(
  es: ExecutionStore,
  token: WorkflowTaskToken,
  req: CompletedRequest,
): Promise<CompletionOutcome> {
  const ref = { namespaceId: token.ns, workflowId: token.wf, runId: token.run };
  return es.update(ref, (tx): CompletionOutcome => {
    const wt = requireStartedTask(tx, token);
    const commands = req.commands ?? [];
    const identity = req.identity ?? '';
    // New events arrived while the worker decided to close: it must see them first.
    if (tx.state.bufferedEvents.length > 0 && closesWorkflow(commands)) {
      failTask(tx, { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, message: 'UnhandledCommand' }, identity, false);
      return { ok: false, error: invalidArgument('UnhandledCommand') };
    }
    const problem = validateCommands(tx, commands);
    if (problem) {
      failTask(tx, problem, identity, true);
      return { ok: false, error: invalidArgument(problem.message) };
    }
    const completedEventId = tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      workflowTaskCompletedEventAttributes: {
        scheduledEventId: Long.fromNumber(wt.scheduledEventId),
        startedEventId: Long.fromNumber(wt.startedEventId),
        identity,
        binaryChecksum: req.binaryChecksum,
        sdkMetadata: req.sdkMetadata,
        meteringMetadata: req.meteringMetadata,
        workerVersion: req.workerVersionStamp,
      },
    });
    tx.state.lastCompletedWorkflowTaskStartedEventId = wt.startedEventId;
    tx.state.workflowTask = null;
    const hadBuffered = tx.state.bufferedEvents.length > 0;
    const applied = applyCommands(tx, commands, completedEventId, identity);
    if (!tx.isRunning) return { ok: true, activityTasks: [] };
    tx.flushBufferedEvents();
    if (hadBuffered || applied.needsWorkflowTask || req.forceCreateNewWorkflowTask) tx.ensureWorkflowTask();
    return { ok: true, activityTasks: applied.activityTasks };
  });
}

export async function failWorkflowTask(es: ExecutionStore, token: WorkflowTaskToken, req: FailedRequest): Promise<void> {
  const ref = { namespaceId: token.ns, workflowId: token.wf, runId: token.run };
  await es.update(ref, (tx) => {
    requireStartedTask(tx, token);
    const cause = req.cause ?? Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED;
    failTask(tx, { cause, message: req.failure?.message ?? '' }, req.identity ?? '', true, req.failure);
  });
}

/** WorkflowTaskFailed, then what was buffered, then the next attempt. */
function failTask(
  tx: ExecutionTx,
  problem: CommandError,
  identity: string,
  nextAttempt: boolean,
  failure?: proto.temporal.api.failure.v1.IFailure | null,
): void {
  const wt = tx.state.workflowTask!;
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    workflowTaskFailedEventAttributes: {
      scheduledEventId: Long.fromNumber(wt.scheduledEventId),
      startedEventId: Long.fromNumber(wt.startedEventId),
      cause: problem.cause,
      failure: failure ?? { message: problem.message, source: 'Server', applicationFailureInfo: { type: 'WorkflowTaskFailed' } },
      identity,
    },
  });
  const attempt = nextAttempt ? wt.attempt + 1 : 1;
  tx.state.workflowTask = null;
  tx.flushBufferedEvents();
  tx.scheduleWorkflowTask(attempt);
}

export function onWorkflowTaskTimeout(tx: ExecutionTx, timerId: number, data: WorkflowTaskTimeoutData): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  const wt = tx.state.workflowTask;
  if (!tx.isRunning || !wt || wt.scheduledEventId !== data.scheduledEventId || wt.attempt !== data.attempt) return;
  if (wt.startedEventId === 0) return;
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    workflowTaskTimedOutEventAttributes: {
      scheduledEventId: Long.fromNumber(wt.scheduledEventId),
      startedEventId: Long.fromNumber(wt.startedEventId),
      timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    },
  });
  tx.state.workflowTask = null;
  tx.flushBufferedEvents();
  tx.scheduleWorkflowTask(wt.attempt + 1);
}
