/**
 * Local activities, with each SDK as the worker: retried in the worker, their outcome recorded as
 * one `core_local_activity` marker per schedule (no activity task on the server), a backoff
 * above the local retry threshold taken on a durable timer, a local activity that outlasts the
 * workflow task timeout kept alive by workflow task heartbeats (`force_create_new_workflow_task`),
 * replay of a marker by a worker that kept nothing cached, and cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { TimeoutType, type Duration } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import {
  cancelledLocalActivity,
  localActivitiesAroundSignal,
  localActivityWorkflow,
  proceedSignal,
  signalledDuringLocalActivity,
  type LocalActivityCall,
} from './workflows/local-activities.js';

type History = temporal.api.history.v1.IHistory;
const WorkflowTaskFailedCause = temporal.api.enums.v1.WorkflowTaskFailedCause;

let env: TestEnv;
const recorder = new ActivityRecorder();
const activities = createActivities(recorder);

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Runs `localActivityWorkflow(call)` on a fresh task queue; returns its result or error and its history. */
async function runLocalActivity(
  call: LocalActivityCall,
  options: { workflowTaskTimeout?: Duration } = {},
): Promise<{ result?: unknown; error?: unknown; history: History }> {
  const taskQueue = uniqueTaskQueue('local-activities');
  const workflowId = uniqueWorkflowId('local-activity');
  return env.withWorker({ taskQueue, activities }, async () => {
    let outcome: { result?: unknown; error?: unknown };
    try {
      outcome = { result: await env.client.workflow.execute(localActivityWorkflow, { taskQueue, workflowId, args: [call], ...options }) };
    } catch (error) {
      outcome = { error };
    }
    return { ...outcome, history: await env.client.workflow.getHandle(workflowId).fetchHistory() };
  });
}

/** Asserts the WorkflowFailedError → ActivityFailure chain and returns the activity failure. */
function activityFailureOf(error: unknown): ActivityFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ActivityFailure);
  return cause as ActivityFailure;
}

/** The marker data of each local activity marker in history, as Temporal's core writes it. */
function markers(history: History): { data: Record<string, unknown>; failure?: temporal.api.failure.v1.IFailure | null }[] {
  return (history.events ?? [])
    .map((e) => e.markerRecordedEventAttributes)
    .filter((a) => a?.markerName === 'core_local_activity')
    .map((a) => ({
      data: JSON.parse(Buffer.from(a!.details!.data!.payloads![0]!.data!).toString()) as Record<string, unknown>,
      failure: a!.failure,
    }));
}

describe('local activities', () => {
  it('retries a failed first attempt in the worker and records the result in one marker', async () => {
    const key = uniqueWorkflowId('flaky');
    const { result, error, history } = await runLocalActivity({
      name: 'flaky',
      args: [key, 1],
      options: { startToCloseTimeout: '10s', retry: { initialInterval: '50ms' } },
    });
    expect(error).toBeUndefined();
    expect(result).toBe('succeeded on attempt 2');
    expect(recorder.attemptsOf(key)).toEqual([1, 2]);
    expect(eventTypes(history)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'MARKER_RECORDED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
    const [marker] = markers(history);
    expect(marker?.data).toMatchObject({ seq: 1, attempt: 2, activity_id: '1', activity_type: 'flaky', backoff: null });
    expect(marker?.failure).toBeFalsy();
  });

  it('takes a backoff above localRetryThreshold on a durable timer, recording each schedule in a marker', async () => {
    const key = uniqueWorkflowId('flaky-timer');
    const { result, history } = await runLocalActivity({
      name: 'flaky',
      args: [key, 1],
      options: { startToCloseTimeout: '10s', retry: { initialInterval: '1s' }, localRetryThreshold: '100ms' },
    });
    expect(result).toBe('succeeded on attempt 2');
    expect(recorder.attemptsOf(key)).toEqual([1, 2]);
    expect(eventTypes(history).filter((t) => t === 'MARKER_RECORDED' || t.startsWith('TIMER_'))).toEqual([
      'MARKER_RECORDED',
      'TIMER_STARTED',
      'TIMER_FIRED',
      'MARKER_RECORDED',
    ]);
    const [first, second] = markers(history);
    expect(first?.data).toMatchObject({ seq: 1, attempt: 1, activity_type: 'flaky', backoff: { seconds: 1, nanos: 0 } });
    expect(first?.failure?.message).toBe('transient failure on attempt 1');
    expect(second?.data).toMatchObject({ seq: 2, attempt: 2, activity_type: 'flaky', backoff: null });
    expect(second?.data.original_schedule_time).toEqual(first?.data.original_schedule_time);
  });

  it('fails the workflow with the failure of a local activity that will not be retried', async () => {
    const key = uniqueWorkflowId('declined');
    const { error, history } = await runLocalActivity({ name: 'declineCard', args: [key], options: { startToCloseTimeout: '10s' } });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('CardDeclined');
    expect((cause as ApplicationFailure).details).toEqual([{ code: 51 }]);
    expect(recorder.attemptsOf(key)).toEqual([1]);
    expect(markers(history)[0]?.failure?.applicationFailureInfo?.type).toBe('CardDeclined');
  });

  it('fails the workflow task, not the workflow, when the worker has no such activity', async () => {
    const taskQueue = uniqueTaskQueue('local-activities-unregistered');
    const workflowId = uniqueWorkflowId('unregistered');
    const call: LocalActivityCall = { name: 'notRegistered', args: [], options: { startToCloseTimeout: '10s' } };
    const failed = await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(localActivityWorkflow, { taskQueue, workflowId, args: [call] });
      return waitFor(
        async () => (await handle.fetchHistory()).events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes,
        { description: 'the workflow task to fail' },
      );
    });
    expect(failed.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
    expect(failed.failure?.message).toBe("Local activity of type 'notRegistered' not registered on worker");
    const handle = env.client.workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  });

  it('times out an attempt at startToCloseTimeout, retries it, and fails with the timeout once retries stop', async () => {
    const key = uniqueWorkflowId('stalled');
    const { error } = await runLocalActivity({
      name: 'stall',
      args: [key],
      options: { startToCloseTimeout: '300ms', retry: { initialInterval: '50ms', maximumAttempts: 2 } },
    });
    const failure = activityFailureOf(error);
    expect(failure.message).toBe('Local Activity timed out');
    expect(failure.activityType).toBe('stall');
    expect(failure.cause).toBeInstanceOf(TimeoutFailure);
    expect((failure.cause as TimeoutFailure).timeoutType).toBe(TimeoutType.START_TO_CLOSE);
    expect(recorder.attemptsOf(key)).toEqual([1, 2]);
  });

  it('stops retrying at scheduleToCloseTimeout and fails with a SCHEDULE_TO_CLOSE timeout', async () => {
    const key = uniqueWorkflowId('out-of-time');
    const { error } = await runLocalActivity({ name: 'stall', args: [key], options: { scheduleToCloseTimeout: '500ms' } });
    const failure = activityFailureOf(error);
    expect(failure.cause).toBeInstanceOf(TimeoutFailure);
    expect((failure.cause as TimeoutFailure).timeoutType).toBe(TimeoutType.SCHEDULE_TO_CLOSE);
    expect(recorder.attemptsOf(key)).toEqual([1]);
  });

  it('heartbeats the workflow task while a local activity outlasts the workflow task timeout', async () => {
    const key = uniqueWorkflowId('slow');
    const { result, history } = await runLocalActivity(
      { name: 'slow', args: [key, 2_500], options: { startToCloseTimeout: '10s' } },
      { workflowTaskTimeout: '2s' },
    );
    expect(result).toBe(`${key} done on attempt 1`);
    expect(recorder.attemptsOf(key)).toEqual([1]);
    // The first task completes empty, asking for a new one; the second carries the marker.
    expect(eventTypes(history)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'MARKER_RECORDED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });

  it('delivers a signal sent while a local activity runs in the heartbeat task that follows', async () => {
    const taskQueue = uniqueTaskQueue('local-activities-signal');
    const key = uniqueWorkflowId('signalled');
    const result = await env.withWorker({ taskQueue, activities }, async () => {
      // The activity takes 3 s; the task heartbeats at 80 % of its 2 s timeout, and the next task carries the signal.
      const handle = await env.client.workflow.start(signalledDuringLocalActivity, { taskQueue, workflowId: key, args: [key, 3_000], workflowTaskTimeout: '2s' });
      await waitFor(() => recorder.attemptsOf(key).length > 0, { description: 'the local activity to start' });
      await handle.signal(proceedSignal);
      return handle.result();
    });
    expect(result).toBe(1);
    expect(recorder.attemptsOf(key)).toEqual([1]);
  });

  it('replays a recorded marker instead of running the local activity again', async () => {
    const taskQueue = uniqueTaskQueue('local-activities-replay');
    const key = uniqueWorkflowId('replayed');
    // Nothing cached: the second workflow task replays the first from history.
    const result = await env.withWorker({ taskQueue, activities, maxCachedWorkflows: 0 }, async () => {
      const handle = await env.client.workflow.start(localActivitiesAroundSignal, { taskQueue, workflowId: key, args: [key] });
      await waitForMarker(handle.workflowId);
      await handle.signal(proceedSignal);
      return handle.result();
    });
    expect(result).toEqual([`${key}-first done on attempt 1`, `${key}-second done on attempt 1`]);
    expect(recorder.attemptsOf(`${key}-first`)).toEqual([1]);
  });

  it('settles a local activity cancelled before it started at once, and never runs it', async () => {
    const { key, result, history } = await runCancelled('TRY_CANCEL', false);
    expect(result).toBe('ActivityFailure: CancelledFailure');
    expect(recorder.attemptsOf(key)).toEqual([]);
    const [marker] = markers(history);
    expect(marker?.data).toMatchObject({ seq: 1, activity_type: 'awaitCancellation', complete_time: null });
    expect(marker?.failure?.canceledFailureInfo).toBeTruthy();
  });

  it('settles a running local activity cancelled with TRY_CANCEL as cancelled, and cancels the activity', async () => {
    const { key, result } = await runCancelled('TRY_CANCEL', true);
    expect(result).toBe('ActivityFailure: CancelledFailure');
    expect(recorder.attemptsOf(key)).toEqual([1]);
    await waitFor(() => recorder.cancellationsObserved.includes(key), { description: 'the activity to see its cancellation' });
  });

  it('settles a running local activity cancelled with WAIT_CANCELLATION_COMPLETED once the activity has seen the cancellation', async () => {
    const { key, result } = await runCancelled('WAIT_CANCELLATION_COMPLETED', true);
    expect(result).toBe('ActivityFailure: CancelledFailure');
    expect(recorder.cancellationsObserved).toContain(key);
  });
});

async function runCancelled(cancellationType: 'TRY_CANCEL' | 'WAIT_CANCELLATION_COMPLETED', afterAnother: boolean) {
  const taskQueue = uniqueTaskQueue('local-activities-cancel');
  const key = uniqueWorkflowId('cancelled');
  return env.withWorker({ taskQueue, activities }, async () => {
    const result = await env.client.workflow.execute(cancelledLocalActivity, { taskQueue, workflowId: key, args: [key, cancellationType, afterAnother] });
    return { key, result, history: await env.client.workflow.getHandle(key).fetchHistory() };
  });
}

async function waitForMarker(workflowId: string): Promise<void> {
  await waitFor(async () => markers(await env.client.workflow.getHandle(workflowId).fetchHistory()).length > 0, {
    description: 'the first local activity marker',
  });
}
