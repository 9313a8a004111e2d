/**
 * @endure/client's Update API against the official worker: executeUpdate, a validator
 * rejection (WorkflowUpdateFailedError), startUpdate and getUpdateHandle, update-with-start
 * on a running workflow, and an update to a closed workflow (WorkflowNotFoundError).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, Connection, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@endure/client';
import { WorkflowNotFoundError } from '@endure/common';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv, type TestWorkerOptions } from './helpers/env.js';
import { cartWorkflow } from './workflows/updates.js';

// By name: the definitions in ./workflows are @temporalio/workflow's, typed for the official client.
const addItemUpdate = 'addItem';
const holdUpdate = 'hold';
const releaseSignal = 'release';
const checkoutSignal = 'checkout';

let env: TestEnv;
let code: string;
beforeAll(async () => {
  env = await startTestEnv();
  ({ code } = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows/updates.ts', import.meta.url)), logger: new DefaultLogger('WARN') }));
});
afterAll(async () => {
  await env?.close();
});

it('sends updates, waits for their results and updates with start as the official client does', async () => {
  const taskQueue = uniqueTaskQueue('endure-client-update');
  const connection = await Connection.connect({ address: env.address });
  const client = new Client({ connection });
  await env.withWorker({ taskQueue, workflowBundle: { code } } as TestWorkerOptions, async () => {
    const h = await client.workflow.start(cartWorkflow, { taskQueue, workflowId: uniqueWorkflowId('endure-client-update') });
    expect(await h.executeUpdate<number, [string]>(addItemUpdate, { args: ['a'] })).toBe(1);
    await expect(h.executeUpdate<number, [string]>(addItemUpdate, { args: [''] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const held = await h.startUpdate<string, [string]>(holdUpdate, { args: ['q'], waitForStage: 'ACCEPTED' });
    await h.signal(releaseSignal);
    expect(await held.result()).toBe('released q');
    expect(await h.getUpdateHandle(held.updateId).result()).toBe('released q');
    const op = new WithStartWorkflowOperation(cartWorkflow, { taskQueue, workflowId: h.workflowId, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(await client.workflow.executeUpdateWithStart<typeof cartWorkflow, number, [string]>(addItemUpdate, { args: ['b'], startWorkflowOperation: op })).toBe(2);
    await (await op.workflowHandle()).signal(checkoutSignal);
    expect(await h.result()).toEqual(['a', 'b']);
    await expect(h.executeUpdate<number, [string]>(addItemUpdate, { args: ['c'] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
  await connection.close();
});
