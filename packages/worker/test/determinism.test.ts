/**
 * Determinism guarantees of Endure's worker, against a real in-process server:
 * histories replay against unchanged code, changed code is caught as a
 * non-determinism error (in replay tests and on a live worker), `patched()`
 * lets code change safely, and clock and randomness read by workflow code
 * come back identical on replay.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import { DeterminismViolationError } from '@endure/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@endure/worker';
import type { Entropy } from './workflows/entropy.js';
import {
  EventType,
  eventTypes,
  eventsOfType,
  scheduledActivityTypes,
  startSdkTestEnv,
  uniqueTaskQueue,
  uniqueWorkflowId,
  waitFor,
  type SdkTestEnv,
} from './helpers/env.js';

const Cause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause;
const PendingWorkflowTaskState = proto.temporal.api.enums.v1.PendingWorkflowTaskState;

const workflowsPath = (name: string) => fileURLToPath(new URL(`./workflows/${name}.ts`, import.meta.url));

let env: SdkTestEnv;
const bundles: Record<string, WorkflowBundle> = {};

beforeAll(async () => {
  env = await startSdkTestEnv();
  const names = ['v1', 'v2', 'v2-renamed-activity', 'v2-extra-timer', 'v2-removed-activity', 'v2-unpatched'];
  for (const name of names) bundles[name] = await bundleWorkflowCode({ workflowsPath: workflowsPath(`versions/${name}`) });
  bundles.entropy = await bundleWorkflowCode({ workflowsPath: workflowsPath('entropy') });
});

afterAll(async () => {
  await env?.close();
});

function bundle(name: string): WorkflowBundle {
  const found = bundles[name];
  if (!found) throw new Error(`no bundle named ${name}`);
  return found;
}

/** Activities of every version; each call is recorded by name. */
function recordingActivities(calls: string[]) {
  const record = (name: string, result: string) => () => {
    calls.push(name);
    return Promise.resolve(result);
  };
  return {
    stepOne: (name: string) => {
      calls.push('stepOne');
      return Promise.resolve(`one(${name})`);
    },
    stepTwo: (input: string) => {
      calls.push('stepTwo');
      return Promise.resolve(`two(${input})`);
    },
    prepare: record('prepare', 'prepared'),
    oldActivity: record('oldActivity', 'old'),
    newActivity: record('newActivity', 'new'),
    afterRelease: record('afterRelease', 'released'),
  };
}

function hasEvent(type: number) {
  return (history: proto.temporal.api.history.v1.IHistory) => eventsOfType(history, type).length > 0;
}

/** Runs `workflowType` on a v1 worker until its first workflow task completed; the worker is gone afterwards. */
async function startOnV1(workflowType: string, taskQueue: string, calls: string[], until: (h: proto.temporal.api.history.v1.IHistory) => boolean) {
  const handle = await env.client.workflow.start(workflowType, { taskQueue, workflowId: uniqueWorkflowId(workflowType) });
  await env.runWorker({ taskQueue, workflowBundle: bundle('v1'), activities: recordingActivities(calls) }, () =>
    waitFor(async () => until(await handle.fetchHistory()), { description: `${workflowType} to reach its signal wait on v1` }),
  );
  return handle;
}

describe('replaying a completed history', () => {
  let history: proto.temporal.api.history.v1.IHistory;

  beforeAll(async () => {
    const taskQueue = uniqueTaskQueue('determinism-steps');
    const calls: string[] = [];
    const handle = await env.runWorker({ taskQueue, workflowBundle: bundle('v1'), activities: recordingActivities(calls) }, async () => {
      const started = await env.client.workflow.start('stepsWorkflow', { taskQueue, workflowId: uniqueWorkflowId('steps'), args: ['ada'] });
      expect(await started.result()).toBe('two(one(ada))');
      return started;
    });
    expect(calls).toEqual(['stepOne', 'stepTwo']);
    history = await handle.fetchHistory();
    expect(scheduledActivityTypes(history)).toEqual(['stepOne', 'stepTwo']);
  });

  it('succeeds against the code that produced it', async () => {
    await expect(Worker.runReplayHistory({ workflowBundle: bundle('v1') }, history)).resolves.toBeUndefined();
  });

  it.each([
    ['a renamed activity type', 'v2-renamed-activity', /ACTIVITY_TASK_SCHEDULED.*'stepOne'.*SCHEDULE_ACTIVITY_TASK.*'stepOneRenamed'/],
    ['an extra timer', 'v2-extra-timer', /ACTIVITY_TASK_SCHEDULED.*'stepTwo'.*START_TIMER/],
    ['a removed activity', 'v2-removed-activity', /ACTIVITY_TASK_SCHEDULED.*'stepTwo'.*COMPLETE_WORKFLOW_EXECUTION/],
  ])('throws DeterminismViolationError naming the mismatch for %s', async (_, version, message) => {
    const replay = Worker.runReplayHistory({ workflowBundle: bundle(version) }, history);
    await expect(replay).rejects.toThrow(DeterminismViolationError);
    await expect(replay).rejects.toThrow(message);
  });
});

describe('a live worker running changed code', () => {
  it('fails the workflow task with NON_DETERMINISTIC_ERROR and the workflow makes no progress', async () => {
    const taskQueue = uniqueTaskQueue('determinism-live');
    const calls: string[] = [];
    const handle = await startOnV1('gateWorkflow', taskQueue, calls, hasEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));

    // Worker B has v2, which schedules `prepare` in a task history recorded with no command.
    await env.runWorker({ taskQueue, workflowBundle: bundle('v2'), activities: recordingActivities(calls) }, async () => {
      await handle.signal('release');
      await waitFor(async () => hasEvent(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)(await handle.fetchHistory()), {
        description: 'the workflow task to fail',
      });
      // The server retries the task at once; wait until worker B holds the retry too.
      await waitFor(
        async () => {
          const task = (await handle.describe()).raw.pendingWorkflowTask;
          return (task?.attempt ?? 0) >= 2 && task?.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED;
        },
        { description: 'worker B to pick up the retried workflow task' },
      );
    });

    const history = await handle.fetchHistory();
    const [failed, ...moreFailures] = eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(moreFailures).toEqual([]);
    const attrs = failed?.workflowTaskFailedEventAttributes;
    expect(attrs?.cause).toBe(Cause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
    expect(attrs?.failure?.message).toMatch(/SCHEDULE_ACTIVITY_TASK/);
    const types = eventTypes(history);
    const failedAt = types.indexOf('WORKFLOW_TASK_FAILED');
    expect(types.slice(0, failedAt + 1)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_SIGNALED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_FAILED',
    ]);
    // At most the retried task itself follows (Temporal keeps it out of history; Endure records it): no command got through.
    expect(types.slice(failedAt + 1).filter((t) => t !== 'WORKFLOW_TASK_SCHEDULED' && t !== 'WORKFLOW_TASK_STARTED')).toEqual([]);
    expect(calls).toEqual([]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
  });
});

describe('patched()', () => {
  it('keeps running histories on the old branch and takes the new one in fresh runs', async () => {
    const taskQueue = uniqueTaskQueue('determinism-patch');
    const calls: string[] = [];
    // v1 ran oldActivity and reached its signal wait: the task after the activity completed.
    const old = await startOnV1('patchWorkflow', taskQueue, calls, (h) =>
      hasEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)(h) && eventsOfType(h, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length === 2,
    );
    expect(calls).toEqual(['oldActivity']);

    const fresh = await env.runWorker({ taskQueue, workflowBundle: bundle('v2'), activities: recordingActivities(calls) }, async () => {
      // The v1 run replays its first tasks on v2: no patch marker in history, so the old branch.
      await old.signal('release');
      expect(await old.result()).toBe('old');
      const handle = await env.client.workflow.start('patchWorkflow', { taskQueue, workflowId: uniqueWorkflowId('patch-fresh') });
      await handle.signal('release');
      expect(await handle.result()).toBe('new');
      return handle;
    });
    expect(calls).toEqual(['oldActivity', 'newActivity']);

    const oldHistory = await old.fetchHistory();
    const freshHistory = await fresh.fetchHistory();
    expect(scheduledActivityTypes(oldHistory)).toEqual(['oldActivity']);
    expect(eventsOfType(oldHistory, EventType.EVENT_TYPE_MARKER_RECORDED)).toEqual([]);
    expect(scheduledActivityTypes(freshHistory)).toEqual(['newActivity']);
    expect(eventsOfType(freshHistory, EventType.EVENT_TYPE_MARKER_RECORDED)).toHaveLength(1);

    // Both histories replay against v2; v1's would not against v2 changed without a patch.
    await expect(Worker.runReplayHistory({ workflowBundle: bundle('v2') }, oldHistory)).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle('v2') }, freshHistory)).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle('v2-unpatched') }, oldHistory)).rejects.toThrow(DeterminismViolationError);
  });
});

describe('time and randomness in workflow code', () => {
  it('Date.now(), new Date(), Math.random() and uuid4() read the same values on replay', async () => {
    const taskQueue = uniqueTaskQueue('determinism-entropy');
    const handle = await env.client.workflow.start('entropyWorkflow', { taskQueue, workflowId: uniqueWorkflowId('entropy') });
    const workerOptions = { taskQueue, workflowBundle: bundle('entropy') };
    const queryEntropy = () => handle.query<Entropy>('entropy');

    const first = await env.runWorker(workerOptions, () => waitFor(queryEntropy, { description: 'the entropy query to be answered' }));
    // A new worker has nothing cached: it answers the query by replaying history in a fresh sandbox.
    const replayed = await env.runWorker(workerOptions, async () => {
      const answer = await queryEntropy();
      await handle.signal('release');
      const result: unknown = await handle.result();
      return { answer, result };
    });
    expect(replayed.answer).toEqual(first);
    expect(replayed.result).toEqual(first);

    // Workflow time is the start time of the workflow task that read it.
    const history = await handle.fetchHistory();
    const taskStarted = eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)[0]?.eventTime;
    const taskStartedMs = Number(taskStarted?.seconds) * 1000 + Math.floor((taskStarted?.nanos ?? 0) / 1e6);
    expect(first.now).toBe(taskStartedMs);
    expect(first.dateNow).toBe(new Date(taskStartedMs).toISOString());
    expect(first.random).toBeGreaterThanOrEqual(0);
    expect(first.random).toBeLessThan(1);
    expect(first.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect(Worker.runReplayHistory({ workflowBundle: bundle('entropy') }, history)).resolves.toBeUndefined();
  });
});

describe('bundling', () => {
  it('refuses workflow code that imports a Node built-in, naming the module', async () => {
    const bundling = bundleWorkflowCode({ workflowsPath: workflowsPath('imports-node-fs') });
    await expect(bundling).rejects.toThrow(/Node built-in 'node:fs'/);
    await expect(bundling).rejects.toThrow(/imports-node-fs\.ts/);
  });
});
