/**
 * One Endure server per test file plus the official SDK's client and workers
 * talking to it. Everything started here is stopped by `close()`.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { EndureServer, type EndureServerOptions } from '../../src/index.js';
import { createTestDatabase } from '../../src/persistence/postgres/test-database.test-support.js';
import { waitFor } from './wait-for.js';

let runtimeInstalled = false;

/** Quiets the SDK's logs; the Runtime can be installed once per process. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  runtimeInstalled = true;
}

/** Which SDK drives this test run: the official one, or Endure's own (same tests, same assertions). */
export function testSdk(): 'official' | 'endure' {
  return inject('sdk') ?? 'official';
}

/**
 * Which store the servers of this test run keep state in: SQLite in memory, or PostgreSQL
 * (the `postgres` project), where each test env gets a database of its own, dropped by `close()`.
 */
export function testStore(): 'sqlite' | 'postgres' {
  return inject('store') ?? 'sqlite';
}

export function workflowBundlePath(): string {
  return testSdk() === 'endure' ? inject('endureWorkflowBundlePath') : inject('workflowBundlePath');
}

/** A task queue name no other test uses, so workers never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function uniqueWorkflowId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** One line of the server's JSON log: its level, its message and the fields it names. */
export type ServerLogLine = Record<string, unknown> & { msg: string; level: number };

/**
 * Server options that write the server's log as JSON into `lines`, parsed a line at a time, for
 * the test to read: `startTestEnv({ logLevel: 'debug', ...jsonLogInto(lines) })`.
 */
export function jsonLogInto(lines: ServerLogLine[]): Pick<EndureServerOptions, 'logFormat' | 'logOutput'> {
  return {
    logFormat: 'json',
    logOutput: {
      write: (text) => {
        for (const line of text.split('\n')) if (line) lines.push(JSON.parse(line) as ServerLogLine);
      },
    },
  };
}

export type TestWorkerOptions = Omit<WorkerOptions, 'connection' | 'namespace' | 'workflowBundle' | 'workflowsPath'>;

export interface TestEnv {
  server: EndureServer;
  address: string;
  connection: Connection;
  client: Client;
  /** A worker on its own native connection, shut down by `close()` if still running. */
  createWorker(options: TestWorkerOptions): Promise<Worker>;
  /** Runs a worker until `fn` settles, then shuts it down. */
  withWorker<T>(options: TestWorkerOptions, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startTestEnv(options: EndureServerOptions = {}): Promise<TestEnv> {
  const sdk = await loadSdk();
  const database = testStore() === 'postgres' ? await createTestDatabase() : null;
  const storeOptions: EndureServerOptions = database
    ? { store: 'postgres', postgresUrl: database.url, postgresConnectRetryMs: 0 }
    : { inMemory: true };
  const server = await EndureServer.start({ port: 0, logLevel: 'error', ...storeOptions, ...options });
  const address = server.address;
  const connection = await sdk.Connection.connect({ address });
  const client = new sdk.Client({ connection, namespace: 'default' });
  const workers: Worker[] = [];
  const nativeConnections: NativeConnection[] = [];

  async function createWorker(workerOptions: TestWorkerOptions): Promise<Worker> {
    const nativeConnection = await sdk.NativeConnection.connect({ address });
    nativeConnections.push(nativeConnection);
    const worker = await sdk.Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      workflowBundle: { codePath: workflowBundlePath() },
      ...workerOptions,
    });
    workers.push(worker);
    return worker;
  }

  return {
    server,
    address,
    connection,
    client,
    createWorker,
    async withWorker<T>(workerOptions: TestWorkerOptions, fn: () => Promise<T>): Promise<T> {
      const worker = await createWorker(workerOptions);
      return worker.runUntil(fn);
    },
    async close(): Promise<void> {
      for (const worker of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await Promise.allSettled(workers.map((w) => waitForWorkerStop(w)));
      await Promise.allSettled(nativeConnections.map((c) => c.close()));
      await connection.close();
      await server.stop();
      await database?.drop();
    },
  };
}

interface Sdk {
  Connection: typeof Connection;
  Client: typeof Client;
  NativeConnection: typeof NativeConnection;
  Worker: typeof Worker;
}

/**
 * The classes of the SDK under test. Endure's mirror the official API, so the
 * tests use the official types for both.
 */
export async function loadSdk(): Promise<Sdk> {
  if (testSdk() === 'official') {
    installQuietRuntime();
    return { Connection, Client, NativeConnection, Worker };
  }
  const client = await import('@endure/client');
  const worker = await import('@endure/worker');
  return {
    Connection: client.Connection,
    Client: client.Client,
    NativeConnection: worker.NativeConnection,
    Worker: worker.Worker,
  } as unknown as Sdk;
}

async function waitForWorkerStop(worker: Worker): Promise<void> {
  const stopped = new Set(['INITIALIZED', 'STOPPED', 'FAILED']);
  await waitFor(() => stopped.has(worker.getState()), { timeoutMs: 20_000, description: 'worker shutdown' });
}
