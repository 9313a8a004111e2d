/** Signals, queries, `condition` with a timeout and signal-with-start. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryNotRegisteredError } from '@temporalio/client';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { addItemSignal, approvalWorkflow, approveSignal, statusQuery } from './workflows/approval.js';

let env: TestEnv;
const activities = createActivities(new ActivityRecorder());

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('signals and queries', () => {
  it('delivers signals, answers queries and completes when the condition is met', async () => {
    const taskQueue = uniqueTaskQueue('approval');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('approval'),
        args: [60_000],
      });
      expect(await handle.query(statusQuery)).toEqual({ state: 'waiting', items: [] });

      await handle.signal(addItemSignal, 'laptop');
      await handle.signal(addItemSignal, 'monitor');
      const status = await waitFor(
        async () => {
          const s = await handle.query(statusQuery);
          return s.items.length === 2 && s;
        },
        { description: 'both signals to be visible to a query' },
      );
      expect(status).toEqual({ state: 'waiting', items: ['laptop', 'monitor'] });

      await expect(handle.query('noSuchQuery')).rejects.toBeInstanceOf(QueryNotRegisteredError);

      await handle.signal(approveSignal, 'alice');
      expect(await handle.result()).toEqual({ outcome: 'approved by alice', items: ['laptop', 'monitor'] });
      // A closed workflow still answers queries (from its history).
      expect(await handle.query(statusQuery)).toEqual({ state: 'approved', items: ['laptop', 'monitor'] });
    });
  });

  it('takes the timeout branch of condition when no signal arrives', async () => {
    const taskQueue = uniqueTaskQueue('approval-timeout');
    const startedAt = Date.now();
    const result = await env.withWorker({ taskQueue, activities }, () =>
      env.client.workflow.execute(approvalWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('approval-timeout'),
        args: [300],
      }),
    );
    expect(result).toEqual({ outcome: 'timed out', items: [] });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
  });

  it('signal-with-start starts a workflow, then signals the same running execution', async () => {
    const taskQueue = uniqueTaskQueue('signal-with-start');
    const workflowId = uniqueWorkflowId('signal-with-start');
    await env.withWorker({ taskQueue, activities }, async () => {
      const first = await env.client.workflow.signalWithStart(approvalWorkflow, {
        taskQueue,
        workflowId,
        args: [60_000],
        signal: addItemSignal,
        signalArgs: ['first'],
      });
      const second = await env.client.workflow.signalWithStart(approvalWorkflow, {
        taskQueue,
        workflowId,
        args: [60_000],
        signal: addItemSignal,
        signalArgs: ['second'],
      });
      expect(second.signaledRunId).toBe(first.signaledRunId);
      const description = await first.describe();
      expect(description.runId).toBe(first.signaledRunId);

      await first.signal(approveSignal, 'bob');
      expect(await first.result()).toEqual({ outcome: 'approved by bob', items: ['first', 'second'] });
    });
  });
});
