/**
 * Entry of the runtime inside the sandbox (imported by the generated bundle,
 * never by user code): makes time and randomness deterministic and hands the
 * worker the runtime surface.
 *
 * Called once per workflow run. Runs may share a sandbox context: the globals
 * installed here (Date, setTimeout, clearTimeout, and Math.random on the
 * context's one Math object) are this run's, and the worker puts them back
 * whenever this run's code is about to run.
 */
import type { WorkflowRuntime } from '../interfaces.js';
import { CancellationScope } from '../cancellation-scope.js';
import { sleep } from '../workflow.js';
import { runtime, state } from './activator.js';

export type { SandboxCommand } from './activator.js';
export type {
  Activation,
  ActivationCompletion,
  ActivationJob,
  LocalActivityBackoff,
  LocalActivityRequest,
  LocalActivitySchedule,
  QueryResult,
  WorkflowRuntime,
} from '../interfaces.js';
export { CommandType, PATCH_MARKER_DETAILS_KEY, PATCH_MARKER_NAME } from './commands.js';

/** Install this run's deterministic globals and register the workflows module. */
export function installRuntime(workflows: Record<string, unknown>): WorkflowRuntime {
  state.workflows = workflows;
  installDeterministicTime();
  Math.random = () => state.random();
  installTimers();
  return runtime;
}

function installDeterministicTime(): void {
  const OriginalDate = Date;
  // Workflow time is the time of the workflow task being processed, identical on replay.
  class WorkflowDate extends OriginalDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(state.now);
      else super(...(args as [string | number]));
    }
    static override now(): number {
      return state.now;
    }
  }
  (globalThis as { Date: DateConstructor }).Date = WorkflowDate as DateConstructor;
}

function installTimers(): void {
  const scopes = new Map<number, CancellationScope>();
  let nextHandle = 0;
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: (...args: unknown[]) => void, ms = 0, ...args: unknown[]): number => {
    const handle = ++nextHandle;
    const scope = new CancellationScope({ cancellable: true });
    scopes.set(handle, scope);
    void scope
      .run(() => sleep(ms))
      .then(
        () => {
          scopes.delete(handle);
          fn(...args);
        },
        () => scopes.delete(handle),
      );
    return handle;
  };
  g.clearTimeout = (handle: number): void => {
    scopes.get(handle)?.cancel();
    scopes.delete(handle);
  };
}
