/**
 * PauseActivity, UnpauseActivity, ResetActivity and UpdateActivityOptions, driven
 * through the official client's raw WorkflowService against activities running on
 * the official worker, which hears of a pause or a reset through its heartbeats.
 */
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { Context } from './helpers/activity-context.js';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { activityWorkflow } from './workflows/orders.js';

const PendingState = temporal.api.enums.v1.PendingActivityState;
const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;
const FAILED_PRECONDITION = 9;

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

interface Run {
  attempt: number;
  heartbeatDetails: unknown;
  startToCloseTimeoutMs: number;
  /** Why the run was stopped, if it was. */
  stoppedBy?: 'paused' | 'reset' | 'cancelled';
}

/** Activities whose runs a test watches and ends: each key's runs, and the keys allowed to finish. */
class Steward {
  readonly runs = new Map<string, Run[]>();
  readonly released = new Set<string>();

  runsOf(key: string): Run[] {
    return this.runs.get(key) ?? [];
  }

  activities = {
    /** Fails its first `failures` runs, then heartbeats `progress` until released (returns its attempt). */
    steward: async (key: string, failures: number): Promise<string> => {
      const ctx = Context.current();
      const run: Run = {
        attempt: ctx.info.attempt,
        heartbeatDetails: ctx.info.heartbeatDetails as unknown,
        startToCloseTimeoutMs: ctx.info.startToCloseTimeoutMs,
      };
      const runs = this.runsOf(key);
      this.runs.set(key, [...runs, run]);
      if (runs.length < failures) throw new Error(`run ${runs.length + 1} fails`);
      try {
        while (!this.released.has(key)) {
          ctx.heartbeat('progress');
          await ctx.sleep(20);
        }
      } catch (err) {
        const details = ctx.cancellationDetails;
        run.stoppedBy = details?.paused ? 'paused' : details?.reset ? 'reset' : 'cancelled';
        throw err;
      }
      return `done on attempt ${ctx.info.attempt}`;
    },
  };
}

const steward = new Steward();

/** Heartbeats reach the server every 50 ms, so a pause or reset is heard at once (the default throttle is 80 % of the heartbeat timeout). */
function stewardWorker(taskQueue: string) {
  return { taskQueue, activities: steward.activities, maxHeartbeatThrottleInterval: 50 };
}

async function startSteward(taskQueue: string, key: string, failures = 0): Promise<WorkflowHandleWithFirstExecutionRunId<typeof activityWorkflow>> {
  return env.client.workflow.start(activityWorkflow, {
    taskQueue,
    workflowId: uniqueWorkflowId(key),
    args: [
      {
        name: 'steward',
        args: [key, failures],
        options: { startToCloseTimeout: '30s', heartbeatTimeout: '10s', retry: { initialInterval: '10ms', backoffCoefficient: 1 } },
      },
    ],
  });
}

async function pendingActivity(handle: WorkflowHandle) {
  const { raw } = await handle.describe();
  return raw.pendingActivities?.[0];
}

function execution(handle: { workflowId: string; firstExecutionRunId: string }) {
  return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}

function seconds(n: number) {
  return { seconds: Long.fromNumber(n) };
}

async function grpcError(call: Promise<unknown>): Promise<{ code?: number; details?: string }> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, 'the call should have failed').toBeDefined();
  return error as { code?: number; details?: string };
}

describe('PauseActivity and UnpauseActivity', () => {
  it('stop a running activity at its next heartbeat, hold its retry, then let it run again', async () => {
    const taskQueue = uniqueTaskQueue('pause');
    const key = `pause-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      const handle = await startSteward(taskQueue, key);
      await waitFor(() => steward.runsOf(key).length === 1, { description: 'the first run' });

      await service.pauseActivity({
        namespace: 'default',
        execution: execution(handle),
        id: '1',
        identity: 'operator',
        reason: 'maintenance',
        requestId: 'pause-1',
      });
      const paused = await waitFor(
        async () => {
          const pending = await pendingActivity(handle);
          return pending?.state === PendingState.PENDING_ACTIVITY_STATE_PAUSED && pending;
        },
        { description: 'the activity paused, its attempt ended' },
      );
      expect(steward.runsOf(key).map((r) => r.stoppedBy)).toEqual(['paused']);
      expect(paused.paused).toBe(true);
      expect(paused.pauseInfo?.manual).toMatchObject({ identity: 'operator', reason: 'maintenance' });
      // The failed attempt counts; the next one waits for an unpause.
      expect(paused.attempt).toBe(2);
      expect(paused.lastFailure?.applicationFailureInfo?.type).toBe('ActivityPause');

      // The same request again is fine; another pause of a paused activity is not.
      await service.pauseActivity({ namespace: 'default', execution: execution(handle), id: '1', requestId: 'pause-1' });
      const again = await grpcError(
        service.pauseActivity({ namespace: 'default', execution: execution(handle), id: '1', requestId: 'pause-2' }),
      );
      expect(again.code).toBe(FAILED_PRECONDITION);
      expect(steward.runsOf(key)).toHaveLength(1);

      steward.released.add(key);
      await service.unpauseActivity({ namespace: 'default', execution: execution(handle), id: '1' });
      expect(await handle.result()).toBe('done on attempt 2');
      expect(steward.runsOf(key).map((r) => r.attempt)).toEqual([1, 2]);
    });
  });

  it('unpause with reset_attempts starts again from attempt 1', async () => {
    const taskQueue = uniqueTaskQueue('pause');
    const key = `unpause-reset-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      const handle = await startSteward(taskQueue, key);
      await waitFor(() => steward.runsOf(key).length === 1, { description: 'the first run' });
      await service.pauseActivity({ namespace: 'default', execution: execution(handle), type: 'steward' });
      await waitFor(async () => (await pendingActivity(handle))?.state === PendingState.PENDING_ACTIVITY_STATE_PAUSED, {
        description: 'the activity paused',
      });
      steward.released.add(key);
      await service.unpauseActivity({ namespace: 'default', execution: execution(handle), unpauseAll: true, resetAttempts: true });
      expect(await handle.result()).toBe('done on attempt 1');
    });
  });

  it('answer NOT_FOUND for an activity the workflow does not have, INVALID_ARGUMENT when none is named', async () => {
    const taskQueue = uniqueTaskQueue('pause');
    const key = `pause-errors-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      const handle = await startSteward(taskQueue, key);
      await waitFor(() => steward.runsOf(key).length === 1, { description: 'the first run' });
      const missing = await grpcError(service.pauseActivity({ namespace: 'default', execution: execution(handle), id: 'nope' }));
      expect(missing.code).toBe(NOT_FOUND);
      const unnamed = await grpcError(service.pauseActivity({ namespace: 'default', execution: execution(handle) }));
      expect(unnamed.code).toBe(INVALID_ARGUMENT);
      expect(unnamed.details).toMatch(/activity/);
      steward.released.add(key);
      await handle.result();
    });
  });
});

describe('ResetActivity', () => {
  it('tells a running attempt by heartbeat and starts again from attempt 1 without heartbeat details', async () => {
    const taskQueue = uniqueTaskQueue('reset');
    const key = `reset-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      // Two failed runs, so the third runs as attempt 3 and heartbeats.
      const handle = await startSteward(taskQueue, key, 2);
      await waitFor(() => steward.runsOf(key).length === 3, { description: 'the third run' });
      await waitFor(async () => (await pendingActivity(handle))?.heartbeatDetails, { description: 'a heartbeat' });

      await service.resetActivity({ namespace: 'default', execution: execution(handle), id: '1', resetHeartbeat: true });
      await waitFor(() => steward.runsOf(key).length === 4, { description: 'the run after the reset' });
      steward.released.add(key);
      expect(await handle.result()).toBe('done on attempt 1');
      const runs = steward.runsOf(key);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3, 1]);
      expect(runs[2]?.stoppedBy).toBe('reset');
      expect(runs[3]?.heartbeatDetails).toBeUndefined();
    });
  });
});

describe('UpdateActivityOptions', () => {
  it('applies the fields the mask names, returns the new options, and the next attempt runs with them', async () => {
    const taskQueue = uniqueTaskQueue('options');
    const key = `options-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      const handle = await startSteward(taskQueue, key);
      await waitFor(() => steward.runsOf(key).length === 1, { description: 'the first run' });

      const { activityOptions } = await service.updateActivityOptions({
        namespace: 'default',
        execution: execution(handle),
        id: '1',
        activityOptions: { startToCloseTimeout: seconds(20), retryPolicy: { maximumAttempts: 7 } },
        updateMask: { paths: ['start_to_close_timeout', 'retry_policy.maximum_attempts'] },
      });
      expect(Number(activityOptions?.startToCloseTimeout?.seconds)).toBe(20);
      expect(activityOptions?.retryPolicy?.maximumAttempts).toBe(7);
      // Fields the mask leaves out keep their values.
      expect(Number(activityOptions?.heartbeatTimeout?.seconds)).toBe(10);
      expect(activityOptions?.taskQueue?.name).toBe(taskQueue);
      const described = await pendingActivity(handle);
      expect(Number(described?.activityOptions?.startToCloseTimeout?.seconds)).toBe(20);
      expect(described?.maximumAttempts).toBe(7);

      // The next attempt (after a pause ends this one) runs with the new timeout.
      await service.pauseActivity({ namespace: 'default', execution: execution(handle), id: '1' });
      await waitFor(async () => (await pendingActivity(handle))?.state === PendingState.PENDING_ACTIVITY_STATE_PAUSED, {
        description: 'the activity paused',
      });
      steward.released.add(key);
      await service.unpauseActivity({ namespace: 'default', execution: execution(handle), id: '1' });
      await handle.result();
      expect(steward.runsOf(key).map((r) => r.startToCloseTimeoutMs)).toEqual([30_000, 20_000]);
    });
  });

  it('holds a running attempt to a shortened start-to-close timeout', async () => {
    const taskQueue = uniqueTaskQueue('options');
    const key = `options-timeout-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      const handle = await startSteward(taskQueue, key);
      await waitFor(() => steward.runsOf(key).length === 1, { description: 'the first run' });
      const request = { namespace: 'default', execution: execution(handle), id: '1' };
      await service.updateActivityOptions({
        ...request,
        activityOptions: { startToCloseTimeout: seconds(1) },
        updateMask: { paths: ['startToCloseTimeout'] },
      });
      await waitFor(() => steward.runsOf(key).length === 2, { description: 'the attempt after the timeout', timeoutMs: 15_000 });
      const pending = await pendingActivity(handle);
      expect(pending?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
      expect(steward.runsOf(key)[1]?.startToCloseTimeoutMs).toBe(1000);

      await service.updateActivityOptions({
        ...request,
        activityOptions: { startToCloseTimeout: seconds(30) },
        updateMask: { paths: ['startToCloseTimeout'] },
      });
      steward.released.add(key);
      expect(await handle.result()).toBe('done on attempt 2');
    });
  });

  it('restores the options the workflow scheduled, and refuses a mask it cannot apply', async () => {
    const taskQueue = uniqueTaskQueue('options');
    const key = `options-restore-${taskQueue}`;
    const service = env.connection.workflowService;
    await env.withWorker(stewardWorker(taskQueue), async () => {
      const handle = await startSteward(taskQueue, key);
      await waitFor(() => steward.runsOf(key).length === 1, { description: 'the first run' });
      const request = { namespace: 'default', execution: execution(handle), id: '1' };
      await service.updateActivityOptions({
        ...request,
        activityOptions: { heartbeatTimeout: seconds(3) },
        updateMask: { paths: ['heartbeatTimeout'] },
      });
      const { activityOptions } = await service.updateActivityOptions({ ...request, restoreOriginal: true });
      expect(Number(activityOptions?.heartbeatTimeout?.seconds)).toBe(10);

      const unknownPath = await grpcError(
        service.updateActivityOptions({ ...request, activityOptions: {}, updateMask: { paths: ['input'] } }),
      );
      expect(unknownPath.code).toBe(INVALID_ARGUMENT);
      expect(unknownPath.details).toMatch(/update_mask/);
      const both = await grpcError(
        service.updateActivityOptions({ ...request, restoreOriginal: true, updateMask: { paths: ['heartbeat_timeout'] } }),
      );
      expect(both.code).toBe(INVALID_ARGUMENT);
      steward.released.add(key);
      await handle.result();
    });
  });
});
