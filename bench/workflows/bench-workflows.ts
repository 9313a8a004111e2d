/**
 * Workflows of the benchmark suite (bench/run.mjs). Imports the official API; the Endure
 * worker maps it to @endure/workflow, so both SDKs run this very file.
 */
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

interface BenchActivities {
  /** Returns a short string at once. */
  noop(): Promise<string>;
  /** Sleeps the worker's --activity-ms and appends start/done records (W4). */
  recordedStep(step: number): Promise<string>;
}

const { noop } = proxyActivities<BenchActivities>({ startToCloseTimeout: '10s' });

// W4 kills the server under running activities: a short start-to-close timeout and a quick
// retry bound how long an attempt whose completion the dead server never received can hold
// the workflow up, so the figures show the server's recovery, not these timeouts.
const { recordedStep } = proxyActivities<BenchActivities>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s', maximumAttempts: 20 },
});

/** W1, W2: `count` no-op activities one after another. */
export async function sequentialNoops(count: number): Promise<string> {
  for (let i = 0; i < count; i++) await noop();
  return 'done';
}

/** W4: `count` recorded activities one after another. */
export async function recordedSteps(count: number): Promise<string> {
  for (let i = 0; i < count; i++) await recordedStep(i);
  return 'done';
}

/** W3: one durable timer. */
export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'woke';
}

const releaseSignal = defineSignal('release');

/** W5: stays open until signalled "release". */
export async function waitForRelease(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  await condition(() => released);
  return 'released';
}

/** W9: what each schedule action starts; returns at once, so the figures are the scheduler's. */
export function scheduledNoop(): Promise<string> {
  return Promise.resolve('ok');
}
