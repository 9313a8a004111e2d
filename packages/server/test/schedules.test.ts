/**
 * Schedules as a user of Temporal relies on them, driven through the client's
 * `client.schedule` (the official SDK's, or Endure's in the endure-sdk project) against a
 * server on a clock the test moves: minutes of schedule time pass in milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { TimeSkippingClock } from '../src/index.js';
import { startTestEnv, uniqueTaskQueue, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';

const MINUTE = 60_000;

let env: TestEnv;
let clock: TimeSkippingClock;
let taskQueue: string;
let stopWorker: () => void;
let workerDone: Promise<void>;

beforeAll(async () => {
  clock = new TimeSkippingClock();
  // Start on a whole minute plus a little, so "every minute" lands where the test expects.
  clock.advanceTo(Math.ceil(Date.now() / MINUTE) * MINUTE + 5_000);
  env = await startTestEnv({ clock });
  taskQueue = uniqueTaskQueue('schedules');
  const worker = await env.createWorker({ taskQueue });
  workerDone = worker.run();
  stopWorker = () => worker.shutdown();
});

afterAll(async () => {
  stopWorker?.();
  await workerDone;
  await env?.close();
});

let counter = 0;
function scheduleId(name: string): string {
  return `${name}-${++counter}-${Date.now()}`;
}

function everyMinute(id: string, mode: 'complete' | 'fail' | 'hold', extra: Record<string, unknown> = {}) {
  return {
    scheduleId: id,
    spec: { intervals: [{ every: MINUTE }] },
    action: { type: 'startWorkflow' as const, workflowType: 'scheduledJob', args: [mode], taskQueue, workflowId: `${id}-wf` },
    ...extra,
  };
}

function advanceMinutes(n: number): void {
  clock.advanceBy(n * MINUTE);
}

async function describeUntil(handle: ScheduleHandle, what: string, test: (d: Awaited<ReturnType<ScheduleHandle['describe']>>) => boolean) {
  return waitFor(
    async () => {
      const d = await handle.describe();
      return test(d) ? d : false;
    },
    { description: what },
  );
}

describe('schedules', () => {
  it('takes one action per interval: ids carry the scheduled time, runs carry the schedule search attributes', async () => {
    const id = scheduleId('interval');
    const handle = await env.client.schedule.create(everyMinute(id, 'complete'));
    const first = await handle.describe();
    expect(first.info.numActionsTaken).toBe(0);
    expect(first.info.nextActionTimes).toHaveLength(10);
    expect(first.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    const nextAt = first.info.nextActionTimes[0]!;
    expect(nextAt.getTime() % MINUTE).toBe(0);

    advanceMinutes(1);
    const d1 = await describeUntil(handle, 'one action', (d) => d.info.numActionsTaken === 1 && d.info.recentActions[0] !== undefined);
    const action = d1.info.recentActions[0]!;
    expect(action.scheduledAt.getTime()).toBe(nextAt.getTime());
    expect(action.action.workflow.workflowId).toBe(`${id}-wf-${nextAt.toISOString().replace('.000Z', 'Z')}`);
    const result: unknown = await env.client.workflow.getHandle(action.action.workflow.workflowId).result();
    expect(result).toEqual({ workflowId: action.action.workflow.workflowId, previous: null });

    const listed = await waitFor(async () => {
      const runs = [];
      for await (const run of env.client.workflow.list({ query: `TemporalScheduledById = '${id}'` })) runs.push(run);
      return runs.length === 1 ? runs : false;
    }, { description: 'the scheduled run in visibility' });
    expect(listed[0]!.workflowId).toBe(action.action.workflow.workflowId);
    const attributes = listed[0]!.searchAttributes as Record<string, unknown[]>;
    expect((attributes.TemporalScheduledStartTime?.[0] as Date).getTime()).toBe(nextAt.getTime());

    advanceMinutes(1);
    const d2 = await describeUntil(handle, 'two actions, the second one completed', (d) => d.info.numActionsTaken === 2 && d.info.runningActions.length === 0);
    // The second run got the first one's result as its last completion result.
    const second: { previous: unknown } = await env.client.workflow.getHandle(d2.info.recentActions[1]!.action.workflow.workflowId).result();
    expect(second.previous).toEqual({ workflowId: action.action.workflow.workflowId, previous: null });
    await handle.delete();
  });
});
