/**
 * Answers "can anything run now?" for time skipping, from mutable state: a run
 * has runnable work while it has a workflow task (scheduled or in flight) or an
 * activity attempt that is dispatchable or running — not one waiting out a
 * retry backoff. Timer rows cannot tell: a finished task's timeout row stays
 * until it fires and is dropped.
 *
 * Only runs that were handed a task since they were last seen without work can
 * have any, because work only ever starts as a task-queue row; so the probe
 * reads just those (from the engine's cache) and forgets each once it is idle.
 */
import type { TaskQueueTask } from '../persistence/store.js';
import type { WorkloadProbe } from '../timers/time-skipper.js';
import { isRunning, type ExecutionRef, type ExecutionStore } from './engine.js';
import type { ExecutionState } from './mutable-state.js';
import { readOrNull } from './read-or-null.js';

export class RunnableWork implements WorkloadProbe {
  private readonly candidates = new Map<string, ExecutionRef>();

  constructor(private readonly executions: ExecutionStore) {}

  /** Tasks were queued: their runs have work until a later look finds none. */
  noteTasks(tasks: TaskQueueTask[]): void {
    for (const t of tasks) {
      this.candidates.set(`${t.namespaceId}\u0000${t.workflowId}\u0000${t.runId}`, {
        namespaceId: t.namespaceId,
        workflowId: t.workflowId,
        runId: t.runId,
      });
    }
  }

  async isIdle(): Promise<boolean> {
    for (const [key, ref] of this.candidates) {
      const state = await readOrNull(this.executions, ref);
      if (state && hasRunnableWork(state, this.executions.clock.nowMs())) return false;
      // A task queued while we awaited the read re-adds the run under the same key; keep that one.
      if (this.candidates.get(key) === ref) this.candidates.delete(key);
    }
    return true;
  }

  nextTimerFireMs(): Promise<number | null> {
    return this.executions.store.nextTimerFireMs();
  }
}

function hasRunnableWork(state: ExecutionState, nowMs: number): boolean {
  if (!isRunning(state)) return false;
  if (state.workflowTask) return state.workflowTask.scheduledTimeMs <= nowMs || state.workflowTask.startedEventId > 0;
  // A paused activity waits for an operator, not for time: it does not hold time still.
  return Object.values(state.activities).some((a) => a.startedTimeMs > 0 || (a.attemptScheduledTimeMs <= nowMs && !a.paused));
}
