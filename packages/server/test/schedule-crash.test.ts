/**
 * Each schedule action is taken exactly once across a crash: the server kills itself with
 * SIGKILL at the two points that matter (the starts recorded but not made; made but not
 * recorded), is started again on the same database, and the schedule then has taken every
 * action of its window once — no workflow missing, none started twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy, type Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { loadSdk, testStore, uniqueTaskQueue, workflowBundlePath } from './helpers/env.js';
import { createTestDatabase, type TestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { cleanUpCrashTest, findFreePort, startServerProcess, type ServerProcess } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';

const SECOND = 1000;
/** Actions in each test's window, one a second. */
const ACTIONS = 4;

let dir: string;
let server: ServerProcess | undefined;
let connection: Connection | undefined;
let nativeConnection: NativeConnection | undefined;
let worker: Worker | undefined;
let postgres: TestDatabase | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'endure-schedule-crash-'));
  if (testStore() === 'postgres') postgres = await createTestDatabase();
});

afterEach(async () => {
  await cleanUpCrashTest({ worker, nativeConnection, connection, server, dir });
  await postgres?.drop();
  server = connection = nativeConnection = worker = postgres = undefined;
});

async function startAll(database: string, port: number, fault: string) {
  server = await startServerProcess(port, database, { ENDURE_TEST_FAULT: fault });
  const sdk = await loadSdk();
  const address = `127.0.0.1:${port}`;
  connection = await sdk.Connection.connect({ address });
  const client = new sdk.Client({ connection, namespace: 'default' });
  nativeConnection = await sdk.NativeConnection.connect({ address });
  const taskQueue = uniqueTaskQueue('schedule-crash');
  worker = await sdk.Worker.create({ connection: nativeConnection, namespace: 'default', taskQueue, workflowBundle: { codePath: workflowBundlePath() } });
  worker.run().catch(() => undefined);
  return { client, taskQueue };
}

describe('schedules across a server crash', () => {
  for (const fault of ['schedule-after-record', 'schedule-after-start']) {
    it(`takes every action exactly once when the server dies at ${fault}`, async () => {
      const port = await findFreePort();
      const database = postgres?.url ?? join(dir, 'endure.db');
      const { client, taskQueue } = await startAll(database, port, fault);
      const scheduleId = `crash-${fault}`;
      // The window starts a little later, on a whole second, so creating it never races its first action.
      const firstMs = Math.ceil((Date.now() + 2 * SECOND) / SECOND) * SECOND;
      const handle = await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: SECOND }], startAt: new Date(firstMs), endAt: new Date(firstMs + (ACTIONS - 1) * SECOND) },
        action: { type: 'startWorkflow', workflowType: 'scheduledJob', args: ['complete'], taskQueue, workflowId: scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
      });
      // The first action kills the server at the fault point.
      await waitFor(() => server!.process.exitCode !== null || server!.process.signalCode !== null, {
        timeoutMs: 20_000,
        description: 'the server to kill itself at the fault point',
      });
      expect(server!.process.signalCode).toBe('SIGKILL');
      server = await startServerProcess(port, database);

      const done = await waitFor(
        async () => {
          const d = await handle.describe();
          return d.info.numActionsTaken >= ACTIONS && d.info.nextActionTimes.length === 0 ? d : false;
        },
        { timeoutMs: 30_000, description: `${ACTIONS} actions after the restart` },
      );
      expect(done.info.numActionsTaken).toBe(ACTIONS);
      const expected = Array.from({ length: ACTIONS }, (_, n) => `${scheduleId}-${new Date(firstMs + n * SECOND).toISOString().replace('.000Z', 'Z')}`);
      const runs = await waitFor(
        async () => {
          const found: string[] = [];
          for await (const run of client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) found.push(run.workflowId);
          return found.length >= ACTIONS ? found : false;
        },
        { description: 'the runs in visibility' },
      );
      // One run per scheduled time: none missing, none started twice.
      expect(runs.sort()).toEqual(expected);
      await Promise.all(expected.map((id) => client.workflow.getHandle(id).result()));
    });
  }
});
