/**
 * Sticky execution: a worker that keeps a run cached names its own queue in each completion
 * (sticky attributes), and the run's next workflow tasks go there carrying only the events
 * after the last completed task. Stickiness lives in memory only (`ExecutionState.sticky`,
 * never serialized): task rows always name the normal queue, so after a restart, or when the
 * engine's cache drops the state, tasks go there with the whole history.
 *
 * As in Temporal: a completion without sticky attributes, a failed or timed-out task and
 * ResetStickyTaskQueue end stickiness (a failure on a sticky run retries at attempt 1 on
 * the normal queue); a task left on the sticky queue past the worker's schedule-to-start
 * timeout is recorded as WorkflowTaskTimedOut (SCHEDULE_TO_START) and scheduled again on
 * the normal queue; a task started from another queue (matching found the sticky worker
 * gone) ends stickiness, and its worker gets the whole history.
 */
import Long from 'long';
import { EventType, enums, type proto } from '../common/proto.js';
import { notFound } from '../common/errors.js';
import { durationMs } from '../common/time.js';
import type { TaskQueueTask } from '../persistence/store.js';
import type { MatchingEngine } from '../matching/matching-engine.js';
import type { ExecutionRef, ExecutionStore } from './engine.js';
import type { StickyDispatch } from './execution-tx.js';
import type { ExecutionState } from './mutable-state.js';
import { isNotFound } from './read-or-null.js';

type StickyAttributes = proto.temporal.api.taskqueue.v1.IStickyExecutionAttributes;

/** Used when a worker names a sticky queue without a timeout (Temporal's default). */
const STICKY_SCHEDULE_TO_START_DEFAULT_MS = 5000;

/** The queue a workflow task was polled from. */
export interface PolledQueue {
  name: string;
  sticky: boolean;
}

/** A completion's sticky attributes set stickiness; a completion without them ends it. */
export function setStickyFromCompletion(state: ExecutionState, attributes: StickyAttributes | null | undefined): void {
  const taskQueue = attributes?.workerTaskQueue?.name;
  if (!taskQueue) {
    state.sticky = null;
    return;
  }
  const scheduleToStartMs = durationMs(attributes.scheduleToStartTimeout);
  state.sticky = { taskQueue, scheduleToStartMs: scheduleToStartMs > 0 ? scheduleToStartMs : STICKY_SCHEDULE_TO_START_DEFAULT_MS };
}

/** Ends stickiness; true if the run was sticky. */
export function clearSticky(state: ExecutionState): boolean {
  const was = !!state.sticky;
  state.sticky = null;
  return was;
}

/**
 * The first event a worker gets with a task it polled from `polled`: only what follows the
 * last completed task on the run's sticky queue, else the whole history. A task started from
 * another queue means the sticky worker was gone, so stickiness ends here.
 */
export function historyStartEventId(state: ExecutionState, polled: PolledQueue | undefined): number {
  if (state.sticky && state.sticky.taskQueue !== polled?.name) state.sticky = null;
  if (!state.sticky || !polled?.sticky) return 1;
  return state.lastCompletedWorkflowTaskStartedEventId + 1;
}

/**
 * After a commit: each task goes to its normal queue, except the workflow task scheduled
 * for a sticky queue whose worker is still there.
 */
export function dispatchTasks(
  matching: MatchingEngine,
  tasks: TaskQueueTask[],
  sticky: StickyDispatch | null,
  onExpired: (task: TaskQueueTask) => void,
): void {
  if (!sticky) {
    matching.addTasks(tasks);
    return;
  }
  for (const task of tasks) {
    const isSticky =
      task.kind === 'workflow' &&
      task.runId === sticky.runId &&
      task.scheduledEventId === sticky.scheduledEventId &&
      task.attempt === sticky.attempt;
    if (isSticky && matching.addStickyTask(task, sticky.stickyQueue, sticky.scheduleToStartMs, onExpired)) continue;
    matching.addTasks([task]);
  }
}

/**
 * No worker took the task from the sticky queue in time: WorkflowTaskTimedOut
 * (SCHEDULE_TO_START) and a new task, attempt 1, on the normal queue. The attempt does not
 * grow: the task never ran.
 */
export async function onStickyTaskExpired(es: ExecutionStore, task: TaskQueueTask): Promise<void> {
  const ref = { namespaceId: task.namespaceId, workflowId: task.workflowId, runId: task.runId };
  try {
    await es.update(ref, (tx) => {
      tx.doneTaskQueueTaskIds.push(task.id);
      tx.markDirty();
      const wt = tx.state.workflowTask;
      if (!tx.isRunning || !wt || wt.scheduledEventId !== task.scheduledEventId || wt.attempt !== task.attempt || wt.startedEventId > 0) {
        return;
      }
      if (wt.transient) {
        // A speculative task (updates) has no events to time out: it moves to the normal queue as it is.
        tx.state.sticky = null;
        tx.addTaskQueueTask('workflow', tx.state.taskQueue, wt.scheduledEventId, wt.attempt);
        return;
      }
      tx.noteLog('info', 'workflow task timed out', { attempt: wt.attempt, timeoutType: 'ScheduleToStart' });
      tx.appendEvent({
        eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
        workflowTaskTimedOutEventAttributes: {
          scheduledEventId: Long.fromNumber(wt.scheduledEventId),
          startedEventId: Long.ZERO,
          timeoutType: enums.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
        },
      });
      tx.state.sticky = null;
      tx.state.workflowTask = null;
      tx.scheduleWorkflowTask(1);
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await es.store.deleteTaskQueueTasks([task.id]);
  }
}

/**
 * ResetStickyTaskQueue: the run's next tasks go to the normal queue with the whole history,
 * and a task waiting on the sticky queue moves there now.
 */
export async function resetStickyTaskQueue(es: ExecutionStore, matching: MatchingEngine, ref: ExecutionRef): Promise<void> {
  const reset = await es.update(ref, (tx) => {
    if (!tx.isRunning) throw notFound('workflow execution already completed');
    const stickyQueue = tx.state.sticky?.taskQueue;
    tx.state.sticky = null;
    return stickyQueue ? { stickyQueue, runId: tx.state.runId } : null;
  });
  if (reset) matching.moveStickyTaskToNormal(ref.namespaceId, reset.stickyQueue, reset.runId);
}
