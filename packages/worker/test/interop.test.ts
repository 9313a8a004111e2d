/**
 * The official client (`@temporalio/client`) drives workflows that Endure's
 * worker runs, against an in-process Endure server: start and result, signals,
 * queries, cancellation and the failure cause chain all look to the official
 * client exactly as they would with the official worker. (The reverse pairing,
 * Endure's client with the official worker, is packages/client/test.)
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  Client,
  Connection,
  QueryNotRegisteredError,
  WorkflowFailedError,
} from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { ApplicationFailure as EndureApplicationFailure } from '@endure/activity';
import { bundleWorkflowCode, type WorkflowBundle } from '@endure/worker';
import {
  EventType,
  eventsOfType,
  startSdkTestEnv,
  uniqueTaskQueue,
  uniqueWorkflowId,
  waitFor,
  type SdkTestEnv,
} from './helpers/env.js';

// The names workflows/interop.ts defines, as official definitions (the type the official client takes).
const incrementSignal = defineSignal<[number]>('increment');
const finishSignal = defineSignal('finish');
const countQuery = defineQuery<number>('count');

let env: SdkTestEnv;
let connection: Connection;
let client: Client;
let workflowBundle: WorkflowBundle;
const cleanedUp: string[] = [];

/* eslint-disable @typescript-eslint/require-await -- activities are async by contract */
const activities = {
  async greet(name: string) {
    return `hello ${name}`;
  },
  async reject(orderId: string): Promise<never> {
    throw EndureApplicationFailure.nonRetryable(`order ${orderId} rejected`, 'OrderRejected', { orderId });
  },
  async cleanup(key: string) {
    cleanedUp.push(key);
  },
};
/* eslint-enable @typescript-eslint/require-await */

beforeAll(async () => {
  env = await startSdkTestEnv();
  connection = await Connection.connect({ address: env.server.address });
  client = new Client({ connection, namespace: 'default' });
  workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows/interop.ts', import.meta.url)) });
});

afterAll(async () => {
  await connection?.close();
  await env?.close();
});

/** Runs Endure's worker on a fresh task queue while `fn` uses it. */
function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('interop');
  return env.runWorker({ taskQueue, workflowBundle, activities }, () => fn(taskQueue));
}

describe('official client, Endure worker', () => {
  it('starts a workflow and reads its result', async () => {
    await withWorker(async (taskQueue) => {
      expect(await client.workflow.execute('greetWorkflow', { taskQueue, workflowId: uniqueWorkflowId('greet'), args: ['ada'] })).toBe('hello ada!');

      const handle = await client.workflow.start('greetWorkflow', { taskQueue, workflowId: uniqueWorkflowId('greet'), args: ['grace'] });
      expect(await client.workflow.result(handle.workflowId, handle.firstExecutionRunId)).toBe('hello grace!');
      const description = await handle.describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.type).toBe('greetWorkflow');
    });
  });

  it('delivers signals and answers queries', async () => {
    await withWorker(async (taskQueue) => {
      const handle = await client.workflow.start('counterWorkflow', { taskQueue, workflowId: uniqueWorkflowId('counter') });
      expect(await waitFor(async () => (await handle.query(countQuery)) === 0, { description: 'the first count' })).toBe(true);
      await handle.signal(incrementSignal, 2);
      await handle.signal(incrementSignal, 3);
      await waitFor(async () => (await handle.query(countQuery)) === 5, { description: 'the count to reach 5' });
      await expect(handle.query('nope')).rejects.toThrow(QueryNotRegisteredError);
      await expect(handle.query('nope')).rejects.toThrow(/nope/);
      await handle.signal(finishSignal);
      expect(await handle.result()).toBe(5);
    });
  });

  it('cancels a workflow, which cleans up and ends as CANCELLED', async () => {
    await withWorker(async (taskQueue) => {
      const key = uniqueWorkflowId('cleanup');
      const handle = await client.workflow.start('cancellableWorkflow', { taskQueue, workflowId: uniqueWorkflowId('cancel'), args: [key] });
      await waitFor(async () => eventsOfType(await handle.fetchHistory(), EventType.EVENT_TYPE_TIMER_STARTED).length > 0, {
        description: 'the workflow to start its timer',
      });
      await handle.cancel();
      const err: unknown = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(cleanedUp).toContain(key);
    });
  });

  it('reports a failed activity as WorkflowFailedError → ActivityFailure → ApplicationFailure', async () => {
    await withWorker(async (taskQueue) => {
      const err: unknown = await client.workflow
        .execute('rejectedOrderWorkflow', { taskQueue, workflowId: uniqueWorkflowId('rejected'), args: ['o-7'] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const activityFailure = (err as WorkflowFailedError).cause;
      expect(activityFailure).toBeInstanceOf(ActivityFailure);
      expect(activityFailure).toMatchObject({ activityType: 'reject', retryState: RetryState.NON_RETRYABLE_FAILURE });
      const cause = (activityFailure as ActivityFailure).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ message: 'order o-7 rejected', type: 'OrderRejected', nonRetryable: true, details: [{ orderId: 'o-7' }] });
    });
  });
});
