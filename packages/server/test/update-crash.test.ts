/**
 * An accepted update is durable: the server is killed with SIGKILL while the
 * update runs in the workflow and a caller waits for its result; after the
 * restart the update completes and the waiting caller gets the result.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateStage } from '@temporalio/client';
import { startCrashRig, type CrashRig } from './helpers/crash-rig.js';
import { uniqueWorkflowId } from './helpers/env.js';
import { countEvents } from './helpers/history.js';
import { addItemUpdate, cartWorkflow, checkoutSignal, holdUpdate, itemsQuery, releaseSignal } from './workflows/updates.js';

let rig: CrashRig | undefined;

afterAll(() => rig?.close());

describe('updates across a server crash', () => {
  it('an accepted update survives SIGKILL of the server and completes after the restart; its waiting caller gets the result', async () => {
    rig = await startCrashRig({ name: 'update-crash' });
    const { client, taskQueue } = rig;

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

    await rig.killServer();
    await rig.startServer();

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

    await rig.stopWorker();
  });
});
