/**
 * Callers waiting on an update (UpdateWorkflowExecution, PollWorkflowExecutionUpdate):
 * where an update stands, from the run's state (accepted, completed), the
 * registry (admitted, rejected) and history (the outcome), and a bounded wait
 * for the stage asked for. On several nodes the worker may answer through another
 * node: its commit's change message wakes the run's watchers here, and the state
 * read again holds the acceptance, or the rejection (update-registry.ts).
 */
import { enums, temporal, type IFailure, type proto } from '../common/proto.js';
import { notFound } from '../common/errors.js';
import { isRunning, type ExecutionState } from './mutable-state.js';
import type { ExecutionRef, ExecutionStore } from './engine.js';
import type { RunWatchers } from './run-watchers.js';
import { readHistoryEventBytes } from './history-reader.js';
import { MemoryUpdateRegistry, updateRegistry, type AdmittedUpdate } from './update-registry.js';

type IOutcome = proto.temporal.api.update.v1.IOutcome;
const Stage = enums.UpdateWorkflowExecutionLifecycleStage;

export interface UpdateStatus {
  /** temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage */
  stage: number;
  outcome: IOutcome | null;
}

/** Where an update stands in a run, or null when the run does not know it. */
async function updateStatus(es: ExecutionStore, ref: ExecutionRef, updateId: string): Promise<UpdateStatus | null> {
  const s = await es.read(ref);
  const record = s.updates?.[updateId];
  if (record) {
    if (record.completedEventId > 0) {
      // The cached state can run ahead of its commit: until the Completed event is stored, the update is still accepted.
      const outcome = await readOutcome(es, s, record.completedEventId);
      if (outcome) return { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, outcome };
      return { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED, outcome: null };
    }
    if (!isRunning(s)) return { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, outcome: { failure: closedBeforeCompletion() } };
    return { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED, outcome: null };
  }
  const registry = updateRegistry(es);
  const admitted = registry.get(s, updateId);
  if (!admitted || (admitted.runId !== s.runId && admitted.runId !== '')) return null;
  if (admitted.rejection) {
    return { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, outcome: { failure: admitted.rejection } };
  }
  if (!isRunning(s)) {
    // The run closed before the update reached it: nothing will ever take it.
    registry.discard(s, updateId);
    throw notFound('workflow update was aborted by closing workflow');
  }
  return { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED, outcome: null };
}

/** The outcome in the update's Completed event; null while that event is not stored yet. */
async function readOutcome(es: ExecutionStore, s: ExecutionState, eventId: number): Promise<IOutcome | null> {
  const [bytes] = await readHistoryEventBytes(es.store, s.namespaceId, s.runId, eventId, eventId);
  if (!bytes) return null;
  const event = temporal.api.history.v1.HistoryEvent.decode(bytes);
  return event.workflowExecutionUpdateCompletedEventAttributes?.outcome ?? {};
}

function closedBeforeCompletion(): IFailure {
  return {
    message: 'Workflow Update failed because the Workflow completed before the Update completed.',
    source: 'Server',
    applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true },
  };
}

/**
 * Wait (bounded) until the update reaches `stage`; answers where it stands then.
 * A rejection is seen on the registry entry the caller admitted (`admitted`, or
 * the one the registry holds now): it leaves the registry when rejected.
 */
export async function waitForUpdate(
  es: ExecutionStore,
  watchers: RunWatchers,
  ref: ExecutionRef,
  wait: { updateId: string; stage: number; timeoutMs: number; admitted?: AdmittedUpdate },
  signal: AbortSignal,
): Promise<UpdateStatus> {
  const { updateId, stage } = wait;
  const registry = updateRegistry(es);
  // In memory a rejected update leaves the registry: hold its entry to read the rejection.
  const admitted = wait.admitted ?? (registry instanceof MemoryUpdateRegistry ? registry.get(ref, updateId) : undefined);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Listen before looking, so a change between the two is not missed.
    const changed = Promise.race([
      watchers.waitFor(ref.namespaceId, ref.runId, () => true, Math.max(0, deadline - Date.now()), stop.signal),
      registry.nextChange(ref.namespaceId, ref.workflowId, stop.signal),
    ]);
    try {
      const found = await updateStatus(es, ref, updateId);
      // Read after the await: a rejection may have landed (and left the registry) meanwhile.
      const status = admitted?.rejection
        ? { stage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, outcome: { failure: admitted.rejection } }
        : found;
      if (!status) throw notFound(`update ${updateId} not found`);
      if (status.stage >= stage || Date.now() >= deadline || signal.aborted) return status;
      await changed;
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}
