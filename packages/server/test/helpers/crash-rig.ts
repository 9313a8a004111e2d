/**
 * What every crash test sets up before it kills something: a server in a child process on a
 * database that outlives it, a client and a worker of the SDK under test connected to it, and
 * a way to SIGKILL the server and start it again on the same port, as a crashed machine is
 * restarted. The client and the worker stay up across the restart: they reconnect as they
 * would to a real server, which is part of what the tests check.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createTestDatabase, type TestDatabase } from '../../src/persistence/postgres/test-database.test-support.js';
import { ActivityRecorder, createActivities, type StepLogLine } from './activities.js';
import { loadSdk, testStore, uniqueTaskQueue, workflowBundlePath } from './env.js';
import { findFreePort, startServerProcess, type ServerProcess } from './processes.js';
import { waitFor } from './wait-for.js';

export interface CrashRigOptions {
  /** Names the temporary folder (`endure-<name>-…`) and the task queue. */
  name: string;
  /**
   * Give the worker the activities of helpers/activities.ts, logging each step's start and end
   * to `stepLogPath`: a file, so that the log survives whatever the test kills.
   */
  stepLog?: boolean;
  /** Environment of the first server only (ENDURE_TEST_FAULT): a restarted server runs without it. */
  serverEnv?: NodeJS.ProcessEnv;
}

export interface CrashRig {
  /** A folder of this test's own, removed by `close()`. */
  dir: string;
  port: number;
  /** host:port of the server, the same across restarts. */
  address: string;
  /** `endure.db` in `dir`, or a PostgreSQL database of its own in the postgres project (dropped by `close()`). */
  database: string;
  /** The server process running now. */
  readonly server: ServerProcess;
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** With `stepLog`: the file the activities log their steps to. */
  stepLogPath: string;
  /** The step log as it stands now, one entry per line (a plain function: it can be destructured). */
  readStepLog: () => StepLogLine[];
  /** SIGKILLs the server and waits for it to be gone. */
  killServer(): Promise<void>;
  /** Starts a server on the same port, on `database` (default the rig's), once the previous one is gone. */
  startServer(database?: string): Promise<void>;
  /** Shuts the worker down and waits for its run to end (and fails if the run failed). */
  stopWorker(): Promise<void>;
  /** Stops whatever is still running, then removes the folder and drops the database. */
  close(): Promise<void>;
}

/** Starts a crash test's server, client and worker; on failure, stops what it had started. */
export async function startCrashRig(options: CrashRigOptions): Promise<CrashRig> {
  const dir = mkdtempSync(join(tmpdir(), `endure-${options.name}-`));
  const parts: RigParts = { dir };
  try {
    return await startRig(options, parts);
  } catch (err) {
    await closeRig(parts);
    throw err;
  }
}

/** What a rig has started so far: all of it is ended by `closeRig`. */
interface RigParts {
  dir: string;
  postgres?: TestDatabase;
  server?: ServerProcess;
  connection?: Connection;
  nativeConnection?: NativeConnection;
  worker?: Worker;
}

async function startRig(options: CrashRigOptions, parts: RigParts): Promise<CrashRig> {
  const { dir } = parts;
  if (testStore() === 'postgres') parts.postgres = await createTestDatabase();
  const database = parts.postgres?.url ?? join(dir, 'endure.db');
  const stepLogPath = join(dir, 'steps.log');
  writeFileSync(stepLogPath, '');
  const port = await findFreePort();
  const address = `127.0.0.1:${port}`;
  parts.server = await startServerProcess(port, database, options.serverEnv);

  const sdk = await loadSdk();
  const connection = (parts.connection = await sdk.Connection.connect({ address }));
  const client = new sdk.Client({ connection, namespace: 'default' });
  const nativeConnection = (parts.nativeConnection = await sdk.NativeConnection.connect({ address }));
  const taskQueue = uniqueTaskQueue(options.name);
  const worker = (parts.worker = await sdk.Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    ...(options.stepLog === true ? { activities: createActivities(new ActivityRecorder(), { stepLogPath }) } : {}),
  }));
  const running = worker.run();
  // Awaited by stopWorker(); this only keeps an early test failure from also reporting an unhandled rejection.
  running.catch(() => undefined);

  return {
    dir,
    port,
    address,
    database,
    get server() {
      return parts.server!;
    },
    client,
    taskQueue,
    worker,
    stepLogPath,
    readStepLog: () => readStepLog(stepLogPath),
    killServer: () => parts.server!.kill(),
    async startServer(on = database) {
      const previous = parts.server!.process;
      if (previous.exitCode === null && previous.signalCode === null) throw new Error('startServer: the server still runs; kill it first');
      parts.server = await startServerProcess(port, on);
    },
    async stopWorker() {
      worker.shutdown();
      await running;
    },
    close: () => closeRig(parts),
  };
}

function readStepLog(path: string): StepLogLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as StepLogLine);
}

async function closeRig({ dir, postgres, server, connection, nativeConnection, worker }: RigParts): Promise<void> {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await waitFor(() => worker === undefined || ['INITIALIZED', 'STOPPED', 'FAILED'].includes(worker.getState()), {
    timeoutMs: 20_000,
    description: 'worker shutdown',
  }).catch(() => undefined);
  await nativeConnection?.close().catch(() => undefined);
  await connection?.close();
  await server?.kill();
  await postgres?.drop();
  rmSync(dir, { recursive: true, force: true });
}
