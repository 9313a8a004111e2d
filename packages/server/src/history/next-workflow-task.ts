/**
 * The next workflow task in an activity's answer (an Endure extension, asked for by our own
 * SDK only): a worker that completes or fails an activity, holds the run in its cache and has
 * a free workflow-task slot names its sticky queue with the call. If the answer schedules the
 * run's next workflow task on that very queue, the task is recorded as started in the same
 * commit and returned with the answer, instead of a second commit for WorkflowTaskStarted and
 * a hand-off to the worker's sticky poll.
 *
 * History is what the sticky poll would have produced: WorkflowTaskScheduled (sticky queue,
 * the run's task timeout) then WorkflowTaskStarted, and the task carries the events after the
 * last completed task. Anything that does not fit takes the normal path without a word: no
 * task scheduled by this answer (one already pending or in flight, events buffered), the run
 * not sticky to this queue, a transient attempt, or updates waiting to be delivered.
 *
 * A task started here never reaches matching. If its answer cannot be delivered, the caller
 * times it out at once (`abandonStartedWorkflowTask`): the same events its start-to-close
 * timeout would have written, without the wait.
 */
import { randomUUID } from 'node:crypto';
import type { proto } from '../common/proto.js';
import type { ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import type { ActivityState } from './mutable-state.js';
import type { ActivityTaskToken } from './task-token.js';
import { updateActivity } from './activity.js';
import { updateRegistry } from './updates.js';
import { markWorkflowTaskStarted, timeOutStartedWorkflowTask, workflowTaskResponse, type StartedWorkflowTask } from './workflow-task.js';

type PollResponse = proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

/** Who asks for the next task: the worker's sticky queue and its identity (recorded on WorkflowTaskStarted). */
export interface NextWorkflowTaskRequest {
  stickyQueue: string;
  identity: string;
}

/** A task started with an activity's answer, and how to give it up if the answer is lost. */
export interface NextWorkflowTask {
  response: PollResponse;
  started: StartedWorkflowTask;
}

/**
 * Answer the running activity attempt `token` names with `respond` (complete, fail) and, when
 * that schedules the run's next workflow task on `next.stickyQueue`, start it in the same commit.
 */
export async function respondActivityWithNextWorkflowTask(
  es: ExecutionStore,
  token: ActivityTaskToken,
  respond: (tx: ExecutionTx, a: ActivityState) => void,
  next: NextWorkflowTaskRequest,
): Promise<NextWorkflowTask | null> {
  const started = await updateActivity(es, token, (tx, a) => {
    respond(tx, a);
    return takeScheduledWorkflowTask(tx, es, next);
  });
  if (!started) return null;
  // No poll waited for it.
  es.metrics.workflowTaskStarted(0);
  return { response: await workflowTaskResponse(es, started), started };
}

/** The workflow task this change scheduled on `next.stickyQueue`, now started; null when it does not fit. */
function takeScheduledWorkflowTask(tx: ExecutionTx, es: ExecutionStore, next: NextWorkflowTaskRequest): StartedWorkflowTask | null {
  const s = tx.state;
  const wt = s.workflowTask;
  if (!tx.isRunning || !wt || wt.transient || wt.startedEventId > 0) return null;
  if (s.sticky?.taskQueue !== next.stickyQueue || s.bufferedEvents.length > 0) return null;
  // Scheduled by this change, for the sticky queue: the task matching would otherwise get.
  const dispatch = tx.stickyDispatch;
  if (!dispatch || dispatch.scheduledEventId !== wt.scheduledEventId || dispatch.attempt !== wt.attempt) return null;
  // Update requests go out with the normal path's speculative and sticky rules.
  if (updateRegistry(es).pendingFor(s).length > 0) return null;
  const row = tx.newTaskQueueTasks.findIndex(
    (t) => t.kind === 'workflow' && t.scheduledEventId === wt.scheduledEventId && t.attempt === wt.attempt,
  );
  if (row < 0) return null;
  tx.newTaskQueueTasks.splice(row, 1);
  tx.stickyDispatch = null;
  return markWorkflowTaskStarted(tx, es, next.identity, randomUUID(), { name: next.stickyQueue, sticky: true });
}

/**
 * The answer carrying `started` never reached its worker: time the task out now (what its
 * start-to-close timeout would do later), so the run's next attempt goes to the normal queue
 * at once. Nothing happens if the task has moved on meanwhile.
 */
export async function abandonStartedWorkflowTask(es: ExecutionStore, started: StartedWorkflowTask): Promise<void> {
  const ref = { namespaceId: started.namespaceId, workflowId: started.workflowId, runId: started.runId };
  await es.update(ref, (tx) => {
    const wt = tx.state.workflowTask;
    if (!tx.isRunning || !wt || wt.startedEventId !== started.startedEventId || wt.attempt !== started.attempt) return;
    timeOutStartedWorkflowTask(tx, wt);
  });
}
