/** v1's workflows with the local activity `lookup` renamed: v1 histories no longer match. */
import { condition, defineSignal, proxyLocalActivities, setHandler } from '@endure/workflow';

export const releaseSignal = defineSignal('release');

const { lookupRenamed } = proxyLocalActivities<{ lookupRenamed(name: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });

export async function lookupsWorkflow(name: string): Promise<string> {
  return lookupRenamed(name);
}

export async function gatedLookupWorkflow(name: string): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  const found = await lookupRenamed(name);
  await condition(() => released);
  return found;
}
