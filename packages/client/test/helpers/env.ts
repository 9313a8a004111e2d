/**
 * One Endure server per test file, driven by OUR client (`@endure/client`) while workflows
 * run on the OFFICIAL worker (`@temporalio/worker`): the interop the SDK promises.
 * Everything started here is stopped by `close()`.
 */
import { inject } from 'vitest';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { EndureServer } from '@endure/server';
import { Client, Connection } from '../../src/index.js';
import { installQuietRuntime } from '../../../server/test/helpers/env.js';
import { waitFor } from '../../../server/test/helpers/wait-for.js';

export { uniqueTaskQueue, uniqueWorkflowId } from '../../../server/test/helpers/env.js';

export type TestWorkerOptions = Omit<WorkerOptions, 'connection' | 'namespace' | 'workflowBundle' | 'workflowsPath'>;

export interface ClientTestEnv {
  server: EndureServer;
  connection: Connection;
  client: Client;
  /** Runs an official worker until `fn` settles, then shuts it down. */
  withWorker<T>(options: TestWorkerOptions, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startClientTestEnv(): Promise<ClientTestEnv> {
  installQuietRuntime();
  const server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'warn' });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const workers: Worker[] = [];
  const nativeConnections: NativeConnection[] = [];

  return {
    server,
    connection,
    client,
    async withWorker<T>(workerOptions: TestWorkerOptions, fn: () => Promise<T>): Promise<T> {
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      nativeConnections.push(nativeConnection);
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        // Always the bundle built against the official SDK: this suite runs the official worker.
        workflowBundle: { codePath: inject('workflowBundlePath') },
        ...workerOptions,
      });
      workers.push(worker);
      return worker.runUntil(fn);
    },
    async close(): Promise<void> {
      for (const worker of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      const stopped = new Set(['INITIALIZED', 'STOPPED', 'FAILED']);
      await Promise.allSettled(
        workers.map((w) => waitFor(() => stopped.has(w.getState()), { timeoutMs: 20_000, description: 'worker shutdown' })),
      );
      await Promise.allSettled(nativeConnections.map((c) => c.close()));
      await connection.close();
      await server.stop();
    },
  };
}
