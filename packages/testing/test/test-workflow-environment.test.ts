/**
 * TestWorkflowEnvironment: an in-process server that starts fast, runs workflows on Endure's
 * Worker, and in time-skipping mode jumps over timers only while nothing can run.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@endure/client';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '../src/index.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import type { Activities } from './workflows.js';
import { greeting, sleepAWeek, sleepFor, timerRacesActivity } from './workflows.js';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

const activities: Activities = {
  // eslint-disable-next-line @typescript-eslint/require-await -- an activity is async by contract
  async greet(name) {
    return `Hello, ${name}!`;
  },
  async slow(ms) {
    // The activity stands for real work that takes `ms` of wall time.
    await delay(ms);
    return 'done';
  },
};

async function startWorker(env: TestWorkflowEnvironment, taskQueue: string): Promise<{ stop(): Promise<void> }> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

describe('TestWorkflowEnvironment.createLocal', () => {
  it('starts an in-process server in well under a second and runs a workflow with an activity', async () => {
    const startedAt = performance.now();
    const env = await TestWorkflowEnvironment.createLocal();
    const startupMs = performance.now() - startedAt;
    console.info(`createLocal() took ${startupMs.toFixed(1)} ms`);
    try {
      expect(startupMs).toBeLessThan(3000);
      expect(env.supportsTimeSkipping).toBe(false);
      expect(env.namespace).toBe('default');
      const taskQueue = `local-${randomUUID()}`;
      const worker = await startWorker(env, taskQueue);
      try {
        const result = await env.client.workflow.execute(greeting, { taskQueue, workflowId: randomUUID(), args: ['Ada'] });
        expect(result).toBe('Hello, Ada!');
      } finally {
        await worker.stop();
      }
      const beforeMs = await env.currentTimeMs();
      await env.sleep(20);
      expect((await env.currentTimeMs()) - beforeMs).toBeGreaterThanOrEqual(19);
    } finally {
      await env.teardown();
    }
  });

  it('uses the namespace it was given', async () => {
    const env = await TestWorkflowEnvironment.createLocal({ server: { namespace: 'orders' } });
    try {
      expect(env.namespace).toBe('orders');
      const response = await env.connection.workflowService.describeNamespace({ namespace: 'orders' });
      expect(response.namespaceInfo?.name).toBe('orders');
    } finally {
      await env.teardown();
    }
  });

  it('teardown closes the connections and stops the server', async () => {
    const env = await TestWorkflowEnvironment.createLocal();
    await env.teardown();
    await expect(env.connection.workflowService.getSystemInfo({})).rejects.toThrow();
    await expect(Connection.connect({ address: env.address, connectTimeout: '300 ms' })).rejects.toThrow();
  });
});

describe('TestWorkflowEnvironment.createTimeSkipping', () => {
  let env: TestWorkflowEnvironment;
  let worker: { stop(): Promise<void> };
  const taskQueue = `skipping-${randomUUID()}`;

  beforeAll(async () => {
    const startedAt = performance.now();
    env = await TestWorkflowEnvironment.createTimeSkipping();
    console.info(`createTimeSkipping() took ${(performance.now() - startedAt).toFixed(1)} ms`);
    worker = await startWorker(env, taskQueue);
  });

  afterAll(async () => {
    await worker.stop();
    await env.teardown();
  });

  it('skips a week-long sleep in well under a second of wall time', async () => {
    expect(env.supportsTimeSkipping).toBe(true);
    const wallStart = performance.now();
    const result = await env.client.workflow.execute(sleepAWeek, { taskQueue, workflowId: randomUUID() });
    const wallMs = performance.now() - wallStart;
    console.info(`a 7-day sleep took ${wallMs.toFixed(1)} ms of wall time`);
    expect(wallMs).toBeLessThan(1000);
    expect(result.afterMs - result.beforeMs).toBeGreaterThanOrEqual(7 * DAY_MS);
    expect(result.afterMs - result.runStartMs).toBeGreaterThanOrEqual(7 * DAY_MS);
  });

  it('skips time for concurrent result waits', async () => {
    const wallStart = performance.now();
    await Promise.all(
      (['1 day', '2 days', '3 days'] as const).map((duration) =>
        env.client.workflow.execute(sleepFor, { taskQueue, workflowId: randomUUID(), args: [duration] }),
      ),
    );
    expect(performance.now() - wallStart).toBeLessThan(1000);
  });

  it('does not skip time while an activity runs', async () => {
    const result = await env.client.workflow.execute(timerRacesActivity, {
      taskQueue,
      workflowId: randomUUID(),
      args: [200],
    });
    expect(result.winner).toBe('activity');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(200);
    expect(result.elapsedMs).toBeLessThan(HOUR_MS);
  });

  it('does not skip time unless a result is awaited, like the official test server', async () => {
    const handle = await env.client.workflow.start(sleepFor, { taskQueue, workflowId: randomUUID(), args: ['1 hour'] });
    const beforeMs = await env.currentTimeMs();
    await waitFor(
      async () => {
        const { history } = await env.client.workflowService.getWorkflowExecutionHistory({
          namespace: env.namespace,
          execution: { workflowId: handle.workflowId },
        });
        return history?.events?.some((e) => e.timerStartedEventAttributes) ?? false;
      },
      { description: 'the workflow started its timer' },
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await env.currentTimeMs()) - beforeMs).toBeLessThan(60_000);
    await handle.result();
    expect((await env.currentTimeMs()) - beforeMs).toBeGreaterThanOrEqual(HOUR_MS);
  });

  it('sleep advances time and fires the timers on the way', async () => {
    const handle = await env.client.workflow.start(sleepFor, { taskQueue, workflowId: randomUUID(), args: ['2 hours'] });
    const beforeMs = await env.currentTimeMs();
    const wallStart = performance.now();
    await env.sleep('3 hours');
    expect(performance.now() - wallStart).toBeLessThan(1000);
    expect((await env.currentTimeMs()) - beforeMs).toBeGreaterThanOrEqual(3 * HOUR_MS);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});
