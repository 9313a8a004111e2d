/**
 * Version 2 of gateWorkflow (an activity added before the wait: not replay-safe)
 * and of patchWorkflow (the activity changed behind `patched`: replay-safe).
 */
import { condition, defineSignal, patched, proxyActivities, setHandler } from '@endure/workflow';

export const releaseSignal = defineSignal('release');

interface Steps {
  prepare(): Promise<string>;
  oldActivity(): Promise<string>;
  newActivity(): Promise<string>;
  afterRelease(): Promise<string>;
}

const { prepare, oldActivity, newActivity, afterRelease } = proxyActivities<Steps>({ startToCloseTimeout: '10 seconds' });

export async function gateWorkflow(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  await prepare();
  await condition(() => released);
  return afterRelease();
}

export async function patchWorkflow(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  const result = patched('use-new-activity') ? await newActivity() : await oldActivity();
  await condition(() => released);
  return result;
}
