/**
 * Workflows with local activities whose histories both SDKs record and replay. They import only
 * `@endure/workflow`; the official worker runs the same file with that import resolved to
 * `@temporalio/workflow` (see local-activities-replay.test.ts). `v2.ts` renames one of them.
 */
import { CancellationScope, condition, defineSignal, isCancellation, proxyLocalActivities, setHandler, sleep } from '@endure/workflow';

export const releaseSignal = defineSignal('release');

interface Lookups {
  lookup(name: string): Promise<string>;
  flakyLookup(name: string): Promise<string>;
  slowLookup(name: string): Promise<string>;
}

const { lookup, slowLookup } = proxyLocalActivities<Lookups>({ startToCloseTimeout: '10 seconds' });
// Its first attempt fails; the retry waits longer than the threshold, so on a durable timer.
const { flakyLookup } = proxyLocalActivities<Lookups>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds' },
  localRetryThreshold: '100 milliseconds',
});

/** Two local activities at once, a timer, then one retried after a timer backoff. */
export async function lookupsWorkflow(name: string): Promise<string> {
  const [a, b] = await Promise.all([lookup(`${name}-a`), lookup(`${name}-b`)]);
  await sleep(1);
  const c = await flakyLookup(name);
  return [a, b, c].join('|');
}

/** One local activity, then waits for `release`. */
export async function gatedLookupWorkflow(name: string): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  const found = await lookup(name);
  await condition(() => released);
  return found;
}

/** One local activity that takes longer than the workflow task timeout the test gives: tasks heartbeat. */
export async function slowLookupWorkflow(name: string): Promise<string> {
  return slowLookup(name);
}

/** A local activity cancelled in the activation that scheduled it: it never runs. */
export async function cancelledLookupWorkflow(name: string): Promise<string> {
  const scope = new CancellationScope();
  const call = scope.run(() => lookup(name));
  scope.cancel();
  try {
    return await call;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    return 'cancelled';
  }
}
