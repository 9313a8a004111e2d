/**
 * Each limit reached, through the official SDK, with small configured limits: the caller
 * gets Temporal's status and a message naming the field or setting, nothing over a limit is
 * stored, and other namespaces and workflows go on (config.ts `Limits`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { approvalWorkflow } from './workflows/approval.js';
import { manyTimersWorkflow, threeActivitiesWorkflow } from './workflows/limits.js';

const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const { ResourceExhaustedCause, WorkflowTaskFailedCause, WorkflowExecutionStatus } = temporal.api.enums.v1;

type LogLine = Record<string, unknown> & { msg: string };

interface CallError {
  code: number;
  details: string;
  /** The google.rpc.Status details, decoded. */
  statusDetails: { typeUrl: string; value: Uint8Array }[];
}

async function callError(call: Promise<unknown>): Promise<CallError> {
  type Raw = { code: number; details: string; metadata?: { get(key: string): unknown[] }; cause?: Raw };
  // The client's own errors (WorkflowFailedError, ServiceError) carry the gRPC error as their cause.
  const err = await call.then(
    () => undefined,
    (e: unknown) => ((e as Raw).code === undefined && (e as Raw).cause ? (e as Raw).cause : (e as Raw)),
  );
  expect(err, 'the call should have failed').toBeDefined();
  const bin = err!.metadata?.get('grpc-status-details-bin')[0] as Uint8Array | undefined;
  const status = bin ? google.rpc.Status.decode(bin) : null;
  const statusDetails = (status?.details ?? []).map((d) => ({ typeUrl: d.type_url ?? '', value: d.value ?? new Uint8Array() }));
  return { code: err!.code, details: err!.details, statusDetails };
}

/** A connection whose calls are not retried: the test sees each answer. */
function rawConnection(address: string): Promise<Connection> {
  return Connection.connect({ address, interceptors: [] });
}

describe('per-namespace request rate', () => {
  let env: TestEnv;
  let raw: Connection;
  beforeAll(async () => {
    env = await startTestEnv({ namespaces: ['limited'], limits: { namespaceRps: 5, namespaceBurstRatio: 1 } });
    raw = await rawConnection(env.address);
  });
  afterAll(async () => {
    await raw?.close();
    await env?.close();
  });

  it('answers RESOURCE_EXHAUSTED (RPS_LIMIT, with the retry delay) past the rate, leaves other namespaces alone, and a retrying client gets through', async () => {
    const describe = (namespace: string) => raw.workflowService.describeNamespace({ namespace });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => describe('limited')));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(6);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected, 'some of the 20 calls refused').toBeDefined();

    const err = await callError(Promise.reject(rejected!.reason as Error));
    expect(err.code).toBe(RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(/namespace rate limit exceeded.*limited.*5 requests per second.*retry after \d+ ms/);
    expect(err.statusDetails[0]?.typeUrl).toBe('type.googleapis.com/temporal.api.errordetails.v1.ResourceExhaustedFailure');
    const failure = temporal.api.errordetails.v1.ResourceExhaustedFailure.decode(err.statusDetails[0]!.value);
    expect(failure.cause).toBe(ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT);
    expect(err.statusDetails[1]?.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');

    // Another namespace has its own bucket.
    await expect(describe('default')).resolves.toMatchObject({ namespaceInfo: { name: 'default' } });
    // The official client retries RESOURCE_EXHAUSTED (from 1 s): its call gets through.
    const answer = await env.connection.workflowService.describeNamespace({ namespace: 'limited' });
    expect(answer.namespaceInfo?.name).toBe('limited');
  });
});

describe('concurrent long polls', () => {
  let env: TestEnv;
  let raw: Connection;
  beforeAll(async () => {
    env = await startTestEnv({ pollTimeoutMs: 60_000, limits: { longPollsPerNamespaceMax: 2, longPollsPerTaskQueueMax: 1 } });
    raw = await rawConnection(env.address);
  });
  afterAll(async () => {
    await raw?.close();
    await env?.close();
  });

  const poll = (taskQueue: string, signal: AbortSignal) =>
    raw.withAbortSignal(signal, () => raw.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'limits-test' }));

  /** A poll's first answer: its error, or 'open' (then it is cancelled) when it is still waiting after a moment. */
  async function probe(taskQueue: string): Promise<CallError | 'open'> {
    const controller = new AbortController();
    const call = poll(taskQueue, controller.signal);
    const first = await Promise.race([callError(call), delayed(300, 'open' as const)]);
    if (first === 'open') controller.abort();
    return first;
  }

  it('answers RESOURCE_EXHAUSTED (CONCURRENT_LIMIT) past the limit, and a slot freed by a cancelled poll serves again', async () => {
    const queueA = uniqueTaskQueue('polls-a');
    const first = new AbortController();
    const second = new AbortController();
    const polls = [poll(queueA, first.signal).catch(() => null)];
    // Per task queue: queue A has its one poll.
    const onQueue = await waitFor(async () => {
      const answer = await probe(queueA);
      return answer !== 'open' && answer.code === RESOURCE_EXHAUSTED ? answer : undefined;
    }, { description: 'a second poll on queue A refused' });
    expect(onQueue.details).toMatch(/concurrent poller limit exceeded.*PollWorkflowTaskQueue on task queue .*limits\.longPollsPerTaskQueueMax/);
    // Per namespace: two open.
    polls.push(poll(uniqueTaskQueue('polls-b'), second.signal).catch(() => null));
    const err = await waitFor(async () => {
      const answer = await probe(uniqueTaskQueue('polls-c'));
      return answer !== 'open' && answer.code === RESOURCE_EXHAUSTED ? answer : undefined;
    }, { description: 'a third poll in the namespace refused' });
    expect(err.details).toMatch(/concurrent poller limit exceeded.*PollWorkflowTaskQueue in namespace default.*limits\.longPollsPerNamespaceMax/);
    const failure = temporal.api.errordetails.v1.ResourceExhaustedFailure.decode(err.statusDetails[0]!.value);
    expect(failure.cause).toBe(ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT);

    // Cancelling a poll frees its slot: a new poll is taken and gets the workflow task waiting for it.
    const freedQueue = uniqueTaskQueue('polls-freed');
    await env.client.workflow.start(approvalWorkflow, { taskQueue: freedQueue, workflowId: uniqueWorkflowId('polls'), args: [60_000] });
    first.abort();
    const task = await waitFor(
      () => raw.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: freedQueue }, identity: 'limits-test' }),
      { description: 'a poll accepted after a slot was freed' },
    );
    expect(task.taskToken?.length).toBeGreaterThan(0);
    second.abort();
    await Promise.all(polls);
  });
});

function delayed<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value));
}

describe('payload and memo sizes', () => {
  let env: TestEnv;
  const lines: LogLine[] = [];
  beforeAll(async () => {
    env = await startTestEnv({
      payloadSizeMaxBytes: 4096,
      logLevel: 'warn',
      logOutput: { write: (text) => text.split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as LogLine)) },
      limits: { blobSizeWarnBytes: 1024, memoSizeMaxBytes: 2048, memoSizeWarnBytes: 512 },
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('refuses an oversized memo or input with INVALID_ARGUMENT naming the field and limit, stores nothing, and logs past the warn sizes', async () => {
    const taskQueue = uniqueTaskQueue('sizes');
    const memoId = uniqueWorkflowId('big-memo');
    const memoErr = await callError(env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: memoId, args: [1000], memo: { note: 'x'.repeat(3000) } }));
    expect(memoErr.code).toBe(INVALID_ARGUMENT);
    expect(memoErr.details).toMatch(/^memo is \d+ bytes, over the memo size limit of 2048 bytes/);
    await expect(env.client.workflow.getHandle(memoId).describe()).rejects.toThrow(WorkflowNotFoundError);

    const inputId = uniqueWorkflowId('big-input');
    const inputErr = await callError(env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: inputId, args: [Number('1'.repeat(5)), 'y'.repeat(5000)] as unknown as [number] }));
    expect(inputErr.code).toBe(INVALID_ARGUMENT);
    expect(inputErr.details).toMatch(/^input is \d+ bytes, over the payload size limit of 4096 bytes/);

    const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId('sizes'), args: [60_000], memo: { note: 'm'.repeat(600) } });
    await handle.signal('addItem', 'z'.repeat(1500));
    const signalErr = await callError(handle.signal('addItem', 'z'.repeat(5000)));
    expect(signalErr.details).toMatch(/^input is \d+ bytes, over the payload size limit of 4096 bytes/);
    await waitFor(() => lines.some((l) => l.msg === 'Memo size exceeds the warning limit.' && l.field === 'memo'));
    await waitFor(() => lines.some((l) => l.msg === 'Blob data size exceeds the warning limit.' && l.field === 'input'));
    await handle.terminate();
  });
});

describe('command payload sizes', () => {
  let env: TestEnv;
  let raw: Connection;
  beforeAll(async () => {
    env = await startTestEnv({ payloadSizeMaxBytes: 4096 });
    raw = await rawConnection(env.address);
  });
  afterAll(async () => {
    await raw?.close();
    await env?.close();
  });

  it('fails the workflow task carrying a too-large result and terminates the run, as Temporal does', async () => {
    const taskQueue = uniqueTaskQueue('big-result');
    const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId('big-result'), args: [60_000] });
    const task = await raw.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw-worker' });
    expect(task.taskToken?.length).toBeGreaterThan(0);
    const big = { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.alloc(8000) };
    const err = await callError(
      raw.workflowService.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: task.taskToken,
        identity: 'raw-worker',
        commands: [
          {
            commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
            completeWorkflowExecutionCommandAttributes: { result: { payloads: [big] } },
          },
        ],
      }),
    );
    expect(err.code).toBe(INVALID_ARGUMENT);
    expect(err.details).toMatch(/^BadScheduleActivityAttributes: CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit\. \(command 0: \d+ bytes, limit 4096 bytes\)/);
    const history = await handle.fetchHistory();
    expect(eventTypes(history).slice(-2)).toEqual(['WORKFLOW_TASK_FAILED', 'WORKFLOW_EXECUTION_TERMINATED']);
    const failed = history.events!.at(-2)!.workflowTaskFailedEventAttributes!;
    expect(failed.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
    expect(history.events!.at(-1)!.workflowExecutionTerminatedEventAttributes).toMatchObject({
      reason: expect.stringMatching(/^BadScheduleActivityAttributes: CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit\./) as unknown,
      identity: 'history-service',
    });
    expect(history.events!.some((e) => e.workflowExecutionCompletedEventAttributes)).toBe(false);
  });

  it('tells workers the namespace size limits (DescribeNamespace), which the SDK enforces on its completions', async () => {
    const answer = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(answer.namespaceInfo?.limits?.blobSizeLimitError)).toBe(4096);
    expect(Number(answer.namespaceInfo?.limits?.memoSizeLimitError)).toBe(2 * 1024 * 1024);
  });
});

describe('per-run limits', () => {
  let env: TestEnv;
  const recorder = new ActivityRecorder();
  const lines: LogLine[] = [];
  beforeAll(async () => {
    env = await startTestEnv({
      logLevel: 'warn',
      logOutput: { write: (text) => text.split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as LogLine)) },
      limits: { pendingActivitiesMax: 2, historyEventsWarn: 20, historyEventsMax: 40, signalsPerRunMax: 2 },
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('fails the workflow task that would exceed the pending activities, with the cause in history, and the run recovers once some finish', async () => {
    const taskQueue = uniqueTaskQueue('pending');
    const workflowId = uniqueWorkflowId('pending');
    const result = await env.withWorker({ taskQueue, activities: createActivities(recorder) }, () =>
      env.client.workflow.execute(threeActivitiesWorkflow, { taskQueue, workflowId, args: [300] }),
    );
    expect(result).toHaveLength(3);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const failed = history.events!.find((e) => e.workflowTaskFailedEventAttributes);
    expect(failed?.workflowTaskFailedEventAttributes?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED);
    expect(failed?.workflowTaskFailedEventAttributes?.failure?.message).toMatch(/the number of pending activities, 2, has reached the per-workflow limit of 2/);
  });

  it('terminates a run past the history length with Temporal reason and identity, after logging the warning', async () => {
    const taskQueue = uniqueTaskQueue('history');
    const workflowId = uniqueWorkflowId('history');
    const handle = await env.client.workflow.start(manyTimersWorkflow, { taskQueue, workflowId, args: [100] });
    await env.withWorker({ taskQueue }, () =>
      waitFor(async () => (await handle.describe()).status.name === 'TERMINATED', { timeoutMs: 20_000, description: 'run terminated' }),
    );
    const history = await handle.fetchHistory();
    const last = history.events!.at(-1)!;
    expect(last.workflowExecutionTerminatedEventAttributes).toMatchObject({ reason: 'Workflow history count exceeds limit.', identity: 'history-service' });
    expect(history.events!.length).toBeLessThanOrEqual(42);
    expect(eventTypes(history).at(-1)).toBe('WORKFLOW_EXECUTION_TERMINATED');
    expect(lines.some((l) => l.msg === 'history count exceeds warn limit.' && l.workflowId === workflowId)).toBe(true);
    expect((await handle.describe()).status.code).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  });

  it('refuses signals past the signals a run may receive', async () => {
    const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue: uniqueTaskQueue('signals'), workflowId: uniqueWorkflowId('signals'), args: [60_000] });
    await handle.signal('addItem', '1');
    await handle.signal('addItem', '2');
    const err = await callError(handle.signal('addItem', randomUUID()));
    expect(err.code).toBe(INVALID_ARGUMENT);
    expect(err.details).toMatch(/exceeded workflow execution limit for signal events.*limits\.signalsPerRunMax 2/);
    await handle.terminate();
  });
});
