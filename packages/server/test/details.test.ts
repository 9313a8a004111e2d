/**
 * Details the official SDK's integration tests check: the error for an unknown
 * namespace, unset timeouts, typed search attributes in describe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, NamespaceNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { infoWorkflow } from './workflows/details.js';
import { approvalWorkflow } from './workflows/approval.js';

const EventType = temporal.api.enums.v1.EventType;

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** A client of the SDK under test for another namespace, on the same connection. */
function clientFor(namespace: string): Client {
  const SdkClient = env.client.constructor as typeof Client;
  return new SdkClient({ connection: env.connection, namespace });
}

describe('an unknown namespace', () => {
  it('raises NamespaceNotFoundError naming the namespace', async () => {
    const client = clientFor('no-such-namespace');
    const start = client.workflow.start(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('ns'),
      workflowId: uniqueWorkflowId('ns'),
      args: [1000],
    });
    await expect(start).rejects.toBeInstanceOf(NamespaceNotFoundError);
    await expect(start).rejects.toMatchObject({ namespace: 'no-such-namespace' });
  });

  it("answers NOT_FOUND with Temporal's message", async () => {
    const described = env.connection.workflowService.describeNamespace({ namespace: 'no-such-namespace' });
    await expect(described).rejects.toMatchObject({ code: 5, details: 'Namespace no-such-namespace is not found.' });
  });
});

describe('unset timeouts', () => {
  it('are absent, not zero, in describe, the started event and workflowInfo()', async () => {
    const taskQueue = uniqueTaskQueue('timeouts');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(infoWorkflow, { taskQueue, workflowId: uniqueWorkflowId('timeouts') });
      const seen = await handle.result();
      expect(seen.executionTimeoutMs).toBeUndefined();
      expect(seen.runTimeoutMs).toBeUndefined();

      const { raw } = await handle.describe();
      expect(raw.executionConfig?.workflowExecutionTimeout).toBeNull();
      expect(raw.executionConfig?.workflowRunTimeout).toBeNull();
      const history = await handle.fetchHistory();
      const started = history.events?.[0];
      expect(started?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      expect(started?.workflowExecutionStartedEventAttributes?.workflowExecutionTimeout).toBeNull();
      expect(started?.workflowExecutionStartedEventAttributes?.workflowRunTimeout).toBeNull();
    });
  });

  it('that are set come back as set', async () => {
    const taskQueue = uniqueTaskQueue('timeouts');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(infoWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('timeouts'),
        workflowExecutionTimeout: '1 hour',
        workflowRunTimeout: '10 minutes',
      });
      expect(await handle.result()).toMatchObject({ executionTimeoutMs: 3_600_000, runTimeoutMs: 600_000 });
    });
  });
});

describe('search attributes in describe', () => {
  it('carry their types, so a Datetime comes back as a Date', async () => {
    const taskQueue = uniqueTaskQueue('search-attributes');
    const when = new Date('2026-03-04T05:06:07.008Z');
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('search-attributes'),
      args: [60_000],
      searchAttributes: { CustomDatetimeField: [when], CustomIntField: [7], CustomKeywordField: ['gold'] },
    });
    try {
      const described = await handle.describe();
      expect(described.searchAttributes).toEqual({ CustomDatetimeField: [when], CustomIntField: [7], CustomKeywordField: ['gold'] });
      expect(described.searchAttributes.CustomDatetimeField?.[0]).toBeInstanceOf(Date);
      const fields = described.raw.workflowExecutionInfo?.searchAttributes?.indexedFields ?? {};
      const types = Object.fromEntries(Object.entries(fields).map(([name, p]) => [name, Buffer.from(p.metadata?.type ?? []).toString()]));
      expect(types).toEqual({ CustomDatetimeField: 'Datetime', CustomIntField: 'Int', CustomKeywordField: 'Keyword' });
    } finally {
      await handle.terminate();
    }
  });
});
