/**
 * In-process waiting on a run's state: history long polls wait for the close
 * event, queries wait for a quiet moment between workflow tasks.
 */
import type { ExecutionState } from './mutable-state.js';

type Watcher = (state: ExecutionState) => void;

export class RunWatchers {
  private readonly watchers = new Map<string, Set<Watcher>>();

  /** Whether anyone waits on this run (another node changed it: worth reading it again). */
  isWatched(namespaceId: string, runId: string): boolean {
    return this.watchers.has(key(namespaceId, runId));
  }

  notify(namespaceId: string, runId: string, state: ExecutionState): void {
    const set = this.watchers.get(key(namespaceId, runId));
    if (!set) return;
    for (const w of [...set]) w(state);
  }

  /**
   * Resolve true once `ready(state)` holds for a later change, false after
   * `timeoutMs` or on abort. The caller checks the current state first.
   */
  waitFor(
    namespaceId: string,
    runId: string,
    ready: (state: ExecutionState) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const k = key(namespaceId, runId);
    return new Promise((resolve) => {
      let set = this.watchers.get(k);
      if (!set) {
        set = new Set();
        this.watchers.set(k, set);
      }
      const done = (result: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(watcher);
        if (set.size === 0) this.watchers.delete(k);
        resolve(result);
      };
      const watcher: Watcher = (state) => {
        if (ready(state)) done(true);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(watcher);
    });
  }
}

function key(namespaceId: string, runId: string): string {
  return `${namespaceId}\u0000${runId}`;
}
