/** patchWorkflow changed WITHOUT `patched`: the contrast that shows what the patch protects. */
import { condition, defineSignal, proxyActivities, setHandler } from '@endure/workflow';

export const releaseSignal = defineSignal('release');

interface Steps {
  newActivity(): Promise<string>;
}

const { newActivity } = proxyActivities<Steps>({ startToCloseTimeout: '10 seconds' });

export async function patchWorkflow(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  const result = await newActivity();
  await condition(() => released);
  return result;
}
