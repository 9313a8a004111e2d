/**
 * The tree `workflow trace` draws, built from one run's history: the run itself, and in
 * event order the activities, timers and child workflows it scheduled, each with its state,
 * times, attempt and failure. A child workflow here is what the parent's history says of it;
 * trace.ts replaces it with the node read from the child's own history when it expands it.
 */
import proto from '@temporalio/proto';
import { enumShortName, formatDuration, toEpochMs } from '../../output/format.js';
import type { HistoryEvent } from './history-events.js';

type Failure = proto.temporal.api.failure.v1.IFailure;

const { EventType: E, WorkflowExecutionStatus: Status, RetryState } = proto.temporal.api.enums.v1;

export type NodeState =
  | 'scheduled'
  | 'running'
  | 'completed'
  | 'continuedAsNew'
  | 'failed'
  | 'timedOut'
  | 'canceled'
  | 'terminated'
  | 'cancelRequested'
  | 'timerWaiting'
  | 'timerFired'
  | 'timerCanceled';

export interface ChildRef {
  workflowId: string;
  /** Empty until the child has started. */
  runId: string;
}

interface NodeBase {
  name: string;
  state: NodeState;
  startMs: number | undefined;
  closeMs: number | undefined;
  attempt: number;
  /** The failure message and its causes' messages, one per line. */
  failure: string | undefined;
  retryState: string | undefined;
}

export interface WorkflowNode extends NodeBase {
  kind: 'workflow';
  execution: ChildRef;
  /** The WorkflowExecutionStatus value, for folding. */
  status: number;
  taskQueue: string;
  terminationReason: string | undefined;
  children: TraceNode[];
}

export interface ActivityNode extends NodeBase {
  kind: 'activity' | 'timer';
}

export type TraceNode = WorkflowNode | ActivityNode;

const STATE_OF_STATUS: Record<number, NodeState> = {
  [Status.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED]: 'scheduled',
  [Status.WORKFLOW_EXECUTION_STATUS_RUNNING]: 'running',
  [Status.WORKFLOW_EXECUTION_STATUS_COMPLETED]: 'completed',
  [Status.WORKFLOW_EXECUTION_STATUS_FAILED]: 'failed',
  [Status.WORKFLOW_EXECUTION_STATUS_CANCELED]: 'canceled',
  [Status.WORKFLOW_EXECUTION_STATUS_TERMINATED]: 'terminated',
  [Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW]: 'continuedAsNew',
  [Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT]: 'timedOut',
};

/** The node of one run, from its whole history (in order). */
export function buildRunNode(ref: ChildRef, events: HistoryEvent[]): WorkflowNode {
  const run = workflowNode(ref.workflowId, ref.runId, '');
  /** Activities, timers and children by the id of the event that scheduled them. */
  const byEventId = new Map<number, TraceNode>();
  const timersById = new Map<string, TraceNode>();
  for (const event of events) {
    applyRunEvent(run, event);
    applyChildEvent(run, event, byEventId, timersById);
  }
  return run;
}

function workflowNode(workflowId: string, runId: string, name: string): WorkflowNode {
  return {
    kind: 'workflow',
    execution: { workflowId, runId },
    name,
    state: 'scheduled',
    status: Status.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED,
    taskQueue: '',
    startMs: undefined,
    closeMs: undefined,
    attempt: 1,
    failure: undefined,
    retryState: undefined,
    terminationReason: undefined,
    children: [],
  };
}

function setStatus(node: WorkflowNode, status: number, event: HistoryEvent): void {
  node.status = status;
  node.state = STATE_OF_STATUS[status] ?? 'scheduled';
  if (status !== Status.WORKFLOW_EXECUTION_STATUS_RUNNING) node.closeMs = toEpochMs(event.eventTime);
}

/** Events about the run itself: its start and how it closed. */
function applyRunEvent(run: WorkflowNode, event: HistoryEvent): void {
  const started = event.workflowExecutionStartedEventAttributes;
  if (started) {
    run.name = started.workflowType?.name ?? '';
    run.taskQueue = started.taskQueue?.name ?? '';
    run.attempt = started.attempt ?? 1;
    run.startMs = toEpochMs(event.eventTime);
    run.status = Status.WORKFLOW_EXECUTION_STATUS_RUNNING;
    run.state = 'running';
  } else if (event.workflowExecutionCompletedEventAttributes) {
    setStatus(run, Status.WORKFLOW_EXECUTION_STATUS_COMPLETED, event);
  } else if (event.workflowExecutionFailedEventAttributes) {
    setStatus(run, Status.WORKFLOW_EXECUTION_STATUS_FAILED, event);
    run.failure = failureMessages(event.workflowExecutionFailedEventAttributes.failure);
    run.retryState = retryStateText(event.workflowExecutionFailedEventAttributes.retryState);
  } else if (event.workflowExecutionTimedOutEventAttributes) {
    setStatus(run, Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, event);
    run.retryState = retryStateText(event.workflowExecutionTimedOutEventAttributes.retryState);
  } else if (event.workflowExecutionCanceledEventAttributes) {
    setStatus(run, Status.WORKFLOW_EXECUTION_STATUS_CANCELED, event);
  } else if (event.workflowExecutionTerminatedEventAttributes) {
    setStatus(run, Status.WORKFLOW_EXECUTION_STATUS_TERMINATED, event);
    run.terminationReason = event.workflowExecutionTerminatedEventAttributes.reason ?? undefined;
  } else if (event.workflowExecutionContinuedAsNewEventAttributes) {
    setStatus(run, Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, event);
  } else if (event.workflowExecutionCancelRequestedEventAttributes && run.state === 'running') {
    run.state = 'cancelRequested';
  }
}

/** Events about what the run started: activities, timers, child workflows. */
function applyChildEvent(run: WorkflowNode, event: HistoryEvent, byEventId: Map<number, TraceNode>, timersById: Map<string, TraceNode>): void {
  const at = toEpochMs(event.eventTime);
  const find = (scheduledId: unknown): TraceNode | undefined => byEventId.get(Number(scheduledId ?? 0));
  const close = (node: TraceNode | undefined, state: NodeState, failure?: Failure | null, retryState?: number | null): void => {
    if (!node) return;
    node.state = state;
    node.closeMs = at;
    if (failure) node.failure = failureMessages(failure);
    if (retryState !== undefined && retryState !== null) node.retryState = retryStateText(retryState);
    if (node.kind === 'workflow') node.status = STATUS_OF_STATE[state] ?? node.status;
  };
  const eventId = Number(event.eventId ?? 0);
  switch (event.eventType) {
    case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const node = leafNode('activity', event.activityTaskScheduledEventAttributes?.activityType?.name ?? '', 'scheduled', at);
      byEventId.set(eventId, node);
      run.children.push(node);
      return;
    }
    case E.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
      const attrs = event.activityTaskStartedEventAttributes;
      const node = find(attrs?.scheduledEventId);
      if (node) {
        node.state = 'running';
        node.attempt = attrs?.attempt ?? 1;
      }
      return;
    }
    case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      return close(find(event.activityTaskCompletedEventAttributes?.scheduledEventId), 'completed');
    case E.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
      const attrs = event.activityTaskFailedEventAttributes;
      return close(find(attrs?.scheduledEventId), 'failed', attrs?.failure, attrs?.retryState);
    }
    case E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
      const attrs = event.activityTaskTimedOutEventAttributes;
      return close(find(attrs?.scheduledEventId), 'timedOut', attrs?.failure, attrs?.retryState);
    }
    case E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: {
      const node = find(event.activityTaskCancelRequestedEventAttributes?.scheduledEventId);
      if (node) node.state = 'cancelRequested';
      return;
    }
    case E.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
      return close(find(event.activityTaskCanceledEventAttributes?.scheduledEventId), 'canceled');
    case E.EVENT_TYPE_TIMER_STARTED: {
      const attrs = event.timerStartedEventAttributes;
      const timerId = attrs?.timerId ?? '';
      const duration = formatDuration(Number(attrs?.startToFireTimeout?.seconds ?? 0) * 1000 + Math.round((attrs?.startToFireTimeout?.nanos ?? 0) / 1e6));
      const name = timerId === String(eventId) ? `Timer (${duration})` : `${timerId} (${duration})`;
      const node = leafNode('timer', name, 'timerWaiting', at);
      timersById.set(timerId, node);
      run.children.push(node);
      return;
    }
    case E.EVENT_TYPE_TIMER_FIRED:
      return close(timersById.get(event.timerFiredEventAttributes?.timerId ?? ''), 'timerFired');
    case E.EVENT_TYPE_TIMER_CANCELED:
      return close(timersById.get(event.timerCanceledEventAttributes?.timerId ?? ''), 'timerCanceled');
    default:
      applyChildWorkflowEvent(run, event, eventId, at, find, byEventId, close);
  }
}

function applyChildWorkflowEvent(
  run: WorkflowNode,
  event: HistoryEvent,
  eventId: number,
  at: number | undefined,
  find: (scheduledId: unknown) => TraceNode | undefined,
  byEventId: Map<number, TraceNode>,
  close: (node: TraceNode | undefined, state: NodeState, failure?: Failure | null, retryState?: number | null) => void,
): void {
  const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
  if (initiated) {
    const node = workflowNode(initiated.workflowId ?? '', '', initiated.workflowType?.name ?? '');
    node.taskQueue = initiated.taskQueue?.name ?? '';
    byEventId.set(eventId, node);
    run.children.push(node);
    return;
  }
  const startFailed = event.startChildWorkflowExecutionFailedEventAttributes;
  if (startFailed) return close(find(startFailed.initiatedEventId), 'failed');
  const started = event.childWorkflowExecutionStartedEventAttributes;
  if (started) {
    const node = find(started.initiatedEventId);
    if (node?.kind === 'workflow') {
      node.execution.runId = started.workflowExecution?.runId ?? '';
      node.startMs = at;
      node.state = 'running';
      node.status = Status.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }
    return;
  }
  if (event.childWorkflowExecutionCompletedEventAttributes) return close(find(event.childWorkflowExecutionCompletedEventAttributes.initiatedEventId), 'completed');
  if (event.childWorkflowExecutionFailedEventAttributes) {
    const attrs = event.childWorkflowExecutionFailedEventAttributes;
    return close(find(attrs.initiatedEventId), 'failed', attrs.failure, attrs.retryState);
  }
  if (event.childWorkflowExecutionTimedOutEventAttributes) {
    const attrs = event.childWorkflowExecutionTimedOutEventAttributes;
    return close(find(attrs.initiatedEventId), 'timedOut', undefined, attrs.retryState);
  }
  if (event.childWorkflowExecutionCanceledEventAttributes) return close(find(event.childWorkflowExecutionCanceledEventAttributes.initiatedEventId), 'canceled');
  if (event.childWorkflowExecutionTerminatedEventAttributes) return close(find(event.childWorkflowExecutionTerminatedEventAttributes.initiatedEventId), 'terminated');
}

const STATUS_OF_STATE: Partial<Record<NodeState, number>> = Object.fromEntries(
  Object.entries(STATE_OF_STATUS).map(([status, state]) => [state, Number(status)]),
);

function leafNode(kind: 'activity' | 'timer', name: string, state: NodeState, startMs: number | undefined): ActivityNode {
  return { kind, name, state, startMs, closeMs: undefined, attempt: 1, failure: undefined, retryState: undefined };
}

/** The messages of a failure and its causes, one per line (a chain is bounded by the server's failure size). */
function failureMessages(failure: Failure | null | undefined): string | undefined {
  const lines: string[] = [];
  for (let current = failure; current && lines.length < 20; current = current.cause) lines.push(current.message ?? '');
  return lines.length > 0 ? lines.join('\n') : undefined;
}

function retryStateText(value: number | null | undefined): string | undefined {
  if (value === null || value === undefined || value === RetryState.RETRY_STATE_UNSPECIFIED || value === RetryState.RETRY_STATE_IN_PROGRESS) return undefined;
  return enumShortName(RetryState, 'RETRY_STATE_', value);
}
