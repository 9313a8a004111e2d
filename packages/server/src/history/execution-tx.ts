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
import { fromBase64, isRunning, toBase64, type ExecutionState } from './mutable-state.js';
import type { TimerTaskKind } from './timer-tasks.js';

export type EventInput = Omit<HistoryEventObject, 'eventId' | 'eventTime'>;

export class ExecutionTx {
  readonly newEvents: HistoryEventRow[] = [];
  readonly newTaskQueueTasks: NewTaskQueueTask[] = [];
  readonly doneTaskQueueTaskIds: number[] = [];
  readonly newTimerTasks: NewTimerTask[] = [];
  readonly doneTimerTaskIds: number[] = [];
  current: { record: CurrentExecutionRecord; expectedRunId: string | null } | undefined;
  /** Set when anything must be written. */
  dirty = false;

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

  /**
   * Add an event that did not come from the workflow's own commands (signal,
   * activity result, timer, cancel request). While a workflow task is in
   * flight it is buffered and written after that task's completion, so the
   * worker never sees history change under a task it is working on.
   */
  addExternalEvent(event: EventInput, startedIsPrevious = false): void {
    if (this.workflowTaskInFlight) {
      this.state.bufferedEvents.push({ data: toBase64(encodeEvent(event)), startedIsPrevious });
      this.dirty = true;
      return;
    }
    if (startedIsPrevious) setStartedEventId(event, this.state.nextEventId - 1);
    this.appendEvent(event);
  }

  flushBufferedEvents(): void {
    const buffered = this.state.bufferedEvents;
    this.state.bufferedEvents = [];
    for (const b of buffered) {
      const event = HistoryEvent.decode(fromBase64(b.data)) as EventInput;
      if (b.startedIsPrevious) setStartedEventId(event, this.state.nextEventId - 1);
      this.appendEvent(event);
    }
  }

  /** Schedule a workflow task unless one is pending or the run is closed. */
  ensureWorkflowTask(): void {
    if (this.isRunning && !this.state.workflowTask) this.scheduleWorkflowTask(1);
  }

  scheduleWorkflowTask(attempt: number): void {
    const s = this.state;
    assert(s.workflowTask === null, 'a workflow task is already pending');
    const scheduledEventId = this.appendEvent({
      eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      workflowTaskScheduledEventAttributes: {
        taskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
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
    this.addTaskQueueTask('workflow', s.taskQueue, scheduledEventId, attempt);
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
    const s = this.state;
    this.newTimerTasks.push({
      fireAtMs,
      namespaceId: s.namespaceId,
      workflowId: s.workflowId,
      runId: s.runId,
      kind,
      data: JSON.stringify(data),
    });
    this.dirty = true;
  }
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
