/**
 * A worker process dies (SIGKILL) in the middle of an activity or a workflow;
 * another worker takes over and the workflow finishes as if nothing happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { createCrashActivities } from './helpers/crash-activities.mjs';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { startChildWorker, type ChildWorker } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';
import { stepsAroundTimerWorkflow } from './workflows/crash.js';
import { activityWorkflow, type ActivityCall } from './workflows/orders.js';

let env: TestEnv;
const children: ChildWorker[] = [];

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await Promise.allSettled(children.map((c) => c.kill()));
  await env?.close();
});

async function childWorker(taskQueue: string): Promise<ChildWorker> {
  const child = await startChildWorker(env.address, taskQueue, workflowBundlePath());
  children.push(child);
  return child;
}

describe('worker crash', () => {
  it('resumes an activity from its last heartbeat after its worker is killed', async () => {
    const taskQueue = uniqueTaskQueue('heartbeat-resume');
    const child = await childWorker(taskQueue);
    const total = 100;
    const call: ActivityCall = {
      name: 'countWithHeartbeat',
      args: [total, 20],
      options: { startToCloseTimeout: '60s', heartbeatTimeout: '1s', retry: { initialInterval: '50ms', maximumAttempts: 3 } },
    };
    const handle = await env.client.workflow.start(activityWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('heartbeat-resume'),
      args: [call],
    });

    // Wait until the server holds a heartbeat with real progress, then crash the worker.
    const recordedProgress = await waitFor(
      async () => {
        const { raw } = await handle.describe();
        const payload = raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
        const done = payload ? defaultPayloadConverter.fromPayload<number>(payload) : 0;
        return done > 0 && done;
      },
      { timeoutMs: 15_000, description: 'a heartbeat with progress to reach the server' },
    );
    await child.kill();
    expect(child.messages).toContainEqual({ type: 'attempt', attempt: 1, startedFrom: 0, pid: child.process.pid });

    const reports: unknown[] = [];
    const result = await env.withWorker(
      { taskQueue, activities: createCrashActivities((r) => reports.push(r)) },
      () => handle.result(),
    );
    expect(result).toMatchObject({ attempt: 2, pid: process.pid });
    const { startedFrom } = result as { startedFrom: number };
    expect(startedFrom).toBeGreaterThanOrEqual(recordedProgress);
    expect(startedFrom).toBeLessThan(total);
    expect(reports).toEqual([{ type: 'attempt', attempt: 2, startedFrom, pid: process.pid }]);
  });

  it('finishes a workflow on another worker after its worker is killed during a timer', async () => {
    const taskQueue = uniqueTaskQueue('replay');
    const child = await childWorker(taskQueue);
    const handle = await env.client.workflow.start(stepsAroundTimerWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('replay'),
      args: [1500],
      workflowTaskTimeout: '2s',
    });
    await waitFor(async () => eventTypes(await handle.fetchHistory()).includes('TIMER_STARTED'), {
      description: 'the workflow to be waiting on its timer',
    });
    await child.kill();
    expect(child.messages.filter((m) => m.type === 'step')).toEqual([
      { type: 'step', step: 1, pid: child.process.pid },
    ]);

    const reports: Array<{ type: string; step?: number }> = [];
    const result = await env.withWorker(
      { taskQueue, activities: createCrashActivities((r) => reports.push(r)) },
      () => handle.result(),
    );
    // Step 1's result comes from history (the dead worker's pid); only step 2 ran here.
    expect(result).toEqual([
      { step: 1, pid: child.process.pid },
      { step: 2, pid: process.pid },
    ]);
    expect(reports).toEqual([{ type: 'step', step: 2, pid: process.pid }]);
  });
});
