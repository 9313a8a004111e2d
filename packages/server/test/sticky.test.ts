/**
 * Sticky execution, as a worker sees it: after a completion with sticky attributes the
 * run's next task comes on the worker's own queue with only the events it has not seen;
 * when that worker is gone (killed, shut down, reset by an operator, or the server
 * restarted) the task reaches the normal queue with the whole history.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { EndureServer } from '../src/index.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath, type TestEnv } from './helpers/env.js';
import { startChildWorker, type ChildWorker } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';
import { approvalWorkflow, approveSignal } from './workflows/approval.js';

type WorkflowService = Connection['workflowService'];
type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType, TaskQueueKind, TimeoutType } = temporal.api.enums.v1;

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

function names() {
  const taskQueue = `tq-${randomUUID()}`;
  return { workflowId: `wf-${randomUUID()}`, taskQueue, stickyQueue: `${taskQueue}-sticky-${randomUUID()}` };
}

async function start(s: WorkflowService, workflowId: string, taskQueue: string): Promise<void> {
  await s.startWorkflowExecution({
    namespace: 'default',
    workflowId,
    workflowType: { name: 'rawWorkflow' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
  });
}

function poll(s: WorkflowService, taskQueue: string, sticky = false): Promise<PollResponse> {
  const kind = sticky ? TaskQueueKind.TASK_QUEUE_KIND_STICKY : TaskQueueKind.TASK_QUEUE_KIND_NORMAL;
  return s.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue, kind }, identity: 'raw' });
}

/** Poll until a task arrives (empty answers come back after the poll timeout). */
async function pollTask(s: WorkflowService, taskQueue: string, sticky = false, timeoutMs = 15_000): Promise<PollResponse> {
  return waitFor(
    async () => {
      const res = await poll(s, taskQueue, sticky);
      return res.taskToken?.length ? res : undefined;
    },
    { timeoutMs, intervalMs: 1, description: `a workflow task on ${taskQueue}` },
  );
}

/** Complete a task asking for the next ones on `stickyQueue`. */
async function completeSticky(s: WorkflowService, task: PollResponse, stickyQueue: string, scheduleToStartMs: number): Promise<void> {
  await s.respondWorkflowTaskCompleted({
    namespace: 'default',
    taskToken: task.taskToken,
    commands: [],
    stickyAttributes: {
      workerTaskQueue: { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY },
      scheduleToStartTimeout: { seconds: Long.fromNumber(Math.floor(scheduleToStartMs / 1000)), nanos: (scheduleToStartMs % 1000) * 1e6 },
    },
  });
}

async function signal(s: WorkflowService, workflowId: string): Promise<void> {
  await s.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: 'go', requestId: randomUUID() });
}

function types(events: HistoryEvent[]): string[] {
  return events.map((e) => EventType[e.eventType!].replace('EVENT_TYPE_', ''));
}

function firstEventId(task: PollResponse): number {
  return Number(task.history!.events![0]!.eventId);
}

/** A workflow whose first task was completed sticky, with its sticky queue polled (so its worker counts as present). */
async function stickyWorkflow(s: WorkflowService, scheduleToStartMs: number) {
  const ids = names();
  await start(s, ids.workflowId, ids.taskQueue);
  const first = await pollTask(s, ids.taskQueue);
  await completeSticky(s, first, ids.stickyQueue, scheduleToStartMs);
  expect((await poll(s, ids.stickyQueue, true)).taskToken?.length ?? 0).toBe(0);
  return ids;
}

describe('sticky execution', () => {
  it('sends the next task to the sticky queue with only the events after the last completed task', async () => {
    const { workflowId, taskQueue, stickyQueue } = names();
    await start(service, workflowId, taskQueue);
    const first = await pollTask(service, taskQueue);
    expect(firstEventId(first)).toBe(1);
    await completeSticky(service, first, stickyQueue, 10_000);

    const stickyPoll = poll(service, stickyQueue, true);
    await signal(service, workflowId);
    const second = await stickyPoll;
    expect(Number(second.previousStartedEventId)).toBe(3);
    expect(types(second.history!.events!)).toEqual([
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_SIGNALED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
    ]);
    expect(firstEventId(second)).toBe(4);
    const scheduled = second.history!.events![2]!.workflowTaskScheduledEventAttributes!;
    expect(scheduled.taskQueue).toMatchObject({ name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: taskQueue });
    expect(second.workflowExecutionTaskQueue).toMatchObject({ name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL });

    // Nothing went to the normal queue meanwhile.
    expect((await poll(service, taskQueue)).taskToken?.length ?? 0).toBe(0);
  });

  it('moves a task nobody took from the sticky queue to the normal queue after the schedule-to-start timeout', async () => {
    const scheduleToStartMs = 500;
    const { workflowId, taskQueue, stickyQueue } = await stickyWorkflow(service, scheduleToStartMs);
    const signalledAt = Date.now();
    await signal(service, workflowId);

    const task = await pollTask(service, taskQueue, false, scheduleToStartMs + 1000);
    expect(Date.now() - signalledAt).toBeLessThan(scheduleToStartMs + 1000);
    expect(task.attempt).toBe(1);
    const events = task.history!.events!;
    expect(firstEventId(task)).toBe(1);
    expect(types(events).slice(3)).toEqual([
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_SIGNALED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_TIMED_OUT',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
    ]);
    const timedOut = events[6]!.workflowTaskTimedOutEventAttributes!;
    expect(timedOut.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    expect(Number(timedOut.scheduledEventId)).toBe(6);
    expect(Number(timedOut.startedEventId)).toBe(0);
    expect(events[7]!.workflowTaskScheduledEventAttributes!.taskQueue).toMatchObject({ name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL });
    // The sticky queue is not used again until a completion asks for it.
    expect((await poll(service, stickyQueue, true)).taskToken?.length ?? 0).toBe(0);
  });

  it('sends tasks to the normal queue at once when the sticky queue has not been polled for ten seconds', async () => {
    const { workflowId, taskQueue } = names();
    await start(service, workflowId, taskQueue);
    const first = await pollTask(service, taskQueue);
    // A sticky queue never polled counts as gone, like one last polled ten seconds ago.
    await completeSticky(service, first, `never-polled-${randomUUID()}`, 60_000);
    await signal(service, workflowId);
    const second = await pollTask(service, taskQueue, false, 5000);
    expect(firstEventId(second)).toBe(1);
    expect(types(second.history!.events!)).not.toContain('WORKFLOW_TASK_TIMED_OUT');
  });

  it('ResetStickyTaskQueue moves a waiting task to the normal queue at once, with the whole history', async () => {
    const { workflowId, taskQueue } = await stickyWorkflow(service, 60_000);
    await signal(service, workflowId);
    await service.resetStickyTaskQueue({ namespace: 'default', execution: { workflowId } });
    const task = await pollTask(service, taskQueue, false, 5000);
    expect(firstEventId(task)).toBe(1);
    expect(types(task.history!.events!)).not.toContain('WORKFLOW_TASK_TIMED_OUT');

    // And the task after it too: the completion had no sticky attributes.
    await service.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [] });
    await signal(service, workflowId);
    expect(firstEventId(await pollTask(service, taskQueue, false, 5000))).toBe(1);
  });

  it('ResetStickyTaskQueue on a closed workflow answers NOT_FOUND', async () => {
    const { workflowId } = await stickyWorkflow(service, 60_000);
    await service.terminateWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, reason: 'done' });
    await expect(service.resetStickyTaskQueue({ namespace: 'default', execution: { workflowId } })).rejects.toMatchObject({ code: 5 });
  });

  it('ShutdownWorker releases the sticky queue: waiting and later tasks go to the normal queue at once', async () => {
    const { workflowId, taskQueue, stickyQueue } = await stickyWorkflow(service, 60_000);
    await signal(service, workflowId);
    await service.shutdownWorker({ namespace: 'default', stickyTaskQueue: stickyQueue, identity: 'raw', reason: 'test' });
    const waiting = await pollTask(service, taskQueue, false, 5000);
    expect(firstEventId(waiting)).toBe(1);
    await completeSticky(service, waiting, stickyQueue, 60_000);

    await signal(service, workflowId);
    const next = await pollTask(service, taskQueue, false, 5000);
    expect(firstEventId(next)).toBe(1);
    expect(types(next.history!.events!)).not.toContain('WORKFLOW_TASK_TIMED_OUT');
  });

  it('retries a failed sticky task at attempt 1 on the normal queue with the whole history', async () => {
    const { workflowId, taskQueue, stickyQueue } = await stickyWorkflow(service, 60_000);
    const stickyPoll = poll(service, stickyQueue, true);
    await signal(service, workflowId);
    const task = await stickyPoll;
    expect(task.taskToken?.length).toBeGreaterThan(0);
    await service.respondWorkflowTaskFailed({ namespace: 'default', taskToken: task.taskToken, failure: { message: 'boom' } });

    const retry = await pollTask(service, taskQueue, false, 5000);
    expect(retry.attempt).toBe(1);
    expect(firstEventId(retry)).toBe(1);
    expect(types(retry.history!.events!).slice(-3)).toEqual(['WORKFLOW_TASK_FAILED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
  });

  it('forgets stickiness across a server restart: the next task goes to the normal queue with the whole history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'endure-sticky-'));
    const options = { port: 0, dbFilename: join(dir, 'endure.db'), logLevel: 'error' as const, pollTimeoutMs: POLL_TIMEOUT_MS };
    let first: EndureServer | null = await EndureServer.start(options);
    let conn = await Connection.connect({ address: first.address });
    try {
      const { workflowId, taskQueue, stickyQueue } = names();
      await start(conn.workflowService, workflowId, taskQueue);
      const task = await pollTask(conn.workflowService, taskQueue);
      await completeSticky(conn.workflowService, task, stickyQueue, 60_000);
      await conn.close();
      await first.stop();
      first = null;

      const second = await EndureServer.start(options);
      conn = await Connection.connect({ address: second.address });
      try {
        const stickyPoll = poll(conn.workflowService, stickyQueue, true);
        await signal(conn.workflowService, workflowId);
        const next = await pollTask(conn.workflowService, taskQueue, false, 5000);
        expect(firstEventId(next)).toBe(1);
        expect((await stickyPoll).taskToken?.length ?? 0).toBe(0);
      } finally {
        await conn.close();
        await second.stop();
      }
    } finally {
      await first?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sticky execution with the official worker', () => {
  let env: TestEnv;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    env = await startTestEnv();
  });

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => c.kill()));
    await env?.close();
  });

  /** Events after the first workflow task's completion, and who started each task. */
  async function startedBy(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
    const events = (await handle.fetchHistory()).events ?? [];
    return events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED).map((e) => e.workflowTaskStartedEventAttributes!.identity!);
  }

  /** Starts a workflow on a child worker (sticky schedule-to-start timeout 1 s: helpers/child-worker.mjs) and waits for its first task. */
  async function startOnChildWorker(name: string) {
    const taskQueue = uniqueTaskQueue(name);
    const child = await startChildWorker(env.address, taskQueue, workflowBundlePath());
    children.push(child);
    const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId(name), args: [60_000] });
    await waitFor(async () => types((await handle.fetchHistory()).events ?? []).includes('WORKFLOW_TASK_COMPLETED'), {
      description: 'the child worker to complete the first workflow task',
    });
    return { taskQueue, child, handle };
  }

  /** Signals the workflow with another worker (this process) on the normal queue; how long until that worker started the task. */
  async function signalAndTakeOver(taskQueue: string, handle: Awaited<ReturnType<typeof startOnChildWorker>>['handle'], withinMs: number) {
    const worker = await env.createWorker({ taskQueue });
    const running = worker.run();
    const signalledAt = Date.now();
    await handle.signal(approveSignal, 'ops');
    await waitFor(async () => (await startedBy(handle)).length === 2, {
      timeoutMs: withinMs,
      intervalMs: 10,
      description: 'another worker to start the task the sticky worker left',
    });
    const reachedMs = Date.now() - signalledAt;
    expect(await handle.result()).toEqual({ outcome: 'approved by ops', items: [] });
    worker.shutdown();
    await running;
    return reachedMs;
  }

  it('sends the next task of a killed sticky worker to the normal queue at once: its polls ended with its connection', async () => {
    const { taskQueue, child, handle } = await startOnChildWorker('sticky-kill');
    await child.kill();

    // Well inside the 1 s sticky timeout: the task never waited on the dead worker's queue (the
    // timeout path, for a worker that stops polling but keeps its connection, is tested above).
    const reachedMs = await signalAndTakeOver(taskQueue, handle, 900);
    expect(reachedMs).toBeLessThan(900);
    const history = (await handle.fetchHistory()).events ?? [];
    expect(history.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)).toBe(false);
    const [first, second] = await startedBy(handle);
    expect(first).toContain(String(child.process.pid));
    expect(second).toContain(String(process.pid));
  });
});
