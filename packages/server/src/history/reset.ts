/**
 * ResetWorkflowExecution: a new run whose history is the base run's up to the
 * workflow task that ended at the reset point, then a WorkflowTaskFailed with
 * cause RESET_WORKFLOW, the signals the base run received after that point
 * (unless told not to), and a new workflow task. Its mutable state is rebuilt
 * from the copied events (state-rebuilder.ts). The run that is current is
 * terminated if it still runs, in the same transaction that creates the new
 * one. The request id makes a repeated reset return the same run.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { EventType, HistoryEvent, enums, type proto } from '../common/proto.js';
import { invalidArgument } from '../common/errors.js';
import type { ExecutionRef, ExecutionStore } from './engine.js';
import { ExecutionTx } from './execution-tx.js';
import type { ExecutionState } from './mutable-state.js';
import { readHistoryEventBytes } from './history-reader.js';
import { currentRecord, terminate_ } from './workflow-lifecycle.js';
import { rebuildState } from './state-rebuilder.js';

type ResetRequest = proto.temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest;
type Event = proto.temporal.api.history.v1.HistoryEvent;

const FINISH_EVENT_TYPES = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

export async function resetWorkflow(es: ExecutionStore, ref: ExecutionRef, req: ResetRequest): Promise<string> {
  return es.withWorkflowLock(ref.namespaceId, ref.workflowId, async () => {
    const current = await es.store.getCurrentExecution(ref.namespaceId, ref.workflowId);
    if (req.requestId && current?.startRequestId === req.requestId) return current.runId;
    const base = await es.read(ref);
    const bytes = await readHistoryEventBytes(es.store, base.namespaceId, base.runId, 1, base.nextEventId - 1);
    const events = bytes.map((b) => HistoryEvent.decode(b));
    const startedEventId = resetPointStartedId(events, Number(req.workflowTaskFinishEventId ?? 0));
    const reapplied = reappliedSignals(events.slice(startedEventId), req);
    const runId = randomUUID();
    const build = (tx: ExecutionTx) => {
      tx.newRun = buildResetRun(base, runId, bytes.slice(0, startedEventId), events, startedEventId, reapplied, req, tx.nowMs);
      tx.newRun.current = { record: currentRecord(tx.newRun.state), expectedRunId: current?.runId ?? null };
      tx.markDirty();
    };
    const currentRef = { ...ref, runId: current?.runId ?? base.runId };
    await es.updateLocked(currentRef, (tx) => {
      if (tx.isRunning) terminate_(tx, `reset: ${req.reason ?? ''}`, null, '');
      build(tx);
    });
    return runId;
  });
}

/** The WorkflowTaskStarted id of the task that finished at `finishEventId`; INVALID_ARGUMENT naming the field otherwise. */
function resetPointStartedId(events: Event[], finishEventId: number): number {
  const finish = events[finishEventId - 1];
  if (!finish || !FINISH_EVENT_TYPES.has(finish.eventType)) {
    throw invalidArgument(
      `workflow_task_finish_event_id ${finishEventId} is not a WorkflowTaskCompleted, WorkflowTaskFailed or WorkflowTaskTimedOut event of this run`,
    );
  }
  const attrs =
    finish.workflowTaskCompletedEventAttributes ?? finish.workflowTaskFailedEventAttributes ?? finish.workflowTaskTimedOutEventAttributes;
  return Number(attrs!.startedEventId);
}

function reappliedSignals(after: Event[], req: ResetRequest): Event[] {
  const Reapply = enums.ResetReapplyType;
  if (req.resetReapplyType === Reapply.RESET_REAPPLY_TYPE_NONE) return [];
  if ((req.resetReapplyExcludeTypes ?? []).includes(enums.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL)) return [];
  return after.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
}

function buildResetRun(
  base: ExecutionState,
  runId: string,
  copied: Uint8Array[],
  events: Event[],
  startedEventId: number,
  signals: Event[],
  req: ResetRequest,
  nowMs: number,
): ExecutionTx {
  const rebuilt = rebuildState(base, runId, events.slice(0, startedEventId), nowMs);
  rebuilt.state.startRequestId = req.requestId || randomUUID();
  const tx = new ExecutionTx(rebuilt.state, nowMs);
  copied.forEach((data, i) => tx.copyEvent(i + 1, data));
  const started = events[startedEventId - 1]!;
  tx.appendEvent({
    eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    workflowTaskFailedEventAttributes: {
      scheduledEventId: started.workflowTaskStartedEventAttributes?.scheduledEventId,
      startedEventId: Long.fromNumber(startedEventId),
      cause: enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
      failure: { message: req.reason ?? '', source: 'Server', applicationFailureInfo: { type: 'ResetWorkflow' } },
      baseRunId: base.runId,
      newRunId: runId,
      identity: req.identity ?? '',
    },
  });
  for (const e of signals) {
    tx.appendEvent({ eventType: e.eventType, workflowExecutionSignaledEventAttributes: e.workflowExecutionSignaledEventAttributes });
  }
  rebuilt.restore(tx);
  tx.ensureWorkflowTask();
  return tx;
}
