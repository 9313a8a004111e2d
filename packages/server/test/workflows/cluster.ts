/** Workflows for the cluster fault tests: chained steps, a signal collector, parallel activities. */
import { defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface ClusterActivities {
  /** Waits `ms`, then returns `value * 3 + step`. */
  chainStep(step: number, value: number, ms: number): Promise<number>;
  /** Completed from outside the worker (async completion), through any node. */
  parked(index: number): Promise<string>;
}

const { chainStep } = proxyActivities<ClusterActivities>({
  // A step takes ≤ 200 ms; an activity task lost with a killed node is retried after this.
  startToCloseTimeout: '2s',
  retry: { initialInterval: '50ms', maximumInterval: '500ms' },
});

const { parked } = proxyActivities<ClusterActivities>({ startToCloseTimeout: '60s' });

/** The result of {@link chainedSteps}, computed outside the workflow. */
export function expectedChain(input: number, steps: number): number {
  let value = input;
  for (let step = 1; step <= steps; step++) value = value * 3 + step;
  return value;
}

/** `steps` activities in sequence, each fed the previous one's result. */
export async function chainedSteps(input: number, steps: number, stepMs: number): Promise<number> {
  let value = input;
  for (let step = 1; step <= steps; step++) value = await chainStep(step, value, stepMs);
  return value;
}

export const collectSignal = defineSignal<[string]>('clusterCollect');
export const finishSignal = defineSignal('clusterFinish');

/**
 * Collects `clusterCollect` signals while sleeping in `timerMs` timers, until
 * `clusterFinish` (or `maxTimers` timers); returns the signals in the order they arrived.
 */
export async function signalCollector(timerMs: number, maxTimers: number): Promise<string[]> {
  const collected: string[] = [];
  let finished = false;
  setHandler(collectSignal, (value) => void collected.push(value));
  setHandler(finishSignal, () => void (finished = true));
  for (let timers = 0; !finished && timers < maxTimers; timers++) await sleep(timerMs);
  return collected;
}

/** Runs `count` `parked` activities at once; returns their results in order. */
export async function parallelParked(count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => parked(i)));
}
