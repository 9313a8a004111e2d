/**
 * Activity task tokens as a client holding one sees them: a token in Temporal's
 * format for an activity the server does not have answers NOT_FOUND (the official
 * client raises ActivityNotFoundError), whatever call carries it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityNotFoundError } from '@temporalio/client';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { approvalWorkflow } from './workflows/approval.js';

let env: TestEnv;
let namespaceId: string;

beforeAll(async () => {
  env = await startTestEnv();
  const { namespaceInfo } = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
  namespaceId = namespaceInfo!.id!;
});

afterAll(async () => {
  await env?.close();
});

interface TokenFields {
  namespaceId: string;
  workflowId: string;
  runId: string;
  scheduledEventId: number;
  attempt: number;
  activityId: string;
  activityType: string;
}

/**
 * The bytes Temporal's server issues as an activity task token: its
 * `temporal.server.api.token.v1.Task` message (field numbers 1 to 6 and 8),
 * written out by hand so the test does not share the server's encoder.
 */
function temporalTaskToken(t: TokenFields): Uint8Array {
  const text = (field: number, value: string) => {
    const bytes = Buffer.from(value);
    expect(bytes.length).toBeLessThan(128); // one-byte length prefix
    return [(field << 3) | 2, bytes.length, ...bytes];
  };
  const small = (field: number, value: number) => {
    expect(value).toBeLessThan(128); // one-byte varint
    return [field << 3, value];
  };
  return new Uint8Array([
    ...text(1, t.namespaceId),
    ...text(2, t.workflowId),
    ...text(3, t.runId),
    ...small(4, t.scheduledEventId),
    ...small(5, t.attempt),
    ...text(6, t.activityId),
    ...text(8, t.activityType),
  ]);
}

function tokenFor(fields: Partial<TokenFields>): Uint8Array {
  return temporalTaskToken({
    namespaceId,
    workflowId: 'c787f7af-23c4-486b-98b2-f57997ad0ae6',
    runId: '33fe12c8-be49-41a2-8abd-1765496ede9e',
    scheduledEventId: 5,
    attempt: 1,
    activityId: '1',
    activityType: 'completeAsync',
    ...fields,
  });
}

describe('a task token for an activity that does not exist', () => {
  it('raises ActivityNotFoundError on complete, fail, cancel and heartbeat', async () => {
    const token = tokenFor({});
    const activity = env.client.activity;
    await expect(activity.complete(token, 'done')).rejects.toBeInstanceOf(ActivityNotFoundError);
    await expect(activity.fail(token, new Error('failed'))).rejects.toBeInstanceOf(ActivityNotFoundError);
    await expect(activity.reportCancellation(token, 'cancelled')).rejects.toBeInstanceOf(ActivityNotFoundError);
    await expect(activity.heartbeat(token, 'details')).rejects.toBeInstanceOf(ActivityNotFoundError);
  });

  it('raises ActivityNotFoundError when the workflow exists but the activity does not', async () => {
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('async-completion'),
      workflowId: uniqueWorkflowId('async-completion'),
      args: [60_000],
    });
    try {
      const token = tokenFor({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId, scheduledEventId: 99 });
      await expect(env.client.activity.complete(token, 'done')).rejects.toBeInstanceOf(ActivityNotFoundError);
    } finally {
      await handle.terminate();
    }
  });

  it('answers INVALID_ARGUMENT naming the field when the bytes are not a token', async () => {
    const call = env.connection.workflowService.respondActivityTaskCompleted({
      namespace: 'default',
      taskToken: Buffer.from('this is not a task token'),
    });
    const error = (await call.catch((err: unknown) => err)) as { code?: number; details?: string };
    expect(error.code).toBe(3);
    expect(error.details).toMatch(/task_token/);
  });
});
