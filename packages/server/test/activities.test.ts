/**
 * Activities through the official SDK: results, retries with backoff,
 * non-retryable failures and the four kinds of timeout, as a workflow sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { RetryState, TimeoutType } from '@temporalio/common';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { activityWorkflow, orderWorkflow, type ActivityCall } from './workflows/orders.js';

let env: TestEnv;
const recorder = new ActivityRecorder();
const activities = createActivities(recorder);

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Runs `activityWorkflow(call)` on a fresh task queue; returns its result or its error. */
async function runActivity(call: ActivityCall): Promise<{ result?: unknown; error?: unknown }> {
  const taskQueue = uniqueTaskQueue('activities');
  return env.withWorker({ taskQueue, activities }, async () => {
    try {
      const result = await env.client.workflow.execute(activityWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('activity'),
        args: [call],
      });
      return { result };
    } catch (error) {
      return { error };
    }
  });
}

/** Asserts the WorkflowFailedError → ActivityFailure chain and returns the activity failure. */
function activityFailureOf(error: unknown): ActivityFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ActivityFailure);
  return cause as ActivityFailure;
}

describe('activities', () => {
  it('runs a workflow whose activities build its result', async () => {
    const taskQueue = uniqueTaskQueue('orders');
    const orderId = uniqueWorkflowId('order');
    const result = await env.withWorker({ taskQueue, activities }, () =>
      env.client.workflow.execute(orderWorkflow, {
        taskQueue,
        workflowId: orderId,
        args: [{ id: orderId, items: ['book', 'pen'], amountCents: 1250 }],
      }),
    );
    expect(result).toBe(`R-${orderId}-2|C-${orderId}-1250|S-R-${orderId}-2`);
    expect(recorder.attemptsOf(`reserve:${orderId}`)).toEqual([1]);
    expect(recorder.attemptsOf(`charge:${orderId}`)).toEqual([1]);
    expect(recorder.attemptsOf(`ship:${orderId}`)).toEqual([1]);
  });

  it('retries a failing activity with exponential backoff until it succeeds', async () => {
    const key = uniqueWorkflowId('flaky');
    const { result, error } = await runActivity({
      name: 'flaky',
      args: [key, 2],
      options: {
        startToCloseTimeout: '10s',
        retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s', maximumAttempts: 5 },
      },
    });
    expect(error).toBeUndefined();
    expect(result).toBe('succeeded on attempt 3');
    const runs = recorder.runsOf(key);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    // The retry waits initialInterval, then initialInterval * backoffCoefficient.
    expect(second.startedAtMs - first.startedAtMs).toBeGreaterThanOrEqual(95);
    expect(third.startedAtMs - second.startedAtMs).toBeGreaterThanOrEqual(195);
  });

  it('stops retrying at maximumAttempts and reports the last failure', async () => {
    const key = uniqueWorkflowId('exhausted');
    const { error } = await runActivity({
      name: 'flaky',
      args: [key, 100],
      options: { startToCloseTimeout: '10s', retry: { initialInterval: '50ms', maximumAttempts: 3 } },
    });
    const failure = activityFailureOf(error);
    expect(failure.retryState).toBe(RetryState.MAXIMUM_ATTEMPTS_REACHED);
    expect(failure.activityType).toBe('flaky');
    expect(failure.cause).toBeInstanceOf(ApplicationFailure);
    expect((failure.cause as ApplicationFailure).message).toBe('transient failure on attempt 3');
    expect(recorder.attemptsOf(key)).toEqual([1, 2, 3]);
  });

  it('does not retry a non-retryable failure and keeps its cause chain', async () => {
    const key = uniqueWorkflowId('declined');
    const { error } = await runActivity({
      name: 'declineCard',
      args: [key],
      options: { startToCloseTimeout: '10s', retry: { initialInterval: '50ms', maximumAttempts: 5 } },
    });
    const failure = activityFailureOf(error);
    expect(failure.activityType).toBe('declineCard');
    expect(failure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    const cause = failure.cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    const appFailure = cause as ApplicationFailure;
    expect(appFailure.type).toBe('CardDeclined');
    expect(appFailure.message).toBe('card declined: insufficient funds');
    expect(appFailure.nonRetryable).toBe(true);
    expect(appFailure.details).toEqual([{ code: 51 }]);
    expect(recorder.attemptsOf(key)).toEqual([1]);
  });

  it('does not retry an error type listed in nonRetryableErrorTypes', async () => {
    const key = uniqueWorkflowId('address');
    const { error } = await runActivity({
      name: 'validateAddress',
      args: [key],
      options: {
        startToCloseTimeout: '10s',
        retry: { initialInterval: '50ms', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidAddress'] },
      },
    });
    const failure = activityFailureOf(error);
    expect(failure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect(failure.cause).toBeInstanceOf(ApplicationFailure);
    expect((failure.cause as ApplicationFailure).type).toBe('InvalidAddress');
    expect(recorder.attemptsOf(key)).toEqual([1]);
  });

  it('fails an activity that stops heartbeating with a HEARTBEAT timeout', async () => {
    const key = uniqueWorkflowId('heartbeat-timeout');
    const startedAt = Date.now();
    const { error } = await runActivity({
      name: 'heartbeatOnceThenStall',
      args: [key],
      options: { startToCloseTimeout: '30s', heartbeatTimeout: '500ms', retry: { maximumAttempts: 1 } },
    });
    const failure = activityFailureOf(error);
    expect(failure.cause).toBeInstanceOf(TimeoutFailure);
    const timeout = failure.cause as TimeoutFailure;
    expect(timeout.timeoutType).toBe(TimeoutType.HEARTBEAT);
    expect(timeout.lastHeartbeatDetails).toBe('alive');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(recorder.attemptsOf(key)).toEqual([1]);
  });

  it('fails an activity that runs too long with a START_TO_CLOSE timeout', async () => {
    const key = uniqueWorkflowId('start-to-close');
    const { error } = await runActivity({
      name: 'stall',
      args: [key],
      options: { startToCloseTimeout: '300ms', retry: { maximumAttempts: 1 } },
    });
    const failure = activityFailureOf(error);
    expect(failure.cause).toBeInstanceOf(TimeoutFailure);
    expect((failure.cause as TimeoutFailure).timeoutType).toBe(TimeoutType.START_TO_CLOSE);
    expect(failure.retryState).toBe(RetryState.MAXIMUM_ATTEMPTS_REACHED);
    expect(recorder.attemptsOf(key)).toEqual([1]);
  });

  it('retries an attempt that hit its START_TO_CLOSE timeout', async () => {
    // Attempt 1 hangs until its start-to-close timeout; attempt 2 returns at once.
    const key = uniqueWorkflowId('timeout-then-ok');
    const { result, error } = await runActivity({
      name: 'stallOnFirstAttempt',
      args: [key],
      options: { startToCloseTimeout: '300ms', retry: { initialInterval: '50ms', maximumAttempts: 2 } },
    });
    expect(error).toBeUndefined();
    expect(result).toBe('succeeded on attempt 2');
    expect(recorder.attemptsOf(key)).toEqual([1, 2]);
  });

  it('fails an activity with a SCHEDULE_TO_CLOSE timeout when its total time runs out', async () => {
    const key = uniqueWorkflowId('schedule-to-close');
    const startedAt = Date.now();
    const { error } = await runActivity({
      name: 'stall',
      args: [key],
      options: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '800ms', retry: { initialInterval: '50ms' } },
    });
    const failure = activityFailureOf(error);
    expect(failure.cause).toBeInstanceOf(TimeoutFailure);
    expect((failure.cause as TimeoutFailure).timeoutType).toBe(TimeoutType.SCHEDULE_TO_CLOSE);
    const elapsedMs = Date.now() - startedAt;
    expect(elapsedMs).toBeGreaterThanOrEqual(800);
    expect(elapsedMs).toBeLessThan(10_000);
  });
});
