/**
 * An accepted update is durable: the server is killed with SIGKILL while the
 * update runs in the workflow and a caller waits for its result; after the
 * restart the update completes and the waiting caller gets the result.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage, type Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { loadSdk, testStore, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath } from './helpers/env.js';
import { createTestDatabase, type TestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { countEvents } from './helpers/history.js';
import { cleanUpCrashTest, findFreePort, startServerProcess, type ServerProcess } from './helpers/processes.js';
import { addItemUpdate, cartWorkflow, checkoutSignal, holdUpdate, itemsQuery, releaseSignal } from './workflows/updates.js';

let dir: string;
let server: ServerProcess | undefined;
let connection: Connection | undefined;
let nativeConnection: NativeConnection | undefined;
let worker: Worker | undefined;
let postgres: TestDatabase | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'endure-update-crash-'));
  if (testStore() === 'postgres') postgres = await createTestDatabase();
});

afterAll(async () => {
  await cleanUpCrashTest({ worker, nativeConnection, connection, server, dir });
  await postgres?.drop();
});

describe('updates across a server crash', () => {
  it('an accepted update survives SIGKILL of the server and completes after the restart; its waiting caller gets the result', async () => {
    const port = await findFreePort();
    const address = `127.0.0.1:${port}`;
    const database = postgres?.url ?? join(dir, 'endure.db');
    server = await startServerProcess(port, database);
    const sdk = await loadSdk();
    connection = await sdk.Connection.connect({ address });
    const client = new sdk.Client({ connection, namespace: 'default' });
    nativeConnection = await sdk.NativeConnection.connect({ address });
    const taskQueue = uniqueTaskQueue('update-crash');
    worker = await sdk.Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
    });
    const running = worker.run();
    running.catch(() => undefined);

    const handle = await client.workflow.start(cartWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('update-crash'),
      workflowTaskTimeout: '2s',
    });
    expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'] })).toBe(1);
    const held = await handle.startUpdate(holdUpdate, { args: ['kept'], waitForStage: WorkflowUpdateStage.ACCEPTED });
    // A caller waiting on COMPLETED while the server dies.
    const result = held.result();
    result.catch(() => undefined);

    await server.kill();
    server = await startServerProcess(port, database);

    // The accepted update is known after the restart, and the workflow goes on.
    expect(await handle.query(itemsQuery)).toEqual(['apple']);
    await handle.signal(releaseSignal);
    expect(await result).toBe('released kept');
    expect(await handle.getUpdateHandle(held.updateId).result()).toBe('released kept');
    expect(await handle.executeUpdate(addItemUpdate, { args: ['pear'] })).toBe(2);
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple', 'pear']);
    const history = await handle.fetchHistory();
    expect(countEvents(history, 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(3);
    expect(countEvents(history, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED')).toBe(3);

    worker.shutdown();
    await running;
  });
});
