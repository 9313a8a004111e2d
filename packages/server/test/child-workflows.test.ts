/**
 * Child workflows and handles to other workflows, as a user of the SDK sees
 * them: results and failures reaching the parent, the events the parent
 * records, parent close policies, and signals and cancels sent by a workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import {
  cancelSender,
  fanOutParent,
  grandparentWorkflow,
  parentCancellingChild,
  parentCancellingChildWith,
  parentOfFailingChild,
  parentSignallingChild,
  parentStartingDuplicate,
  parentThatLeaves,
  parentWaitingForever,
  signalSender,
  waitingChild,
} from './workflows/children.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('child workflows', () => {
  it('runs children and returns their results to the parent, with the events in order', async () => {
    const taskQueue = uniqueTaskQueue('children');
    const workflowId = uniqueWorkflowId('fan-out');
    const history = await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(fanOutParent, { taskQueue, workflowId, args: [3] });
      expect(await handle.result()).toBe(2 + 4 + 6);
      return handle.fetchHistory();
    });
    const types = eventTypes(history);
    expect(types.filter((t) => t === 'START_CHILD_WORKFLOW_EXECUTION_INITIATED')).toHaveLength(3);
    expect(types.filter((t) => t === 'CHILD_WORKFLOW_EXECUTION_STARTED')).toHaveLength(3);
    expect(types.filter((t) => t === 'CHILD_WORKFLOW_EXECUTION_COMPLETED')).toHaveLength(3);
    const events = history.events!;
    for (const e of events) {
      const started = e.childWorkflowExecutionStartedEventAttributes;
      const completed = e.childWorkflowExecutionCompletedEventAttributes;
      const ref = started ?? completed;
      if (!ref) continue;
      const initiated = events[Number(ref.initiatedEventId) - 1]!;
      expect(eventTypes({ events: [initiated] })).toEqual(['START_CHILD_WORKFLOW_EXECUTION_INITIATED']);
      expect(initiated.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId).toBe(ref.workflowExecution!.workflowId);
      if (completed) {
        const startedEvent = events[Number(completed.startedEventId) - 1]!;
        expect(eventTypes({ events: [startedEvent] })).toEqual(['CHILD_WORKFLOW_EXECUTION_STARTED']);
        expect(startedEvent.childWorkflowExecutionStartedEventAttributes!.workflowExecution!.runId).toBe(
          completed.workflowExecution!.runId,
        );
        expect(Number(startedEvent.eventId)).toBeGreaterThan(Number(completed.initiatedEventId));
        expect(Number(e.eventId)).toBeGreaterThan(Number(completed.startedEventId));
      }
    }
  });

  it('runs children on another task queue', async () => {
    const parentQueue = uniqueTaskQueue('parent');
    const childQueue = uniqueTaskQueue('child');
    const childWorker = await env.createWorker({ taskQueue: childQueue });
    const result = await childWorker.runUntil(
      env.withWorker({ taskQueue: parentQueue }, () =>
        env.client.workflow.execute(fanOutParent, { taskQueue: parentQueue, workflowId: uniqueWorkflowId('tq'), args: [2, childQueue] }),
      ),
    );
    expect(result).toBe(2 + 4);
  });

  it('gives the parent a ChildWorkflowFailure wrapping the child failure', async () => {
    const taskQueue = uniqueTaskQueue('child-fail');
    const result = await env.withWorker({ taskQueue }, () =>
      env.client.workflow.execute(parentOfFailingChild, { taskQueue, workflowId: uniqueWorkflowId('child-fail') }),
    );
    expect(result).toEqual({ error: 'ChildWorkflowFailure', causeMessage: 'boom', causeType: 'ChildBroke' });
  });

  it('lets the child know its parent and root, in workflowInfo and in describe', async () => {
    const taskQueue = uniqueTaskQueue('family');
    const workflowId = uniqueWorkflowId('grandparent');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(grandparentWorkflow, { taskQueue, workflowId });
      const family = await handle.result();
      expect(family.parent?.workflowId).toBe(`${workflowId}-child`);
      expect(family.root).toEqual({ workflowId, runId: handle.firstExecutionRunId });
      const grandchild = await env.client.workflow.getHandle(`${workflowId}-child-grandchild`).describe();
      expect(grandchild.parentExecution?.workflowId).toBe(`${workflowId}-child`);
      expect(grandchild.rootExecution).toEqual({ workflowId, runId: handle.firstExecutionRunId });
      const top = await handle.describe();
      expect(top.parentExecution).toBeUndefined();
    });
  });

  it('fails a child start whose workflow id is already running, without failing the parent', async () => {
    const taskQueue = uniqueTaskQueue('dup');
    const childId = uniqueWorkflowId('busy');
    await env.withWorker({ taskQueue }, async () => {
      const busy = await env.client.workflow.start(waitingChild, { taskQueue, workflowId: childId });
      const parent = await env.client.workflow.start(parentStartingDuplicate, { taskQueue, workflowId: uniqueWorkflowId('dup-parent'), args: [childId] });
      expect(await parent.result()).toBe('WorkflowExecutionAlreadyStartedError');
      expect(eventTypes(await parent.fetchHistory())).toContain('START_CHILD_WORKFLOW_EXECUTION_FAILED');
      await busy.terminate();
    });
  });

  it('delivers a signal from the parent to its child through the child handle', async () => {
    const taskQueue = uniqueTaskQueue('child-signal');
    const workflowId = uniqueWorkflowId('child-signal');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(parentSignallingChild, { taskQueue, workflowId });
      expect(await handle.result()).toBe('from parent');
      const types = eventTypes(await handle.fetchHistory());
      expect(types).toContain('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
      expect(types).toContain('EXTERNAL_WORKFLOW_EXECUTION_SIGNALED');
    });
  });

  it('cancels a child when the scope that started it is cancelled', async () => {
    const taskQueue = uniqueTaskQueue('child-cancel');
    const workflowId = uniqueWorkflowId('child-cancel');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(parentCancellingChild, { taskQueue, workflowId });
      expect(await handle.result()).toBe('cancelled');
      const child = await env.client.workflow.getHandle(`${workflowId}-child`).describe();
      expect(child.status.name).toBe('CANCELLED');
      const types = eventTypes(await handle.fetchHistory());
      expect(types).toContain('REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
      expect(types).toContain('EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED');
      expect(types).toContain('CHILD_WORKFLOW_EXECUTION_CANCELED');
    });
  });
});

describe('child cancellation types', () => {
  async function cancelChildWith(type: 'ABANDON' | 'TRY_CANCEL' | 'WAIT_CANCELLATION_REQUESTED') {
    const taskQueue = uniqueTaskQueue(`cancel-${type}`);
    const workflowId = uniqueWorkflowId(`cancel-${type}`);
    return env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(parentCancellingChildWith, { taskQueue, workflowId, args: [type] });
      const outcome = await handle.result();
      const child = env.client.workflow.getHandle(`${workflowId}-child`);
      const types = eventTypes(await handle.fetchHistory());
      const childStatus = type !== 'WAIT_CANCELLATION_REQUESTED'
        ? (await child.describe()).status.name
        : await waitFor(async () => {
            const status = (await child.describe()).status.name;
            return status === 'RUNNING' ? undefined : status;
          }, { description: 'child closed' });
      if (childStatus === 'RUNNING') await child.terminate();
      return { outcome, types, childStatus };
    });
  }

  it('ABANDON: the parent sees the cancellation at once and the child is not told', async () => {
    const { outcome, types, childStatus } = await cancelChildWith('ABANDON');
    expect(outcome).toBe('cancelled');
    expect(types).not.toContain('REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    expect(childStatus).toBe('RUNNING');
  });

  it('TRY_CANCEL: the parent sees the cancellation at once, without waiting for the request', async () => {
    const { outcome, types, childStatus } = await cancelChildWith('TRY_CANCEL');
    expect(outcome).toBe('cancelled');
    // The parent completes in the same task that sends the request: it never waits for the answer.
    expect(types.slice(-2)).toEqual(['REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED', 'WORKFLOW_EXECUTION_COMPLETED']);
    // As in Temporal, a request whose sender has closed is not delivered (a REQUEST_CANCEL parent close policy is the remedy).
    expect(childStatus).toBe('RUNNING');
  });

  it('WAIT_CANCELLATION_REQUESTED: the parent waits until the request reached the child', async () => {
    const { outcome, types, childStatus } = await cancelChildWith('WAIT_CANCELLATION_REQUESTED');
    expect(outcome).toBe('cancelled');
    expect(types.indexOf('EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED')).toBeGreaterThan(0);
    expect(types.indexOf('EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED')).toBeLessThan(types.indexOf('WORKFLOW_EXECUTION_COMPLETED'));
    expect(childStatus).toBe('CANCELLED');
  });
});

describe('parent close policies', () => {
  const cases = [
    { policy: 'TERMINATE', expected: 'TERMINATED' },
    { policy: 'REQUEST_CANCEL', expected: 'CANCELLED' },
    { policy: 'ABANDON', expected: 'RUNNING' },
  ] as const;
  for (const { policy, expected } of cases) {
    it(`${policy}: the child is ${expected.toLowerCase()} once the parent completes`, async () => {
      const taskQueue = uniqueTaskQueue(`policy-${policy}`);
      const childId = uniqueWorkflowId(`policy-${policy}`);
      await env.withWorker({ taskQueue }, async () => {
        const parent = await env.client.workflow.start(parentThatLeaves, {
          taskQueue,
          workflowId: uniqueWorkflowId('leaving-parent'),
          args: [childId, policy],
        });
        const childRunId = await parent.result();
        const child = env.client.workflow.getHandle(childId, childRunId);
        if (expected === 'RUNNING') {
          // Policy rows run in order: once a later TERMINATE policy has acted, this one would have too.
          const witnessId = uniqueWorkflowId('witness');
          await env.client.workflow.execute(parentThatLeaves, { taskQueue, workflowId: uniqueWorkflowId('witness-parent'), args: [witnessId, 'TERMINATE'] });
          const witness = env.client.workflow.getHandle(witnessId);
          await waitFor(async () => (await witness.describe()).status.name === 'TERMINATED', { description: 'witness terminated' });
          const described = await child.describe();
          expect(described.status.name).toBe('RUNNING');
          expect(described.parentExecution?.workflowId).toBe(parent.workflowId);
          await child.terminate();
          return;
        }
        await waitFor(async () => (await child.describe()).status.name === expected, {
          timeoutMs: 10_000,
          description: `child ${expected}`,
        });
      });
    });
  }

  it('TERMINATE also applies when the parent is terminated', async () => {
    const taskQueue = uniqueTaskQueue('policy-terminated-parent');
    const childId = uniqueWorkflowId('orphan');
    await env.withWorker({ taskQueue }, async () => {
      // The parent waits forever after starting its child; terminating it closes it.
      const parent = await env.client.workflow.start(parentWaitingForever, {
        taskQueue,
        workflowId: uniqueWorkflowId('terminated-parent'),
        args: [childId],
      });
      const child = env.client.workflow.getHandle(childId);
      await waitFor(async () => (await child.describe()).status.name === 'RUNNING', { description: 'child running' });
      await parent.terminate('test');
      await waitFor(async () => (await child.describe()).status.name === 'TERMINATED', { description: 'child terminated' });
    });
  });
});

describe('signals and cancels to other workflows', () => {
  it('signals a running workflow by id', async () => {
    const taskQueue = uniqueTaskQueue('ext-signal');
    await env.withWorker({ taskQueue }, async () => {
      const target = await env.client.workflow.start(waitingChild, { taskQueue, workflowId: uniqueWorkflowId('target') });
      const sender = await env.client.workflow.execute(signalSender, {
        taskQueue,
        workflowId: uniqueWorkflowId('sender'),
        args: [target.workflowId, 'hello'],
      });
      expect(sender).toBe('signalled');
      expect(await target.result()).toBe('hello');
    });
  });

  it('fails the signal of a workflow that does not exist, not the sender', async () => {
    const taskQueue = uniqueTaskQueue('ext-missing');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(signalSender, {
        taskQueue,
        workflowId: uniqueWorkflowId('sender'),
        args: [uniqueWorkflowId('nobody'), 'hello'],
      });
      expect(await handle.result()).toMatch(/^failed: .*not found/i);
      expect(eventTypes(await handle.fetchHistory())).toContain('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED');
    });
  });

  it('requests cancellation of another workflow', async () => {
    const taskQueue = uniqueTaskQueue('ext-cancel');
    await env.withWorker({ taskQueue }, async () => {
      const target = await env.client.workflow.start(waitingChild, { taskQueue, workflowId: uniqueWorkflowId('target') });
      const sender = await env.client.workflow.execute(cancelSender, {
        taskQueue,
        workflowId: uniqueWorkflowId('canceller'),
        args: [target.workflowId],
      });
      expect(sender).toBe('cancel requested');
      const err = await target.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const history = await target.fetchHistory();
      const requested = history.events!.find((e) => e.workflowExecutionCancelRequestedEventAttributes);
      expect(requested?.workflowExecutionCancelRequestedEventAttributes?.externalWorkflowExecution?.workflowId).toMatch(/^canceller-/);
    });
  });

  it('fails the cancel of a workflow that does not exist', async () => {
    const taskQueue = uniqueTaskQueue('ext-cancel-missing');
    const result = await env.withWorker({ taskQueue }, () =>
      env.client.workflow.execute(cancelSender, { taskQueue, workflowId: uniqueWorkflowId('canceller'), args: [uniqueWorkflowId('nobody')] }),
    );
    expect(result).toMatch(/^failed: .*not found/i);
  });
});
