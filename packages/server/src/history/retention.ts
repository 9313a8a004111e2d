/**
 * Retention: a closed run is deleted (history, state, visibility row) when its namespace's
 * retention has passed since it closed. The engine arms a `retention` timer in the closing
 * transaction (engine.ts), so the deletion survives restarts; the timer queue fires due timers
 * in bounded batches, one run per transaction, so a backlog never stalls live traffic.
 */
import type { TimerTask } from '../persistence/store.js';
import type { ExecutionStore } from './engine.js';
import { isRunning } from './mutable-state.js';

export async function onRetentionTimer(es: ExecutionStore, timer: TimerTask): Promise<void> {
  const ref = { namespaceId: timer.namespaceId, workflowId: timer.workflowId, runId: timer.runId };
  await es.withWorkflowLock(ref.namespaceId, ref.workflowId, async () => {
    const state = await es.read(ref);
    // A run never reopens once closed; a running one here means the row is not ours to act on.
    if (isRunning(state)) {
      await es.store.deleteTimerTasks([timer.id]);
      return;
    }
    await es.deleteLocked(ref.namespaceId, ref.workflowId, ref.runId);
  });
}
