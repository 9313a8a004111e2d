/**
 * Workflow updates through the SDK's client and worker: a result and the state a
 * query sees, validator rejections that leave no trace in history, updates to a
 * closed workflow or of an unknown name, the same update id twice, updates that
 * wait in the workflow without holding up signals, queries or other updates, and
 * the in-flight limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Connection,
  WithStartWorkflowOperation as OfficialWithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowHandle,
} from '@temporalio/client';
import { loadSdk, startTestEnv, testSdk, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath, type TestEnv } from './helpers/env.js';
import Long from 'long';
import { temporal } from '@temporalio/proto';
import { countEvents, eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import {
  addItemUpdate,
  cartWorkflow,
  checkoutSignal,
  holdUpdate,
  itemsQuery,
  releaseSignal,
} from './workflows/updates.js';

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_RESOURCE_EXHAUSTED = 8;

let env: TestEnv;
/** The start operation of the SDK under test (Endure's mirrors the official one). */
let WithStartWorkflowOperation: typeof OfficialWithStartWorkflowOperation;

beforeAll(async () => {
  env = await startTestEnv();
  WithStartWorkflowOperation =
    testSdk() === 'endure'
      ? ((await import('@endure/client')).WithStartWorkflowOperation as unknown as typeof OfficialWithStartWorkflowOperation)
      : OfficialWithStartWorkflowOperation;
});

afterAll(async () => {
  await env?.close();
});

/** Runs a worker on `taskQueue` while `fn` runs. */
function withCartWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  return env.withWorker({ taskQueue }, fn);
}

function startCart(taskQueue: string, prefix: string): Promise<WorkflowHandle<typeof cartWorkflow>> {
  return env.client.workflow.start(cartWorkflow, { taskQueue, workflowId: uniqueWorkflowId(prefix) });
}

async function history(handle: WorkflowHandle) {
  return eventTypes(await handle.fetchHistory());
}

describe('workflow updates', () => {
  it('returns the handler result, and a query sees the state it changed', async () => {
    const taskQueue = uniqueTaskQueue('update');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update');
      expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'] })).toBe(1);
      expect(await handle.executeUpdate(addItemUpdate, { args: ['pear'] })).toBe(2);
      expect(await handle.query(itemsQuery)).toEqual(['apple', 'pear']);
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual(['apple', 'pear']);
      const events = await history(handle);
      expect(events.filter((t) => t.startsWith('WORKFLOW_EXECUTION_UPDATE'))).toEqual([
        'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
        'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
        'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
        'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
      ]);
    });
  });

  it('a history with updates, one still running across tasks, replays; one naming another update does not', async () => {
    const taskQueue = uniqueTaskQueue('update-replay');
    const history = await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-replay');
      const held = await handle.startUpdate(holdUpdate, { args: ['a'], waitForStage: WorkflowUpdateStage.ACCEPTED });
      await handle.executeUpdate(addItemUpdate, { args: ['apple'] });
      await handle.executeUpdate(addItemUpdate, { args: [''] }).catch(() => undefined);
      await handle.signal(releaseSignal);
      await held.result();
      await handle.signal(checkoutSignal);
      await handle.result();
      return handle.fetchHistory();
    });
    const { Worker } = await loadSdk();
    await Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, history);
    // Replay runs the update history names: another update there produces commands history does not have.
    const History = temporal.api.history.v1.History;
    const tampered = History.decode(History.encode(history).finish());
    const accepted = tampered.events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!;
    accepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name = addItemUpdate.name;
    // (The official core reports it as a fatal error of its update machine, ours as nondeterminism.)
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, tampered)).rejects.toThrow();
  });

  it('a validator rejection fails the caller and leaves no event in history', async () => {
    const taskQueue = uniqueTaskQueue('update-rejected');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-rejected');
      await handle.executeUpdate(addItemUpdate, { args: ['apple'] });
      const before = await history(handle);

      const err = await handle.executeUpdate(addItemUpdate, { args: [''] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe('item must not be empty');
      expect(await history(handle)).toEqual(before);

      // The workflow goes on as if nothing happened.
      expect(await handle.executeUpdate(addItemUpdate, { args: ['pear'] })).toBe(2);
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual(['apple', 'pear']);
    });
  });

  it('an update of a name the workflow has no handler for fails with the worker’s rejection', async () => {
    const taskQueue = uniqueTaskQueue('update-unknown');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-unknown');
      const err = await handle.executeUpdate('noSuchUpdate').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toContain('noSuchUpdate');
      expect(countEvents(await handle.fetchHistory(), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(0);
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual([]);
    });
  });

  it('a reset run knows the updates its own history accepted: one reset away runs again, one kept answers from the new run', async () => {
    const taskQueue = uniqueTaskQueue('update-reset');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-reset');
      expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'], updateId: 'kept' })).toBe(1);
      const keptUpTo = Number((await handle.fetchHistory()).events!.at(-1)!.eventId);
      expect(await handle.executeUpdate(addItemUpdate, { args: ['pear'], updateId: 'undone' })).toBe(2);
      const completedTask = (await handle.fetchHistory()).events!.filter((e) => e.workflowTaskCompletedEventAttributes).at(-1)!;
      expect(Number(completedTask.eventId)).toBeGreaterThan(keptUpTo);
      const { runId } = await env.client.workflowService.resetWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: handle.workflowId },
        // The task that accepted 'undone' is the last one: reset to the one before it.
        workflowTaskFinishEventId: Long.fromNumber(keptUpTo - 2),
        requestId: `reset-${handle.workflowId}`,
        reason: 'test',
      });
      const reset = env.client.workflow.getHandle<typeof cartWorkflow>(handle.workflowId, runId);
      expect(await reset.executeUpdate(addItemUpdate, { args: ['apple'], updateId: 'kept' })).toBe(1);
      expect(await reset.executeUpdate(addItemUpdate, { args: ['plum'], updateId: 'undone' })).toBe(2);
      expect(await reset.query(itemsQuery)).toEqual(['apple', 'plum']);
      await reset.signal(checkoutSignal);
      expect(await reset.result()).toEqual(['apple', 'plum']);
    });
  });

  it('an update to a completed workflow fails with WorkflowNotFoundError', async () => {
    const taskQueue = uniqueTaskQueue('update-closed');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-closed');
      await handle.signal(checkoutSignal);
      await handle.result();
      await expect(handle.executeUpdate(addItemUpdate, { args: ['late'] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });
  });

  it('the same update id sent twice runs the handler once and answers the same result, even after the workflow closed', async () => {
    const taskQueue = uniqueTaskQueue('update-dedup');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-dedup');
      const updateId = 'add-apple-once';
      expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'], updateId })).toBe(1);
      expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'], updateId })).toBe(1);
      expect(await handle.query(itemsQuery)).toEqual(['apple']);
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual(['apple']);
      expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'], updateId })).toBe(1);
      expect(await handle.getUpdateHandle<number>(updateId).result()).toBe(1);
      expect(countEvents(await handle.fetchHistory(), 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(1);
    });
  });

  it('an accepted update that waits holds up no signal, query or other update, and completes later', async () => {
    const taskQueue = uniqueTaskQueue('update-waiting');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-waiting');
      const held = await handle.startUpdate(holdUpdate, { args: ['first'], waitForStage: WorkflowUpdateStage.ACCEPTED });
      const second = await handle.startUpdate(holdUpdate, { args: ['second'], waitForStage: WorkflowUpdateStage.ACCEPTED });
      expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'] })).toBe(1);
      expect(await handle.query(itemsQuery)).toEqual(['apple']);

      // The workflow waits for its handlers before it returns.
      await handle.signal(checkoutSignal);
      await handle.signal(releaseSignal);
      expect(await held.result()).toBe('released first');
      expect(await second.result()).toBe('released second');
      expect(await handle.getUpdateHandle(held.updateId).result()).toBe('released first');
      expect(await handle.result()).toEqual(['apple']);
    });
  });

  it('refuses an update past the limit of updates in flight, naming the limit', async () => {
    const taskQueue = uniqueTaskQueue('update-limit');
    // Without the client's retries, so the refusal reaches the test.
    const connection = await Connection.connect({ address: env.address, interceptors: [] });
    try {
      await withCartWorker(taskQueue, async () => {
        const handle = await startCart(taskQueue, 'update-limit');
        const held = [];
        for (let i = 0; i < 10; i++) {
          held.push(await handle.startUpdate(holdUpdate, { args: [`${i}`], waitForStage: WorkflowUpdateStage.ACCEPTED }));
        }
        const err = await connection.workflowService
          .updateWorkflowExecution({
            namespace: 'default',
            workflowExecution: { workflowId: handle.workflowId },
            request: { meta: { updateId: 'one-too-many' }, input: { name: holdUpdate.name } },
          })
          .catch((e: unknown) => e as { code?: number; details?: string });
        expect(err).toMatchObject({ code: GRPC_RESOURCE_EXHAUSTED });
        expect((err as { details?: string }).details).toContain('limit on number of concurrent in-flight updates has been reached (10)');

        await handle.signal(releaseSignal);
        await Promise.all(held.map((h) => h.result()));
        // Room again once they completed.
        expect(await handle.executeUpdate(addItemUpdate, { args: ['apple'] })).toBe(1);
        await handle.signal(checkoutSignal);
        await handle.result();
      });
    } finally {
      await connection.close();
    }
  });

  it('answers INVALID_ARGUMENT naming the field for update arguments over the payload size limit, and for a missing update id', async () => {
    const taskQueue = uniqueTaskQueue('update-bad-input');
    await withCartWorker(taskQueue, async () => {
      const handle = await startCart(taskQueue, 'update-bad-input');
      const service = env.client.workflowService;
      const call = (request: object) =>
        service
          .updateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: handle.workflowId }, request })
          .catch((e: unknown) => e as { code?: number; details?: string });
      const big = await call({
        meta: { updateId: 'big' },
        input: { name: addItemUpdate.name, args: { payloads: [{ data: new Uint8Array(3 * 1024 * 1024) }] } },
      });
      expect(big).toMatchObject({ code: GRPC_INVALID_ARGUMENT });
      expect((big as { details?: string }).details).toContain('request.input.args');
      const noId = await call({ meta: {}, input: { name: addItemUpdate.name } });
      expect(noId).toMatchObject({ code: GRPC_INVALID_ARGUMENT });
      expect((noId as { details?: string }).details).toContain('request.meta.update_id');
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual([]);
    });
  });

  it('update-with-start starts the workflow with the update in its first task, then updates the running one', async () => {
    const taskQueue = uniqueTaskQueue('update-with-start');
    const workflowId = uniqueWorkflowId('update-with-start');
    await withCartWorker(taskQueue, async () => {
      const startOperation = () =>
        new WithStartWorkflowOperation(cartWorkflow, { workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
      const first = startOperation();
      expect(await env.client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['apple'], startWorkflowOperation: first })).toBe(1);
      const handle = await first.workflowHandle();
      const events = await history(handle);
      // The first workflow task already carried the update.
      expect(events.slice(0, 6)).toEqual([
        'WORKFLOW_EXECUTION_STARTED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
        'WORKFLOW_TASK_COMPLETED',
        'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
        'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
      ]);

      const second = startOperation();
      const updateHandle = await env.client.workflow.startUpdateWithStart(addItemUpdate, {
        args: ['pear'],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
        startWorkflowOperation: second,
      });
      expect(await updateHandle.result()).toBe(2);
      // The same run: the start found it running and kept it.
      expect(updateHandle.workflowRunId).toBe((await handle.describe()).runId);

      // With the FAIL conflict policy, a running workflow refuses the start and the update with it.
      const refused = new WithStartWorkflowOperation(cartWorkflow, { workflowId, taskQueue, workflowIdConflictPolicy: 'FAIL' });
      await expect(
        env.client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['plum'], startWorkflowOperation: refused }),
      ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual(['apple', 'pear']);
    });
  });

  it('waits for the stage asked for: ADMITTED answers before any worker has seen the update', async () => {
    const taskQueue = uniqueTaskQueue('update-admitted');
    const handle = await startCart(taskQueue, 'update-admitted');
    const service = env.client.workflowService;
    const admitted = await service.updateWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: handle.workflowId },
      request: { meta: { updateId: 'early' }, input: { name: addItemUpdate.name, args: await argsOf('apple') } },
      waitPolicy: { lifecycleStage: 1 },
    });
    expect(admitted.stage).toBe(1);
    await withCartWorker(taskQueue, async () => {
      const polled = await waitFor(
        async () => {
          const res = await service.pollWorkflowExecutionUpdate({
            namespace: 'default',
            updateRef: { workflowExecution: { workflowId: handle.workflowId }, updateId: 'early' },
            waitPolicy: { lifecycleStage: 3 },
          });
          return res.outcome ? res : undefined;
        },
        { timeoutMs: 20_000, description: 'the admitted update to complete' },
      );
      expect(polled.stage).toBe(3);
      expect(await handle.getUpdateHandle<number>('early').result()).toBe(1);
      await handle.signal(checkoutSignal);
      expect(await handle.result()).toEqual(['apple']);
    });
  });
});

async function argsOf(...values: unknown[]) {
  const { defaultPayloadConverter } = await import('@temporalio/common');
  return { payloads: values.map((v) => defaultPayloadConverter.toPayload(v)) };
}
