/**
 * Sticky execution through a worker of each SDK: a cached run's next tasks come on the
 * worker's own queue; a run the worker no longer has cached is rebuilt from its whole
 * history; and a worker that shuts down hands its runs to the next worker at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { addItemSignal, approvalWorkflow, approveSignal } from './workflows/approval.js';

const { EventType, TaskQueueKind } = temporal.api.enums.v1;
type History = temporal.api.history.v1.IHistory;

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

function startedBy(history: History): string[] {
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
    .map((e) => e.workflowTaskStartedEventAttributes!.identity!);
}

function scheduledKinds(history: History): number[] {
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
    .map((e) => e.workflowTaskScheduledEventAttributes!.taskQueue!.kind!);
}

describe('sticky execution', () => {
  it("sends a cached run's next tasks to its worker's sticky queue, and after that worker shuts down, to the next worker at once", async () => {
    const taskQueue = uniqueTaskQueue('sticky-shutdown');
    const handle = await env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId('sticky-shutdown'), args: [60_000] });
    await env.withWorker({ taskQueue, identity: 'first', stickyQueueScheduleToStartTimeout: '1 minute' }, async () => {
      await waitFor(async () => startedBy(await handle.fetchHistory()).length === 1, { description: 'the first workflow task' });
      await handle.signal(addItemSignal, 'a');
      await waitFor(async () => eventTypes(await handle.fetchHistory()).filter((t) => t === 'WORKFLOW_TASK_COMPLETED').length === 2, {
        description: 'the second workflow task',
      });
    });
    expect(scheduledKinds(await handle.fetchHistory())).toEqual([TaskQueueKind.TASK_QUEUE_KIND_NORMAL, TaskQueueKind.TASK_QUEUE_KIND_STICKY]);

    // The first worker released its sticky queue: the 1-minute sticky timeout does not hold the task back.
    const result = await env.withWorker({ taskQueue, identity: 'second' }, async () => {
      await handle.signal(approveSignal, 'ops');
      return handle.result();
    });
    expect(result).toEqual({ outcome: 'approved by ops', items: ['a'] });
    const history = await handle.fetchHistory();
    expect(startedBy(history)).toEqual(['first', 'first', 'second']);
    expect(eventTypes(history)).not.toContain('WORKFLOW_TASK_TIMED_OUT');
  });

  it('rebuilds a run it no longer has cached from the whole history when a sticky task brings only the new events', async () => {
    const taskQueue = uniqueTaskQueue('sticky-evicted');
    const [first, second] = await Promise.all(
      ['a', 'b'].map((n) =>
        env.client.workflow.start(approvalWorkflow, { taskQueue, workflowId: uniqueWorkflowId(`sticky-evicted-${n}`), args: [60_000] }),
      ),
    );
    const result = await env.withWorker({ taskQueue, maxCachedWorkflows: 1 }, async () => {
      for (const handle of [first!, second!]) {
        await waitFor(async () => eventTypes(await handle.fetchHistory()).includes('WORKFLOW_TASK_COMPLETED'), { description: 'a first task' });
      }
      // One of the two runs was evicted to cache the other; both get a sticky task with only the new events.
      await first!.signal(addItemSignal, 'x');
      await second!.signal(addItemSignal, 'y');
      await first!.signal(approveSignal, 'ops');
      await second!.signal(approveSignal, 'ops');
      return Promise.all([first!.result(), second!.result()]);
    });
    expect(result).toEqual([
      { outcome: 'approved by ops', items: ['x'] },
      { outcome: 'approved by ops', items: ['y'] },
    ]);
    for (const handle of [first!, second!]) {
      const history = await handle.fetchHistory();
      expect(scheduledKinds(history).slice(1)).toContain(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
      // A partial history on a cache miss is not a failure: the worker fetched the rest.
      expect(eventTypes(history)).not.toContain('WORKFLOW_TASK_FAILED');
    }
  });
});
