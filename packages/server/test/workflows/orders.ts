/** Workflows that call activities: the happy path and a generic single-activity runner. */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities, Order } from '../helpers/activities.js';

const { reserveInventory, chargeCard, shipOrder } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms' },
});

export async function orderWorkflow(order: Order): Promise<string> {
  const reservation = await reserveInventory(order.id, order.items);
  const charge = await chargeCard(order.id, order.amountCents);
  const tracking = await shipOrder(order.id, reservation);
  return [reservation, charge, tracking].join('|');
}

export interface ActivityCall {
  /** An activity registered on the worker (see helpers/activities.ts and helpers/crash-activities.mjs). */
  name: string;
  args: unknown[];
  options: ActivityOptions;
}

/** Runs one activity with the given options and returns its result (or fails with its failure). */
export async function activityWorkflow(call: ActivityCall): Promise<unknown> {
  const activities = proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(call.options);
  const activity = activities[call.name];
  if (activity === undefined) throw new Error(`no activity ${call.name}`);
  return activity(...call.args);
}

const { double, increment } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '50ms' },
});

/** Two activities per run: used by the load test. Returns 2n + 1. */
export async function arithmeticWorkflow(n: number): Promise<number> {
  return increment(await double(n));
}
