/**
 * Cancellation that reaches a running activity (with cleanup that still runs)
 * and durable timers, including a timer cancelled by its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { countEvents, eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { cancelTimerWorkflow, cancellableWorkflow, sleepWorkflow } from './workflows/cancellation.js';

let env: TestEnv;
const recorder = new ActivityRecorder();
const activities = createActivities(recorder);

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('cancellation', () => {
  it('cancels a running activity and still runs the non-cancellable cleanup', async () => {
    const taskQueue = uniqueTaskQueue('cancel');
    const key = uniqueWorkflowId('cancel');
    const { error, status, history } = await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(cancellableWorkflow, {
        taskQueue,
        workflowId: key,
        args: [key],
      });
      await waitFor(() => recorder.started.has(key), { description: 'the activity to start' });
      await handle.cancel();
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      const { status } = await handle.describe();
      return { error, status: status.name, history: await handle.fetchHistory() };
    });

    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(recorder.cancellationsObserved).toContain(key);
    expect(recorder.cleanups).toEqual([key]);
    expect(status).toBe('CANCELLED');
    const types = eventTypes(history);
    expect(types).toContain('WORKFLOW_EXECUTION_CANCEL_REQUESTED');
    expect(types).toContain('ACTIVITY_TASK_CANCEL_REQUESTED');
    expect(types).toContain('ACTIVITY_TASK_CANCELED');
    expect(types.at(-1)).toBe('WORKFLOW_EXECUTION_CANCELED');
    // The cleanup activity ran after the cancellation was delivered.
    expect(types.lastIndexOf('ACTIVITY_TASK_COMPLETED')).toBeGreaterThan(types.indexOf('ACTIVITY_TASK_CANCELED'));
  });
});

describe('timers', () => {
  it('fires a durable timer after its duration', async () => {
    const taskQueue = uniqueTaskQueue('timer');
    const startedAt = Date.now();
    const { elapsedInWorkflowMs, history } = await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(sleepWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('timer'),
        args: [300],
      });
      return { elapsedInWorkflowMs: await handle.result(), history: await handle.fetchHistory() };
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
    // Workflow time comes from the server's event times.
    expect(elapsedInWorkflowMs).toBeGreaterThanOrEqual(300);
    expect(elapsedInWorkflowMs).toBeLessThan(10_000);
    expect(countEvents(history, 'TIMER_STARTED')).toBe(1);
    expect(countEvents(history, 'TIMER_FIRED')).toBe(1);
  });

  it('cancels a timer when its cancellation scope is cancelled', async () => {
    const taskQueue = uniqueTaskQueue('timer-cancel');
    const { result, history } = await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(cancelTimerWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('timer-cancel'),
      });
      return { result: await handle.result(), history: await handle.fetchHistory() };
    });
    expect(result).toBe('timer cancelled');
    expect(countEvents(history, 'TIMER_STARTED')).toBe(2);
    expect(countEvents(history, 'TIMER_FIRED')).toBe(1);
    expect(countEvents(history, 'TIMER_CANCELED')).toBe(1);
    expect(eventTypes(history).at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
  });
});
