/**
 * Workflow updates on two nodes sharing one PostgreSQL database: the client calls node A,
 * the worker polls node B only, so every update crosses from one node to the other (the
 * admission, the workflow task that carries it, the worker's answer, the caller's outcome).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  Connection,
  WithStartWorkflowOperation,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowHandle,
} from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { EndureServer } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath } from './helpers/env.js';
import { countEvents, eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { addItemUpdate, cartWorkflow, checkoutSignal, holdUpdate, itemsQuery, releaseSignal } from './workflows/updates.js';

const Stage = { ADMITTED: 1, COMPLETED: 3 };

let database: TestDatabase;
let nodeA: EndureServer;
let nodeB: EndureServer;
let connectionA: Connection;
let connectionB: Connection;
/** The client: every call goes to node A. */
let client: Client;
/** A second client, on node B (repeats of an update id from the other node). */
let clientB: Client;
const workerConnections: NativeConnection[] = [];
const workers: { worker: Worker; running: Promise<void> }[] = [];

beforeAll(async () => {
  installQuietRuntime();
  database = await createTestDatabase();
  const options = { store: 'postgres', postgresUrl: database.url, postgresConnectRetryMs: 0, port: 0, logLevel: 'error' } as const;
  nodeA = await EndureServer.start({ ...options, nodeId: 'a' });
  nodeB = await EndureServer.start({ ...options, nodeId: 'b' });
  connectionA = await Connection.connect({ address: nodeA.address });
  connectionB = await Connection.connect({ address: nodeB.address });
  client = new Client({ connection: connectionA, namespace: 'default' });
  clientB = new Client({ connection: connectionB, namespace: 'default' });
});

afterAll(async () => {
  for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.allSettled(workers.map((w) => w.running));
  await Promise.allSettled(workerConnections.map((c) => c.close()));
  await connectionA?.close();
  await connectionB?.close();
  await nodeA?.stop();
  await nodeB?.stop();
  await database?.drop();
});

/** The worker polls node B only. */
async function startWorkerOnB(taskQueue: string): Promise<void> {
  const connection = await NativeConnection.connect({ address: nodeB.address });
  workerConnections.push(connection);
  const worker = await Worker.create({ connection, namespace: 'default', taskQueue, workflowBundle: { codePath: workflowBundlePath() } });
  workers.push({ worker, running: worker.run() });
}

const taskQueue = uniqueTaskQueue('cluster-updates');

function startCart(prefix: string, queue = taskQueue): Promise<WorkflowHandle<typeof cartWorkflow>> {
  return client.workflow.start(cartWorkflow, { taskQueue: queue, workflowId: uniqueWorkflowId(prefix) });
}

/** UpdateWorkflowExecution of addItem('apple') waiting only for admission. */
function admitApple(workflowId: string, updateId: string) {
  return {
    namespace: 'default',
    workflowExecution: { workflowId },
    request: { meta: { updateId }, input: { name: addItemUpdate.name, args: { payloads: [defaultPayloadConverter.toPayload('apple')] } } },
    waitPolicy: { lifecycleStage: Stage.ADMITTED },
  };
}

/** PollWorkflowExecutionUpdate through A until the update has an outcome (bounded). */
function pollOnAUntilCompleted(workflowId: string, updateId: string) {
  return waitFor(
    async () => {
      const res = await client.workflowService.pollWorkflowExecutionUpdate({
        namespace: 'default',
        updateRef: { workflowExecution: { workflowId }, updateId },
        waitPolicy: { lifecycleStage: Stage.COMPLETED },
      });
      return res.outcome ? res : undefined;
    },
    { timeoutMs: 20_000, description: `update ${updateId} to complete` },
  );
}

// The worker the first test starts on B serves the tests after it.
describe('updates across two nodes (client on A, worker on B)', () => {
  it('an update admitted on A before any worker runs is carried by a task B starts; PollWorkflowExecutionUpdate on A sees it complete', async () => {
    const handle = await startCart('cluster-update-admitted');
    expect((await client.workflowService.updateWorkflowExecution(admitApple(handle.workflowId, 'early'))).stage).toBe(Stage.ADMITTED);

    // Only now a worker: on the other node than the one that admitted the update.
    await startWorkerOnB(taskQueue);
    expect((await pollOnAUntilCompleted(handle.workflowId, 'early')).stage).toBe(Stage.COMPLETED);
    expect(await handle.getUpdateHandle<number>('early').result()).toBe(1);
    expect(await handle.query(itemsQuery)).toEqual(['apple']);
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple']);
  });

  it('an update id admitted on A and sent again to B is one update: the handler runs once', async () => {
    const idleQueue = uniqueTaskQueue('cluster-updates-idle');
    const handle = await startCart('cluster-update-admitted-twice', idleQueue);
    expect((await client.workflowService.updateWorkflowExecution(admitApple(handle.workflowId, 'twice'))).stage).toBe(Stage.ADMITTED);
    expect((await clientB.workflowService.updateWorkflowExecution(admitApple(handle.workflowId, 'twice'))).stage).toBe(Stage.ADMITTED);

    await startWorkerOnB(idleQueue);
    await pollOnAUntilCompleted(handle.workflowId, 'twice');
    expect(await clientB.workflow.getHandle(handle.workflowId).getUpdateHandle<number>('twice').result()).toBe(1);
    expect(await handle.query(itemsQuery)).toEqual(['apple']);
    expect(countEvents(await handle.fetchHistory(), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(1);
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple']);
  });

  it('accepts and completes: the caller on A gets the result, waiting on ACCEPTED then COMPLETED', async () => {
    const handle = await startCart('cluster-update-accept');
    expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'] })).toBe(1);
    const held = await handle.startUpdate(holdUpdate, { args: ['kept'], waitForStage: WorkflowUpdateStage.ACCEPTED });
    const result = held.result();
    await handle.signal(releaseSignal);
    expect(await result).toBe('released kept');
    // Polled from either node.
    expect(await clientB.workflow.getHandle(handle.workflowId).getUpdateHandle<string>(held.updateId).result()).toBe('released kept');
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple']);
    const history = await handle.fetchHistory();
    expect(countEvents(history, 'WORKFLOW_EXECUTION_UPDATE_COMPLETED')).toBe(2);
  });

  it('a validator rejection on B fails the caller on A and leaves history as it was', async () => {
    const handle = await startCart('cluster-update-rejected');
    expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'] })).toBe(1);
    const before = eventTypes(await handle.fetchHistory());

    const err = await handle.executeUpdate(addItemUpdate, { args: [''] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toBe('item must not be empty');
    expect(eventTypes(await handle.fetchHistory())).toEqual(before);

    // A rejected id starts over when sent again.
    expect(await handle.executeUpdate(addItemUpdate, { args: ['pear'] })).toBe(2);
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple', 'pear']);
  });

  it('the same update id sent to A and then to B runs the handler once', async () => {
    const handle = await startCart('cluster-update-dedup');
    const updateId = 'add-apple-once';
    expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'], updateId })).toBe(1);
    const onB = clientB.workflow.getHandle<typeof cartWorkflow>(handle.workflowId);
    expect(await onB.executeUpdate(addItemUpdate, { args: ['apple'], updateId })).toBe(1);
    expect(await handle.query(itemsQuery)).toEqual(['apple']);
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple']);
    expect(countEvents(await handle.fetchHistory(), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(1);
  });

  it('update-with-start on A: B’s first workflow task carries the update', async () => {
    const workflowId = uniqueWorkflowId('cluster-update-with-start');
    const startOperation = () => new WithStartWorkflowOperation(cartWorkflow, { workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    const first = startOperation();
    expect(await client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['apple'], startWorkflowOperation: first })).toBe(1);
    const handle = await first.workflowHandle();
    expect(eventTypes(await handle.fetchHistory()).slice(0, 6)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
      'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    ]);
    // Again: the workflow is running, so the update goes to it.
    expect(await client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['pear'], startWorkflowOperation: startOperation() })).toBe(2);
    await handle.signal(checkoutSignal);
    expect(await handle.result()).toEqual(['apple', 'pear']);
  });
});
