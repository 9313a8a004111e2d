/** Workflows that call local activities: one call with given options, and a call that outlasts a workflow task. */
import { CancellationScope, condition, type ActivityCancellationType, defineSignal, proxyLocalActivities, setHandler, type LocalActivityOptions } from '@temporalio/workflow';

export interface LocalActivityCall {
  /** An activity registered on the worker (see helpers/activities.ts). */
  name: string;
  args: unknown[];
  options: LocalActivityOptions;
}

/** Runs one local activity with the given options and returns its result (or fails with its failure). */
export async function localActivityWorkflow(call: LocalActivityCall): Promise<unknown> {
  const activities = proxyLocalActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(call.options);
  const activity = activities[call.name];
  if (activity === undefined) throw new Error(`no activity ${call.name}`);
  return activity(...call.args);
}

export const proceedSignal = defineSignal('proceed');

/**
 * Two local activities around a signal: the second workflow task replays the first's marker.
 * Returns both results.
 */
export async function localActivitiesAroundSignal(key: string): Promise<string[]> {
  const { slow } = proxyLocalActivities<{ slow(key: string, ms: number): Promise<string> }>({ startToCloseTimeout: '10s' });
  let proceed = false;
  setHandler(proceedSignal, () => void (proceed = true));
  const first = await slow(`${key}-first`, 0);
  await condition(() => proceed);
  const second = await slow(`${key}-second`, 0);
  return [first, second];
}

/**
 * Starts a local activity that runs until cancelled and cancels it: at once, or (`afterAnother`)
 * once another local activity has completed, so while it runs. Returns what the call failed with.
 */
export async function cancelledLocalActivity(key: string, cancellationType: ActivityCancellationType, afterAnother: boolean): Promise<string> {
  const { awaitCancellation, echo } = proxyLocalActivities<{ awaitCancellation(key: string): Promise<string>; echo(value: string): Promise<string> }>({
    startToCloseTimeout: '30s',
    cancellationType,
  });
  const scope = new CancellationScope();
  const call = scope.run(() => awaitCancellation(key));
  if (afterAnother) await echo(key);
  scope.cancel();
  try {
    await call;
    return 'completed';
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return `${e.name}: ${e.cause?.name ?? 'no cause'}`;
  }
}

/**
 * Runs a slow local activity and collects `proceed` signals meanwhile; returns how many it had
 * received when the activity finished.
 */
export async function signalledDuringLocalActivity(key: string, ms: number): Promise<number> {
  const { slow } = proxyLocalActivities<{ slow(key: string, ms: number): Promise<string> }>({ startToCloseTimeout: '30s' });
  let signals = 0;
  setHandler(proceedSignal, () => void signals++);
  await slow(key, ms);
  return signals;
}
