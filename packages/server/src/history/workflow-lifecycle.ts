/**
 * Starting, signalling, cancelling, terminating and timing out workflow runs.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { EventType, enums, temporal, type proto } from '../common/proto.js';
import { alreadyExists, failedPrecondition, notFound } from '../common/errors.js';
import { durationMs, msToDuration, msToTimestamp } from '../common/time.js';
import type { NamespaceRecord } from '../persistence/store.js';
import type { ExecutionStore, ExecutionRef } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { SIGNAL_REQUEST_IDS_MAX, toBase64, type ExecutionState } from './mutable-state.js';
import type { WorkflowTimeoutData } from './timer-tasks.js';

type StartRequest = proto.temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
type IPayloads = proto.temporal.api.common.v1.IPayloads;
type IHeader = proto.temporal.api.common.v1.IHeader;

const Status = enums.WorkflowExecutionStatus;
const WORKFLOW_TASK_TIMEOUT_DEFAULT_MS = 10_000;
const WORKFLOW_TASK_TIMEOUT_MAX_MS = 120_000;

export interface SignalInput {
  signalName: string;
  input?: IPayloads | null;
  header?: IHeader | null;
  identity: string;
  requestId: string;
}

export interface StartResult {
  runId: string;
  started: boolean;
}

export async function startWorkflow(
  es: ExecutionStore,
  ns: NamespaceRecord,
  req: StartRequest,
  signal?: SignalInput,
): Promise<StartResult> {
  const workflowId = req.workflowId!;
  return es.withWorkflowLock(ns.id, workflowId, async () => {
    const current = await es.store.getCurrentExecution(ns.id, workflowId);
    if (current) {
      const ref = { namespaceId: ns.id, workflowId, runId: current.runId };
      if (req.requestId && current.startRequestId === req.requestId) return { runId: current.runId, started: true };
      if (current.status === Status.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        if (signal) {
          await es.updateLocked(ref, (tx) => addSignal(tx, signal));
          return { runId: current.runId, started: false };
        }
        const conflict = req.workflowIdConflictPolicy ?? 0;
        const reuse = req.workflowIdReusePolicy ?? 0;
        if (conflict === enums.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) {
          return { runId: current.runId, started: false };
        }
        const terminate =
          conflict === enums.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING ||
          reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING;
        if (!terminate) throw alreadyStarted(workflowId, current.runId, current.startRequestId);
        await es.updateLocked(ref, (tx) =>
          terminate_(tx, 'terminated by a new start with the same workflow id', null, req.identity ?? ''),
        );
      } else {
        checkReusePolicy(req, workflowId, current.runId, current.startRequestId, current.status);
      }
    }
    const state = newExecutionState(ns, req, es.clock.nowMs());
    await es.create(state, (tx) => {
      tx.current = {
        record: {
          namespaceId: ns.id,
          workflowId,
          runId: state.runId,
          status: state.status,
          startRequestId: state.startRequestId,
        },
        expectedRunId: current ? current.runId : null,
      };
      recordStarted(tx, req);
      if (signal) addSignal(tx, signal);
      tx.ensureWorkflowTask();
    });
    return { runId: state.runId, started: true };
  });
}

function checkReusePolicy(req: StartRequest, workflowId: string, runId: string, requestId: string, status: number): void {
  const reuse = req.workflowIdReusePolicy ?? 0;
  if (reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
    throw alreadyStarted(workflowId, runId, requestId, 'workflow id reuse policy REJECT_DUPLICATE');
  }
  if (
    reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
    status === Status.WORKFLOW_EXECUTION_STATUS_COMPLETED
  ) {
    throw alreadyStarted(workflowId, runId, requestId, 'workflow id reuse policy ALLOW_DUPLICATE_FAILED_ONLY');
  }
}

function alreadyStarted(workflowId: string, runId: string, startRequestId: string, why?: string) {
  const details = temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.encode({
    startRequestId,
    runId,
  }).finish();
  return alreadyExists(
    `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${runId}${why ? ` (${why})` : ''}.`,
    { typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', value: details },
  );
}

function newExecutionState(ns: NamespaceRecord, req: StartRequest, nowMs: number): ExecutionState {
  const runId = randomUUID();
  const executionTimeoutMs = durationMs(req.workflowExecutionTimeout);
  let runTimeoutMs = durationMs(req.workflowRunTimeout);
  if (runTimeoutMs === 0 || (executionTimeoutMs > 0 && runTimeoutMs > executionTimeoutMs)) runTimeoutMs = executionTimeoutMs;
  let workflowTaskTimeoutMs = durationMs(req.workflowTaskTimeout) || WORKFLOW_TASK_TIMEOUT_DEFAULT_MS;
  workflowTaskTimeoutMs = Math.min(workflowTaskTimeoutMs, WORKFLOW_TASK_TIMEOUT_MAX_MS);
  if (runTimeoutMs > 0) workflowTaskTimeoutMs = Math.min(workflowTaskTimeoutMs, runTimeoutMs);
  return {
    namespaceId: ns.id,
    namespace: ns.name,
    workflowId: req.workflowId!,
    runId,
    firstExecutionRunId: runId,
    workflowType: req.workflowType!.name!,
    taskQueue: req.taskQueue!.name!,
    status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTimeMs: nowMs,
    closeTimeMs: null,
    closeEventId: 0,
    executionTimeoutMs,
    runTimeoutMs,
    workflowTaskTimeoutMs,
    startRequestId: req.requestId || randomUUID(),
    nextEventId: 1,
    lastCompletedWorkflowTaskStartedEventId: 0,
    workflowTask: null,
    bufferedEvents: [],
    activities: {},
    timers: {},
    cancelRequested: false,
    signalRequestIds: [],
    historySizeBytes: 0,
    stateTransitionCount: 0,
  };
}

function recordStarted(tx: ExecutionTx, req: StartRequest): void {
  const s = tx.state;
  s.memo = req.memo?.fields && Object.keys(req.memo.fields).length > 0 ? toBase64(temporal.api.common.v1.Memo.encode(req.memo).finish()) : null;
  s.searchAttributes =
    req.searchAttributes?.indexedFields && Object.keys(req.searchAttributes.indexedFields).length > 0
      ? toBase64(temporal.api.common.v1.SearchAttributes.encode(req.searchAttributes).finish())
      : null;
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    workflowExecutionStartedEventAttributes: {
      workflowType: { name: s.workflowType },
      taskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      header: req.header,
      input: req.input,
      workflowExecutionTimeout: msToDuration(s.executionTimeoutMs),
      workflowRunTimeout: msToDuration(s.runTimeoutMs),
      workflowTaskTimeout: msToDuration(s.workflowTaskTimeoutMs),
      originalExecutionRunId: s.runId,
      identity: req.identity,
      firstExecutionRunId: s.firstExecutionRunId,
      retryPolicy: req.retryPolicy,
      attempt: 1,
      workflowExecutionExpirationTime:
        s.executionTimeoutMs > 0 ? msToTimestamp(s.startTimeMs + s.executionTimeoutMs) : null,
      cronSchedule: req.cronSchedule,
      memo: req.memo,
      searchAttributes: req.searchAttributes,

    },
  });
  if (s.runTimeoutMs > 0) {
    tx.addTimer('workflow_timeout', s.startTimeMs + s.runTimeoutMs, { scope: 'run' } satisfies WorkflowTimeoutData);
  }
  if (s.executionTimeoutMs > s.runTimeoutMs) {
    tx.addTimer('workflow_timeout', s.startTimeMs + s.executionTimeoutMs, {
      scope: 'execution',
    } satisfies WorkflowTimeoutData);
  }
}

export function addSignal(tx: ExecutionTx, signal: SignalInput): void {
  const s = tx.state;
  if (signal.requestId) {
    if (s.signalRequestIds.includes(signal.requestId)) return;
    s.signalRequestIds.push(signal.requestId);
    if (s.signalRequestIds.length > SIGNAL_REQUEST_IDS_MAX) s.signalRequestIds.shift();
  }
  tx.addExternalEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    workflowExecutionSignaledEventAttributes: {
      signalName: signal.signalName,
      input: signal.input,
      identity: signal.identity,
      header: signal.header,
    },
  });
  tx.ensureWorkflowTask();
}

export async function signalWorkflow(es: ExecutionStore, ref: ExecutionRef, signal: SignalInput): Promise<void> {
  await es.update(ref, (tx) => {
    requireRunning(tx);
    addSignal(tx, signal);
  });
}

export async function requestCancelWorkflow(
  es: ExecutionStore,
  ref: ExecutionRef,
  reason: string,
  identity: string,
): Promise<void> {
  await es.update(ref, (tx) => {
    requireRunning(tx);
    if (tx.state.cancelRequested) return;
    tx.state.cancelRequested = true;
    tx.addExternalEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
      workflowExecutionCancelRequestedEventAttributes: { cause: reason, identity },
    });
    tx.ensureWorkflowTask();
  });
}

export async function terminateWorkflow(
  es: ExecutionStore,
  ref: ExecutionRef,
  reason: string,
  details: IPayloads | null | undefined,
  identity: string,
): Promise<void> {
  await es.update(ref, (tx) => {
    requireRunning(tx);
    terminate_(tx, reason, details, identity);
  });
}

function terminate_(tx: ExecutionTx, reason: string, details: IPayloads | null | undefined, identity: string): void {
  forceCloseWorkflowTask(tx);
  closeExecution(tx, Status.WORKFLOW_EXECUTION_STATUS_TERMINATED, {
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    workflowExecutionTerminatedEventAttributes: { reason, details, identity },
  });
}

export function requireRunning(tx: ExecutionTx): void {
  if (!tx.isRunning) throw notFound('workflow execution already completed');
}

/**
 * A close that does not come from the workflow's own commands: fail the task
 * in flight (its answer would be stale) and write what was buffered first.
 */
function forceCloseWorkflowTask(tx: ExecutionTx): void {
  const wt = tx.state.workflowTask;
  if (wt && wt.startedEventId > 0) {
    tx.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      workflowTaskFailedEventAttributes: {
        scheduledEventId: Long.fromNumber(wt.scheduledEventId),
        startedEventId: Long.fromNumber(wt.startedEventId),
        cause: enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
      },
    });
    tx.state.workflowTask = null;
  }
  tx.flushBufferedEvents();
}

/** Write the close event and drop everything pending; the run is final after this. */
export function closeExecution(
  tx: ExecutionTx,
  status: number,
  event: Parameters<ExecutionTx['appendEvent']>[0],
): void {
  const s = tx.state;
  if (s.status !== Status.WORKFLOW_EXECUTION_STATUS_RUNNING) {
    throw failedPrecondition('workflow execution already completed');
  }
  s.closeEventId = tx.appendEvent(event);
  s.status = status;
  s.closeTimeMs = tx.nowMs;
  s.workflowTask = null;
  s.activities = {};
  s.timers = {};
  s.bufferedEvents = [];
}

export function onWorkflowTimeout(tx: ExecutionTx, timerId: number): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  if (!tx.isRunning) return;
  forceCloseWorkflowTask(tx);
  closeExecution(tx, Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, {
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
    workflowExecutionTimedOutEventAttributes: { retryState: enums.RetryState.RETRY_STATE_TIMEOUT },
  });
}
