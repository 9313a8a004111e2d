/** Workflows that run into the server's per-run limits (limits.test.ts). */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../helpers/activities.js';

const { slow } = proxyActivities<Activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });

/**
 * Starts two slow activities, then a third a moment later: with a limit of two pending
 * activities the third waits (its workflow task fails) until the first two are done.
 */
export async function threeActivitiesWorkflow(ms: number): Promise<string[]> {
  const first = [slow('a', ms), slow('b', ms)];
  await sleep(10);
  const third = slow('c', 1);
  return Promise.all([...first, third]);
}

/** Sleeps `count` times: about five history events each. */
export async function manyTimersWorkflow(count: number): Promise<number> {
  for (let i = 0; i < count; i++) await sleep(1);
  return count;
}
