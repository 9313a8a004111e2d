/**
 * The history service: every operation on workflow executions, as the
 * frontend calls them. Each one validates its target and delegates to the
 * file that owns the concern.
 */
import Long from 'long';
import { enums, proto } from '../common/proto.js';
import { withSearchAttributeTypes } from '../common/search-attribute-types.js';
import { searchAttributeType } from '../namespaces/search-attributes.js';
import { msToTimestamp, msToDuration, msToOptionalDuration } from '../common/time.js';
import type { NamespaceRecord, TimerTask } from '../persistence/store.js';
import type { ExecutionStore, ExecutionRef } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { fromBase64, isRunning } from './mutable-state.js';
import { temporal } from '../common/proto.js';
import * as activity from './activity.js';
import { activityOptionsOf } from './activity-operations.js';
import { onUserTimer } from './commands.js';
import { onWorkflowTaskRetry, onWorkflowTaskTimeout } from './workflow-task.js';
import { onWorkflowTimeout } from './workflow-lifecycle.js';
import { onWorkflowBackoff } from './new-run.js';
import { onChildClosed, onParentClosePolicy, onStartChild, type NamespaceLookup } from './child-workflows.js';
import { onExternalRequest } from './external-workflows.js';
import { onRetentionTimer } from './retention.js';
import { isNotFound } from './read-or-null.js';
import type { RunWatchers } from './run-watchers.js';
import { readHistoryEventBytes } from './history-reader.js';

import ws = proto.temporal.api.workflowservice.v1;

export { startWorkflow, signalWorkflow, requestCancelWorkflow, terminateWorkflow } from './workflow-lifecycle.js';
export { recordWorkflowTaskStarted, completeWorkflowTask, failWorkflowTask } from './workflow-task.js';
export { recordActivityTaskStarted } from './activity.js';

/**
 * Dispatch a due durable timer to its handler (one transaction each; the
 * cross-execution kinds take two, see child-workflows.ts). A row whose
 * execution no longer exists is dropped.
 */
export async function fireTimer(es: ExecutionStore, timer: TimerTask, namespaces: NamespaceLookup): Promise<void> {
  try {
    await dispatchTimer(es, timer, namespaces);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await es.store.deleteTimerTasks([timer.id]);
  }
}

async function dispatchTimer(es: ExecutionStore, timer: TimerTask, namespaces: NamespaceLookup): Promise<void> {
  if (timer.kind === 'start_child') return onStartChild(es, timer, namespaces);
  if (timer.kind === 'external_request') return onExternalRequest(es, timer, namespaces);
  if (timer.kind === 'retention') return onRetentionTimer(es, timer);
  const ref = { namespaceId: timer.namespaceId, workflowId: timer.workflowId, runId: timer.runId };
  const data: unknown = JSON.parse(timer.data);
  const handlers: Record<string, (tx: ExecutionTx) => void> = {
    user_timer: (tx) => onUserTimer(tx, timer.id, data as never),
    activity_timeout: (tx) => activity.onActivityTimeout(tx, timer.id, data as never),
    activity_retry: (tx) => activity.onActivityRetry(tx, timer.id, data as never),
    workflow_task_timeout: (tx) => onWorkflowTaskTimeout(tx, timer.id, data as never),
    workflow_task_retry: (tx) => onWorkflowTaskRetry(tx, timer.id, data as never),
    workflow_timeout: (tx) => onWorkflowTimeout(tx, timer.id, data as never),
    workflow_backoff: (tx) => onWorkflowBackoff(tx, timer.id),
    child_closed: (tx) => onChildClosed(tx, timer.id, data as never),
    parent_close_policy: (tx) => onParentClosePolicy(tx, timer.id, data as never),
  };
  const handler = handlers[timer.kind];
  if (!handler) throw new Error(`unknown timer kind ${timer.kind}`);
  await es.update(ref, handler);
}

/** A task whose execution is gone must not block its queue. */
export function isStaleTaskError(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err as { code: unknown }).code === 5;
}

export async function describeWorkflow(
  es: ExecutionStore,
  ns: NamespaceRecord,
  ref: ExecutionRef,
): Promise<ws.IDescribeWorkflowExecutionResponse> {
  const s = await es.read(ref);
  const running = isRunning(s);
  const wt = s.workflowTask;
  return {
    executionConfig: {
      taskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: msToOptionalDuration(s.executionTimeoutMs),
      workflowRunTimeout: msToOptionalDuration(s.runTimeoutMs),
      defaultWorkflowTaskTimeout: msToDuration(s.workflowTaskTimeoutMs),
      userMetadata: s.userMetadata ? temporal.api.sdk.v1.UserMetadata.decode(fromBase64(s.userMetadata)) : null,
    },
    workflowExecutionInfo: {
      execution: { workflowId: s.workflowId, runId: s.runId },
      type: { name: s.workflowType },
      startTime: msToTimestamp(s.startTimeMs),
      closeTime: s.closeTimeMs !== null ? msToTimestamp(s.closeTimeMs) : null,
      status: s.status,
      historyLength: Long.fromNumber(s.nextEventId - 1),
      executionTime: msToTimestamp(s.executionTimeMs),
      parentNamespaceId: s.parent?.namespaceId,
      parentExecution: s.parent ? { workflowId: s.parent.workflowId, runId: s.parent.runId } : null,
      // A workflow without a parent is its own root.
      rootExecution: s.root ?? { workflowId: s.workflowId, runId: s.runId },
      taskQueue: s.taskQueue,
      stateTransitionCount: Long.fromNumber(s.stateTransitionCount),
      historySizeBytes: Long.fromNumber(s.historySizeBytes),
      firstRunId: s.firstExecutionRunId,
      memo: s.memo ? temporal.api.common.v1.Memo.decode(fromBase64(s.memo)) : null,
      searchAttributes: s.searchAttributes
        ? withSearchAttributeTypes(temporal.api.common.v1.SearchAttributes.decode(fromBase64(s.searchAttributes)), (name) =>
            searchAttributeType(ns, name),
          )
        : null,
    },
    pendingActivities: running ? Object.values(s.activities).map(describeActivity) : [],
    pendingChildren: running
      ? Object.values(s.children).map((c) => ({
          workflowId: c.workflowId,
          runId: c.runId,
          workflowTypeName: c.workflowType,
          initiatedId: Long.fromNumber(c.initiatedEventId),
          parentClosePolicy: c.parentClosePolicy,
        }))
      : [],
    pendingWorkflowTask:
      running && wt
        ? {
            state:
              wt.startedEventId > 0
                ? enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                : enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: msToTimestamp(wt.scheduledTimeMs),
            originalScheduledTime: msToTimestamp(wt.scheduledTimeMs),
            startedTime: wt.startedTimeMs ? msToTimestamp(wt.startedTimeMs) : null,
            attempt: wt.attempt,
          }
        : null,
  };
}

function describeActivity(a: import('./mutable-state.js').ActivityState): proto.temporal.api.workflow.v1.IPendingActivityInfo {
  const State = enums.PendingActivityState;
  const running = a.startedTimeMs > 0;
  const state = a.cancelRequested
    ? State.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
    : a.paused
      ? running
        ? State.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED
        : State.PENDING_ACTIVITY_STATE_PAUSED
      : running
        ? State.PENDING_ACTIVITY_STATE_STARTED
        : State.PENDING_ACTIVITY_STATE_SCHEDULED;
  const pause = a.paused ? a.pauseInfo : null;
  const retrying = !running && a.attempt > 1 && a.retryIntervalMs !== undefined;
  return {
    activityId: a.activityId,
    activityType: { name: a.activityType },
    state,
    heartbeatDetails: a.heartbeatDetails ? temporal.api.common.v1.Payloads.decode(fromBase64(a.heartbeatDetails)) : null,
    lastHeartbeatTime: a.lastHeartbeatMs ? msToTimestamp(a.lastHeartbeatMs) : null,
    lastStartedTime: a.startedTimeMs ? msToTimestamp(a.startedTimeMs) : null,
    attempt: a.attempt,
    maximumAttempts: a.retry.maximumAttempts,
    scheduledTime: msToTimestamp(a.attemptScheduledTimeMs),
    expirationTime: a.scheduleToCloseMs > 0 ? msToTimestamp(a.scheduledTimeMs + a.scheduleToCloseMs) : null,
    lastFailure: a.lastFailure ? temporal.api.failure.v1.Failure.decode(fromBase64(a.lastFailure)) : null,
    lastWorkerIdentity: a.lastWorkerIdentity,
    // A retry waiting for its backoff (or for a worker after it): when it was or will be dispatched.
    ...(retrying
      ? { nextAttemptScheduleTime: msToTimestamp(a.attemptScheduledTimeMs), currentRetryInterval: msToDuration(a.retryIntervalMs ?? 0) }
      : {}),
    paused: !!a.paused,
    pauseInfo: pause ? { pauseTime: msToTimestamp(pause.timeMs), manual: { identity: pause.identity, reason: pause.reason } } : null,
    activityOptions: activityOptionsOf(a),
  };
}

export interface HistoryPage {
  /** Encoded HistoryEvents, as stored (see common/raw-history.ts). */
  events: Uint8Array[];
  nextPageToken: Uint8Array;
}

/** How long a history page waits for a change it saw in memory to reach the store. */
const PENDING_COMMIT_WAIT_MS = 1000;

/**
 * GetWorkflowExecutionHistory: pages of events, or only the close event; with
 * `waitNewEvent` it long-polls until there is something new (bounded).
 */
export async function getHistory(
  es: ExecutionStore,
  watchers: RunWatchers,
  ref: ExecutionRef,
  opts: { closeEventOnly: boolean; waitNewEvent: boolean; pageSize: number; fromEventId: number; waitMs: number; signal: AbortSignal },
): Promise<HistoryPage> {
  let state = await es.read(ref);
  const { namespaceId, runId } = state;
  const closed = (s: typeof state) => !isRunning(s);
  if (opts.closeEventOnly) {
    if (!closed(state) && opts.waitNewEvent) {
      await watchers.waitFor(namespaceId, runId, closed, opts.waitMs, opts.signal);
      state = await es.read({ ...ref, runId });
    }
    if (!closed(state)) return { events: [], nextPageToken: new Uint8Array() };
    const rows = await es.store.readHistory(namespaceId, runId, state.closeEventId, 1);
    return { events: rows.map((r) => r.data), nextPageToken: new Uint8Array() };
  }
  const lastEventId = state.nextEventId - 1;
  if (opts.fromEventId > lastEventId && opts.waitNewEvent && !closed(state)) {
    const from = opts.fromEventId;
    await watchers.waitFor(namespaceId, runId, (s) => s.nextEventId - 1 >= from || closed(s), opts.waitMs, opts.signal);
    state = await es.read({ ...ref, runId });
  }
  let last = Math.min(state.nextEventId - 1, opts.fromEventId + opts.pageSize - 1);
  let events = await es.readEvents(namespaceId, runId, opts.fromEventId, last);
  if (events.length < last - opts.fromEventId + 1) {
    // The state read counts events of a change still being committed: wait for its commit
    // (bounded), then read again; a page never claims events it does not carry.
    await watchers.waitFor(namespaceId, runId, () => true, PENDING_COMMIT_WAIT_MS, opts.signal);
    events = await es.readEvents(namespaceId, runId, opts.fromEventId, last);
    last = opts.fromEventId + events.length - 1;
  }
  const complete = last >= state.nextEventId - 1;
  const more = !complete || (opts.waitNewEvent && !closed(state));
  return { events, nextPageToken: more ? encodePageToken(runId, last + 1) : new Uint8Array() };
}

/**
 * GetWorkflowExecutionHistoryReverse: the newest events first, `pageSize` at a time, from
 * `beforeEventId` (inclusive; the run's last event on the first page) down to event 1.
 */
export async function getHistoryReverse(
  es: ExecutionStore,
  ref: ExecutionRef,
  opts: { pageSize: number; beforeEventId: number | null },
): Promise<HistoryPage> {
  const state = await es.read(ref);
  const upper = Math.min(opts.beforeEventId ?? state.nextEventId - 1, state.nextEventId - 1);
  if (upper < 1) return { events: [], nextPageToken: new Uint8Array() };
  const lower = Math.max(1, upper - opts.pageSize + 1);
  const events = await readHistoryEventBytes(es.store, state.namespaceId, state.runId, lower, upper);
  events.reverse();
  return { events, nextPageToken: lower > 1 ? encodePageToken(state.runId, lower - 1) : new Uint8Array() };
}

export function encodePageToken(runId: string, nextEventId: number): Uint8Array {
  return Buffer.from(JSON.stringify({ run: runId, next: nextEventId }));
}

export function decodePageToken(token: Uint8Array | null | undefined): { run: string; next: number } | null {
  if (!token || token.length === 0) return null;
  try {
    const t = JSON.parse(Buffer.from(token).toString('utf8')) as { run?: unknown; next?: unknown };
    if (typeof t.run === 'string' && Number.isInteger(t.next)) return { run: t.run, next: t.next as number };
  } catch {
    // fall through
  }
  return null;
}
