/**
 * One change to one execution: collects the events, task rows and timers that
 * the store commits together. Handlers mutate `state` and call the helpers
 * here; the engine commits (or, when a handler throws, discards) the lot.
 */
import Long from 'long';
import { EventType, HistoryEvent, encodeEvent, enums, type HistoryEventObject } from '../common/proto.js';
import { msToDuration, msToTimestamp } from '../common/time.js';
import { assert } from '../common/errors.js';
import type {
  CurrentExecutionRecord,
  HistoryEventRow,
  NewTaskQueueTask,
  NewTimerTask,
  TaskKind,
} from '../persistence/store.js';
import { fromBase64, isRunning, toBase64, type BufferedEvent, type ExecutionState } from './mutable-state.js';
import type { TimerTaskKind } from './timer-tasks.js';

export type EventInput = Omit<HistoryEventObject, 'eventId' | 'eventTime'>;

/** A line for the server log, written only once the change is committed. */
export interface LogNote {
  level: 'info' | 'warn';
  msg: string;
  fields: Record<string, unknown>;
}

/** A workflow task scheduled on a worker's sticky queue: after the commit, matching puts it there. */
export interface StickyDispatch {
  runId: string;
  scheduledEventId: number;
  attempt: number;
  stickyQueue: string;
  scheduleToStartMs: number;
}

export class ExecutionTx {
  readonly newEvents: HistoryEventRow[] = [];
  readonly newTaskQueueTasks: NewTaskQueueTask[] = [];
  readonly doneTaskQueueTaskIds: number[] = [];
  readonly newTimerTasks: NewTimerTask[] = [];
  readonly doneTimerTaskIds: number[] = [];
  current: { record: CurrentExecutionRecord; expectedRunId: string | null } | undefined;
  /** A run this change creates in the same transaction (continue-as-new, retry, cron). */
  newRun: ExecutionTx | null = null;
  /** Set when anything must be written. */
  dirty = false;
  /** Set when a search attribute or memo changed: the visibility row is written again. */
  visibilityChanged = false;
  readonly logNotes: LogNote[] = [];
  stickyDispatch: StickyDispatch | null = null;
  /** The node making the change (a task started here is answered by this node). */
  nodeId = '';

  constructor(
    readonly state: ExecutionState,
    readonly nowMs: number,
  ) {}

  get isRunning(): boolean {
    return isRunning(this.state);
  }

  /** A workflow task has been handed to a worker and not yet answered. */
  get workflowTaskInFlight(): boolean {
    return (this.state.workflowTask?.startedEventId ?? 0) > 0;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Log `msg` (with the run's ids) if and when this change commits. */
  noteLog(level: LogNote['level'], msg: string, fields: Record<string, unknown>): void {
    this.logNotes.push({ level, msg, fields });
  }

  /** Append an event to history now; returns its id. */
  appendEvent(event: EventInput): number {
    const eventId = this.state.nextEventId++;
    const full: HistoryEventObject = {
      ...event,
      eventId: Long.fromNumber(eventId),
      eventTime: msToTimestamp(this.nowMs),
      taskId: Long.fromNumber(eventId),
    };
    const data = encodeEvent(full);
    this.newEvents.push({ eventId, data });
    this.state.historySizeBytes += data.length;
    this.dirty = true;
    return eventId;
  }

  /** Append an event copied as stored from another run (reset): ids must continue densely. */
  copyEvent(eventId: number, data: Uint8Array): void {
    assert(eventId === this.state.nextEventId, `copied event ${eventId} does not follow ${this.state.nextEventId - 1}`);
    this.state.nextEventId++;
    this.newEvents.push({ eventId, data });
    this.state.historySizeBytes += data.length;
    this.dirty = true;
  }

  /**
   * Add an event that did not come from the workflow's own commands (signal,
   * activity result, timer, cancel request). While a workflow task is in
   * flight it is buffered and written after that task's completion, so the
   * worker never sees history change under a task it is working on.
   */
  addExternalEvent(event: EventInput, startedIsPrevious = false, child?: BufferedEvent['child']): void {
    if (this.workflowTaskInFlight) {
      this.state.bufferedEvents.push({ data: toBase64(encodeEvent(event)), startedIsPrevious, child });
      this.dirty = true;
      return;
    }
    this.appendExternal(event, { startedIsPrevious, child });
  }

  flushBufferedEvents(): void {
    const buffered = this.state.bufferedEvents;
    this.state.bufferedEvents = [];
    for (const b of buffered) this.appendExternal(HistoryEvent.decode(fromBase64(b.data)), b);
  }

  /** Append an event from outside, fixing the references that depend on event ids known only now. */
  private appendExternal(event: EventInput, fix: Omit<BufferedEvent, 'data'>): void {
    if (fix.startedIsPrevious) setStartedEventId(event, this.state.nextEventId - 1);
    const child = fix.child ? this.state.children[fix.child.initiatedEventId] : undefined;
    if (fix.child?.closed && child) setChildStartedEventId(event, child.startedEventId);
    const eventId = this.appendEvent(event);
    if (!fix.child || !child) return;
    if (fix.child.closed) delete this.state.children[fix.child.initiatedEventId];
    else child.startedEventId = eventId;
  }

  /**
   * Schedule a workflow task unless one is pending, the run is closed, or the
   * first task waits out a backoff (events that arrive meanwhile are in history
   * and the first task will see them).
   */
  ensureWorkflowTask(): void {
    const s = this.state;
    if (this.isRunning && !s.workflowTask && s.firstTaskBackoffUntilMs === 0) this.scheduleWorkflowTask(1);
  }

  scheduleWorkflowTask(attempt: number): void {
    const s = this.state;
    assert(s.workflowTask === null, 'a workflow task is already pending');
    const sticky = s.sticky;
    const scheduledEventId = this.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      workflowTaskScheduledEventAttributes: {
        taskQueue: sticky
          ? { name: sticky.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: s.taskQueue }
          : { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        startToCloseTimeout: msToDuration(s.workflowTaskTimeoutMs),
        attempt,
      },
    });
    s.workflowTask = {
      scheduledEventId,
      startedEventId: 0,
      attempt,
      scheduledTimeMs: this.nowMs,
      startedTimeMs: 0,
      requestId: '',
    };
    // The row names the normal queue, so after a restart the task is found there.
    this.addTaskQueueTask('workflow', s.taskQueue, scheduledEventId, attempt);
    if (sticky) {
      const { taskQueue: stickyQueue, scheduleToStartMs } = sticky;
      this.stickyDispatch = { runId: s.runId, scheduledEventId, attempt, stickyQueue, scheduleToStartMs };
    }
  }

  /**
   * A retry of a failed workflow task: kept out of history until an attempt
   * completes, and dispatched after `delayMs` (a capped backoff), so a
   * workflow stuck on a bug costs almost nothing until a fixed worker comes.
   */
  scheduleTransientWorkflowTask(attempt: number, delayMs: number): void {
    const s = this.state;
    assert(s.workflowTask === null, 'a workflow task is already pending');
    // Not an event id: an identity that no other attempt of this run has.
    const identity = s.nextEventId;
    s.workflowTask = {
      scheduledEventId: identity,
      startedEventId: 0,
      attempt,
      scheduledTimeMs: this.nowMs + delayMs,
      startedTimeMs: 0,
      requestId: '',
      transient: true,
    };
    if (delayMs > 0) this.addTimer('workflow_task_retry', this.nowMs + delayMs, { scheduledEventId: identity, attempt });
    else this.addTaskQueueTask('workflow', s.taskQueue, identity, attempt);
  }

  addTaskQueueTask(kind: TaskKind, taskQueue: string, scheduledEventId: number, attempt: number): void {
    const s = this.state;
    this.newTaskQueueTasks.push({
      namespaceId: s.namespaceId,
      taskQueue,
      kind,
      workflowId: s.workflowId,
      runId: s.runId,
      scheduledEventId,
      attempt,
      createdMs: this.nowMs,
    });
    this.dirty = true;
  }

  addTimer(kind: TimerTaskKind, fireAtMs: number, data: object): void {
    this.addTimerFor(this.state, kind, fireAtMs, data);
  }

  /**
   * A durable task that runs against another execution (a parent to notify, a
   * child to close): it is written with this change and deleted in the
   * target's own transaction when it runs, so its effect happens once.
   */
  addTimerFor(
    target: { namespaceId: string; workflowId: string; runId: string },
    kind: TimerTaskKind,
    fireAtMs: number,
    data: object,
  ): void {
    this.newTimerTasks.push({
      fireAtMs,
      namespaceId: target.namespaceId,
      workflowId: target.workflowId,
      runId: target.runId,
      kind,
      data: JSON.stringify(data),
    });
    this.dirty = true;
  }
}

function setChildStartedEventId(event: EventInput, startedEventId: number): void {
  const attrs =
    event.childWorkflowExecutionCompletedEventAttributes ??
    event.childWorkflowExecutionFailedEventAttributes ??
    event.childWorkflowExecutionCanceledEventAttributes ??
    event.childWorkflowExecutionTimedOutEventAttributes ??
    event.childWorkflowExecutionTerminatedEventAttributes;
  assert(attrs, 'a child close fix-up needs a child close event');
  attrs.startedEventId = Long.fromNumber(startedEventId);
}

function setStartedEventId(event: EventInput, startedEventId: number): void {
  const attrs =
    event.activityTaskCompletedEventAttributes ??
    event.activityTaskFailedEventAttributes ??
    event.activityTaskTimedOutEventAttributes ??
    event.activityTaskCanceledEventAttributes;
  assert(attrs, 'startedIsPrevious is only valid for activity close events');
  attrs.startedEventId = Long.fromNumber(startedEventId);
}
