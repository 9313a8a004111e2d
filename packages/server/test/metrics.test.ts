/**
 * Prometheus metrics on the metrics port: a workflow with an activity and a timer, run
 * through the official SDK, moves the request counters, the latency histograms, the task
 * wait histograms, the persistence and timer metrics, and the open-workflows gauge.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { EndureServer } from '../src/index.js';
import { createTestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { stepsAroundTimerWorkflow } from './workflows/crash.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ metricsPort: 0 });
});

afterAll(async () => {
  await env?.close();
});

async function scrape(server: EndureServer = env.server): Promise<string> {
  const res = await fetch(`${server.metricsAddress}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one sample, `name{labels}`, with the given labels among its labels; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const pairs = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m): [string, string] => [m[1] ?? '', m[2] ?? '']);
    const have: Record<string, string> = Object.fromEntries(pairs);
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(match[3]);
      found = true;
    }
  }
  return found ? total : 0;
}

function has(text: string, name: string): boolean {
  return text.split('\n').some((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));
}

describe('metrics', () => {
  it('move when a workflow with an activity and a timer runs', async () => {
    const taskQueue = uniqueTaskQueue('metrics');
    const before = await scrape();
    const worker = await env.createWorker({
      taskQueue,
      activities: { whoAmI: (step: number) => Promise.resolve({ step, pid: process.pid }) },
    });
    const running = worker.run();
    try {
      const handle = await env.client.workflow.start(stepsAroundTimerWorkflow, { taskQueue, workflowId: uniqueWorkflowId('metrics'), args: [200] });
      // While it waits on its timer, it is open.
      await waitFor(async () => sample(await scrape(), 'endure_open_workflows', { namespace: 'default' }) === 1, {
        description: 'one open workflow',
      });
      expect(await handle.result()).toHaveLength(2);
      const after = await waitFor(async () => {
        const text = await scrape();
        return sample(text, 'endure_open_workflows', { namespace: 'default' }) === 0 && text;
      }, { description: 'no open workflow' });

      const delta = (name: string, labels?: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
      expect(delta('endure_rpc_requests_total', { method: 'StartWorkflowExecution', status: 'OK' })).toBe(1);
      expect(delta('endure_rpc_requests_total', { method: 'RespondWorkflowTaskCompleted', status: 'OK' })).toBeGreaterThanOrEqual(3);
      expect(delta('endure_rpc_requests_total', { method: 'RespondActivityTaskCompleted', status: 'OK' })).toBe(2);
      expect(delta('endure_rpc_latency_seconds_count', { method: 'StartWorkflowExecution' })).toBe(1);
      expect(delta('endure_rpc_latency_seconds_count', { method: 'RespondWorkflowTaskCompleted' })).toBeGreaterThanOrEqual(3);
      // Task polls are long polls: timed apart from the short calls.
      expect(sample(after, 'endure_rpc_latency_seconds_count', { method: 'PollWorkflowTaskQueue' })).toBe(0);
      expect(delta('endure_rpc_long_poll_duration_seconds_count', { method: 'PollWorkflowTaskQueue' })).toBeGreaterThanOrEqual(3);
      expect(delta('endure_workflow_task_schedule_to_start_seconds_count')).toBeGreaterThanOrEqual(3);
      expect(delta('endure_workflow_task_end_to_end_seconds_count')).toBeGreaterThanOrEqual(3);
      expect(delta('endure_activity_task_schedule_to_start_seconds_count')).toBeGreaterThanOrEqual(2);
      expect(delta('endure_timer_lag_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(delta('endure_persistence_latency_seconds_count', { operation: 'commitExecution' })).toBeGreaterThanOrEqual(6);
      expect(delta('endure_persistence_group_commit_size_count')).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'endure_persistence_group_commit_size_sum')).toBeGreaterThanOrEqual(sample(after, 'endure_persistence_group_commit_size_count'));
      for (const name of ['endure_process_cpu_seconds_total', 'endure_process_resident_memory_bytes', 'endure_nodejs_eventloop_lag_seconds']) {
        expect(has(after, name), name).toBe(true);
      }
    } finally {
      worker.shutdown();
      await running;
    }
  });

  it('count refused requests with their status', async () => {
    const before = await scrape();
    await expect(env.client.workflow.getHandle(uniqueWorkflowId('metrics-missing')).describe()).rejects.toThrow();
    const after = await scrape();
    const labels = { method: 'DescribeWorkflowExecution', status: 'NOT_FOUND' };
    expect(sample(after, 'endure_rpc_requests_total', labels) - sample(before, 'endure_rpc_requests_total', labels)).toBe(1);
  });

  it('show the backlog and the waiting pollers of a task queue', async () => {
    const taskQueue = uniqueTaskQueue('metrics-backlog');
    const handle = await env.client.workflow.start(stepsAroundTimerWorkflow, { taskQueue, workflowId: uniqueWorkflowId('metrics-backlog'), args: [1] });
    const labels = { namespace: 'default', task_queue: taskQueue, kind: 'workflow' };
    expect(sample(await scrape(), 'endure_task_queue_backlog', labels)).toBe(1);
    await handle.terminate('enough');
    // Polls held open on an empty queue show as pollers.
    const worker = await env.createWorker({ taskQueue: uniqueTaskQueue('metrics-pollers'), activities: {} });
    const running = worker.run();
    try {
      await waitFor(async () => sample(await scrape(), 'endure_task_queue_pollers', { task_queue: worker.options.taskQueue }) > 0, {
        description: 'a waiting poller',
      });
    } finally {
      worker.shutdown();
      await running;
    }
  });

  it('are all in the Grafana dashboard and in docs/operations.md, which name no other', async () => {
    const exposed = new Set([...(await scrape()).matchAll(/^# TYPE (\w+) (\w+)$/gm)].map((m) => m[1]!));
    const ours = [...exposed].filter((name) => !/^endure_(process|nodejs)_/.test(name));
    const doc = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
    /** Metric names a text mentions, histogram series (_bucket, _sum, _count) by their metric's name. */
    const named = (text: string) =>
      new Set([...text.matchAll(/\bendure_\w+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')).filter((n) => n !== 'endure_commit'));
    const dashboard = named(doc('docs/grafana/endure-dashboard.json'));
    const operations = named(doc('docs/operations.md'));
    for (const name of ours) {
      expect(dashboard.has(name), `${name} in the dashboard`).toBe(true);
      expect(operations.has(name), `${name} in docs/operations.md`).toBe(true);
    }
    // A name ending in _ is a family (`endure_nodejs_eventloop_lag_*`).
    const metricsSection = doc('docs/operations.md').split('## Metrics and health')[1]!.split('\n## ')[0]!;
    for (const [where, names] of [['dashboard', dashboard], ['docs/operations.md', named(metricsSection)]] as const) {
      for (const name of names) if (!name.endsWith('_')) expect(exposed.has(name), `${where}'s ${name} is exposed`).toBe(true);
    }
  });

  it('count open workflows on PostgreSQL too, from its status counters', async () => {
    const database = await createTestDatabase();
    const server = await EndureServer.start({ port: 0, metricsPort: 0, logLevel: 'error', postgresUrl: database.url, postgresConnectRetryMs: 0 });
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const open = async () => sample(await scrape(server), 'endure_open_workflows', { namespace: 'default' });
      expect(await open()).toBe(0);
      const handle = await client.workflow.start('noWorkerRunsThis', { taskQueue: uniqueTaskQueue('metrics-pg'), workflowId: uniqueWorkflowId('metrics-pg') });
      expect(await open()).toBe(1);
      await handle.terminate('enough');
      expect(await open()).toBe(0);
    } finally {
      await connection.close();
      await server.stop();
      await database.drop();
    }
  });

  it('refuse a metrics port that is not a port, naming the option', async () => {
    await expect(EndureServer.start({ port: 0, inMemory: true, metricsPort: 70_000 })).rejects.toThrow(/^metricsPort must be a port/);
  });

  it('are off unless a metrics port is given', async () => {
    const server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'error' });
    try {
      expect(server.metricsAddress).toBeNull();
    } finally {
      await server.stop();
    }
  });
});
