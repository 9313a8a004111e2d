/**
 * Bad requests sent straight to the gRPC API get a clear status code and a
 * message naming the offending field, and the server keeps serving afterwards.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { arithmeticWorkflow } from './workflows/orders.js';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;

let env: TestEnv;
let raw: Connection;

beforeAll(async () => {
  env = await startTestEnv();
  raw = await Connection.connect({
    address: env.address,
    channelArgs: { 'grpc.max_send_message_length': 16 * 1024 * 1024 },
  });
});

afterAll(async () => {
  await raw?.close();
  await env?.close();
});

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

function startRequest(overrides: Partial<StartRequest> = {}): StartRequest {
  return {
    namespace: 'default',
    workflowId: uniqueWorkflowId('bad-input'),
    workflowType: { name: 'approvalWorkflow' },
    taskQueue: { name: uniqueTaskQueue('bad-input') },
    requestId: randomUUID(),
    identity: 'bad-input-test',
    ...overrides,
  };
}

interface GrpcError {
  code: number;
  details: string;
}

/** Runs a call that must fail and returns its gRPC status code and details. */
async function grpcError(call: Promise<unknown>): Promise<GrpcError> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, 'the call should have failed').toBeDefined();
  const { code, details } = error as Partial<GrpcError>;
  expect(typeof code).toBe('number');
  return { code: code!, details: String(details) };
}

function plainPayload(bytes: number): temporal.api.common.v1.IPayload {
  return { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.alloc(bytes, 0x61) };
}

describe('bad input', () => {
  it('rejects a start with an empty workflow id', async () => {
    const { code, details } = await grpcError(raw.workflowService.startWorkflowExecution(startRequest({ workflowId: '' })));
    expect(code).toBe(INVALID_ARGUMENT);
    expect(details).toMatch(/workflow.?id/i);
  });

  it('rejects a start with an empty task queue', async () => {
    const { code, details } = await grpcError(
      raw.workflowService.startWorkflowExecution(startRequest({ taskQueue: { name: '' } })),
    );
    expect(code).toBe(INVALID_ARGUMENT);
    expect(details).toMatch(/task.?queue/i);
  });

  it('rejects a start with an empty workflow type', async () => {
    const { code, details } = await grpcError(
      raw.workflowService.startWorkflowExecution(startRequest({ workflowType: { name: '' } })),
    );
    expect(code).toBe(INVALID_ARGUMENT);
    expect(details).toMatch(/workflow.?type/i);
  });

  it('answers NOT_FOUND for an unknown namespace, naming it', async () => {
    const { code, details } = await grpcError(
      raw.workflowService.startWorkflowExecution(startRequest({ namespace: 'no-such-namespace' })),
    );
    expect(code).toBe(NOT_FOUND);
    expect(details).toMatch(/namespace/i);
    expect(details).toContain('no-such-namespace');
  });

  it('rejects an input payload larger than the 2 MiB limit', async () => {
    const { code, details } = await grpcError(
      raw.workflowService.startWorkflowExecution(startRequest({ input: { payloads: [plainPayload(2 * 1024 * 1024 + 1024)] } })),
    );
    expect(code).toBe(INVALID_ARGUMENT);
    expect(details).toMatch(/input|payload/i);
  });

  it('rejects a malformed task token', async () => {
    const { code, details } = await grpcError(
      raw.workflowService.respondActivityTaskCompleted({
        namespace: 'default',
        taskToken: Buffer.from('this is not a task token'),
        identity: 'bad-input-test',
      }),
    );
    expect(code).toBe(INVALID_ARGUMENT);
    expect(details).toMatch(/task.?token/i);

    const workflowTask = await grpcError(
      raw.workflowService.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: Buffer.from([0xff, 0x00, 0x13]),
        identity: 'bad-input-test',
      }),
    );
    expect(workflowTask.code).toBe(INVALID_ARGUMENT);
    expect(workflowTask.details).toMatch(/task.?token/i);
  });

  it('answers NOT_FOUND for the history of an unknown workflow', async () => {
    const { code } = await grpcError(
      raw.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId: uniqueWorkflowId('missing') },
      }),
    );
    expect(code).toBe(NOT_FOUND);
  });

  it('still runs workflows after all of the above', async () => {
    const taskQueue = uniqueTaskQueue('after-bad-input');
    const result = await env.withWorker({ taskQueue, activities: createActivities(new ActivityRecorder()) }, () =>
      env.client.workflow.execute(arithmeticWorkflow, { taskQueue, workflowId: uniqueWorkflowId('ok'), args: [20] }),
    );
    expect(result).toBe(41);
  });
});
