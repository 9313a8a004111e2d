/**
 * The next workflow task in an activity's answer (Endure's extension for its own SDK): an
 * activity completion or failure that names the run's sticky queue gets the run's next
 * workflow task with its answer, recorded in the same commit, and history is what a sticky
 * poll would have produced. Anything else (another queue, a run that is not sticky, an answer
 * that schedules no task) takes the normal path, and a caller without the header (every
 * client but ours) sees nothing new.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import Long from 'long';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { temporal } from '@temporalio/proto';
import { EndureServer } from '../src/index.js';
import { waitFor } from './helpers/wait-for.js';

type WorkflowService = Connection['workflowService'];
type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType, TaskQueueKind, CommandType } = temporal.api.enums.v1;

const POLL_TIMEOUT_MS = 300;

let server: EndureServer;
let connection: Connection;
let service: WorkflowService;

beforeAll(async () => {
  server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'error', pollTimeoutMs: POLL_TIMEOUT_MS });
  connection = await Connection.connect({ address: server.address });
  service = connection.workflowService;
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

interface Names {
  workflowId: string;
  taskQueue: string;
  stickyQueue: string;
}

function names(): Names {
  const taskQueue = `tq-${randomUUID()}`;
  return { workflowId: `wf-${randomUUID()}`, taskQueue, stickyQueue: `${taskQueue}-sticky` };
}

async function pollWorkflowTask(n: Names, sticky: boolean): Promise<PollResponse> {
  const kind = sticky ? TaskQueueKind.TASK_QUEUE_KIND_STICKY : TaskQueueKind.TASK_QUEUE_KIND_NORMAL;
  const name = sticky ? n.stickyQueue : n.taskQueue;
  return waitFor(
    async () => {
      const res = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name, kind }, identity: 'raw' });
      return res.taskToken?.length ? res : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 1, description: `a workflow task on ${name}` },
  );
}

async function pollActivityTask(n: Names) {
  return waitFor(
    async () => {
      const res = await service.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: n.taskQueue }, identity: 'raw' });
      return res.taskToken?.length ? res : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 1, description: `an activity task on ${n.taskQueue}` },
  );
}

/** One sticky poll: empty after the poll timeout when no task waits. */
function pollOnce(stickyQueue: string): Promise<PollResponse> {
  const taskQueue = { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY };
  return service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue, identity: 'raw' });
}

function stickyAttributes(n: Names) {
  return {
    workerTaskQueue: { name: n.stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: n.taskQueue },
    scheduleToStartTimeout: { seconds: Long.fromNumber(10) },
  };
}

/** Start a run, complete its first task (sticky unless told) scheduling one activity, and take that activity's task. */
async function runUntilActivityStarted(n: Names, sticky = true) {
  await service.startWorkflowExecution({
    namespace: 'default',
    workflowId: n.workflowId,
    workflowType: { name: 'rawWorkflow' },
    taskQueue: { name: n.taskQueue },
    requestId: randomUUID(),
  });
  const first = await pollWorkflowTask(n, false);
  await service.respondWorkflowTaskCompleted({
    namespace: 'default',
    taskToken: first.taskToken,
    identity: 'raw',
    commands: [
      {
        commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
        scheduleActivityTaskCommandAttributes: {
          activityId: '1',
          activityType: { name: 'step' },
          taskQueue: { name: n.taskQueue },
          startToCloseTimeout: { seconds: Long.fromNumber(10) },
          retryPolicy: { maximumAttempts: 1 },
        },
      },
    ],
    stickyAttributes: sticky ? stickyAttributes(n) : null,
  });
  return pollActivityTask(n);
}

async function completeRun(n: Names, task: PollResponse): Promise<void> {
  await service.respondWorkflowTaskCompleted({
    namespace: 'default',
    taskToken: task.taskToken,
    identity: 'raw',
    commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    stickyAttributes: stickyAttributes(n),
  });
}

async function historyOf(workflowId: string): Promise<HistoryEvent[]> {
  const res = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return res.history?.events ?? [];
}

/** An event with what differs between two runs of the same steps (times, ids, request ids, sizes) left out. */
function shape(event: HistoryEvent): unknown {
  const json = temporal.api.history.v1.HistoryEvent.toObject(temporal.api.history.v1.HistoryEvent.fromObject(event), {
    longs: Number,
    defaults: false,
  }) as Record<string, unknown>;
  delete json.eventTime;
  if (json.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) return { eventType: json.eventType };
  return JSON.parse(JSON.stringify(json, (key, value: unknown) => (['requestId', 'historySizeBytes'].includes(key) ? undefined : value)));
}

const types = (events: HistoryEvent[]) => events.map((e) => EventType[e.eventType ?? 0]);

describe('the next workflow task in an activity answer', () => {
  it('comes with the completion, with the events a sticky poll would carry, and history is the normal path’s', async () => {
    const eager = names();
    const activity = await runUntilActivityStarted(eager);
    const task = await connection.respondActivityTaskWithNextWorkflowTask(
      { completed: { namespace: 'default', taskToken: activity.taskToken, identity: 'raw', result: null } },
      eager.stickyQueue,
    );
    expect(task?.taskToken?.length).toBeGreaterThan(0);
    expect(types(task!.history?.events ?? [])).toEqual([
      'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
      'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      'EVENT_TYPE_ACTIVITY_TASK_STARTED',
      'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
      'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      'EVENT_TYPE_WORKFLOW_TASK_STARTED',
    ]);
    expect(Number(task!.previousStartedEventId)).toBe(3);
    expect(Number(task!.startedEventId)).toBe(9);
    // The task went to no queue: nothing waits on the sticky one.
    expect((await pollOnce(eager.stickyQueue)).taskToken?.length ?? 0).toBe(0);
    await completeRun(eager, task!);

    // The same steps the normal way: completion, then the sticky poll.
    const normal = { ...names(), taskQueue: eager.taskQueue, stickyQueue: eager.stickyQueue };
    const normalActivity = await runUntilActivityStarted(normal);
    await service.respondActivityTaskCompleted({ namespace: 'default', taskToken: normalActivity.taskToken, identity: 'raw', result: null });
    const polled = await pollWorkflowTask(normal, true);
    expect(types(polled.history?.events ?? [])).toEqual(types(task!.history?.events ?? []));
    await completeRun(normal, polled);

    const eagerHistory = await historyOf(eager.workflowId);
    const normalHistory = await historyOf(normal.workflowId);
    expect(types(eagerHistory)).toEqual(types(normalHistory));
    expect(eagerHistory.map(shape)).toEqual(normalHistory.map(shape));
    const scheduled = eagerHistory[7]!.workflowTaskScheduledEventAttributes!;
    expect(scheduled.taskQueue).toMatchObject({ name: eager.stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY });
    expect(eagerHistory[8]!.workflowTaskStartedEventAttributes?.identity).toBe('raw');
  });

  it('comes with a failure that closes the activity', async () => {
    const n = names();
    const activity = await runUntilActivityStarted(n);
    const task = await connection.respondActivityTaskWithNextWorkflowTask(
      { failed: { namespace: 'default', taskToken: activity.taskToken, identity: 'raw', failure: { message: 'boom', applicationFailureInfo: { nonRetryable: true } } } },
      n.stickyQueue,
    );
    expect(types(task?.history?.events ?? []).slice(-3)).toEqual([
      'EVENT_TYPE_ACTIVITY_TASK_FAILED',
      'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      'EVENT_TYPE_WORKFLOW_TASK_STARTED',
    ]);
    await completeRun(n, task!);
  });

  it('does not come when the run is sticky to another queue, or not sticky: the poll gets the task', async () => {
    const other = names();
    const activity = await runUntilActivityStarted(other);
    // Matching sends a task to a sticky queue only while its worker polls it.
    await pollOnce(other.stickyQueue);
    const none = await connection.respondActivityTaskWithNextWorkflowTask(
      { completed: { namespace: 'default', taskToken: activity.taskToken, identity: 'raw' } },
      `${other.stickyQueue}-not-mine`,
    );
    expect(none).toBeNull();
    await completeRun(other, await pollWorkflowTask(other, true));

    const notSticky = names();
    const second = await runUntilActivityStarted(notSticky, false);
    const alsoNone = await connection.respondActivityTaskWithNextWorkflowTask(
      { completed: { namespace: 'default', taskToken: second.taskToken, identity: 'raw' } },
      notSticky.stickyQueue,
    );
    expect(alsoNone).toBeNull();
    const whole = await pollWorkflowTask(notSticky, false);
    expect(Number(whole.history?.events?.[0]?.eventId)).toBe(1);
    await completeRun(notSticky, whole);
  });

  it('does not come with an answer that schedules no task (the activity retries)', async () => {
    const n = names();
    const activity = await runUntilActivityStarted(n);
    // The next task schedules a second activity, one that may retry.
    const next = await connection.respondActivityTaskWithNextWorkflowTask(
      { completed: { namespace: 'default', taskToken: activity.taskToken, identity: 'raw' } },
      n.stickyQueue,
    );
    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: next!.taskToken,
      identity: 'raw',
      commands: [
        {
          commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: {
            activityId: '2',
            activityType: { name: 'step' },
            taskQueue: { name: n.taskQueue },
            startToCloseTimeout: { seconds: Long.fromNumber(10) },
            retryPolicy: { maximumAttempts: 2, initialInterval: { nanos: 1_000_000 } },
          },
        },
      ],
      stickyAttributes: stickyAttributes(n),
    });
    const retried = await pollActivityTask(n);
    const none = await connection.respondActivityTaskWithNextWorkflowTask(
      { failed: { namespace: 'default', taskToken: retried.taskToken, identity: 'raw', failure: { message: 'again' } } },
      n.stickyQueue,
    );
    expect(none).toBeNull();
    const secondAttempt = await pollActivityTask(n);
    expect(secondAttempt.attempt).toBe(2);
    const task = await connection.respondActivityTaskWithNextWorkflowTask(
      { completed: { namespace: 'default', taskToken: secondAttempt.taskToken, identity: 'raw' } },
      n.stickyQueue,
    );
    expect(task?.taskToken?.length).toBeGreaterThan(0);
    await completeRun(n, task!);
  });

  it('is what our worker runs: after the first task, no workflow task of the run comes from a poll', async () => {
    const taskQueue = `tq-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const workerService = nativeConnection.workflowService;
    let polledTasks = 0;
    const poll = workerService.pollWorkflowTaskQueue.bind(workerService);
    const counted = async (request: temporal.api.workflowservice.v1.IPollWorkflowTaskQueueRequest) => {
      const res = await poll(request);
      if (res.taskToken?.length) polledTasks++;
      return res;
    };
    // The worker calls the service's methods by name, so counting here sees every poll it makes.
    Object.assign(workerService, { pollWorkflowTaskQueue: counted });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('endureWorkflowBundlePath') },
      activities: { recordStep: (workflowId: string, step: number) => Promise.resolve(`${workflowId}:${step}`) },
    });
    const client = new Client({ connection });
    const workflowId = `wf-${randomUUID()}`;
    try {
      const result = await worker.runUntil(client.workflow.execute<(steps: number) => Promise<string[]>>('stepsWorkflow', { taskQueue, workflowId, args: [4] }));
      expect(result).toEqual([1, 2, 3, 4].map((step) => `${workflowId}:${step}`));
    } finally {
      await nativeConnection.close();
    }
    expect(polledTasks).toBe(1);
    const history = await historyOf(workflowId);
    const step = [
      'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      'EVENT_TYPE_ACTIVITY_TASK_STARTED',
      'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
      'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      'EVENT_TYPE_WORKFLOW_TASK_STARTED',
      'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
    ];
    expect(types(history)).toEqual([
      'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      'EVENT_TYPE_WORKFLOW_TASK_STARTED',
      'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
      ...step,
      ...step,
      ...step,
      ...step,
      'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
    ]);
    for (const e of history.filter((x) => x.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED).slice(1)) {
      expect(e.workflowTaskScheduledEventAttributes?.taskQueue?.kind).toBe(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    }
  });
});
