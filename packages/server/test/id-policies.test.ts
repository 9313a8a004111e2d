/**
 * Workflow id reuse and conflict policies, on start, signal-with-start and
 * child starts, and what a workflow stuck on a bug in its code costs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { countEvents } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { buggyHandlerWorkflow, failingChild, finishSignal, waitingChild } from './workflows/children.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('workflow id conflict policies (the id is running)', () => {
  it('TERMINATE_EXISTING terminates the running run and starts a new one', async () => {
    const taskQueue = uniqueTaskQueue('conflict-terminate');
    const workflowId = uniqueWorkflowId('conflict-terminate');
    const first = await env.client.workflow.start(waitingChild, { taskQueue, workflowId });
    const second = await env.client.workflow.start(waitingChild, {
      taskQueue,
      workflowId,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    expect((await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
    expect((await env.client.workflow.getHandle(workflowId).describe()).runId).toBe(second.firstExecutionRunId);
    await second.terminate();
  });

  it('signal-with-start signals the running workflow, or replaces it with TERMINATE_EXISTING', async () => {
    const taskQueue = uniqueTaskQueue('sws');
    const workflowId = uniqueWorkflowId('sws');
    await env.withWorker({ taskQueue }, async () => {
      const first = await env.client.workflow.start(waitingChild, { taskQueue, workflowId });
      const again = await env.client.workflow.signalWithStart(waitingChild, {
        taskQueue,
        workflowId,
        signal: finishSignal,
        signalArgs: ['signalled'],
      });
      expect(again.signaledRunId).toBe(first.firstExecutionRunId);
      expect(await first.result()).toBe('signalled');

      const running = await env.client.workflow.start(waitingChild, { taskQueue, workflowId });
      const replaced = await env.client.workflow.signalWithStart(waitingChild, {
        taskQueue,
        workflowId,
        signal: finishSignal,
        signalArgs: ['fresh'],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
      });
      expect(replaced.signaledRunId).not.toBe(running.firstExecutionRunId);
      expect((await env.client.workflow.getHandle(workflowId, running.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
      expect(await env.client.workflow.getHandle(workflowId, replaced.signaledRunId).result()).toBe('fresh');
    });
  });
});

describe('workflow id reuse policies (the id has closed)', () => {
  it('ALLOW_DUPLICATE_FAILED_ONLY allows a new run after a failure, not after a success', async () => {
    const taskQueue = uniqueTaskQueue('reuse-failed-only');
    const failedId = uniqueWorkflowId('failed');
    const completedId = uniqueWorkflowId('completed');
    await env.withWorker({ taskQueue }, async () => {
      await env.client.workflow.execute(failingChild, { taskQueue, workflowId: failedId, args: ['x'] }).catch(() => undefined);
      await env.client.workflow.signalWithStart(waitingChild, { taskQueue, workflowId: completedId, signal: finishSignal, signalArgs: ['ok'] });
      await env.client.workflow.getHandle(completedId).result();
      const policy = { workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY };
      const again = await env.client.workflow.start(waitingChild, { taskQueue, workflowId: failedId, ...policy });
      await again.terminate();
      await expect(env.client.workflow.start(waitingChild, { taskQueue, workflowId: completedId, ...policy })).rejects.toBeInstanceOf(
        WorkflowExecutionAlreadyStartedError,
      );
    });
  });

  it('TERMINATE_IF_RUNNING replaces a running run', async () => {
    const taskQueue = uniqueTaskQueue('reuse-terminate');
    const workflowId = uniqueWorkflowId('reuse-terminate');
    const first = await env.client.workflow.start(waitingChild, { taskQueue, workflowId });
    const second = await env.client.workflow.start(waitingChild, {
      taskQueue,
      workflowId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.TERMINATE_IF_RUNNING,
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    expect((await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
    await second.terminate();
  });
});

describe('a bug in workflow code', () => {
  it('writes the failed workflow task to history (once more on the normal queue after a sticky one), retries it off the record, and keeps the workflow healthy', async () => {
    const taskQueue = uniqueTaskQueue('buggy');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(buggyHandlerWorkflow, { taskQueue, workflowId: uniqueWorkflowId('buggy') });
      // The signal must meet a run the worker has cached (a sticky one), not ride on the first task.
      await waitFor(async () => countEvents(await handle.fetchHistory(), 'WORKFLOW_TASK_COMPLETED') === 1, {
        description: 'the first workflow task to complete',
      });
      await handle.signal(finishSignal, 'bug');
      // Attempt 1 writes WorkflowTaskFailed; retries do not (the official worker reports only the first). The failed
      // task was on the worker's sticky queue, so it is first retried at attempt 1 on the normal queue (Temporal's
      // rule) and fails there once more.
      const failedInHistory = 2;
      await waitFor(async () => countEvents(await handle.fetchHistory(), 'WORKFLOW_TASK_FAILED') === failedInHistory, {
        description: 'the failed task',
      });
      await waitFor(async () => ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 2, {
        timeoutMs: 20_000,
        description: 'a retry of the failed task',
      });
      const history = await handle.fetchHistory();
      expect(countEvents(history, 'WORKFLOW_TASK_FAILED')).toBe(failedInHistory);
      expect(countEvents(history, 'WORKFLOW_TASK_SCHEDULED')).toBe(failedInHistory + 1);
      // Still healthy: it can be terminated, and reports how it ended.
      await handle.terminate('fixed elsewhere');
      expect((await handle.describe()).status.name).toBe('TERMINATED');
    });
  });
});
