/**
 * Closing a run that another run may follow, in the same transaction:
 * continue-as-new (the workflow asked for it), a workflow retry (it failed or
 * timed out and its retry policy allows another attempt), and the next run of
 * a cron workflow. The close event names the new run (`new_execution_run_id`),
 * the new run's started event names the old one and why it exists.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { EventType, enums, temporal, type IFailure, type IPayloads, type proto } from '../common/proto.js';
import { durationMs } from '../common/time.js';
import { ExecutionTx } from './execution-tx.js';
import { fromBase64, type ExecutionState } from './mutable-state.js';
import { newExecutionState, normalizeTimeouts, recordStarted, validateRunOptions, type RunSpec } from './new-run.js';
import { normalizeRetryPolicy, retryDelayMs } from './retry.js';
import { cronBackoffMs, parseCronSchedule } from './cron.js';
import { closeExecution, currentRecord } from './workflow-lifecycle.js';

type ContinueAsNewAttributes = proto.temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes;
const Status = enums.WorkflowExecutionStatus;
const Initiator = enums.ContinueAsNewInitiator;
const RetryState = enums.RetryState;

/** What follows a closing run: nothing, or a new run after `backoffMs`. */
type FollowUp = { initiator: number; backoffMs: number } | null;

export function completeRun(tx: ExecutionTx, result: IPayloads | null | undefined, completedEventId: number): void {
  const next = cronFollowUp(tx.state, tx.nowMs);
  const newRunId = next ? randomUUID() : undefined;
  closeExecution(
    tx,
    Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
    {
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
      workflowExecutionCompletedEventAttributes: {
        result,
        workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
        newExecutionRunId: newRunId,
      },
    },
    !!next,
  );
  if (next) startNextRun(tx, newRunId!, restartSpec(tx.state, next, { lastCompletionResult: result }));
}

export function failRun(tx: ExecutionTx, failure: IFailure | null | undefined, completedEventId: number): void {
  const retry = retryFollowUp(tx.state, failure, tx.nowMs);
  const next = retry.next ?? cronFollowUp(tx.state, tx.nowMs);
  const newRunId = next ? randomUUID() : undefined;
  closeExecution(
    tx,
    Status.WORKFLOW_EXECUTION_STATUS_FAILED,
    {
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
      workflowExecutionFailedEventAttributes: {
        failure,
        retryState: retry.retryState,
        workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
        newExecutionRunId: newRunId,
      },
    },
    !!next,
  );
  if (next) startNextRun(tx, newRunId!, restartSpec(tx.state, next, { failure }));
}

/** The run (or the whole chain) ran out of time. Only a run timeout may be retried. */
export function timeOutRun(tx: ExecutionTx, scope: 'run' | 'execution'): void {
  const failure: IFailure = {
    message: 'workflow timed out',
    source: 'Server',
    timeoutFailureInfo: { timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
  };
  const retry = scope === 'run' ? retryFollowUp(tx.state, failure, tx.nowMs) : { retryState: RetryState.RETRY_STATE_TIMEOUT, next: null };
  const next = scope === 'run' ? (retry.next ?? cronFollowUp(tx.state, tx.nowMs)) : null;
  const newRunId = next ? randomUUID() : undefined;
  closeExecution(
    tx,
    Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
    {
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
      workflowExecutionTimedOutEventAttributes: {
        retryState: next || retry.retryState !== RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET ? retry.retryState : RetryState.RETRY_STATE_TIMEOUT,
        newExecutionRunId: newRunId,
      },
    },
    !!next,
  );
  if (next) startNextRun(tx, newRunId!, restartSpec(tx.state, next, { failure }));
}

/** Checked with the rest of a task's commands: a message naming the field, or null. */
export function validateContinueAsNew(attrs: ContinueAsNewAttributes): string | null {
  if (attrs.workflowType?.name !== undefined && attrs.workflowType.name !== null && attrs.workflowType.name.length > 1000) {
    return 'workflow_type.name is too long';
  }
  return validateRunOptions(attrs, ['workflowRunTimeout', 'workflowTaskTimeout', 'backoffStartInterval']);
}

/** The ContinueAsNewWorkflowExecution command: close this run, start the next with what the command says. */
export function continueAsNew(tx: ExecutionTx, attrs: ContinueAsNewAttributes, completedEventId: number): void {
  const s = tx.state;
  const newRunId = randomUUID();
  const workflowType = attrs.workflowType?.name || s.workflowType;
  const taskQueue = attrs.taskQueue?.name || s.taskQueue;
  const runTimeoutMs = durationMs(attrs.workflowRunTimeout) || s.runTimeoutMs;
  const taskTimeoutMs = durationMs(attrs.workflowTaskTimeout) || s.workflowTaskTimeoutMs;
  const retryPolicyProto = attrs.retryPolicy ?? restartAttributes(s)?.retryPolicy ?? null;
  const retry = retryPolicyProto ? (normalizeRetryPolicy(retryPolicyProto) as Exclude<ReturnType<typeof normalizeRetryPolicy>, string>) : null;
  const backoffMs = durationMs(attrs.backoffStartInterval);
  closeExecution(
    tx,
    Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
    {
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
      workflowExecutionContinuedAsNewEventAttributes: {
        newExecutionRunId: newRunId,
        workflowType: { name: workflowType },
        taskQueue: { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: attrs.input,
        workflowRunTimeout: attrs.workflowRunTimeout,
        workflowTaskTimeout: attrs.workflowTaskTimeout,
        workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
        backoffStartInterval: attrs.backoffStartInterval,
        initiator: Initiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
        header: attrs.header,
        memo: attrs.memo,
        searchAttributes: attrs.searchAttributes,
      },
    },
    true,
  );
  const timeouts = normalizeTimeouts(s.executionTimeoutMs, runTimeoutMs, taskTimeoutMs);
  startNextRun(tx, newRunId, {
    ...chainSpec(s),
    workflowType,
    taskQueue,
    input: attrs.input,
    header: attrs.header,
    memo: attrs.memo ?? decodeMemo(s),
    searchAttributes: attrs.searchAttributes ?? decodeSearchAttributes(s),
    retryPolicy: retryPolicyProto,
    retry,
    cronSchedule: attrs.cronSchedule || s.cronSchedule,
    ...timeouts,
    attempt: 1,
    initiator: Initiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
    firstTaskBackoffMs: backoffMs,
  });
}

/** Create the next run of this chain in the same transaction and point the workflow id at it. */
function startNextRun(tx: ExecutionTx, runId: string, spec: RunSpec): void {
  const s = tx.state;
  const ns = { id: s.namespaceId, name: s.namespace };
  const state = newExecutionState(ns, spec, tx.nowMs, runId);
  const next = new ExecutionTx(state, tx.nowMs);
  next.current = { record: currentRecord(state), expectedRunId: s.runId };
  recordStarted(next, spec);
  tx.newRun = next;
}

/** What every next run keeps from this one. */
function chainSpec(s: ExecutionState): Omit<RunSpec, 'retry' | 'executionTimeoutMs' | 'runTimeoutMs' | 'workflowTaskTimeoutMs'> {
  return {
    workflowId: s.workflowId,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    firstExecutionRunId: s.firstExecutionRunId,
    continuedExecutionRunId: s.runId,
    executionExpirationMs: s.executionExpirationMs,
    parent: s.parent,
    scheduledBy: s.scheduledBy,
    root: s.root,
  };
}

/** A retry or the next cron run: the same input and options as this run. */
function restartSpec(
  s: ExecutionState,
  next: NonNullable<FollowUp>,
  outcome: { lastCompletionResult?: IPayloads | null; failure?: IFailure | null },
): RunSpec {
  const original = restartAttributes(s);
  const isRetry = next.initiator === Initiator.CONTINUE_AS_NEW_INITIATOR_RETRY;
  const previousResult = s.lastCompletionResult ? temporal.api.common.v1.Payloads.decode(fromBase64(s.lastCompletionResult)) : null;
  return {
    ...chainSpec(s),
    input: original?.input,
    header: original?.header,
    memo: decodeMemo(s),
    searchAttributes: decodeSearchAttributes(s),
    retryPolicy: original?.retryPolicy,
    retry: s.retryPolicy,
    cronSchedule: s.cronSchedule,
    executionTimeoutMs: s.executionTimeoutMs,
    runTimeoutMs: s.runTimeoutMs,
    workflowTaskTimeoutMs: s.workflowTaskTimeoutMs,
    attempt: isRetry ? s.attempt + 1 : 1,
    initiator: next.initiator,
    continuedFailure: outcome.failure,
    lastCompletionResult: outcome.lastCompletionResult ?? previousResult,
    firstTaskBackoffMs: next.backoffMs,
  };
}

/** May a failed (or run-timed-out) run be retried? Temporal's rules for workflow retries. */
function retryFollowUp(s: ExecutionState, failure: IFailure | null | undefined, nowMs: number): { retryState: number; next: FollowUp } {
  const policy = s.retryPolicy;
  if (!policy) return { retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET, next: null };
  const app = failure?.applicationFailureInfo;
  if (app?.nonRetryable || (app?.type && policy.nonRetryableErrorTypes.includes(app.type))) {
    return { retryState: RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, next: null };
  }
  if (policy.maximumAttempts > 0 && s.attempt >= policy.maximumAttempts) {
    return { retryState: RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED, next: null };
  }
  const backoffMs = durationMs(app?.nextRetryDelay) || retryDelayMs(policy, s.attempt);
  if (s.executionExpirationMs > 0 && nowMs + backoffMs >= s.executionExpirationMs) {
    return { retryState: RetryState.RETRY_STATE_TIMEOUT, next: null };
  }
  return { retryState: RetryState.RETRY_STATE_IN_PROGRESS, next: { initiator: Initiator.CONTINUE_AS_NEW_INITIATOR_RETRY, backoffMs } };
}

function cronFollowUp(s: ExecutionState, nowMs: number): FollowUp {
  if (!s.cronSchedule) return null;
  const backoffMs = cronBackoffMs(parseCronSchedule(s.cronSchedule), s.executionTimeMs, nowMs);
  if (s.executionExpirationMs > 0 && nowMs + backoffMs >= s.executionExpirationMs) return null;
  return { initiator: Initiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE, backoffMs };
}

function restartAttributes(s: ExecutionState) {
  return s.restartAttributes
    ? temporal.api.history.v1.WorkflowExecutionStartedEventAttributes.decode(fromBase64(s.restartAttributes))
    : null;
}

function decodeMemo(s: ExecutionState) {
  return s.memo ? temporal.api.common.v1.Memo.decode(fromBase64(s.memo)) : null;
}

function decodeSearchAttributes(s: ExecutionState) {
  return s.searchAttributes ? temporal.api.common.v1.SearchAttributes.decode(fromBase64(s.searchAttributes)) : null;
}
