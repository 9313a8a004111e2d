/**
 * DescribeTaskQueue shows who is polling, as Temporal does: a worker that stopped polling
 * drops off the list five minutes after its last poll (so "no worker" is visible), and a
 * poller waiting in a long poll is listed however long it waits. The server runs on a
 * hand-moved clock, so the five minutes pass at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';

const { TaskQueueType } = temporal.api.enums.v1;
const minuteMs = 60_000;

let nowMs = Date.parse('2026-01-01T00:00:00Z');
let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ clock: { nowMs: () => nowMs } });
});

afterAll(async () => {
  await env?.close();
});

async function activityPollers(taskQueue: string): Promise<temporal.api.taskqueue.v1.IPollerInfo[]> {
  const res = await env.connection.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return res.pollers ?? [];
}

async function identities(taskQueue: string): Promise<string[]> {
  return (await activityPollers(taskQueue)).map((p) => p.identity ?? '');
}

describe('DescribeTaskQueue pollers', () => {
  it('drops a worker that stopped polling five minutes after its last poll', async () => {
    const taskQueue = uniqueTaskQueue('stopped-worker');
    const lastPollMs = nowMs;
    await env.withWorker({ taskQueue, identity: 'stopped-worker', activities: { noop: async () => {} } }, () =>
      waitFor(async () => (await identities(taskQueue)).includes('stopped-worker'), { description: 'the worker to be listed' }),
    );

    nowMs += 5 * minuteMs - 1_000;
    const [stillListed] = await activityPollers(taskQueue);
    expect(stillListed?.identity).toBe('stopped-worker');
    expect(Number(stillListed?.lastAccessTime?.seconds)).toBe(lastPollMs / 1_000);

    nowMs += 2_000;
    await waitFor(async () => (await identities(taskQueue)).length === 0, { description: 'the stopped worker to be dropped' });
  });

  it('lists a poller in a long poll past the window, and drops it once that poll ends', async () => {
    const taskQueue = uniqueTaskQueue('long-poller');
    const abort = new AbortController();
    const poll = env.connection.withAbortSignal(abort.signal, () =>
      env.connection.workflowService.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'long-poller' }),
    );
    const settled = poll.catch(() => undefined);
    try {
      await waitFor(async () => (await identities(taskQueue)).includes('long-poller'), { description: 'the poller to be listed' });
      nowMs += 10 * minuteMs;
      expect(await identities(taskQueue)).toEqual(['long-poller']);
    } finally {
      abort.abort();
      await settled;
    }
    await waitFor(async () => (await identities(taskQueue)).length === 0, { description: 'the ended poll to be dropped' });
  });
});
