/**
 * Starting, signalling, cancelling, terminating and timing out workflow runs.
 */
import Long from 'long';
import { EventType, enums, temporal, type proto } from '../common/proto.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../common/errors.js';
import { durationMs } from '../common/time.js';
import type { NamespaceRecord } from '../persistence/store.js';
import type { ExecutionStore, ExecutionRef } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { SIGNAL_REQUEST_IDS_MAX, type ExecutionState } from './mutable-state.js';
import type { WorkflowTimeoutData } from './timer-tasks.js';
import { newExecutionState, normalizeTimeouts, recordStarted, type RunSpec } from './new-run.js';
import { normalizeRetryPolicy } from './retry.js';
import { cronBackoffMs, parseCronSchedule } from './cron.js';
import { timeOutRun } from './run-chain.js';
import { applyParentClosePolicy, notifyParent } from './child-workflows.js';
import { notifySchedule } from './schedule-notify.js';

type StartRequest = proto.temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
type IPayloads = proto.temporal.api.common.v1.IPayloads;
type IHeader = proto.temporal.api.common.v1.IHeader;

const Status = enums.WorkflowExecutionStatus;

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
  onCreated?: (tx: ExecutionTx) => void,
): Promise<StartResult> {
  const workflowId = req.workflowId!;
  const spec = specFromStartRequest(req, es.clock.nowMs());
  if (signal && spec.startDelayEndedBy) spec.startDelayEndedBy = 'signal_with_start';
  return es.withWorkflowLock(ns.id, workflowId, async () => {
    const current = await es.store.getCurrentExecution(ns.id, workflowId);
    if (current) {
      const ref = { namespaceId: ns.id, workflowId, runId: current.runId };
      if (req.requestId && current.startRequestId === req.requestId) return { runId: current.runId, started: true };
      const policies = { reuse: req.workflowIdReusePolicy ?? 0, conflict: req.workflowIdConflictPolicy ?? 0 };
      const decision = decideOnExisting(policies, current, !!signal);
      if (decision === 'use_existing') {
        if (signal) {
          await es.updateLocked(ref, (tx) => {
            checkSignalLimit(tx, es.config.limits.signalsPerRunMax);
            addSignal(tx, signal, 'signal_with_start');
          });
        }
        return { runId: current.runId, started: false };
      }
      if (decision === 'terminate') {
        await es.updateLocked(ref, (tx) =>
          terminate_(tx, 'terminated by a new start with the same workflow id', null, req.identity ?? ''),
        );
      } else if (decision !== 'start') {
        throw alreadyStarted(workflowId, current.runId, current.startRequestId, decision.reject);
      }
    }
    const state = newExecutionState(ns, spec, es.clock.nowMs());
    await es.create(state, (tx) => {
      tx.current = { record: currentRecord(state), expectedRunId: current ? current.runId : null };
      recordStarted(tx, spec);
      if (signal) addSignal(tx, signal);
      onCreated?.(tx);
    });
    return { runId: state.runId, started: true };
  });
}

/** The current-run pointer of a run. */
export function currentRecord(state: ExecutionState) {
  return {
    namespaceId: state.namespaceId,
    workflowId: state.workflowId,
    runId: state.runId,
    status: state.status,
    startRequestId: state.startRequestId,
  };
}

type ExistingDecision = 'start' | 'use_existing' | 'terminate' | { reject: string | undefined };

/**
 * What a start does about the current run of its workflow id: Temporal's
 * conflict policy while it runs, its reuse policy once it has closed. A
 * signal-with-start signals a running workflow unless told to terminate it.
 */
export function decideOnExisting(
  policies: { reuse: number; conflict: number },
  current: { status: number },
  withSignal: boolean,
): ExistingDecision {
  const Conflict = enums.WorkflowIdConflictPolicy;
  const Reuse = enums.WorkflowIdReusePolicy;
  if (current.status === Status.WORKFLOW_EXECUTION_STATUS_RUNNING) {
    if (policies.conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) return 'terminate';
    if (policies.reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) return 'terminate';
    if (withSignal || policies.conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) return 'use_existing';
    return { reject: undefined };
  }
  if (policies.reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
    return { reject: 'workflow id reuse policy REJECT_DUPLICATE' };
  }
  if (
    policies.reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
    current.status === Status.WORKFLOW_EXECUTION_STATUS_COMPLETED
  ) {
    return { reject: 'workflow id reuse policy ALLOW_DUPLICATE_FAILED_ONLY' };
  }
  return 'start';
}

export function alreadyStarted(workflowId: string, runId: string, startRequestId: string, why?: string) {
  const details = temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.encode({
    startRequestId,
    runId,
  }).finish();
  return alreadyExists(
    `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${runId}${why ? ` (${why})` : ''}.`,
    { typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', value: details },
  );
}

/** A client's start request as a run spec; bad retry policies and cron schedules answer INVALID_ARGUMENT. */
export function specFromStartRequest(req: StartRequest, nowMs: number): RunSpec {
  const retry = req.retryPolicy ? normalizeRetryPolicy(req.retryPolicy) : null;
  if (typeof retry === 'string') throw invalidArgument(retry);
  const timeouts = normalizeTimeouts(
    durationMs(req.workflowExecutionTimeout),
    durationMs(req.workflowRunTimeout),
    durationMs(req.workflowTaskTimeout),
  );
  const startDelayMs = durationMs(req.workflowStartDelay);
  if (req.cronSchedule && startDelayMs > 0) {
    throw invalidArgument('cron_schedule and workflow_start_delay cannot be used together');
  }
  return {
    workflowId: req.workflowId!,
    workflowType: req.workflowType!.name!,
    taskQueue: req.taskQueue!.name!,
    input: req.input,
    header: req.header,
    memo: req.memo,
    searchAttributes: req.searchAttributes,
    userMetadata: req.userMetadata,
    identity: req.identity,
    requestId: req.requestId,
    retryPolicy: req.retryPolicy,
    retry,
    cronSchedule: req.cronSchedule,
    lastCompletionResult: req.lastCompletionResult,
    continuedFailure: req.continuedFailure,
    ...timeouts,
    firstTaskBackoffMs: req.cronSchedule ? firstCronBackoffMs(req.cronSchedule, nowMs) : startDelayMs,
    startDelayEndedBy: startDelayMs > 0 ? 'signal' : null,
  };
}

export function firstCronBackoffMs(cronSchedule: string, nowMs: number): number {
  try {
    return cronBackoffMs(parseCronSchedule(cronSchedule), nowMs, nowMs);
  } catch (err) {
    throw invalidArgument(`cron_schedule is invalid: ${(err as Error).message}`);
  }
}

/** `via` a signal-with-start, a signal may end a start delay that a plain signal would not (see `startDelayEndedBy`). */
export function addSignal(tx: ExecutionTx, signal: SignalInput, via: 'signal' | 'signal_with_start' = 'signal'): void {
  const s = tx.state;
  if (signal.requestId) {
    if (s.signalRequestIds.includes(signal.requestId)) return;
    s.signalRequestIds.push(signal.requestId);
    if (s.signalRequestIds.length > SIGNAL_REQUEST_IDS_MAX) s.signalRequestIds.shift();
  }
  if (s.firstTaskBackoffUntilMs > 0 && s.startDelayEndedBy === via) s.firstTaskBackoffUntilMs = 0;
  s.signalCount = (s.signalCount ?? 0) + 1;
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

/**
 * A client's signal to a run that has had `signalsPerRunMax` already is refused with Temporal's
 * error (history.maximumSignalsPerExecution); the run should continue-as-new.
 */
export function checkSignalLimit(tx: ExecutionTx, signalsMax: number): void {
  const count = tx.state.signalCount ?? 0;
  if (count >= signalsMax) {
    throw invalidArgument(`exceeded workflow execution limit for signal events: the run has had ${count} signals (limits.signalsPerRunMax ${signalsMax})`);
  }
}

export async function signalWorkflow(es: ExecutionStore, ref: ExecutionRef, signal: SignalInput): Promise<void> {
  await es.update(ref, (tx) => {
    requireRunning(tx);
    checkSignalLimit(tx, es.config.limits.signalsPerRunMax);
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
    requestCancel(tx, reason, identity);
  });
}

/** Record a cancel request (once: later ones change nothing). */
export function requestCancel(
  tx: ExecutionTx,
  reason: string,
  identity: string,
  external?: { initiatedEventId: number; workflowId: string; runId: string },
): void {
  if (tx.state.cancelRequested) return;
  tx.state.cancelRequested = true;
  tx.addExternalEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
    workflowExecutionCancelRequestedEventAttributes: {
      cause: reason,
      identity,
      externalInitiatedEventId: external ? Long.fromNumber(external.initiatedEventId) : null,
      externalWorkflowExecution: external ? { workflowId: external.workflowId, runId: external.runId } : null,
    },
  });
  tx.ensureWorkflowTask();
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

export function terminate_(tx: ExecutionTx, reason: string, details: IPayloads | null | undefined, identity: string): void {
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
export function forceCloseWorkflowTask(tx: ExecutionTx): void {
  const wt = tx.state.workflowTask;
  if (wt && wt.startedEventId > 0 && !wt.transient) {
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

/**
 * Write the close event and drop everything pending; the run is final after
 * this. Unless another run continues the chain (`continued`), its parent is
 * told; unless it continued as new, its children get their parent close policy.
 */
export function closeExecution(
  tx: ExecutionTx,
  status: number,
  event: Parameters<ExecutionTx['appendEvent']>[0],
  continued = false,
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
  s.externalRequests = {};
  s.firstTaskBackoffUntilMs = 0;
  if (!continued) {
    notifyParent(tx, event);
    notifySchedule(tx, status, event);
  }
  if (status !== Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) applyParentClosePolicy(tx);
  s.children = {};
}

export function onWorkflowTimeout(tx: ExecutionTx, timerId: number, data: WorkflowTimeoutData): void {
  tx.doneTimerTaskIds.push(timerId);
  tx.markDirty();
  if (!tx.isRunning) return;
  forceCloseWorkflowTask(tx);
  timeOutRun(tx, data.scope);
}
