/**
 * What every new run is made of, however it came to be (a client's start, a
 * parent's child start, continue-as-new, a retry, the next cron run): its
 * mutable state, its WorkflowExecutionStarted event, its timeouts, and its
 * first workflow task — now, or after a backoff.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { EventType, enums, temporal, type IDuration, type IFailure, type IPayloads, type proto } from '../common/proto.js';
import { durationMs, msToDuration, msToOptionalDuration, msToTimestamp } from '../common/time.js';
import type { NamespaceRecord } from '../persistence/store.js';
import type { ExecutionTx } from './execution-tx.js';
import { toBase64, type ExecutionState, type ParentInfo, type RetryPolicyState } from './mutable-state.js';
import type { WorkflowTimeoutData } from './timer-tasks.js';
import { normalizeRetryPolicy } from './retry.js';
import { parseCronSchedule } from './cron.js';

type IMemo = proto.temporal.api.common.v1.IMemo;
type ISearchAttributes = proto.temporal.api.common.v1.ISearchAttributes;
type IHeader = proto.temporal.api.common.v1.IHeader;
type IRetryPolicy = proto.temporal.api.common.v1.IRetryPolicy;
type IUserMetadata = proto.temporal.api.sdk.v1.IUserMetadata;

const Status = enums.WorkflowExecutionStatus;
export const WORKFLOW_TASK_TIMEOUT_DEFAULT_MS = 10_000;
const WORKFLOW_TASK_TIMEOUT_MAX_MS = 120_000;

export interface RunSpec {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input?: IPayloads | null;
  header?: IHeader | null;
  memo?: IMemo | null;
  searchAttributes?: ISearchAttributes | null;
  /** Static summary and details, shown by describe and on the started event. */
  userMetadata?: IUserMetadata | null;
  identity?: string | null;
  requestId?: string | null;
  /** As the client sent it (for the started event) and normalized (for the engine). */
  retryPolicy?: IRetryPolicy | null;
  retry: RetryPolicyState | null;
  cronSchedule?: string | null;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  workflowTaskTimeoutMs: number;
  /** Absolute end of the chain of runs; 0 derives it from `executionTimeoutMs`. */
  executionExpirationMs?: number;
  attempt?: number;
  firstExecutionRunId?: string;
  continuedExecutionRunId?: string;
  /** temporal.api.enums.v1.ContinueAsNewInitiator */
  initiator?: number;
  continuedFailure?: IFailure | null;
  lastCompletionResult?: IPayloads | null;
  firstTaskBackoffMs?: number;
  /** The backoff is a start delay, ended early by this kind of request. */
  startDelayEndedBy?: ExecutionState['startDelayEndedBy'];
  parent?: ParentInfo | null;
  scheduledBy?: string;
  root?: { workflowId: string; runId: string } | null;
}

/** Apply Temporal's defaults and caps to the three workflow timeouts. */
export function normalizeTimeouts(executionTimeoutMs: number, runTimeoutMs: number, taskTimeoutMs: number) {
  let run = runTimeoutMs;
  if (run === 0 || (executionTimeoutMs > 0 && run > executionTimeoutMs)) run = executionTimeoutMs;
  let task = Math.min(taskTimeoutMs || WORKFLOW_TASK_TIMEOUT_DEFAULT_MS, WORKFLOW_TASK_TIMEOUT_MAX_MS);
  if (run > 0) task = Math.min(task, run);
  return { executionTimeoutMs, runTimeoutMs: run, workflowTaskTimeoutMs: task };
}

export function newExecutionState(ns: Pick<NamespaceRecord, 'id' | 'name'>, spec: RunSpec, nowMs: number, runId: string = randomUUID()): ExecutionState {
  const expiration = spec.executionExpirationMs || (spec.executionTimeoutMs > 0 ? nowMs + spec.executionTimeoutMs : 0);
  return {
    namespaceId: ns.id,
    namespace: ns.name,
    workflowId: spec.workflowId,
    runId,
    firstExecutionRunId: spec.firstExecutionRunId ?? runId,
    workflowType: spec.workflowType,
    taskQueue: spec.taskQueue,
    status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTimeMs: nowMs,
    executionTimeMs: nowMs,
    closeTimeMs: null,
    closeEventId: 0,
    executionTimeoutMs: spec.executionTimeoutMs,
    runTimeoutMs: spec.runTimeoutMs,
    workflowTaskTimeoutMs: spec.workflowTaskTimeoutMs,
    startRequestId: spec.requestId || randomUUID(),
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
    memo: hasFields(spec.memo?.fields) ? toBase64(temporal.api.common.v1.Memo.encode(spec.memo!).finish()) : null,
    searchAttributes: hasFields(spec.searchAttributes?.indexedFields)
      ? toBase64(temporal.api.common.v1.SearchAttributes.encode(spec.searchAttributes!).finish())
      : null,
    userMetadata: spec.userMetadata ? toBase64(temporal.api.sdk.v1.UserMetadata.encode(spec.userMetadata).finish()) : null,
    attempt: spec.attempt ?? 1,
    retryPolicy: spec.retry,
    cronSchedule: spec.cronSchedule ?? '',
    executionExpirationMs: expiration,
    firstTaskBackoffUntilMs: 0,
    parent: spec.parent ?? null,
    ...(spec.scheduledBy ? { scheduledBy: spec.scheduledBy } : {}),
    root: spec.root ?? null,
    children: {},
    externalRequests: {},
    lastCompletionResult: spec.lastCompletionResult ? toBase64(temporal.api.common.v1.Payloads.encode(spec.lastCompletionResult).finish()) : null,
    restartAttributes: spec.retry || spec.cronSchedule ? encodeRestartAttributes(spec) : null,
    startDelayEndedBy: spec.startDelayEndedBy ?? null,
  };
}

function encodeRestartAttributes(spec: RunSpec): string {
  const attrs = temporal.api.history.v1.WorkflowExecutionStartedEventAttributes.encode({
    header: spec.header,
    input: spec.input,
    retryPolicy: spec.retryPolicy,
  }).finish();
  return toBase64(attrs);
}

function hasFields(fields: object | null | undefined): boolean {
  return !!fields && Object.keys(fields).length > 0;
}

/** WorkflowExecutionStarted, the timeout timers, and the first workflow task (or its backoff). */
export function recordStarted(tx: ExecutionTx, spec: RunSpec): void {
  const s = tx.state;
  const backoffMs = spec.firstTaskBackoffMs ?? 0;
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    workflowExecutionStartedEventAttributes: {
      workflowType: { name: s.workflowType },
      taskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      header: spec.header,
      input: spec.input,
      workflowExecutionTimeout: msToOptionalDuration(s.executionTimeoutMs),
      workflowRunTimeout: msToOptionalDuration(s.runTimeoutMs),
      workflowTaskTimeout: msToDuration(s.workflowTaskTimeoutMs),
      continuedExecutionRunId: spec.continuedExecutionRunId,
      initiator: spec.initiator,
      continuedFailure: spec.continuedFailure,
      lastCompletionResult: spec.lastCompletionResult,
      originalExecutionRunId: s.runId,
      identity: spec.identity,
      firstExecutionRunId: s.firstExecutionRunId,
      retryPolicy: spec.retryPolicy,
      attempt: s.attempt,
      workflowExecutionExpirationTime: s.executionExpirationMs > 0 ? msToTimestamp(s.executionExpirationMs) : null,
      cronSchedule: s.cronSchedule || null,
      firstWorkflowTaskBackoff: backoffMs > 0 ? msToDuration(backoffMs) : null,
      memo: spec.memo,
      searchAttributes: spec.searchAttributes,
      parentWorkflowNamespace: s.parent?.namespace,
      parentWorkflowNamespaceId: s.parent?.namespaceId,
      parentWorkflowExecution: s.parent ? { workflowId: s.parent.workflowId, runId: s.parent.runId } : null,
      parentInitiatedEventId: s.parent ? Long.fromNumber(s.parent.initiatedEventId) : null,
      rootWorkflowExecution: s.root,
    },
    userMetadata: spec.userMetadata,
  });
  // The run timeout counts from the first workflow task, as Temporal counts it.
  if (s.runTimeoutMs > 0) {
    tx.addTimer('workflow_timeout', s.startTimeMs + backoffMs + s.runTimeoutMs, { scope: 'run' } satisfies WorkflowTimeoutData);
  }
  if (s.executionExpirationMs > 0 && (s.runTimeoutMs === 0 || s.executionExpirationMs < s.startTimeMs + backoffMs + s.runTimeoutMs)) {
    tx.addTimer('workflow_timeout', s.executionExpirationMs, { scope: 'execution' } satisfies WorkflowTimeoutData);
  }
  s.executionTimeMs = s.startTimeMs + backoffMs;
  if (backoffMs > 0) {
    s.firstTaskBackoffUntilMs = tx.nowMs + backoffMs;
    tx.addTimer('workflow_backoff', s.firstTaskBackoffUntilMs, {});
  } else {
    tx.ensureWorkflowTask();
  }
}

/** The backoff before the first workflow task is over. */
export function onWorkflowBackoff(tx: ExecutionTx, timerTaskId: number): void {
  tx.doneTimerTaskIds.push(timerTaskId);
  tx.markDirty();
  if (!tx.isRunning || tx.state.firstTaskBackoffUntilMs === 0) return;
  tx.state.firstTaskBackoffUntilMs = 0;
  tx.ensureWorkflowTask();
}

/** What every command that starts a run (child start, continue-as-new) carries and the server checks alike. */
interface RunOptionsToCheck {
  retryPolicy?: proto.temporal.api.common.v1.IRetryPolicy | null;
  cronSchedule?: string | null;
}

/**
 * The checks shared by every command that starts a run: no negative duration among
 * `durationFields`, a valid retry policy and cron schedule. A message naming the field, or null.
 */
export function validateRunOptions<K extends string>(
  attrs: RunOptionsToCheck & { [F in K]?: IDuration | null },
  durationFields: readonly K[],
): string | null {
  for (const field of durationFields) {
    if (durationMs(attrs[field]) < 0) return `${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} cannot be negative`;
  }
  if (attrs.retryPolicy) {
    const retry = normalizeRetryPolicy(attrs.retryPolicy);
    if (typeof retry === 'string') return retry;
  }
  if (attrs.cronSchedule) {
    try {
      parseCronSchedule(attrs.cronSchedule);
    } catch (err) {
      return `cron_schedule is invalid: ${(err as Error).message}`;
    }
  }
  return null;
}
