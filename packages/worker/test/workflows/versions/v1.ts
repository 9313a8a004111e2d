/**
 * Version 1 of the workflows the determinism tests change: each `v2-*.ts` file
 * exports the same workflow names with one change, as a deploy would.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@endure/workflow';

export const releaseSignal = defineSignal('release');

interface Steps {
  stepOne(name: string): Promise<string>;
  stepTwo(input: string): Promise<string>;
  oldActivity(): Promise<string>;
  afterRelease(): Promise<string>;
}

const { stepOne, stepTwo, oldActivity, afterRelease } = proxyActivities<Steps>({ startToCloseTimeout: '10 seconds' });

/** Two activities in a row. */
export async function stepsWorkflow(name: string): Promise<string> {
  const first = await stepOne(name);
  return stepTwo(first);
}

/** Waits for `release`, then runs one activity. */
export async function gateWorkflow(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  await condition(() => released);
  return afterRelease();
}

/** Runs `oldActivity`, then waits for `release`. Version 2 patches the activity. */
export async function patchWorkflow(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  const result = await oldActivity();
  await condition(() => released);
  return result;
}
