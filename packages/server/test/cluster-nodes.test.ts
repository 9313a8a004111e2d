/**
 * Two nodes on one PostgreSQL database, in this process: a client on one and a worker on
 * the other see one system (tasks, timers, signals, queries, results, namespaces), and a
 * node id in use by a live node is refused. Killing nodes is cluster-node-loss.test.ts's.
 */
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { EndureServer } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { addItemSignal, approvalWorkflow, approveSignal, statusQuery } from './workflows/approval.js';
import { orderWorkflow } from './workflows/orders.js';
import { sleepWorkflow } from './workflows/cancellation.js';

let database: TestDatabase;
let nodeA: EndureServer;
let nodeB: EndureServer;
let clientA: Client;
let clientB: Client;
const connections: { close(): Promise<void> }[] = [];

async function clientOf(node: EndureServer, namespace = 'default'): Promise<Client> {
  const connection = await Connection.connect({ address: node.address });
  connections.push(connection);
  return new Client({ connection, namespace });
}

function startNode(nodeId: string): Promise<EndureServer> {
  return EndureServer.start({ port: 0, logLevel: 'error', store: 'postgres', postgresUrl: database.url, nodeId });
}

beforeAll(async () => {
  installQuietRuntime();
  database = await createTestDatabase();
  [nodeA, nodeB] = await Promise.all([startNode('node-a'), startNode('node-b')]);
  clientA = await clientOf(nodeA);
  clientB = await clientOf(nodeB);
});

afterAll(async () => {
  await Promise.allSettled(connections.map((c) => c.close()));
  await Promise.allSettled([nodeA?.stop(), nodeB?.stop()]);
  await database?.drop();
});

/** Runs a worker connected to `node` until `fn` settles. */
async function withWorkerOn<T>(node: EndureServer, taskQueue: string, fn: () => Promise<T>, namespace = 'default'): Promise<T> {
  const connection = await NativeConnection.connect({ address: node.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
      activities: createActivities(new ActivityRecorder()),
    });
    return await worker.runUntil(fn);
  } finally {
    await connection.close();
  }
}

describe('two nodes on one database', () => {
  it('runs a workflow started through one node on a worker polling the other: activities and its result', async () => {
    const taskQueue = uniqueTaskQueue('cluster-orders');
    const result = await withWorkerOn(nodeB, taskQueue, () =>
      clientA.workflow.execute(orderWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('cluster-order'),
        args: [{ id: 'o-1', items: ['book'], amountCents: 1200 }],
      }),
    );
    expect(result.split('|')).toHaveLength(3);
  });

  it('fires timers and delivers signals and queries whichever node the client, the worker and the caller use', async () => {
    const taskQueue = uniqueTaskQueue('cluster-approval');
    await withWorkerOn(nodeB, taskQueue, async () => {
      const workflowId = uniqueWorkflowId('cluster-approval');
      const started = await clientA.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
      const viaB = clientB.workflow.getHandle(workflowId);
      expect(await started.query(statusQuery)).toEqual({ state: 'waiting', items: [] });
      await started.signal(addItemSignal, 'from A');
      await viaB.signal(addItemSignal, 'from B');
      const seen = await waitFor(
        async () => {
          const s = await started.query(statusQuery);
          return s.items.length === 2 && s.items;
        },
        { description: 'both signals, sent through different nodes, to be seen by a query through node A' },
      );
      expect([...seen].sort()).toEqual(['from A', 'from B']);
      await viaB.signal(approveSignal, 'ops');
      expect(await started.result()).toEqual({ outcome: 'approved by ops', items: seen });

      const sleeper = await clientB.workflow.start(sleepWorkflow, { taskQueue, workflowId: uniqueWorkflowId('cluster-sleep'), args: [300] });
      expect(await clientA.workflow.getHandle(sleeper.workflowId).result()).toBeGreaterThanOrEqual(300);
    });
  });

  it('serves a namespace registered through one node on the other', async () => {
    const namespace = `cluster-ns-${Date.now()}`;
    await clientA.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    const described = await waitFor(
      async () => {
        try {
          return await clientB.connection.workflowService.describeNamespace({ namespace });
        } catch {
          return false;
        }
      },
      { description: 'node B to know the namespace node A registered', timeoutMs: 15_000 },
    );
    expect(described.namespaceInfo?.name).toBe(namespace);
    const taskQueue = uniqueTaskQueue('cluster-ns');
    const inNamespaceA = await clientOf(nodeA, namespace);
    const result = await withWorkerOn(
      nodeB,
      taskQueue,
      () => inNamespaceA.workflow.execute(sleepWorkflow, { taskQueue, workflowId: uniqueWorkflowId('cluster-ns'), args: [10] }),
      namespace,
    );
    expect(result).toBeGreaterThanOrEqual(10);
  });

  it('lists, through one node, the pollers of a worker polling the other', async () => {
    const taskQueue = uniqueTaskQueue('cluster-pollers');
    await withWorkerOn(nodeB, taskQueue, async () => {
      const pollers = await waitFor(
        async () => {
          const [wf, act] = await Promise.all(
            [1, 2].map((taskQueueType) =>
              clientA.connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType }),
            ),
          );
          return (wf?.pollers?.length ?? 0) > 0 && (act?.pollers?.length ?? 0) > 0 && [wf, act];
        },
        { description: 'node A to list the workflow and activity pollers of a worker on node B' },
      );
      expect(pollers.map((p) => p?.pollers?.[0]?.identity)).toEqual([expect.stringContaining('@'), expect.stringContaining('@')]);
    });
  });

  it('takes each schedule action once while both nodes fire ticks and change the schedule', async () => {
    const taskQueue = uniqueTaskQueue('cluster-schedule');
    const scheduleId = uniqueWorkflowId('cluster-schedule');
    const actions = 6;
    const firstMs = Math.ceil((Date.now() + 2000) / 1000) * 1000;
    const handleA = await clientA.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: 1000 }], startAt: new Date(firstMs), endAt: new Date(firstMs + (actions - 1) * 1000) },
      action: { type: 'startWorkflow', workflowType: 'scheduledJob', args: ['complete'], taskQueue, workflowId: scheduleId },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    });
    const handleB = clientB.schedule.getHandle(scheduleId);
    await withWorkerOn(nodeA, taskQueue, async () => {
      // Updates through node B race the passes the ticks run on either node.
      let updates = 0;
      const done = await waitFor(
        async () => {
          await handleB.update((previous) => ({ ...previous, memo: { updates: ++updates } }));
          const d = await handleA.describe();
          return d.info.numActionsTaken >= actions && d.info.nextActionTimes.length === 0 ? d : false;
        },
        { timeoutMs: 30_000, intervalMs: 100, description: `${actions} actions` },
      );
      expect(done.info.numActionsTaken).toBe(actions);
      const runs: string[] = [];
      for await (const run of clientB.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) runs.push(run.workflowId);
      const expected = Array.from({ length: actions }, (_, n) => `${scheduleId}-${new Date(firstMs + n * 1000).toISOString().replace('.000Z', 'Z')}`);
      expect(runs.sort()).toEqual(expected);
    });
    await handleB.delete();
  });

  it('refuses to start a node whose id a live node uses, naming the id', async () => {
    await expect(startNode('node-a')).rejects.toThrow(/node id node-a is in use by a live node .*--node-id/);
  });
});
