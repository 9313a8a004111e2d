/**
 * Local activity histories across the two SDKs: the official worker and Endure's record the same
 * markers for the same code, a history recorded by either replays with the other's replayer,
 * and a local activity marker that no longer matches the code fails replay and, on a live
 * worker, the workflow task as non-deterministic; the next attempt, on matching code, succeeds.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import {
  NativeConnection as OfficialNativeConnection,
  Worker as OfficialWorker,
  bundleWorkflowCode as officialBundleWorkflowCode,
  DefaultLogger as OfficialLogger,
} from '@temporalio/worker';
import { DeterminismViolationError } from '@endure/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@endure/worker';
import { installQuietRuntime } from '../../server/test/helpers/env.js';
import { EventType, eventTypes, eventsOfType, startSdkTestEnv, uniqueTaskQueue, uniqueWorkflowId, waitFor, type SdkTestEnv } from './helpers/env.js';

type History = proto.temporal.api.history.v1.IHistory;
type Sdk = 'endure' | 'official';
const Cause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause;

const workflowsPath = (version: string) => fileURLToPath(new URL(`./workflows/local-activities/${version}.ts`, import.meta.url));

const failedOnce = new Set<string>();
/* eslint-disable @typescript-eslint/require-await -- activities are async by contract */
const activities = {
  async lookup(name: string) {
    return `found ${name}`;
  },
  /** Fails the first time it is called for a name. */
  async flakyLookup(name: string) {
    if (!failedOnce.has(name)) {
      failedOnce.add(name);
      throw new Error(`${name} not ready`);
    }
    return `found ${name} at last`;
  },
  async slowLookup(name: string) {
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    return `found ${name} slowly`;
  },
  async lookupRenamed(name: string) {
    return `renamed ${name}`;
  },
};
/* eslint-enable @typescript-eslint/require-await */

let env: SdkTestEnv;
let endureBundles: Record<string, WorkflowBundle>;
let officialBundle: { code: string };
let officialConnection: OfficialNativeConnection;

beforeAll(async () => {
  installQuietRuntime();
  env = await startSdkTestEnv();
  officialConnection = await OfficialNativeConnection.connect({ address: env.server.address });
  endureBundles = {
    v1: await bundleWorkflowCode({ workflowsPath: workflowsPath('v1') }),
    v2: await bundleWorkflowCode({ workflowsPath: workflowsPath('v2') }),
  };
  // The same file for the official worker: its `@endure/workflow` import resolved to `@temporalio/workflow`.
  const officialWorkflowApi = createRequire(import.meta.url).resolve('@temporalio/workflow');
  officialBundle = await officialBundleWorkflowCode({
    workflowsPath: workflowsPath('v1'),
    logger: new OfficialLogger('WARN'),
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as object), '@endure/workflow': officialWorkflowApi } },
    }),
  });
});

afterAll(async () => {
  await officialConnection?.close();
  await env?.close();
});

function runWorker<T>(sdk: Sdk, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  if (sdk === 'endure') return env.runWorker({ taskQueue, workflowBundle: endureBundles.v1!, activities }, fn);
  return OfficialWorker.create({ connection: officialConnection, taskQueue, workflowBundle: officialBundle, activities }).then((w) => w.runUntil(fn));
}

/** Runs lookupsWorkflow on `sdk`'s worker; returns its history. */
async function recordLookups(sdk: Sdk): Promise<History> {
  const taskQueue = uniqueTaskQueue(`local-replay-${sdk}`);
  return runWorker(sdk, taskQueue, async () => {
    const handle = await env.client.workflow.start('lookupsWorkflow', { taskQueue, workflowId: uniqueWorkflowId('lookups'), args: [sdk] });
    expect(await handle.result()).toBe(`found ${sdk}-a|found ${sdk}-b|found ${sdk} at last`);
    return handle.fetchHistory();
  });
}

/** Marker data (Temporal core's JSON) of every local activity marker. */
function markerData(history: History): Record<string, unknown>[] {
  return eventsOfType(history, EventType.EVENT_TYPE_MARKER_RECORDED)
    .map((e) => e.markerRecordedEventAttributes!)
    .filter((a) => a.markerName === 'core_local_activity')
    .map((a) => JSON.parse(Buffer.from(a.details!.data!.payloads![0]!.data!).toString()) as Record<string, unknown>);
}

describe.each(['endure', 'official'] as const)('a local activity history recorded by the %s worker', (sdk) => {
  let history: History;

  beforeAll(async () => {
    history = await recordLookups(sdk);
  });

  it('has one marker per scheduled local activity, the timer of its sleep and of the backoff, and no activity task', () => {
    expect(eventsOfType(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toEqual([]);
    expect(eventsOfType(history, EventType.EVENT_TYPE_TIMER_STARTED)).toHaveLength(2);
    const markers = markerData(history);
    expect(markers.map((m) => [m.seq, m.activity_type, m.attempt])).toEqual(
      expect.arrayContaining([
        [1, 'lookup', 1],
        [2, 'lookup', 1],
        [3, 'flakyLookup', 1],
        [4, 'flakyLookup', 2],
      ]),
    );
    expect(markers.find((m) => m.seq === 3)?.backoff).toEqual({ seconds: 0, nanos: 200_000_000 });
  });

  it("replays with Endure's replayer", async () => {
    await expect(Worker.runReplayHistory({ workflowBundle: endureBundles.v1! }, history)).resolves.toBeUndefined();
  });

  it('replays with the official replayer', async () => {
    await expect(OfficialWorker.runReplayHistory({ workflowBundle: officialBundle }, history)).resolves.toBeUndefined();
  });

  it('fails replay against code that schedules another local activity there', async () => {
    const replay = Worker.runReplayHistory({ workflowBundle: endureBundles.v2! }, history);
    await expect(replay).rejects.toThrow(DeterminismViolationError);
    await expect(replay).rejects.toThrow(/local activity 1 is 'lookupRenamed'.*history recorded 'lookup'/);
  });
});

describe.each(['endure', 'official'] as const)('histories of heartbeating and cancelled local activities recorded by the %s worker', (sdk) => {
  let slow: History;
  let cancelled: History;

  beforeAll(async () => {
    const taskQueue = uniqueTaskQueue(`local-replay-more-${sdk}`);
    [slow, cancelled] = await runWorker(sdk, taskQueue, async () => {
      // The local activity takes 1.2 s, longer than the task timeout: the first task completes as a heartbeat.
      const slowRun = await env.client.workflow.start('slowLookupWorkflow', { taskQueue, workflowId: uniqueWorkflowId('slow'), args: [sdk], workflowTaskTimeout: '1s' });
      expect(await slowRun.result()).toBe(`found ${sdk} slowly`);
      const cancelledRun = await env.client.workflow.start('cancelledLookupWorkflow', { taskQueue, workflowId: uniqueWorkflowId('cancelled'), args: [sdk] });
      expect(await cancelledRun.result()).toBe('cancelled');
      return [await slowRun.fetchHistory(), await cancelledRun.fetchHistory()];
    });
  });

  it('record the heartbeat as a workflow task completed without commands, and the cancellation as a marker', () => {
    // From the first task's completion to the marker: one heartbeat or more (a loaded machine
    // can make the 1.2 s lookup outlast a second 0.8 s heartbeat deadline), each a task
    // completed without commands and the next task.
    const types = eventTypes(slow);
    const between = types.slice(3, types.indexOf('MARKER_RECORDED'));
    const heartbeats = Math.max(1, Math.round((between.length - 1) / 3));
    const cycle = ['WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED'];
    expect(between).toEqual(['WORKFLOW_TASK_COMPLETED', ...Array.from({ length: heartbeats }, () => cycle).flat()]);
    expect(markerData(cancelled)).toEqual([expect.objectContaining({ seq: 1, activity_type: 'lookup', complete_time: null })]);
  });

  it("replay with Endure's replayer", async () => {
    await expect(Worker.runReplayHistory({ workflowBundle: endureBundles.v1! }, slow)).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowBundle: endureBundles.v1! }, cancelled)).resolves.toBeUndefined();
  });

  it('replay with the official replayer', async () => {
    await expect(OfficialWorker.runReplayHistory({ workflowBundle: officialBundle }, slow)).resolves.toBeUndefined();
    await expect(OfficialWorker.runReplayHistory({ workflowBundle: officialBundle }, cancelled)).resolves.toBeUndefined();
  });
});

describe('a live worker whose code no longer matches a local activity marker', () => {
  it('fails the workflow task with NON_DETERMINISTIC_ERROR; a later attempt on matching code completes the workflow', async () => {
    const taskQueue = uniqueTaskQueue('local-replay-live');
    // A short task timeout: the attempt the changed code fails without reporting it (attempt 2 on) times out soon.
    const handle = await env.client.workflow.start('gatedLookupWorkflow', {
      taskQueue,
      workflowId: uniqueWorkflowId('gated'),
      args: ['ada'],
      workflowTaskTimeout: '1s',
    });
    const hasMarker = async () => markerData(await handle.fetchHistory()).length > 0;
    await env.runWorker({ taskQueue, workflowBundle: endureBundles.v1!, activities }, () =>
      waitFor(hasMarker, { description: 'the lookup marker' }),
    );

    await env.runWorker({ taskQueue, workflowBundle: endureBundles.v2!, activities }, async () => {
      await handle.signal('release');
      await waitFor(async () => eventsOfType(await handle.fetchHistory(), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).length > 0, {
        description: 'the workflow task to fail',
      });
    });
    const [failed] = eventsOfType(await handle.fetchHistory(), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failed?.workflowTaskFailedEventAttributes?.cause).toBe(Cause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
    expect(failed?.workflowTaskFailedEventAttributes?.failure?.message).toMatch(/'lookupRenamed'.*'lookup'/);

    // The server retries the task; the matching code answers it.
    const result = await env.runWorker({ taskQueue, workflowBundle: endureBundles.v1!, activities }, () => handle.result() as Promise<string>);
    expect(result).toBe('found ada');
    expect(eventTypes(await handle.fetchHistory()).at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
  });
});
