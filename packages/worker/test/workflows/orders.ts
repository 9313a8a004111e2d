/**
 * Workflows whose histories the replay tests save and replay. They import only
 * `@endure/workflow`; the official worker runs the same file with that import
 * resolved to `@temporalio/workflow` (see replay.test.ts), so both SDKs record
 * histories of identical code.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@endure/workflow';

export const addItemSignal = defineSignal<[string]>('addItem');
export const closeSignal = defineSignal('close');
export const itemsQuery = defineQuery<string[]>('items');

interface OrderActivities {
  reserve(orderId: string): Promise<string>;
  charge(orderId: string): Promise<string>;
  chargeWithReceipt(orderId: string): Promise<string>;
  ship(orderId: string, items: string[]): Promise<string>;
  greet(name: string): Promise<string>;
}

const { reserve, charge, chargeWithReceipt, ship, greet } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

export interface OrderResult {
  reservation: string;
  payment: string;
  items: string[];
  shipping: string;
}

/**
 * An activity, a timer, a patch, signals and a query, then an activity that fails
 * (`ship` rejects orders without items) whose failure the workflow catches.
 */
export async function orderWorkflow(orderId: string): Promise<OrderResult> {
  const items: string[] = [];
  let closed = false;
  setHandler(addItemSignal, (item: string) => {
    items.push(item);
  });
  setHandler(closeSignal, () => {
    closed = true;
  });
  setHandler(itemsQuery, () => items);
  const reservation = await reserve(orderId);
  await sleep(1);
  const payment = patched('charge-with-receipt') ? await chargeWithReceipt(orderId) : await charge(orderId);
  await condition(() => closed);
  let shipping: string;
  try {
    shipping = await ship(orderId, items);
  } catch (err) {
    if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) throw err;
    shipping = `not shipped: ${err.cause.message}`;
  }
  return { reservation, payment, items, shipping };
}

/** One activity. */
export async function greetWorkflow(name: string): Promise<string> {
  return greet(name);
}

/** Sleeps until cancelled; the cancellation ends the run as CANCELED. */
export async function sleepyWorkflow(): Promise<void> {
  await sleep('1 day');
}
