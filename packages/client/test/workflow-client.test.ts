/**
 * `@endure/client` driving workflows that the official `@temporalio/worker` runs against an
 * in-process Endure server: start/execute/result, failures, signals, queries, cancel,
 * terminate, describe, history and the typed errors of the official client.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryDefinition, SignalDefinition } from '@endure/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  QueryNotRegisteredError,
  TerminatedFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  defaultPayloadConverter,
  isGrpcCancelledError,
  type WorkflowHandle,
} from '../src/index.js';
import { ActivityRecorder, createActivities } from '../../server/test/helpers/activities.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { approvalWorkflow, type ApprovalStatus } from '../../server/test/workflows/approval.js';
import { activityWorkflow, orderWorkflow } from '../../server/test/workflows/orders.js';
import { startClientTestEnv, uniqueTaskQueue, uniqueWorkflowId, type ClientTestEnv } from './helpers/env.js';

// The workflows define these with the official `@temporalio/workflow`, whose definition types
// are branded differently from `@endure/common`'s: the client sees the same wire names.
const addItemSignal: SignalDefinition<[string]> = { type: 'signal', name: 'addItem' } as SignalDefinition<[string]>;
const approveSignal: SignalDefinition<[string]> = { type: 'signal', name: 'approve' } as SignalDefinition<[string]>;
const statusQuery = { type: 'query', name: 'status' } as QueryDefinition<ApprovalStatus>;

let env: ClientTestEnv;
const activities = createActivities(new ActivityRecorder());

beforeAll(async () => {
  env = await startClientTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Waits until the workflow's first task has run, so its handlers are registered. */
async function waitUntilRunning(handle: WorkflowHandle<typeof approvalWorkflow>): Promise<void> {
  await waitFor(async () => (await handle.query(statusQuery)).state === 'waiting', {
    description: 'the workflow to answer its status query',
  });
}

describe('start, execute and result', () => {
  it('executes a workflow with activities and returns its result', async () => {
    const taskQueue = uniqueTaskQueue('client-execute');
    const result = await env.withWorker({ taskQueue, activities }, () =>
      env.client.workflow.execute(orderWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('order'),
        args: [{ id: 'o1', items: ['book', 'pen'], amountCents: 1200 }],
      }),
    );
    expect(result).toBe('R-o1-2|C-o1-1200|S-R-o1-2');
  });

  it('starts by type name and reads the result through start, getHandle and client.result', async () => {
    const taskQueue = uniqueTaskQueue('client-start');
    const workflowId = uniqueWorkflowId('arith');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start('arithmeticWorkflow', { taskQueue, workflowId, args: [20] });
      expect(handle.workflowId).toBe(workflowId);
      expect(handle.firstExecutionRunId).toMatch(/\S+/);
      expect(await handle.result()).toBe(41);
      expect(await env.client.workflow.getHandle(workflowId).result()).toBe(41);
      expect(await env.client.workflow.result(workflowId, handle.firstExecutionRunId)).toBe(41);
    });
  });

  it('throws WorkflowFailedError with the activity failure as cause when the workflow fails', async () => {
    const taskQueue = uniqueTaskQueue('client-fail');
    const err = await env.withWorker({ taskQueue, activities }, () =>
      env.client.workflow
        .execute(activityWorkflow, {
          taskQueue,
          workflowId: uniqueWorkflowId('decline'),
          args: [{ name: 'declineCard', args: ['k1'], options: { startToCloseTimeout: '10s' } }],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause?.cause).toBeInstanceOf(ApplicationFailure);
    expect((cause?.cause as ApplicationFailure).type).toBe('CardDeclined');
    expect((cause?.cause as ApplicationFailure).details).toEqual([{ code: 51 }]);
  });

  it('rejects a second start with the same id with WorkflowExecutionAlreadyStartedError', async () => {
    const taskQueue = uniqueTaskQueue('client-dup');
    const workflowId = uniqueWorkflowId('dup');
    const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
    const second = env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId, args: [60_000] });
    await expect(second).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await expect(second).rejects.toMatchObject({ workflowId, workflowType: 'approvalWorkflow' });
    await handle.terminate('test cleanup');
  });
});

describe('signals, queries and signal-with-start', () => {
  it('signals and queries a running workflow, then queries it closed', async () => {
    const taskQueue = uniqueTaskQueue('client-signal');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('approval'),
        args: [60_000],
      });
      await waitUntilRunning(handle);
      await handle.signal(addItemSignal, 'laptop');
      await handle.signal('addItem', 'monitor');
      const seen = await waitFor(async () => {
        const s = await handle.query(statusQuery);
        return s.items.length === 2 && s;
      });
      expect(seen).toEqual({ state: 'waiting', items: ['laptop', 'monitor'] });

      await handle.signal(approveSignal, 'alice');
      expect(await handle.result()).toEqual({ outcome: 'approved by alice', items: ['laptop', 'monitor'] });
      expect(await handle.query<{ state: string }>('status')).toMatchObject({ state: 'approved' });
    });
  });

  it('throws QueryNotRegisteredError for an unknown query', async () => {
    const taskQueue = uniqueTaskQueue('client-query');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('query'),
        args: [60_000],
      });
      await waitUntilRunning(handle);
      const err: unknown = await handle.query('noSuchQuery').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryNotRegisteredError);
      expect((err as QueryNotRegisteredError).code).toBe(status.INVALID_ARGUMENT);
      await handle.terminate();
    });
  });

  it('starts with a signal, then signals the running workflow with a second signalWithStart', async () => {
    const taskQueue = uniqueTaskQueue('client-sws');
    const workflowId = uniqueWorkflowId('sws');
    await env.withWorker({ taskQueue, activities }, async () => {
      const first = await env.client.workflow.signalWithStart(approvalWorkflow, {
        taskQueue,
        workflowId,
        args: [60_000],
        signal: addItemSignal,
        signalArgs: ['chair'],
      });
      const second = await env.client.workflow.signalWithStart(approvalWorkflow, {
        taskQueue,
        workflowId,
        args: [60_000],
        signal: approveSignal,
        signalArgs: ['bob'],
      });
      expect(second.signaledRunId).toBe(first.signaledRunId);
      expect(await first.result()).toEqual({ outcome: 'approved by bob', items: ['chair'] });
    });
  });
});

describe('cancel and terminate', () => {
  it('surfaces a cancelled workflow as WorkflowFailedError caused by CancelledFailure', async () => {
    const taskQueue = uniqueTaskQueue('client-cancel');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('cancel'),
        args: [60_000],
      });
      await waitUntilRunning(handle);
      await handle.cancel();
      const err: unknown = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).message).toBe('Workflow execution cancelled');
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    });
  });

  it('surfaces a terminated workflow as WorkflowFailedError caused by TerminatedFailure', async () => {
    const taskQueue = uniqueTaskQueue('client-terminate');
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('terminate'),
      args: [60_000],
    });
    await handle.terminate('no longer needed');
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).message).toBe('no longer needed');
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });
});

describe('describe and fetchHistory', () => {
  it('describes a running and a completed workflow and fetches its whole history', async () => {
    const taskQueue = uniqueTaskQueue('client-describe');
    const workflowId = uniqueWorkflowId('describe');
    await env.withWorker({ taskQueue, activities }, async () => {
      const handle = await env.client.workflow.start(approvalWorkflow, {
        taskQueue,
        workflowId,
        args: [60_000],
        memo: { owner: 'ops', priority: 3 },
      });
      await waitUntilRunning(handle);
      const running = await handle.describe();
      expect(running).toMatchObject({
        type: 'approvalWorkflow',
        workflowId,
        runId: handle.firstExecutionRunId,
        taskQueue,
        status: { name: 'RUNNING' },
      });
      expect(running.startTime).toBeInstanceOf(Date);
      expect(running.closeTime).toBeUndefined();
      expect(running.historyLength).toBeGreaterThan(0);
      expect(running.raw.workflowExecutionInfo?.execution?.workflowId).toBe(workflowId);

      await handle.signal(approveSignal, 'carol');
      await handle.result();
      const closed = await handle.describe();
      expect(closed.status).toEqual({ code: 2, name: 'COMPLETED' });
      expect(closed.closeTime).toBeInstanceOf(Date);

      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      expect(events.length).toBe(closed.historyLength);
      const started = events[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.workflowType?.name).toBe('approvalWorkflow');
      // The server does not return memo from DescribeWorkflowExecution yet: check what was sent.
      const memoFields = started?.memo?.fields ?? {};
      const memo = Object.fromEntries(
        Object.entries(memoFields).map(([key, payload]) => [key, defaultPayloadConverter.fromPayload(payload)]),
      );
      expect(memo).toEqual({ owner: 'ops', priority: 3 });
      expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    });
  });
});

describe('errors and call context', () => {
  it('throws WorkflowNotFoundError for an unknown workflow', async () => {
    const handle = env.client.workflow.getHandle('no-such-workflow');
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(handle.signal('anything')).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('aborts a pending result long poll through withAbortSignal', async () => {
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('client-abort'),
      workflowId: uniqueWorkflowId('abort'),
      args: [60_000],
    });
    const controller = new AbortController();
    const pending = env.connection.withAbortSignal(controller.signal, () => handle.result());
    controller.abort();
    const err: unknown = await pending.catch((e: unknown) => e);
    expect(isGrpcCancelledError(err)).toBe(true);
    await handle.terminate();
  });
});
