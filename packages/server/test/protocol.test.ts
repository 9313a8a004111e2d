/**
 * Protocol details the SDKs depend on, driven through the raw gRPC API so each
 * step is explicit: workflow-task retries with a rising attempt, events that
 * arrive during a workflow task, idempotency by request id, history paging and
 * long polls, workflow timeouts, and UNIMPLEMENTED for RPCs not built yet.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { EndureServer } from '../src/index.js';
import { waitFor } from './helpers/wait-for.js';

type WorkflowService = Connection['workflowService'];
type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
const { EventType, CommandType, HistoryEventFilterType, WorkflowExecutionStatus } = temporal.api.enums.v1;

let server: EndureServer;
let connection: Connection;
let service: WorkflowService;

beforeAll(async () => {
  server = await EndureServer.start({
    port: 0,
    inMemory: true,
    logLevel: 'warn',
    pollTimeoutMs: 1000,
    historyLongPollTimeoutMs: 300,
    suggestContinueAsNewEvents: 10,
  });
  connection = await Connection.connect({ address: server.address });
  service = connection.workflowService;
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

function ids() {
  return { workflowId: `wf-${randomUUID()}`, taskQueue: `tq-${randomUUID()}` };
}

async function start(workflowId: string, taskQueue: string, extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}) {
  return service.startWorkflowExecution({
    namespace: 'default',
    workflowId,
    workflowType: { name: 'rawWorkflow' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
    ...extra,
  });
}

/** Poll until a task arrives (empty answers come back after the server's poll timeout). */
async function pollTask(taskQueue: string): Promise<PollResponse> {
  return waitFor(
    async () => {
      const res = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
      return res.taskToken?.length ? res : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 1, description: `a workflow task on ${taskQueue}` },
  );
}

async function history(workflowId: string) {
  const res = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return res.history?.events ?? [];
}

async function expectGrpcError(call: Promise<unknown>, code: number, detailsContain: string): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e as { code?: number; details?: string },
  );
  expect(err?.code).toBe(code);
  expect(err?.details).toContain(detailsContain);
}

function types(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.map((e) => EventType[e.eventType!].replace('EVENT_TYPE_', ''));
}

describe('workflow tasks', () => {
  it('times out an unanswered workflow task and retries it with a rising attempt', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue, { workflowTaskTimeout: { seconds: Long.fromNumber(1) } });
    const first = await pollTask(taskQueue);
    expect(first.attempt).toBe(1);
    expect(Number(first.previousStartedEventId)).toBe(0);

    const second = await pollTask(taskQueue);
    expect(second.attempt).toBe(2);
    expect(types(second.history!.events!)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_TIMED_OUT',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
    ]);
    // The late answer to the first attempt is refused and changes nothing.
    await expect(
      service.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, commands: [] }),
    ).rejects.toMatchObject({ code: 5 });
  });

  it('drops the task of a terminated workflow instead of handing it to a poller', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    await service.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, reason: 'test' });
    const res = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
    expect(res.taskToken?.length ?? 0).toBe(0);
  });

  it('schedules the next attempt after RespondWorkflowTaskFailed', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const first = await pollTask(taskQueue);
    await service.respondWorkflowTaskFailed({
      namespace: 'default',
      taskToken: first.taskToken,
      cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
      failure: { message: 'boom' },
    });
    const second = await pollTask(taskQueue);
    expect(second.attempt).toBe(2);
    const failed = second.history!.events!.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failed?.workflowTaskFailedEventAttributes?.failure?.message).toBe('boom');
  });

  it('keeps retries of a failed workflow task out of history until one completes, spaced by a backoff', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const fail = (task: PollResponse) =>
      service.respondWorkflowTaskFailed({
        namespace: 'default',
        taskToken: task.taskToken,
        cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
        failure: { message: 'bug' },
      });
    await fail(await pollTask(taskQueue));
    const second = await pollTask(taskQueue);
    expect(second.attempt).toBe(2);
    // The worker sees the transient attempt's events, numbered where they would go.
    expect(types(second.history!.events!).slice(3)).toEqual(['WORKFLOW_TASK_FAILED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
    expect(second.history!.events!.map((e) => Number(e.eventId))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Number(second.startedEventId)).toBe(6);
    await fail(second);
    const failedAtMs = Date.now();
    // Nothing more was written: a workflow stuck on a bug does not grow its history.
    expect(types(await history(workflowId))).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_FAILED',
    ]);
    const described = await service.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
    expect(described.pendingWorkflowTask?.attempt).toBe(3);
    const dueMs = Number(described.pendingWorkflowTask!.scheduledTime!.seconds) * 1000 + described.pendingWorkflowTask!.scheduledTime!.nanos! / 1e6;
    expect(dueMs).toBeGreaterThanOrEqual(failedAtMs + 900);

    const third = await pollTask(taskQueue);
    expect(third.attempt).toBe(3);
    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: third.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    });
    const events = await history(workflowId);
    expect(types(events)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_FAILED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
    expect(events.map((e) => Number(e.eventId))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events[4]!.workflowTaskScheduledEventAttributes?.attempt).toBe(3);
    const completed = events[6]!.workflowTaskCompletedEventAttributes!;
    expect([Number(completed.scheduledEventId), Number(completed.startedEventId)]).toEqual([5, 6]);
  });

  it('suggests continue-as-new once history passes the limit', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const first = await pollTask(taskQueue);
    expect(first.history!.events!.at(-1)!.workflowTaskStartedEventAttributes!.suggestContinueAsNew).toBe(false);
    await service.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: first.taskToken, commands: [] });
    for (let i = 0; i < 8; i++) {
      await service.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: 's', requestId: randomUUID() });
    }
    const second = await pollTask(taskQueue);
    expect(Number(second.startedEventId)).toBeGreaterThan(10);
    expect(second.history!.events!.at(-1)!.workflowTaskStartedEventAttributes!.suggestContinueAsNew).toBe(true);
  });

  it('fails the task for a malformed child start with BAD_START_CHILD_EXECUTION_ATTRIBUTES; the next task succeeds', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const first = await pollTask(taskQueue);
    await expectGrpcError(
      service.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: first.taskToken,
        commands: [
          {
            commandType: CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
            startChildWorkflowExecutionCommandAttributes: { workflowType: { name: 'child' } },
          },
        ],
      }),
      3,
      'workflow_id',
    );
    const failed = (await history(workflowId)).at(-1)!.workflowTaskFailedEventAttributes!;
    expect(failed.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES);
    const second = await pollTask(taskQueue);
    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: second.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    });
    expect(types(await history(workflowId)).at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
  });

  it('fails a child start aimed at an unknown namespace with NAMESPACE_NOT_FOUND', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const first = await pollTask(taskQueue);
    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: first.taskToken,
      commands: [
        {
          commandType: CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
          startChildWorkflowExecutionCommandAttributes: { namespace: 'nowhere', workflowId: `${workflowId}-child`, workflowType: { name: 'child' } },
        },
      ],
    });
    const second = await pollTask(taskQueue);
    const failed = second.history!.events!.find((e) => e.startChildWorkflowExecutionFailedEventAttributes);
    expect(failed?.startChildWorkflowExecutionFailedEventAttributes?.cause).toBe(
      temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND,
    );
    expect(Number(failed!.startChildWorkflowExecutionFailedEventAttributes!.initiatedEventId)).toBe(5);
  });

  it('buffers a signal that arrives during a workflow task and writes it after the completion', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const task = await pollTask(taskQueue);
    await service.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: 'go', identity: 'raw' });
    expect(types(await history(workflowId))).not.toContain('WORKFLOW_EXECUTION_SIGNALED');

    await service.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [] });
    const events = await history(workflowId);
    expect(types(events)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_SIGNALED',
      'WORKFLOW_TASK_SCHEDULED',
    ]);
    expect(events.map((e) => Number(e.eventId))).toEqual([1, 2, 3, 4, 5, 6]);
    const next = await pollTask(taskQueue);
    expect(Number(next.previousStartedEventId)).toBe(3);
    expect(Number(next.startedEventId)).toBe(7);
  });

  it('refuses to close a workflow while a signal it has not seen is buffered (UnhandledCommand)', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const task = await pollTask(taskQueue);
    await service.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: 'late' });
    await expectGrpcError(
      service.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: task.taskToken,
        commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
      }),
      3,
      'UnhandledCommand',
    );
    const next = await pollTask(taskQueue);
    expect(types(next.history!.events!)).toContain('WORKFLOW_EXECUTION_SIGNALED');
    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: next.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    });
    const described = await service.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
    expect(described.workflowExecutionInfo?.status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  });
});

describe('eager activity dispatch', () => {
  it('starts a requested activity at once and returns its task with the workflow-task completion', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const task = await pollTask(taskQueue);
    const schedule = (activityId: string, requestEagerExecution: boolean) => ({
      commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
      scheduleActivityTaskCommandAttributes: {
        activityId,
        activityType: { name: 'noop' },
        taskQueue: { name: taskQueue },
        startToCloseTimeout: { seconds: Long.fromNumber(10) },
        requestEagerExecution,
      },
    });
    const completed = await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: task.taskToken,
      identity: 'raw',
      commands: [schedule('eager', true), schedule('queued', false)],
    });
    expect(completed.activityTasks?.map((t) => t.activityId)).toEqual(['eager']);
    const eager = completed.activityTasks[0]!;
    expect(eager.attempt).toBe(1);
    await service.respondActivityTaskCompleted({ namespace: 'default', taskToken: eager.taskToken, result: { payloads: [] } });
    const next = await pollTask(taskQueue);
    const events = next.history!.events!;
    const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    expect(started?.activityTaskStartedEventAttributes?.identity).toBe('raw');
    expect(types(events)).toContain('ACTIVITY_TASK_COMPLETED');
    // The other activity waits in the task queue for a poller.
    const polled = await service.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
    expect(polled.activityId).toBe('queued');
  });
});

describe('idempotency', () => {
  it('answers a repeated start with the same request id with the same run', async () => {
    const { workflowId, taskQueue } = ids();
    const requestId = randomUUID();
    const first = await start(workflowId, taskQueue, { requestId });
    const again = await start(workflowId, taskQueue, { requestId });
    expect(again.runId).toBe(first.runId);
    await expect(start(workflowId, taskQueue)).rejects.toMatchObject({ code: 6 });
  });

  it('writes a signal once when it is retried with the same request id', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const signal = { namespace: 'default', workflowExecution: { workflowId }, signalName: 's', requestId: randomUUID() };
    await service.signalWorkflowExecution(signal);
    await service.signalWorkflowExecution(signal);
    expect(types(await history(workflowId)).filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(1);
  });
});

describe('history', () => {
  it('pages through history with next_page_token', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    for (let i = 0; i < 5; i++) {
      await service.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: `s${i}` });
    }
    const all = await history(workflowId);
    const paged: number[] = [];
    let nextPageToken: Uint8Array | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await service.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId },
        maximumPageSize: 2,
        nextPageToken,
      });
      const events = res.history?.events ?? [];
      expect(events.length).toBeLessThanOrEqual(2);
      paged.push(...events.map((e) => Number(e.eventId)));
      nextPageToken = res.nextPageToken?.length ? res.nextPageToken : undefined;
      if (!nextPageToken) break;
    }
    expect(paged).toEqual(all.map((e) => Number(e.eventId)));
    expect(paged).toHaveLength(7);
  });

  it('answers a close-event long poll empty when the run stays open', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue);
    const res = await service.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
      waitNewEvent: true,
      historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    expect(res.history?.events ?? []).toHaveLength(0);
  });

  it('times out a workflow run and returns only its close event', async () => {
    const { workflowId, taskQueue } = ids();
    await start(workflowId, taskQueue, { workflowRunTimeout: { nanos: 300_000_000 } });
    const close = await waitFor(
      async () => {
        const res = await service.getWorkflowExecutionHistory({
          namespace: 'default',
          execution: { workflowId },
          waitNewEvent: true,
          historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
        });
        return res.history?.events?.length ? res.history.events : undefined;
      },
      { timeoutMs: 10_000, description: 'the close event' },
    );
    expect(types(close)).toEqual(['WORKFLOW_EXECUTION_TIMED_OUT']);
  });
});

describe('task queues', () => {
  it('lists the pollers of a task queue in DescribeTaskQueue', async () => {
    const { taskQueue } = ids();
    const poll = service.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'poller-1' });
    const described = await waitFor(
      async () => {
        const res = await service.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: taskQueue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        });
        return res.pollers?.length ? res : undefined;
      },
      { timeoutMs: 5_000, description: 'the poller to show up' },
    );
    expect(described.pollers?.map((p) => p.identity)).toEqual(['poller-1']);
    await poll;
  });
});

describe('unimplemented RPCs', () => {
  it('answers UNIMPLEMENTED naming the RPC', async () => {
    await expectGrpcError(service.listBatchOperations({ namespace: 'default' }), 12, 'ListBatchOperations');
  });
});
