/**
 * Reads and writes what one workflow run must not share with another: module
 * state, globals, the clock and randomness. Runs of it in one worker share
 * sandbox contexts (see the worker's sandbox.ts).
 */
import { defineQuery, setHandler, sleep } from '@endure/workflow';

export interface Observed {
  /** Runs this module had started before this one: 0 when module state is per run. */
  runsStartedBefore: number;
  /** `globalThis.isolationTag` when the run started: another run's tag if globals leaked. */
  tagAtStart: string | null;
  /** The run's own tag after a timer, that is after other runs' code ran in between. */
  tagAfterTimer: string | null;
  /** Clock and randomness read after the timer. */
  nowAfterTimer: number;
  randomAfterTimer: number;
  /** Nondeterministic built-ins workflow code can reach: none. */
  reachable: string[];
}

export const observedQuery = defineQuery<Observed>('observed');

const NONDETERMINISTIC_GLOBALS = ['WeakRef', 'FinalizationRegistry', 'ShadowRealm', 'setImmediate', 'setInterval', 'process'];

let runsStarted = 0;

export async function isolationWorkflow(tag: string): Promise<Observed> {
  const g = globalThis as { isolationTag?: string };
  const runsStartedBefore = runsStarted++;
  const tagAtStart = g.isolationTag ?? null;
  g.isolationTag = tag;
  await sleep(1);
  const observed: Observed = {
    runsStartedBefore,
    tagAtStart,
    tagAfterTimer: g.isolationTag ?? null,
    nowAfterTimer: Date.now(),
    randomAfterTimer: Math.random(),
    reachable: NONDETERMINISTIC_GLOBALS.filter((name) => name in globalThis),
  };
  setHandler(observedQuery, () => observed);
  return observed;
}
