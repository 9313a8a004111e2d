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

const { WorkflowExecutionStatus: Status, RetryState } = proto.temporal.api.enums.v1;

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
  /** The activity id (the timer id for a timer). */
  id: string;
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
  const children = new ChildTracker(run);
  for (const event of events) {
    applyRunEvent(run, event);
    children.apply(event);
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

/**
 * What the run started, in event order: activities, timers and child workflows, found again
 * by the id of the event that scheduled them when later events tell how they went.
 */
class ChildTracker {
  private readonly byEventId = new Map<number, TraceNode>();
  private readonly timersById = new Map<string, TraceNode>();

  constructor(private readonly run: WorkflowNode) {}

  apply(event: HistoryEvent): void {
    const at = toEpochMs(event.eventTime);
    if (!this.applyActivity(event, at) && !this.applyTimer(event, at)) this.applyChildWorkflow(event, at);
  }

  private add(eventId: unknown, node: TraceNode): void {
    this.byEventId.set(Number(eventId ?? 0), node);
    this.run.children.push(node);
  }

  private find(scheduledEventId: unknown): TraceNode | undefined {
    return this.byEventId.get(Number(scheduledEventId ?? 0));
  }

  private applyActivity(event: HistoryEvent, at: number | undefined): boolean {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      this.add(event.eventId, leafNode('activity', scheduled.activityId ?? '', scheduled.activityType?.name ?? '', 'scheduled', at));
      return true;
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const node = this.find(started.scheduledEventId);
      if (node) Object.assign(node, { state: 'running', attempt: started.attempt ?? 1 });
      return true;
    }
    const cancelRequested = event.activityTaskCancelRequestedEventAttributes;
    if (cancelRequested) {
      const node = this.find(cancelRequested.scheduledEventId);
      if (node) node.state = 'cancelRequested';
      return true;
    }
    const { activityTaskCompletedEventAttributes: completed, activityTaskFailedEventAttributes: failed } = event;
    const { activityTaskTimedOutEventAttributes: timedOut, activityTaskCanceledEventAttributes: canceled } = event;
    if (completed) closeNode(this.find(completed.scheduledEventId), at, 'completed');
    else if (failed) closeNode(this.find(failed.scheduledEventId), at, 'failed', failed.failure, failed.retryState);
    else if (timedOut) closeNode(this.find(timedOut.scheduledEventId), at, 'timedOut', timedOut.failure, timedOut.retryState);
    else if (canceled) closeNode(this.find(canceled.scheduledEventId), at, 'canceled');
    else return false;
    return true;
  }

  private applyTimer(event: HistoryEvent, at: number | undefined): boolean {
    const started = event.timerStartedEventAttributes;
    if (started) {
      const timerId = started.timerId ?? '';
      const timeout = started.startToFireTimeout;
      const duration = formatDuration(Number(timeout?.seconds ?? 0) * 1000 + Math.round((timeout?.nanos ?? 0) / 1e6));
      // As `temporal`: a timer id that is not its event id was chosen by the workflow, so it names the timer.
      const name = timerId === String(event.eventId ?? '') ? `Timer (${duration})` : `${timerId} (${duration})`;
      const node = leafNode('timer', timerId, name, 'timerWaiting', at);
      this.timersById.set(timerId, node);
      this.run.children.push(node);
      return true;
    }
    const { timerFiredEventAttributes: fired, timerCanceledEventAttributes: canceled } = event;
    if (fired) closeNode(this.timersById.get(fired.timerId ?? ''), at, 'timerFired');
    else if (canceled) closeNode(this.timersById.get(canceled.timerId ?? ''), at, 'timerCanceled');
    else return false;
    return true;
  }

  private applyChildWorkflow(event: HistoryEvent, at: number | undefined): void {
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated) {
      const node = workflowNode(initiated.workflowId ?? '', '', initiated.workflowType?.name ?? '');
      node.taskQueue = initiated.taskQueue?.name ?? '';
      this.add(event.eventId, node);
      return;
    }
    const started = event.childWorkflowExecutionStartedEventAttributes;
    const node = this.find(started?.initiatedEventId);
    if (started && node?.kind === 'workflow') {
      node.execution.runId = started.workflowExecution?.runId ?? '';
      Object.assign(node, { startMs: at, state: 'running', status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING });
      return;
    }
    const { startChildWorkflowExecutionFailedEventAttributes: startFailed, childWorkflowExecutionCompletedEventAttributes: completed } = event;
    const { childWorkflowExecutionFailedEventAttributes: failed, childWorkflowExecutionTimedOutEventAttributes: timedOut } = event;
    const { childWorkflowExecutionCanceledEventAttributes: canceled, childWorkflowExecutionTerminatedEventAttributes: terminated } = event;
    if (startFailed) closeNode(this.find(startFailed.initiatedEventId), at, 'failed');
    else if (completed) closeNode(this.find(completed.initiatedEventId), at, 'completed');
    else if (failed) closeNode(this.find(failed.initiatedEventId), at, 'failed', failed.failure, failed.retryState);
    else if (timedOut) closeNode(this.find(timedOut.initiatedEventId), at, 'timedOut', undefined, timedOut.retryState);
    else if (canceled) closeNode(this.find(canceled.initiatedEventId), at, 'canceled');
    else if (terminated) closeNode(this.find(terminated.initiatedEventId), at, 'terminated');
  }
}

function closeNode(node: TraceNode | undefined, at: number | undefined, state: NodeState, failure?: Failure | null, retryState?: number | null): void {
  if (!node) return;
  node.state = state;
  node.closeMs = at;
  if (failure) node.failure = failureMessages(failure);
  if (retryState !== undefined && retryState !== null) node.retryState = retryStateText(retryState);
  if (node.kind === 'workflow') node.status = STATUS_OF_STATE[state] ?? node.status;
}

const STATUS_OF_STATE: Partial<Record<NodeState, number>> = Object.fromEntries(
  Object.entries(STATE_OF_STATUS).map(([status, state]) => [state, Number(status)]),
);

function leafNode(kind: 'activity' | 'timer', id: string, name: string, state: NodeState, startMs: number | undefined): ActivityNode {
  return { kind, id, name, state, startMs, closeMs: undefined, attempt: 1, failure: undefined, retryState: undefined };
}

/**
 * Marks the activities a running run's describe reports as started as running (with their
 * attempt): the history only gets an activity's started event once it closes.
 */
export function applyPendingActivities(run: WorkflowNode, pending: proto.temporal.api.workflow.v1.IPendingActivityInfo[]): void {
  const startedState = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  for (const activity of pending) {
    const node = run.children.find((child) => child.kind === 'activity' && child.id === activity.activityId && child.closeMs === undefined);
    if (!node) continue;
    node.attempt = activity.attempt ?? node.attempt;
    if (activity.state === startedState && node.state === 'scheduled') node.state = 'running';
  }
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
