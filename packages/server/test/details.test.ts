/**
 * Details the official SDK's integration tests check: the error for an unknown
 * namespace, unset timeouts, typed search attributes in describe, user metadata,
 * the worker's build id in workflowInfo().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, NamespaceNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { defaultPayloadConverter } from '@temporalio/common';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { waitFor } from './helpers/wait-for.js';
import { buildIdsWorkflow, infoWorkflow, parentOfSummarizedChild, proceedSignal, summarizedWorkflow } from './workflows/details.js';
import { addItemSignal, approvalWorkflow } from './workflows/approval.js';

const EventType = temporal.api.enums.v1.EventType;

let env: TestEnv;
const activities = createActivities(new ActivityRecorder());

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

describe('user metadata', () => {
  it('keeps a workflow\'s static summary and details for describe and the started event', async () => {
    const taskQueue = uniqueTaskQueue('metadata');
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('metadata'),
      args: [60_000],
      staticSummary: 'approve the order',
      staticDetails: 'order **42**, two items',
    });
    try {
      const described = await handle.describe();
      expect(await described.staticSummary()).toBe('approve the order');
      expect(await described.staticDetails()).toBe('order **42**, two items');
      const history = await handle.fetchHistory();
      const metadata = history.events?.[0]?.userMetadata;
      expect(defaultPayloadConverter.fromPayload(metadata!.summary!)).toBe('approve the order');
      expect(defaultPayloadConverter.fromPayload(metadata!.details!)).toBe('order **42**, two items');
    } finally {
      await handle.terminate();
    }
  });

  it('keeps the static summary of a signal-with-start', async () => {
    const handle = await env.client.workflow.signalWithStart(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('metadata'),
      workflowId: uniqueWorkflowId('metadata'),
      args: [60_000],
      signal: addItemSignal,
      signalArgs: ['tea'],
      staticSummary: 'started by a signal',
    });
    try {
      expect(await (await handle.describe()).staticSummary()).toBe('started by a signal');
    } finally {
      await handle.terminate();
    }
  });

  it("keeps a child workflow's static summary and details", async () => {
    const taskQueue = uniqueTaskQueue('metadata');
    const childId = uniqueWorkflowId('metadata-child');
    await env.withWorker({ taskQueue }, async () => {
      const parent = await env.client.workflow.start(parentOfSummarizedChild, {
        taskQueue,
        workflowId: uniqueWorkflowId('metadata'),
        args: [childId],
      });
      expect(await parent.result()).toBe(42);
    });
    const described = await env.client.workflow.getHandle(childId).describe();
    expect(await described.staticSummary()).toBe('a child');
    expect(await described.staticDetails()).toBe('doubles 21');
  });

  it('has no summary or details when the start set none', async () => {
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('metadata'),
      workflowId: uniqueWorkflowId('metadata'),
      args: [60_000],
    });
    try {
      const described = await handle.describe();
      expect(await described.staticSummary()).toBeUndefined();
      expect(await described.staticDetails()).toBeUndefined();
    } finally {
      await handle.terminate();
    }
  });

  it('puts timer and activity summaries on their events', async () => {
    const taskQueue = uniqueTaskQueue('metadata');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(summarizedWorkflow, { taskQueue, workflowId: uniqueWorkflowId('metadata') });
      expect(await handle.result()).toBe('hello');
      const events = (await handle.fetchHistory()).events ?? [];
      const summaryOf = (type: number) => {
        const summary = events.find((e) => e.eventType === type)?.userMetadata?.summary;
        return summary ? defaultPayloadConverter.fromPayload(summary) : undefined;
      };
      expect(summaryOf(EventType.EVENT_TYPE_TIMER_STARTED)).toBe('a short nap');
      expect(summaryOf(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe('say it back');
    });
  });
});

describe('the worker build id', () => {
  it('is in workflowInfo(), and on replay it is the build id of the worker that ran the task', async () => {
    const taskQueue = uniqueTaskQueue('build-id');
    const workflowId = uniqueWorkflowId('build-id');
    const handle = await env.withWorker({ taskQueue, buildId: 'build-a' }, async () => {
      const started = await env.client.workflow.start(buildIdsWorkflow, { taskQueue, workflowId });
      await waitFor(
        async () => (await started.fetchHistory()).events?.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
        { description: 'the first workflow task completed by worker build-a' },
      );
      return started;
    });
    await handle.signal(proceedSignal);
    // A new worker has nothing cached: it replays the first task before running the next.
    const seen = await env.withWorker({ taskQueue, buildId: 'build-b' }, () => handle.result());
    expect(seen).toEqual(['build-a', 'build-b']);
  });

  it('defaults to one derived from the SDK and the workflow code', async () => {
    const taskQueue = uniqueTaskQueue('build-id');
    const seen = await env.withWorker({ taskQueue }, () =>
      env.client.workflow.execute(infoWorkflow, { taskQueue, workflowId: uniqueWorkflowId('build-id') }),
    );
    expect(seen.currentBuildId).toMatch(/^@(temporalio|endure)\/worker@[^+]+\+[0-9a-f]{64}$/);
  });
});
