/**
 * From embedded to PostgreSQL, as a user does it: a dev server on a SQLite file runs
 * workflows to mid-flight (one waiting on a timer, one on a signal, one with an activity
 * scheduled that no worker has picked up, one completed), stops; `migrateData` copies the file
 * into PostgreSQL; a server started there — without being told about the namespaces or search
 * attributes — finishes every workflow with the right result, the completed one's history is
 * unchanged, and list and count see the same runs as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { google, temporal } from '@temporalio/proto';
import { EndureServer, type EndureServerOptions, migrateData } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { installQuietRuntime, uniqueTaskQueue, workflowBundlePath } from './helpers/env.js';
import { countEvents, eventTypeName, eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { addItemSignal, approveSignal, statusQuery } from './workflows/approval.js';
import { activityWorkflow, approvalWorkflow, arithmeticWorkflow, sleepWorkflow } from './workflows/index.js';

/** Long enough to still be pending when the SQLite server stops, short enough to fire on PostgreSQL soon after. */
const timerMs = 5_000;

/** One server with a client and the workers started on it; `close()` stops them all. */
interface Session {
  server: EndureServer;
  client: Client;
  startWorker(taskQueue: string): Promise<void>;
  close(): Promise<void>;
}

const sessions: Session[] = [];
let dir: string;
let database: TestDatabase;

beforeAll(async () => {
  installQuietRuntime();
  dir = mkdtempSync(join(tmpdir(), 'endure-migrate-data-'));
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const session of sessions.splice(0)) await session.close();
});

afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function openSession(options: EndureServerOptions, recorder: ActivityRecorder): Promise<Session> {
  const server = await EndureServer.start({ port: 0, logLevel: 'error', ...options });
  const connection = await Connection.connect({ address: server.address });
  const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];
  const session: Session = {
    server,
    client: new Client({ connection, namespace: 'default' }),
    async startWorker(taskQueue) {
      const native = await NativeConnection.connect({ address: server.address });
      const worker = await Worker.create({
        connection: native,
        namespace: 'default',
        taskQueue,
        workflowBundle: { codePath: workflowBundlePath() },
        activities: createActivities(recorder),
      });
      const running = worker.run();
      running.catch(() => undefined);
      workers.push({ worker, running, connection: native });
    },
    async close() {
      sessions.splice(sessions.indexOf(session) >>> 0, 1);
      for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(workers.map((w) => w.running));
      await Promise.allSettled(workers.map((w) => w.connection.close()));
      await connection.close();
      await server.stop();
    },
  };
  sessions.push(session);
  return session;
}

/** What list and count show: ids in list order, per query, and counts. */
async function visibilityOf(client: Client) {
  const ids = async (query?: string) => {
    const found: string[] = [];
    for await (const execution of client.workflow.list(query === undefined ? {} : { query })) found.push(execution.workflowId);
    return found;
  };
  return {
    all: await ids(),
    acme: await ids(`CustomerId = 'acme'`),
    urgent: await ids('Priority >= 5 ORDER BY StartTime ASC'),
    running: await ids(`ExecutionStatus = 'Running'`),
    count: (await client.workflow.count()).count,
    runningCount: (await client.workflow.count(`ExecutionStatus = 'Running'`)).count,
  };
}

function timestampMs(time: google.protobuf.ITimestamp | null | undefined): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

async function historyHas(handle: WorkflowHandle, eventType: string): Promise<boolean> {
  return eventTypes(await handle.fetchHistory()).includes(eventType);
}

describe('endure server migrate-data (SQLite to PostgreSQL)', () => {
  it('workflows that were running go on running on PostgreSQL, and what was done stays as it was', async () => {
    const recorder = new ActivityRecorder();
    const dbFilename = join(dir, 'dev.db');
    const workflowQueue = uniqueTaskQueue('migrate');
    const activityQueue = uniqueTaskQueue('migrate-activities');
    const dev = await openSession(
      { dbFilename, namespaces: ['orders'], searchAttributes: { CustomerId: 'Keyword', Priority: 'Int' } },
      recorder,
    );
    await dev.startWorker(workflowQueue);
    const start = { taskQueue: workflowQueue };

    const completed = await dev.client.workflow.start(arithmeticWorkflow, {
      ...start, workflowId: 'completed', args: [20],
      searchAttributes: { CustomerId: ['acme'], Priority: [1] }, memo: { note: 'done before the move' },
    });
    expect(await completed.result()).toBe(41);
    const timer = await dev.client.workflow.start(sleepWorkflow, {
      ...start, workflowId: 'timer', args: [timerMs], searchAttributes: { CustomerId: ['acme'], Priority: [7] },
    });
    const signal = await dev.client.workflow.start(approvalWorkflow, {
      ...start, workflowId: 'signal', args: [600_000], searchAttributes: { Priority: [9] }, memo: { owner: 'ops' },
    });
    await signal.signal(addItemSignal, 'added on SQLite');
    // The activity's task queue has no worker yet: its task row waits in the database.
    const activity = await dev.client.workflow.start(activityWorkflow, {
      ...start, workflowId: 'activity',
      args: [{ name: 'double', args: [21], options: { startToCloseTimeout: '10s', taskQueue: activityQueue } }],
    });

    await waitFor(async () => (await historyHas(timer, 'TIMER_STARTED')) && (await historyHas(activity, 'ACTIVITY_TASK_SCHEDULED')), {
      timeoutMs: 10_000, description: 'the timer started and the activity scheduled',
    });
    await waitFor(async () => (await signal.query(statusQuery)).items.length === 1, {
      timeoutMs: 10_000, description: 'the first signal handled',
    });
    const completedHistory = await completed.fetchHistory();
    const visibilityBefore = await visibilityOf(dev.client);
    expect([...visibilityBefore.acme].sort()).toEqual(['completed', 'timer']);
    expect(visibilityBefore.runningCount).toBe(3);
    expect(await historyHas(timer, 'TIMER_FIRED'), 'the timer must still be pending at the move').toBe(false);
    await dev.close();
    const devStoppedMs = Date.now();

    const lines: string[] = [];
    const summary = await migrateData({ sqliteFilename: dbFilename, postgresUrl: database.url, onProgress: (l) => lines.push(l) });
    expect(summary.rows.namespaces).toBe(2);
    expect(summary.rows.executions).toBe(4);
    expect(summary.rows.current_executions).toBe(4);
    expect(summary.rows.executions_visibility).toBe(4);
    expect(summary.rows.task_queue_tasks, 'the scheduled activity').toBe(1);
    expect(summary.rows.timer_tasks, 'at least the sleep and the approval deadline').toBeGreaterThanOrEqual(2);
    expect(lines).toContain('history_events: ' + summary.rows.history_events + ' rows copied');

    // Nothing about the namespaces or search attributes is passed: they come from the copy.
    const prod = await openSession({ store: 'postgres', postgresUrl: database.url, postgresConnectRetryMs: 0 }, recorder);
    const operator = prod.client.connection.operatorService;
    const attributes = await operator.listSearchAttributes({ namespace: 'orders' });
    expect(attributes.customAttributes).toMatchObject({
      CustomerId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      Priority: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
    });
    expect(await visibilityOf(prod.client)).toEqual(visibilityBefore);
    const described = await prod.client.workflow.getHandle('signal').describe();
    expect(described.memo).toEqual({ owner: 'ops' });
    expect(described.searchAttributes).toEqual({ Priority: [9] });
    expect(await prod.client.workflow.getHandle('completed').fetchHistory()).toEqual(completedHistory);
    expect(await prod.client.workflow.getHandle('completed').result()).toBe(41);

    await prod.startWorker(workflowQueue);
    await prod.client.workflow.getHandle('signal').signal(approveSignal, 'the PostgreSQL server');
    await prod.startWorker(activityQueue);
    expect(await prod.client.workflow.getHandle<typeof approvalWorkflow>('signal').result()).toEqual({
      outcome: 'approved by the PostgreSQL server',
      items: ['added on SQLite'],
    });
    expect(await prod.client.workflow.getHandle<typeof activityWorkflow>('activity').result()).toBe(42);
    expect(await prod.client.workflow.getHandle<typeof sleepWorkflow>('timer').result()).toBeGreaterThanOrEqual(timerMs);

    const timerHistory = await prod.client.workflow.getHandle('timer').fetchHistory();
    expect(countEvents(timerHistory, 'TIMER_STARTED')).toBe(1);
    const fired = (timerHistory.events ?? []).filter((e) => eventTypeName(e.eventType) === 'TIMER_FIRED');
    expect(fired).toHaveLength(1);
    expect(timestampMs(fired[0]!.eventTime), 'fired by the PostgreSQL server').toBeGreaterThanOrEqual(devStoppedMs);
    const activityHistory = await prod.client.workflow.getHandle('activity').fetchHistory();
    expect(countEvents(activityHistory, 'ACTIVITY_TASK_SCHEDULED')).toBe(1);
    expect(countEvents(activityHistory, 'ACTIVITY_TASK_COMPLETED')).toBe(1);
    const after = await visibilityOf(prod.client);
    expect(after.running).toEqual([]);
    expect(after.count).toBe(4);
  });
});
