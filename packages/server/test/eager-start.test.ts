/**
 * Eager workflow start: a client sharing its worker's connection gets the new run's first
 * workflow task in the StartWorkflowExecution response, so the run starts without a poll
 * (both SDKs: `requestEagerStart` with the worker's NativeConnection).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { temporal } from '@temporalio/proto';
import { loadSdk, startTestEnv, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { sleepWorkflow } from './workflows/cancellation.js';

const { EventType } = temporal.api.enums.v1;


let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ pollTimeoutMs: 300 });
});

afterAll(async () => {
  await env?.close();
});

function startRequest(taskQueue: string, extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}) {
  return {
    namespace: 'default',
    workflowId: uniqueWorkflowId('eager-raw'),
    workflowType: { name: 'rawWorkflow' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
    identity: 'starter',
    requestEagerExecution: true,
    ...extra,
  };
}

describe('eager workflow start', () => {
  it('returns the first workflow task, started, in the start response, and the queue stays empty', async () => {
    const service = env.connection.workflowService;
    const taskQueue = uniqueTaskQueue('eager-raw');
    const req = startRequest(taskQueue);
    const res = await service.startWorkflowExecution(req);
    const task = res.eagerWorkflowTask!;
    expect(task.taskToken?.length).toBeGreaterThan(0);
    expect(task.workflowExecution).toMatchObject({ workflowId: req.workflowId, runId: res.runId });
    expect(Number(task.startedEventId)).toBe(3);
    expect(task.history!.events!.map((e) => e.eventType)).toEqual([
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    expect(task.history!.events![2]!.workflowTaskStartedEventAttributes!.identity).toBe('starter');
    const poll = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
    expect(poll.taskToken?.length ?? 0).toBe(0);

    await service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: task.taskToken,
      commands: [{ commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    });
    const described = await service.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: req.workflowId } });
    expect(described.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  });

  it('gives no task to a repeated start (same request id) or to a run whose first task waits out a start delay', async () => {
    const service = env.connection.workflowService;
    const taskQueue = uniqueTaskQueue('eager-none');
    const req = startRequest(taskQueue);
    expect((await service.startWorkflowExecution(req)).eagerWorkflowTask).toBeTruthy();
    const again = await service.startWorkflowExecution(req);
    expect(again.eagerWorkflowTask ?? null).toBeNull();
    const delayed = await service.startWorkflowExecution(startRequest(taskQueue, { workflowStartDelay: { seconds: Long.fromNumber(60) } }));
    expect(delayed.eagerWorkflowTask ?? null).toBeNull();
  });

  it('runs the first task on the worker that shares the client connection, without a poll', async () => {
    const { NativeConnection, Worker, Client } = await loadSdk();
    const taskQueue = uniqueTaskQueue('eager-sdk');
    const connection = await NativeConnection.connect({ address: env.address });
    try {
      const worker = await Worker.create({ connection, namespace: 'default', taskQueue, workflowBundle: { codePath: workflowBundlePath() } });
      const client = new Client({ connection, namespace: 'default' });
      const handle = await worker.runUntil(async () => {
        const started = await client.workflow.start(sleepWorkflow, {
          taskQueue,
          workflowId: uniqueWorkflowId('eager-sdk'),
          args: [1],
          requestEagerStart: true,
        });
        await started.result();
        return started;
      });
      expect(handle.eagerlyStarted).toBe(true);
      const history = await handle.fetchHistory();
      // The worker ran the task it was handed: it did not time out waiting for a poll.
      expect(eventTypes(history).slice(0, 4)).toEqual([
        'WORKFLOW_EXECUTION_STARTED',
        'WORKFLOW_TASK_SCHEDULED',
        'WORKFLOW_TASK_STARTED',
        'WORKFLOW_TASK_COMPLETED',
      ]);
      expect(eventTypes(history)).toContain('WORKFLOW_EXECUTION_COMPLETED');
    } finally {
      await connection.close();
    }
  });
});
