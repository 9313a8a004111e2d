/**
 * Mutable state rebuilt from history events: what was pending (activities,
 * timers, children, requests to other workflows, a cancel request) after a
 * prefix of a run's history. Used by reset, whose new run continues from a
 * copied prefix. The run's settings (timeouts, retry policy, cron, parent)
 * come from the base run's state: history does not change them.
 */
import { randomUUID } from 'node:crypto';
import { EventType, temporal, type proto } from '../common/proto.js';
import { durationMs, timestampMs } from '../common/time.js';
import type { ExecutionTx } from './execution-tx.js';
import { enums } from '../common/proto.js';
import { restoreActivity } from './activity.js';
import { mergeMemo, mergeSearchAttributes } from './commands.js';
import { toBase64, type ChildState, type ExecutionState, type ExternalRequestState } from './mutable-state.js';
import type { UserTimerData } from './timer-tasks.js';

type Event = proto.temporal.api.history.v1.IHistoryEvent;
type ScheduledAttributes = proto.temporal.api.history.v1.IActivityTaskScheduledEventAttributes;

interface Pending {
  activities: Map<number, { attrs: ScheduledAttributes; cancelRequestedEventId: number }>;
  timers: Map<string, { startedEventId: number; fireAtMs: number }>;
  children: Map<number, ChildState>;
  external: Map<number, ExternalRequestState>;
}

export interface RebuiltRun {
  /** The new run's state with nothing pending yet and an empty history (`nextEventId` 1). */
  state: ExecutionState;
  /** After the events are copied: track and dispatch again what was pending. */
  restore(tx: ExecutionTx): void;
}

export function rebuildState(base: ExecutionState, runId: string, events: Event[], nowMs: number): RebuiltRun {
  const state: ExecutionState = {
    ...structuredClone(base),
    runId,
    status: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTimeMs: nowMs,
    executionTimeMs: nowMs,
    closeTimeMs: null,
    closeEventId: 0,
    nextEventId: 1,
    historySizeBytes: 0,
    stateTransitionCount: 0,
    lastCompletedWorkflowTaskStartedEventId: 0,
    workflowTask: null,
    bufferedEvents: [],
    activities: {},
    timers: {},
    children: {},
    externalRequests: {},
    cancelRequested: false,
    signalRequestIds: [],
    firstTaskBackoffUntilMs: 0,
    memo: null,
    searchAttributes: null,
    // The new run knows the updates its own history accepted, no others.
    updates: {},
    speculativeTaskCount: 0,
  };
  const pending: Pending = { activities: new Map(), timers: new Map(), children: new Map(), external: new Map() };
  for (const e of events) apply(state, pending, e);
  return { state, restore: (tx) => restore(tx, pending) };
}

function apply(s: ExecutionState, p: Pending, e: Event): void {
  const id = Number(e.eventId);
  switch (e.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const a = e.workflowExecutionStartedEventAttributes!;
      s.memo = null;
      s.searchAttributes = null;
      mergeMemo(s, a.memo?.fields);
      mergeSearchAttributes(s, a.searchAttributes?.indexedFields);
      s.userMetadata = e.userMetadata ? toBase64(temporal.api.sdk.v1.UserMetadata.encode(e.userMetadata).finish()) : null;
      return;
    }
    case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      s.lastCompletedWorkflowTaskStartedEventId = Number(e.workflowTaskCompletedEventAttributes!.startedEventId);
      return;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      s.cancelRequested = true;
      return;
    case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      mergeSearchAttributes(s, e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields);
      return;
    case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
      mergeMemo(s, e.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields);
      return;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      s.updates![e.workflowExecutionUpdateAcceptedEventAttributes!.protocolInstanceId!] = { acceptedEventId: id, completedEventId: 0 };
      return;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
      const accepted = s.updates![e.workflowExecutionUpdateCompletedEventAttributes!.meta?.updateId ?? ''];
      if (accepted) accepted.completedEventId = id;
      return;
    }
    default:
      if (!applyActivityOrTimer(p, e, id)) applyChildOrExternal(s, p, e, id);
  }
}

function applyActivityOrTimer(p: Pending, e: Event, id: number): boolean {
  switch (e.eventType) {
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      p.activities.set(id, { attrs: e.activityTaskScheduledEventAttributes!, cancelRequestedEventId: 0 });
      return true;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: {
      const a = p.activities.get(Number(e.activityTaskCancelRequestedEventAttributes!.scheduledEventId));
      if (a) a.cancelRequestedEventId = id;
      return true;
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
    case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
      const a =
        e.activityTaskCompletedEventAttributes ??
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes ??
        e.activityTaskCanceledEventAttributes;
      p.activities.delete(Number(a!.scheduledEventId));
      return true;
    }
    case EventType.EVENT_TYPE_TIMER_STARTED: {
      const a = e.timerStartedEventAttributes!;
      p.timers.set(a.timerId!, { startedEventId: id, fireAtMs: timestampMs(e.eventTime) + durationMs(a.startToFireTimeout) });
      return true;
    }
    case EventType.EVENT_TYPE_TIMER_FIRED:
      p.timers.delete(e.timerFiredEventAttributes!.timerId!);
      return true;
    case EventType.EVENT_TYPE_TIMER_CANCELED:
      p.timers.delete(e.timerCanceledEventAttributes!.timerId!);
      return true;
    default:
      return false;
  }
}

function applyChildOrExternal(s: ExecutionState, p: Pending, e: Event, id: number): void {
  const initiatedId = (a: { initiatedEventId?: Long | number | null } | null | undefined) => Number(a?.initiatedEventId ?? 0);
  switch (e.eventType) {
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes!;
      p.children.set(id, {
        initiatedEventId: id,
        startedEventId: 0,
        namespace: a.namespace || s.namespace,
        namespaceId: (a.namespace || s.namespace) === s.namespace ? s.namespaceId : '',
        workflowId: a.workflowId!,
        runId: '',
        workflowType: a.workflowType!.name!,
        parentClosePolicy: a.parentClosePolicy || enums.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
        requestId: randomUUID(),
      });
      return;
    }
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
      const a = e.childWorkflowExecutionStartedEventAttributes!;
      const c = p.children.get(initiatedId(a));
      if (c) Object.assign(c, { startedEventId: id, runId: a.workflowExecution?.runId ?? '', namespaceId: a.namespaceId || c.namespaceId });
      return;
    }
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
    case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      p.children.delete(
        initiatedId(
          e.startChildWorkflowExecutionFailedEventAttributes ??
            e.childWorkflowExecutionCompletedEventAttributes ??
            e.childWorkflowExecutionFailedEventAttributes ??
            e.childWorkflowExecutionCanceledEventAttributes ??
            e.childWorkflowExecutionTimedOutEventAttributes ??
            e.childWorkflowExecutionTerminatedEventAttributes,
        ),
      );
      return;
    case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: {
      const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes ?? e.requestCancelExternalWorkflowExecutionInitiatedEventAttributes!;
      p.external.set(id, {
        initiatedEventId: id,
        kind: e.signalExternalWorkflowExecutionInitiatedEventAttributes ? 'signal' : 'cancel',
        namespace: a.namespace || s.namespace,
        workflowId: a.workflowExecution?.workflowId ?? '',
        runId: a.workflowExecution?.runId ?? '',
        requestId: randomUUID(),
      });
      return;
    }
    case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
    case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
    case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
    case EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      p.external.delete(
        initiatedId(
          e.externalWorkflowExecutionSignaledEventAttributes ??
            e.signalExternalWorkflowExecutionFailedEventAttributes ??
            e.externalWorkflowExecutionCancelRequestedEventAttributes ??
            e.requestCancelExternalWorkflowExecutionFailedEventAttributes,
        ),
      );
      return;
  }
}

function restore(tx: ExecutionTx, p: Pending): void {
  const s = tx.state;
  for (const [scheduledEventId, { attrs, cancelRequestedEventId }] of p.activities) {
    restoreActivity(tx, scheduledEventId, attrs);
    if (cancelRequestedEventId > 0) Object.assign(s.activities[scheduledEventId]!, { cancelRequested: true, cancelRequestedEventId });
  }
  for (const [timerId, t] of p.timers) {
    s.timers[timerId] = { timerId, startedEventId: t.startedEventId, fireAtMs: t.fireAtMs };
    tx.addTimer('user_timer', Math.max(t.fireAtMs, tx.nowMs), { timerId, startedEventId: t.startedEventId } satisfies UserTimerData);
  }
  for (const c of p.children.values()) {
    s.children[c.initiatedEventId] = c;
    if (!c.runId) tx.addTimer('start_child', tx.nowMs, { initiatedEventId: c.initiatedEventId });
  }
  for (const r of p.external.values()) {
    s.externalRequests[r.initiatedEventId] = r;
    tx.addTimer('external_request', tx.nowMs, { initiatedEventId: r.initiatedEventId });
  }
}
