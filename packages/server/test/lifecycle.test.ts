/**
 * The life of an execution as a client sees it: describe, fetched history,
 * terminate, and what happens when a workflow id is started twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TerminatedFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventIds, eventTypes } from './helpers/history.js';
import { approvalWorkflow, approveSignal } from './workflows/approval.js';
import { activityWorkflow, type ActivityCall } from './workflows/orders.js';
import { upsertingWorkflow } from './workflows/properties.js';

let env: TestEnv;
const activities = createActivities(new ActivityRecorder());

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('workflow lifecycle', () => {
  it('describes a running and then a completed workflow', async () => {
    const taskQueue = uniqueTaskQueue('describe');
    const workflowId = uniqueWorkflowId('describe');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
      const running = await handle.describe();
      expect(running.workflowId).toBe(workflowId);
      expect(running.runId).toBe(handle.firstExecutionRunId);
      expect(running.type).toBe('approvalWorkflow');
      expect(running.taskQueue).toBe(taskQueue);
      expect(running.status.name).toBe('RUNNING');
      expect(running.closeTime).toBeUndefined();
      expect(Math.abs(running.startTime.getTime() - Date.now())).toBeLessThan(60_000);

      await handle.signal(approveSignal, 'carol');
      await handle.result();
      const completed = await handle.describe();
      expect(completed.status.name).toBe('COMPLETED');
      expect(completed.closeTime).toBeInstanceOf(Date);
      expect(completed.closeTime!.getTime()).toBeGreaterThanOrEqual(completed.startTime.getTime());
      expect(completed.historyLength).toBeGreaterThanOrEqual(5);
    });
  });

  it('describes the memo and search attributes given at start', async () => {
    const taskQueue = uniqueTaskQueue('memo');
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('memo'),
      args: [60_000],
      memo: { customer: 'ada', priority: 2 },
      searchAttributes: { CustomKeywordField: ['gold'] },
    });
    const described = await handle.describe();
    expect(described.memo).toEqual({ customer: 'ada', priority: 2 });
    expect(described.searchAttributes).toEqual({ CustomKeywordField: ['gold'] });
    await handle.terminate();
  });

  it('shows the search attributes and memo a workflow upserted, in workflowInfo, describe and history', async () => {
    const taskQueue = uniqueTaskQueue('upsert');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(upsertingWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('upsert'),
        memo: { customer: 'ada' },
        searchAttributes: { CustomBoolField: [true] },
      });
      const seen = await handle.result();
      expect(seen.searchAttributes).toEqual({ CustomBoolField: [true], CustomKeywordField: ['shipped'] });
      expect(seen.memo).toEqual({ customer: 'ada', note: 'shipped' });
      const described = await handle.describe();
      expect(described.searchAttributes).toEqual({ CustomBoolField: [true], CustomKeywordField: ['shipped'] });
      expect(described.memo).toEqual({ customer: 'ada', note: 'shipped' });
      const types = eventTypes(await handle.fetchHistory());
      expect(types.filter((t) => t === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')).toHaveLength(2);
      expect(types.filter((t) => t === 'WORKFLOW_PROPERTIES_MODIFIED')).toHaveLength(2);
    });
  });

  it('deletes a closed and a running workflow: describe and history answer not found afterwards', async () => {
    const taskQueue = uniqueTaskQueue('delete');
    await env.withWorker({ taskQueue, activities }, async () => {
      const closed = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId('delete-closed'), args: [60_000] });
      await closed.signal(approveSignal, 'zoe');
      await closed.result();
      const running = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId('delete-running'), args: [60_000] });
      for (const handle of [closed, running]) {
        await env.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: handle.workflowId } });
        await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
        // The official client passes the raw NOT_FOUND through here; Endure's maps it as describe does.
        const err = await handle.fetchHistory().then(() => undefined, (e: unknown) => e as { code?: number });
        expect(err instanceof WorkflowNotFoundError || err?.code === 5).toBe(true);
        await expect(
          env.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: handle.workflowId } }),
        ).rejects.toMatchObject({ code: 5 });
      }
      // The id is free again.
      const again = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: running.workflowId, args: [60_000] });
      await again.terminate();
    });
  });

  it('returns WorkflowNotFoundError for an unknown workflow id', async () => {
    await expect(env.client.workflow.getHandle(uniqueWorkflowId('missing')).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });

  it('records the history of a one-activity workflow event by event', async () => {
    const taskQueue = uniqueTaskQueue('history');
    const call: ActivityCall = { name: 'echo', args: ['hello'], options: { startToCloseTimeout: '10s' } };
    const history = await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(activityWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('history'),
        args: [call],
      });
      expect(await handle.result()).toBe('hello');
      return handle.fetchHistory();
    });

    expect(eventTypes(history)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'ACTIVITY_TASK_SCHEDULED',
      'ACTIVITY_TASK_STARTED',
      'ACTIVITY_TASK_COMPLETED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
    expect(eventIds(history)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    const events = history.events!;
    const times = events.map((e) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6);
    expect(times.every((t) => t > 0)).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const started = events[0]!.workflowExecutionStartedEventAttributes!;
    expect(started.workflowType?.name).toBe('activityWorkflow');
    expect(started.taskQueue?.name).toBe(taskQueue);
    expect(defaultPayloadConverter.fromPayload(started.input!.payloads![0]!)).toEqual(call);

    expect(Number(events[2]!.workflowTaskStartedEventAttributes!.scheduledEventId)).toBe(2);
    const firstTaskCompleted = events[3]!.workflowTaskCompletedEventAttributes!;
    expect(Number(firstTaskCompleted.scheduledEventId)).toBe(2);
    expect(Number(firstTaskCompleted.startedEventId)).toBe(3);

    const scheduled = events[4]!.activityTaskScheduledEventAttributes!;
    expect(scheduled.activityType?.name).toBe('echo');
    expect(Number(scheduled.workflowTaskCompletedEventId)).toBe(4);
    const activityStarted = events[5]!.activityTaskStartedEventAttributes!;
    expect(Number(activityStarted.scheduledEventId)).toBe(5);
    expect(activityStarted.attempt).toBe(1);
    const activityCompleted = events[6]!.activityTaskCompletedEventAttributes!;
    expect(Number(activityCompleted.scheduledEventId)).toBe(5);
    expect(Number(activityCompleted.startedEventId)).toBe(6);
    expect(defaultPayloadConverter.fromPayload(activityCompleted.result!.payloads![0]!)).toBe('hello');

    const completed = events[10]!.workflowExecutionCompletedEventAttributes!;
    expect(Number(completed.workflowTaskCompletedEventId)).toBe(10);
    expect(defaultPayloadConverter.fromPayload(completed.result!.payloads![0]!)).toBe('hello');
  });

  it('terminates a running workflow', async () => {
    const taskQueue = uniqueTaskQueue('terminate');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('terminate'),
        args: [60_000],
      });
      await handle.terminate('operator gave up');
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(TerminatedFailure);
      expect(cause!.message).toBe('operator gave up');
      expect((await handle.describe()).status.name).toBe('TERMINATED');
      expect(eventTypes(await handle.fetchHistory()).at(-1)).toBe('WORKFLOW_EXECUTION_TERMINATED');
    });
  });

  it('rejects a second start of a running workflow id', async () => {
    const taskQueue = uniqueTaskQueue('conflict');
    const workflowId = uniqueWorkflowId('conflict');
    await env.withWorker({ taskQueue, activities }, async () => {
      const first = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
      const error = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      expect((error as WorkflowExecutionAlreadyStartedError).workflowId).toBe(workflowId);

      // USE_EXISTING hands back the running execution instead of failing.
      const existing = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId,
        args: [60_000],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      expect(existing.firstExecutionRunId).toBe(first.firstExecutionRunId);

      await first.signal(approveSignal, 'dave');
      await first.result();

      // Once closed, the id may be reused by default, but not with REJECT_DUPLICATE.
      await expect(
        env.client.workflow.start(approvalWorkflow, {
          taskQueue,
          workflowId,
          args: [60_000],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      const second = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
      expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
      await second.signal(approveSignal, 'erin');
      expect(await second.result()).toEqual({ outcome: 'approved by erin', items: [] });
    });
  });
});
