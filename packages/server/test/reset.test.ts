/**
 * Reset: a new run from a point in a workflow's history, the old run
 * terminated, signals after the point re-applied, idempotent by request id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { temporal } from '@temporalio/proto';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventIds, eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { addItemSignal, approvalWorkflow, approveSignal, statusQuery } from './workflows/approval.js';
import { activityWorkflow, type ActivityCall } from './workflows/orders.js';

const { ResetReapplyType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
let env: TestEnv;
const recorder = new ActivityRecorder();
const activities = createActivities(recorder);

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

async function reset(
  workflowId: string,
  runId: string | undefined,
  eventId: number,
  extra: Partial<temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest> = {},
): Promise<{ runId: string }> {
  const response: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse = await env.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId, runId },
    reason: 'test reset',
    workflowTaskFinishEventId: Long.fromNumber(eventId),
    requestId: randomUUID(),
    ...extra,
  });
  return { runId: response.runId ?? '' };
}

/** The id of the first WorkflowTaskCompleted event (where it lands depends on when signals arrived). */
async function firstTaskCompletedId(workflowId: string, runId?: string): Promise<number | undefined> {
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return eventTypes(history).indexOf('WORKFLOW_TASK_COMPLETED') + 1 || undefined;
}

describe('reset', () => {
  it('runs a completed workflow again from its first workflow task', async () => {
    const taskQueue = uniqueTaskQueue('reset-completed');
    const workflowId = uniqueWorkflowId('reset-completed');
    const call: ActivityCall = { name: 'echo', args: ['again'], options: { startToCloseTimeout: '10s' } };
    await env.withWorker({ taskQueue, activities }, async () => {
      const first = await env.client.workflow.start(activityWorkflow, { taskQueue, workflowId, args: [call] });
      expect(await first.result()).toBe('again');
      const { runId } = await reset(workflowId, first.firstExecutionRunId, 4);
      expect(runId).not.toBe(first.firstExecutionRunId);
      const second = env.client.workflow.getHandle(workflowId, runId);
      expect(await second.result()).toBe('again');
      const history = await second.fetchHistory();
      expect(eventTypes(history).slice(0, 6)).toEqual([
        'WORKFLOW_EXECUTION_STARTED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
        'WORKFLOW_TASK_FAILED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
      ]);
      expect(eventTypes(history)).toContain('ACTIVITY_TASK_COMPLETED');
      expect(eventIds(history)).toEqual(Array.from({ length: history.events!.length }, (_, i) => i + 1));
      const failed = history.events![3]!.workflowTaskFailedEventAttributes!;
      expect(failed.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
      expect([failed.baseRunId, failed.newRunId]).toEqual([first.firstExecutionRunId, runId]);
      expect(history.events![0]!.workflowExecutionStartedEventAttributes!.originalExecutionRunId).toBe(first.firstExecutionRunId);
      expect((await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name).toBe('COMPLETED');
      expect((await env.client.workflow.getHandle(workflowId).describe()).runId).toBe(runId);
    });
  });

  it('terminates the running run and re-applies the signals after the point (none with NONE)', async () => {
    for (const [reapply, expectedItems] of [
      [ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL, ['apple']],
      [ResetReapplyType.RESET_REAPPLY_TYPE_NONE, []],
    ] as const) {
      const taskQueue = uniqueTaskQueue('reset-running');
      const workflowId = uniqueWorkflowId('reset-running');
      await env.withWorker({ taskQueue, activities }, async () => {
        const first = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
        // The signal must come after the reset point: wait for the first task to complete.
        const point = await waitFor(() => firstTaskCompletedId(workflowId), { description: 'the first workflow task' });
        await first.signal(addItemSignal, 'apple');
        await waitFor(async () => (await first.query(statusQuery)).items.length === 1, { description: 'the signal handled' });
        const { runId } = await reset(workflowId, undefined, point, { resetReapplyType: reapply });
        expect((await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
        const second = env.client.workflow.getHandle(workflowId);
        await second.signal(approveSignal, 'ivy');
        expect(await env.client.workflow.getHandle(workflowId, runId).result()).toEqual({ outcome: 'approved by ivy', items: expectedItems });
      });
    }
  });

  it('returns the same run for a repeated request id', async () => {
    const taskQueue = uniqueTaskQueue('reset-idem');
    const workflowId = uniqueWorkflowId('reset-idem');
    await env.withWorker({ taskQueue, activities }, async () => {
      const first = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
      const requestId = randomUUID();
      const point = await waitFor(() => firstTaskCompletedId(workflowId), { description: 'the first workflow task' });
      const a = await reset(workflowId, first.firstExecutionRunId, point, { requestId });
      const b = await reset(workflowId, first.firstExecutionRunId, point, { requestId });
      expect(b.runId).toBe(a.runId);
      await env.client.workflow.getHandle(workflowId).terminate();
    });
  });

  it('refuses an event id that does not end a workflow task, naming the field', async () => {
    const taskQueue = uniqueTaskQueue('reset-bad');
    const workflowId = uniqueWorkflowId('reset-bad');
    await env.withWorker({ taskQueue, activities }, async () => {
      const first = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
      await waitFor(() => firstTaskCompletedId(workflowId), { description: 'the first workflow task' });
      for (const eventId of [0, 1, 3, 999]) {
        const err = await reset(workflowId, undefined, eventId).then(
          () => undefined,
          (e: unknown) => e as { code?: number; details?: string },
        );
        expect(err?.code).toBe(3);
        expect(err?.details).toContain('workflow_task_finish_event_id');
      }
      expect((await first.describe()).status.name).toBe('RUNNING');
      await first.terminate();
    });
  });
});
