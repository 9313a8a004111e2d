/**
 * Child workflows. The parent's StartChildWorkflowExecution command writes
 * the Initiated event and a `start_child` task row in the parent's
 * transaction; the row then starts the child (its own transaction, made
 * idempotent by the child's request id) and records ChildWorkflowExecution-
 * Started or StartChildWorkflowExecutionFailed in the parent, deleting itself
 * in that same transaction. A child that closes for good writes a
 * `child_closed` row aimed at its parent; a parent that closes writes a
 * `parent_close_policy` row aimed at each child it must terminate or cancel.
 * Each row is deleted in its target's transaction: every effect happens once,
 * also across a crash.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { EventType, HistoryEvent, encodeEvent, enums, type proto } from '../common/proto.js';
import { durationMs } from '../common/time.js';
import type { NamespaceRecord, TimerTask } from '../persistence/store.js';
import type { ExecutionStore } from './engine.js';
import type { EventInput, ExecutionTx } from './execution-tx.js';
import { fromBase64, isRunning, toBase64, type ChildState, type ExecutionState } from './mutable-state.js';
import { newExecutionState, normalizeTimeouts, recordStarted, validateRunOptions, type RunSpec } from './new-run.js';
import { normalizeRetryPolicy } from './retry.js';
import {
  currentRecord,
  decideOnExisting,
  firstCronBackoffMs,
  requestCancel,
  terminate_,
} from './workflow-lifecycle.js';
import { readOrNull } from './read-or-null.js';

type StartChildAttributes = proto.temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes;
type InitiatedAttributes = proto.temporal.api.history.v1.IStartChildWorkflowExecutionInitiatedEventAttributes;
const Policy = enums.ParentClosePolicy;
const FailedCause = enums.StartChildWorkflowExecutionFailedCause;

export type NamespaceLookup = (name: string) => NamespaceRecord | undefined;

interface StartChildData {
  initiatedEventId: number;
}

interface ChildClosedData {
  initiatedEventId: number;
  workflowId: string;
  /** The run the chain started with: the parent may not have recorded the start yet. */
  firstRunId: string;
  /** base64 of the child's close event. */
  closeEvent: string;
}

interface ParentClosePolicyData {
  /** temporal.api.enums.v1.ParentClosePolicy */
  policy: number;
  /** The child's chain this policy is about (its first run). */
  firstRunId: string;
  parentWorkflowId: string;
}

/** A message naming the bad field, or null. */
export function validateStartChild(attrs: StartChildAttributes, idMax: number): string | null {
  if (!attrs.workflowId) return 'workflow_id is not set';
  if (!attrs.workflowType?.name) return 'workflow_type.name is not set';
  if (attrs.workflowId.length > idMax) return 'workflow_id is too long';
  if (attrs.workflowType.name.length > idMax) return 'workflow_type.name is too long';
  if ((attrs.taskQueue?.name?.length ?? 0) > idMax) return 'task_queue.name is too long';
  return validateRunOptions(attrs, ['workflowExecutionTimeout', 'workflowRunTimeout', 'workflowTaskTimeout']);
}

/** The StartChildWorkflowExecution command: the Initiated event, the child's entry, and the row that starts it. */
export function initiateChild(
  tx: ExecutionTx,
  attrs: StartChildAttributes,
  completedEventId: number,
  userMetadata?: proto.temporal.api.sdk.v1.IUserMetadata | null,
): void {
  const s = tx.state;
  const namespace = attrs.namespace || s.namespace;
  const initiatedEventId = tx.appendEvent({
    eventType: EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    startChildWorkflowExecutionInitiatedEventAttributes: {
      namespace,
      workflowId: attrs.workflowId,
      workflowType: attrs.workflowType,
      taskQueue: { name: attrs.taskQueue?.name || s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: attrs.input,
      workflowExecutionTimeout: attrs.workflowExecutionTimeout,
      workflowRunTimeout: attrs.workflowRunTimeout,
      workflowTaskTimeout: attrs.workflowTaskTimeout,
      parentClosePolicy: attrs.parentClosePolicy || Policy.PARENT_CLOSE_POLICY_TERMINATE,
      control: attrs.control,
      workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
      workflowIdReusePolicy: attrs.workflowIdReusePolicy,
      retryPolicy: attrs.retryPolicy,
      cronSchedule: attrs.cronSchedule,
      header: attrs.header,
      memo: attrs.memo,
      searchAttributes: attrs.searchAttributes,
    },
    // The child's static summary and details: it starts with them.
    userMetadata,
  });
  s.children[initiatedEventId] = {
    initiatedEventId,
    startedEventId: 0,
    namespace,
    namespaceId: namespace === s.namespace ? s.namespaceId : '',
    workflowId: attrs.workflowId!,
    runId: '',
    workflowType: attrs.workflowType!.name!,
    parentClosePolicy: attrs.parentClosePolicy || Policy.PARENT_CLOSE_POLICY_TERMINATE,
    requestId: randomUUID(),
  };
  tx.addTimer('start_child', tx.nowMs, { initiatedEventId } satisfies StartChildData);
}

/** The `start_child` row: start the child, then record the outcome in the parent. */
export async function onStartChild(es: ExecutionStore, timer: TimerTask, namespaces: NamespaceLookup): Promise<void> {
  const parentRef = { namespaceId: timer.namespaceId, workflowId: timer.workflowId, runId: timer.runId };
  const { initiatedEventId } = JSON.parse(timer.data) as StartChildData;
  const parent = await readOrNull(es, parentRef);
  const child = parent && isRunning(parent) ? parent.children[initiatedEventId] : undefined;
  if (!parent || !child || child.runId) {
    await es.store.deleteTimerTasks([timer.id]);
    return;
  }
  const [row] = await es.store.readHistory(parent.namespaceId, parent.runId, initiatedEventId, 1);
  const initiated = HistoryEvent.decode(row!.data);
  const attrs = initiated.startChildWorkflowExecutionInitiatedEventAttributes!;
  const ns = namespaces(child.namespace);
  const outcome = ns
    ? await startChildRun(es, ns, parent, child, attrs, initiated.userMetadata)
    : { cause: FailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND };
  const parentClosed = await es.update(parentRef, (tx) => {
    tx.doneTimerTaskIds.push(timer.id);
    tx.markDirty();
    const c = tx.state.children[initiatedEventId];
    if (!tx.isRunning || !c || c.runId) return !tx.isRunning;
    if ('runId' in outcome) {
      c.namespaceId = ns!.id;
      recordChildStarted(tx, c, outcome.runId, attrs.header);
    } else {
      recordChildStartFailed(tx, c, attrs, outcome.cause);
    }
    return false;
  });
  // The parent closed while its child was being started: the policy it missed applies now.
  if (parentClosed && 'runId' in outcome && ns) {
    await enforcePolicy(es, { namespaceId: ns.id, workflowId: child.workflowId, runId: outcome.runId }, child.parentClosePolicy);
  }
}

type StartOutcome = { runId: string } | { cause: number };

async function startChildRun(
  es: ExecutionStore,
  ns: NamespaceRecord,
  parent: ExecutionState,
  child: ChildState,
  attrs: InitiatedAttributes,
  userMetadata: proto.temporal.api.sdk.v1.IUserMetadata | null | undefined,
): Promise<StartOutcome> {
  const spec = { ...childSpec(parent, child, attrs, es.clock.nowMs()), userMetadata };
  return es.withWorkflowLock(ns.id, child.workflowId, async () => {
    const current = await es.store.getCurrentExecution(ns.id, child.workflowId);
    if (current) {
      // Started by an earlier attempt of this row (before a crash): the same child.
      if (current.startRequestId === child.requestId) return { runId: current.runId };
      const decision = decideOnExisting({ reuse: attrs.workflowIdReusePolicy ?? 0, conflict: 0 }, current, false);
      if (decision === 'terminate') {
        const ref = { namespaceId: ns.id, workflowId: child.workflowId, runId: current.runId };
        await es.updateLocked(ref, (tx) => terminate_(tx, 'terminated by a new child start with the same workflow id', null, ''));
      } else if (decision !== 'start') {
        return { cause: FailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS };
      }
    }
    const state = newExecutionState(ns, spec, es.clock.nowMs());
    await es.create(state, (tx) => {
      tx.current = { record: currentRecord(state), expectedRunId: current ? current.runId : null };
      recordStarted(tx, spec);
    });
    return { runId: state.runId };
  });
}

function childSpec(parent: ExecutionState, child: ChildState, attrs: InitiatedAttributes, nowMs: number): RunSpec {
  const retry = attrs.retryPolicy ? normalizeRetryPolicy(attrs.retryPolicy) : null;
  return {
    workflowId: child.workflowId,
    workflowType: child.workflowType,
    taskQueue: attrs.taskQueue?.name || parent.taskQueue,
    input: attrs.input,
    header: attrs.header,
    memo: attrs.memo,
    searchAttributes: attrs.searchAttributes,
    requestId: child.requestId,
    retryPolicy: attrs.retryPolicy,
    retry: typeof retry === 'string' ? null : retry,
    cronSchedule: attrs.cronSchedule,
    ...normalizeTimeouts(
      durationMs(attrs.workflowExecutionTimeout),
      durationMs(attrs.workflowRunTimeout),
      durationMs(attrs.workflowTaskTimeout),
    ),
    firstTaskBackoffMs: attrs.cronSchedule ? firstCronBackoffMs(attrs.cronSchedule, nowMs) : 0,
    parent: {
      namespace: parent.namespace,
      namespaceId: parent.namespaceId,
      workflowId: parent.workflowId,
      runId: parent.runId,
      initiatedEventId: child.initiatedEventId,
    },
    root: parent.root ?? { workflowId: parent.workflowId, runId: parent.runId },
  };
}

function recordChildStarted(tx: ExecutionTx, c: ChildState, runId: string, header: InitiatedAttributes['header']): void {
  c.runId = runId;
  tx.addExternalEvent(
    {
      eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
      childWorkflowExecutionStartedEventAttributes: {
        namespace: c.namespace,
        namespaceId: c.namespaceId,
        initiatedEventId: Long.fromNumber(c.initiatedEventId),
        workflowExecution: { workflowId: c.workflowId, runId },
        workflowType: { name: c.workflowType },
        header,
      },
    },
    false,
    { initiatedEventId: c.initiatedEventId, closed: false },
  );
  tx.ensureWorkflowTask();
}

function recordChildStartFailed(tx: ExecutionTx, c: ChildState, attrs: InitiatedAttributes, cause: number): void {
  delete tx.state.children[c.initiatedEventId];
  tx.addExternalEvent({
    eventType: EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
    startChildWorkflowExecutionFailedEventAttributes: {
      namespace: c.namespace,
      namespaceId: c.namespaceId,
      workflowId: c.workflowId,
      workflowType: { name: c.workflowType },
      cause,
      control: attrs.control,
      initiatedEventId: Long.fromNumber(c.initiatedEventId),
      workflowTaskCompletedEventId: attrs.workflowTaskCompletedEventId,
    },
  });
  tx.ensureWorkflowTask();
}

/** A child's chain ended: tell its parent, in the parent's own transaction (a row aimed at it). */
export function notifyParent(tx: ExecutionTx, closeEvent: EventInput): void {
  const s = tx.state;
  if (!s.parent) return;
  const target = { namespaceId: s.parent.namespaceId, workflowId: s.parent.workflowId, runId: s.parent.runId };
  tx.addTimerFor(target, 'child_closed', tx.nowMs, {
    initiatedEventId: s.parent.initiatedEventId,
    workflowId: s.workflowId,
    firstRunId: s.firstExecutionRunId,
    closeEvent: toBase64(encodeEvent(closeEvent)),
  } satisfies ChildClosedData);
}

/** The `child_closed` row, run against the parent. */
export function onChildClosed(tx: ExecutionTx, timerTaskId: number, data: ChildClosedData): void {
  tx.doneTimerTaskIds.push(timerTaskId);
  tx.markDirty();
  const c = tx.state.children[data.initiatedEventId];
  if (!tx.isRunning || !c || c.workflowId !== data.workflowId) return;
  if (!c.runId) recordChildStarted(tx, c, data.firstRunId, null);
  const closed = HistoryEvent.decode(fromBase64(data.closeEvent));
  tx.addExternalEvent(childCloseEvent(c, closed), false, { initiatedEventId: c.initiatedEventId, closed: true });
  tx.ensureWorkflowTask();
}

/** The parent's view of how its child closed. `started_event_id` is filled in when the event is written. */
function childCloseEvent(c: ChildState, closed: proto.temporal.api.history.v1.HistoryEvent): EventInput {
  const common = {
    namespace: c.namespace,
    namespaceId: c.namespaceId,
    workflowExecution: { workflowId: c.workflowId, runId: c.runId },
    workflowType: { name: c.workflowType },
    initiatedEventId: Long.fromNumber(c.initiatedEventId),
  };
  switch (closed.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return {
        eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
        childWorkflowExecutionCompletedEventAttributes: { ...common, result: closed.workflowExecutionCompletedEventAttributes?.result },
      };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
      const a = closed.workflowExecutionFailedEventAttributes;
      return {
        eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
        childWorkflowExecutionFailedEventAttributes: { ...common, failure: a?.failure, retryState: a?.retryState },
      };
    }
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      return {
        eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
        childWorkflowExecutionCanceledEventAttributes: { ...common, details: closed.workflowExecutionCanceledEventAttributes?.details },
      };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      return {
        eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
        childWorkflowExecutionTimedOutEventAttributes: { ...common, retryState: closed.workflowExecutionTimedOutEventAttributes?.retryState },
      };
    default:
      return {
        eventType: EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
        childWorkflowExecutionTerminatedEventAttributes: common,
      };
  }
}

/** The parent closed: a row per child it must terminate or cancel, run against the child. */
export function applyParentClosePolicy(tx: ExecutionTx): void {
  const s = tx.state;
  for (const c of Object.values(s.children)) {
    if (!c.runId || !c.namespaceId || c.parentClosePolicy === Policy.PARENT_CLOSE_POLICY_ABANDON) continue;
    tx.addTimerFor({ namespaceId: c.namespaceId, workflowId: c.workflowId, runId: '' }, 'parent_close_policy', tx.nowMs, {
      policy: c.parentClosePolicy,
      firstRunId: c.runId,
      parentWorkflowId: s.workflowId,
    } satisfies ParentClosePolicyData);
  }
}

/** The `parent_close_policy` row, run against the child's current run. */
export function onParentClosePolicy(tx: ExecutionTx, timerTaskId: number, data: ParentClosePolicyData): void {
  tx.doneTimerTaskIds.push(timerTaskId);
  tx.markDirty();
  const s = tx.state;
  if (!tx.isRunning || s.firstExecutionRunId !== data.firstRunId) return;
  applyPolicy(tx, data.policy);
}

function applyPolicy(tx: ExecutionTx, policy: number): void {
  if (policy === Policy.PARENT_CLOSE_POLICY_TERMINATE) {
    terminate_(tx, 'by parent close policy', null, '');
  } else if (policy === Policy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
    requestCancel(tx, 'by parent close policy', '');
  }
}

async function enforcePolicy(es: ExecutionStore, ref: { namespaceId: string; workflowId: string; runId: string }, policy: number) {
  await es.update(ref, (tx) => {
    if (tx.isRunning) applyPolicy(tx, policy);
  });
}
