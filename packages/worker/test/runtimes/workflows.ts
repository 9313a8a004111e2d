/**
 * The workflow the runtime smoke test (smoke.ts) runs on Node, Bun and Deno: one
 * activity, one timer, one signal awaited with `condition`, one query. Imports only
 * @endure/workflow, as any workflow loaded into the sandbox must.
 */
import { condition, defineQuery, defineSignal, proxyActivities, setHandler, sleep } from '@endure/workflow';

/** The activities smoke.ts registers; declared here so this file imports nothing else. */
export interface SmokeActivities {
  greet(name: string): Promise<string>;
}

export const finishSignal = defineSignal<[string]>('finish');
export const stageQuery = defineQuery<SmokeStage>('stage');

export type SmokeStage = 'activity' | 'timer' | 'waiting for signal' | 'done';

export interface SmokeResult {
  greeting: string;
  signalledBy: string;
  /** Sources of host time, randomness or I/O the sandbox let through: must be none on every runtime. */
  leakedGlobals: string[];
}

/** Host globals, and built-ins newer engines add to every context, that workflow code must not reach. */
const FORBIDDEN_GLOBALS = ['process', 'Bun', 'Deno', 'fetch', 'setInterval', 'setImmediate', 'performance', 'WeakRef', 'FinalizationRegistry', 'ShadowRealm'];

function leakedGlobals(): string[] {
  const leaked = FORBIDDEN_GLOBALS.filter((name) => name in globalThis);
  const temporal = (globalThis as { Temporal?: { Now?: unknown } }).Temporal;
  if (temporal?.Now !== undefined) leaked.push('Temporal.Now');
  return leaked;
}

const { greet } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '10 seconds' });

export async function smokeWorkflow(name: string, timerMs: number): Promise<SmokeResult> {
  let stage: SmokeStage = 'activity';
  let signalledBy: string | undefined;
  setHandler(stageQuery, () => stage);
  // Annotated: @endure/workflow's setHandler does not yet infer handler arguments from the definition.
  setHandler(finishSignal, (by: string) => {
    signalledBy = by;
  });
  const greeting = await greet(name);
  stage = 'timer';
  await sleep(timerMs);
  stage = 'waiting for signal';
  await condition(() => signalledBy !== undefined);
  stage = 'done';
  return { greeting, signalledBy: signalledBy!, leakedGlobals: leakedGlobals() };
}
