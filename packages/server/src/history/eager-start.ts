/**
 * Eager workflow start: a client whose process runs a worker for the task queue (it shares
 * the worker's connection) asks, with `request_eager_execution`, for the new run's first
 * workflow task in the StartWorkflowExecution response. The task is recorded as started in
 * the start's own transaction and never reaches matching: no task row, no poll. If the worker
 * does not answer, the task times out and is retried like any other.
 *
 * As in Temporal, only a start that creates a run gets the task: a start answered from an
 * earlier request with the same id, or one whose first task waits out a delay, does not.
 */
import { randomUUID } from 'node:crypto';
import { HistoryEvent, type proto } from '../common/proto.js';
import { rawHistoryOf } from '../common/raw-history.js';
import type { NamespaceRecord } from '../persistence/store.js';
import type { ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { startWorkflow, type StartResult } from './workflow-lifecycle.js';
import { markWorkflowTaskStarted, workflowTaskResponse, type StartedWorkflowTask } from './workflow-task.js';

type StartRequest = proto.temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
type PollResponse = proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

export async function startWorkflowEagerly(
  es: ExecutionStore,
  ns: NamespaceRecord,
  req: StartRequest,
): Promise<StartResult & { eagerWorkflowTask: PollResponse | null }> {
  let started: StartedWorkflowTask | null = null;
  const result = await startWorkflow(es, ns, req, undefined, (tx) => {
    started = takeFirstWorkflowTask(tx, es, req.identity ?? '');
  });
  return { ...result, eagerWorkflowTask: started ? withDecodedHistory(await workflowTaskResponse(es, started)) : null };
}

/** Stored event bytes are spliced into top-level responses only; nested in another message they are decoded. */
function withDecodedHistory(task: PollResponse): PollResponse {
  return { ...task, history: { events: (rawHistoryOf(task) ?? []).map((bytes) => HistoryEvent.decode(bytes)) } };
}

function takeFirstWorkflowTask(tx: ExecutionTx, es: ExecutionStore, identity: string): StartedWorkflowTask | null {
  const wt = tx.state.workflowTask;
  if (!wt) return null;
  const row = tx.newTaskQueueTasks.findIndex((t) => t.kind === 'workflow' && t.scheduledEventId === wt.scheduledEventId);
  if (row < 0) return null;
  tx.newTaskQueueTasks.splice(row, 1);
  return markWorkflowTaskStarted(tx, es, identity, randomUUID(), undefined);
}
