/** Workflows the official client drives on Endure's worker (interop.test.ts). */
import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@endure/workflow';

interface InteropActivities {
  greet(name: string): Promise<string>;
  reject(orderId: string): Promise<never>;
  cleanup(key: string): Promise<void>;
}

const { greet, reject, cleanup } = proxyActivities<InteropActivities>({ startToCloseTimeout: '10 seconds' });

export const incrementSignal = defineSignal<[number]>('increment');
export const finishSignal = defineSignal('finish');
export const countQuery = defineQuery<number>('count');

export async function greetWorkflow(name: string): Promise<string> {
  return `${await greet(name)}!`;
}

/** Adds up `increment` signals until `finish`; `count` answers the running total. */
export async function counterWorkflow(): Promise<number> {
  let count = 0;
  let finished = false;
  setHandler(incrementSignal, (by) => {
    count += by;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(countQuery, () => count);
  await condition(() => finished);
  return count;
}

/** Fails with the activity's failure (the activity fails without retry). */
export async function rejectedOrderWorkflow(orderId: string): Promise<void> {
  await reject(orderId);
}

/** Sleeps until cancelled, then cleans up in a non-cancellable scope and ends as cancelled. */
export async function cancellableWorkflow(key: string): Promise<void> {
  try {
    await sleep('1 day');
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => cleanup(key));
    throw err;
  }
}
