/**
 * DeleteWorkflowExecution: a running run is terminated first (its parent and
 * children hear of it as of any termination), then the run's history, state,
 * task and timer rows go in one store transaction. Rows aimed at the run from
 * elsewhere find it gone and are dropped.
 */
import type { ExecutionRef, ExecutionStore } from './engine.js';
import { terminate_ } from './workflow-lifecycle.js';

export async function deleteWorkflow(es: ExecutionStore, ref: ExecutionRef, identity: string): Promise<void> {
  await es.withWorkflowLock(ref.namespaceId, ref.workflowId, async () => {
    const runId = await es.resolveRunId(ref);
    const exact = { ...ref, runId };
    await es.updateLocked(exact, (tx) => {
      if (tx.isRunning) terminate_(tx, 'deleted', null, identity);
    });
    await es.deleteLocked(ref.namespaceId, ref.workflowId, runId);
  });
}
