/**
 * Replay of saved histories: histories recorded by Endure's worker AND by the
 * official `@temporalio/worker` (same workflow code) replay with Endure's
 * replayer, as History messages, after a round trip through Temporal's
 * history JSON format, and from the JSON files committed under fixtures/.
 * Endure's histories also replay with the official replayer.
 *
 * Refresh the fixtures with `ENDURE_UPDATE_FIXTURES=1 npx vitest run packages/worker/test/replay.test.ts`.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type proto from '@temporalio/proto';
import {
  NativeConnection as OfficialNativeConnection,
  Worker as OfficialWorker,
  bundleWorkflowCode as officialBundleWorkflowCode,
  DefaultLogger as OfficialLogger,
} from '@temporalio/worker';
import { DeterminismViolationError } from '@endure/workflow';
import { Worker, bundleWorkflowCode, historyFromJSON, type ReplayResult, type WorkflowBundle } from '@endure/worker';
import { installQuietRuntime } from '../../server/test/helpers/env.js';
import type { OrderResult } from './workflows/orders.js';
import {
  EventType,
  eventsOfType,
  scheduledActivityTypes,
  startSdkTestEnv,
  uniqueTaskQueue,
  uniqueWorkflowId,
  waitFor,
  type SdkTestEnv,
} from './helpers/env.js';
import { historyToJSON } from './helpers/history-json.js';

type History = proto.temporal.api.history.v1.IHistory;
type Sdk = 'endure' | 'official';
type Recorded = Record<string, History>;

const workflowsPath = fileURLToPath(new URL('./workflows/orders.ts', import.meta.url));
const fixturesDir = (sdk: Sdk) => fileURLToPath(new URL(`./fixtures/${sdk}/`, import.meta.url));
const updateFixtures = process.env.ENDURE_UPDATE_FIXTURES === '1';

/* eslint-disable @typescript-eslint/require-await -- activities are async by contract */
const activities = {
  async reserve(orderId: string) {
    return `R-${orderId}`;
  },
  async charge(orderId: string) {
    return `C-${orderId}`;
  },
  async chargeWithReceipt(orderId: string) {
    return `CR-${orderId}`;
  },
  async ship(orderId: string, items: string[]) {
    if (items.length === 0) throw new Error('order has no items');
    return `S-${orderId}-${items.length}`;
  },
  async greet(name: string) {
    return `hello ${name}`;
  },
};
/* eslint-enable @typescript-eslint/require-await */

let env: SdkTestEnv;
let endureBundle: WorkflowBundle;
let officialBundle: { code: string };
let officialConnection: OfficialNativeConnection;

beforeAll(async () => {
  installQuietRuntime();
  env = await startSdkTestEnv();
  officialConnection = await OfficialNativeConnection.connect({ address: env.server.address });
  endureBundle = await bundleWorkflowCode({ workflowsPath });
  // The same file for the official worker: its `@endure/workflow` import resolved to `@temporalio/workflow`.
  const officialWorkflowApi = createRequire(import.meta.url).resolve('@temporalio/workflow');
  officialBundle = await officialBundleWorkflowCode({
    workflowsPath,
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
  if (sdk === 'endure') return env.runWorker({ taskQueue, workflowBundle: endureBundle, activities }, fn);
  return OfficialWorker.create({ connection: officialConnection, taskQueue, workflowBundle: officialBundle, activities }).then((w) => w.runUntil(fn));
}

/** Runs every workflow of orders.ts once on `sdk`'s worker and returns the histories. */
async function record(sdk: Sdk): Promise<Recorded> {
  const taskQueue = uniqueTaskQueue(`replay-${sdk}`);
  const { client } = env;
  return runWorker(sdk, taskQueue, async () => {
    const order = await client.workflow.start('orderWorkflow', { taskQueue, workflowId: uniqueWorkflowId('order'), args: ['o1'] });
    await order.signal('addItem', 'book');
    await order.signal('addItem', 'pen');
    await order.signal('close');
    const expected: OrderResult = { reservation: 'R-o1', payment: 'CR-o1', items: ['book', 'pen'], shipping: 'S-o1-2' };
    expect(await order.result()).toEqual(expected);

    const empty = await client.workflow.start('orderWorkflow', { taskQueue, workflowId: uniqueWorkflowId('empty-order'), args: ['o2'] });
    await empty.signal('close');
    expect(await empty.result()).toMatchObject({ items: [], shipping: 'not shipped: order has no items' });

    const greet = await client.workflow.start('greetWorkflow', { taskQueue, workflowId: uniqueWorkflowId('greet'), args: ['ada'] });
    expect(await greet.result()).toBe('hello ada');

    const sleepy = await client.workflow.start('sleepyWorkflow', { taskQueue, workflowId: uniqueWorkflowId('sleepy') });
    await waitFor(async () => eventsOfType(await sleepy.fetchHistory(), EventType.EVENT_TYPE_TIMER_STARTED).length > 0, {
      description: 'sleepyWorkflow to start its timer',
    });
    await sleepy.cancel();
    await expect(sleepy.result()).rejects.toThrow();

    const histories: Recorded = {};
    for (const [name, handle] of Object.entries({ order, 'empty-order': empty, greet, sleepy })) histories[name] = await handle.fetchHistory();
    return histories;
  });
}

function readFixtures(sdk: Sdk): Record<string, unknown> {
  const dir = fixturesDir(sdk);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return Object.fromEntries(files.map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(dir + f, 'utf8')) as unknown]));
}

function writeFixtures(sdk: Sdk, histories: Recorded): void {
  mkdirSync(fixturesDir(sdk), { recursive: true });
  for (const [name, history] of Object.entries(histories)) writeFileSync(`${fixturesDir(sdk)}${name}.json`, `${historyToJSON(history)}\n`);
}

/** The shape every run of these workflows has, whichever SDK recorded it. */
function checkShape(histories: Recorded): void {
  expect(scheduledActivityTypes(histories.order!)).toEqual(['reserve', 'chargeWithReceipt', 'ship']);
  expect(eventsOfType(histories.order!, EventType.EVENT_TYPE_MARKER_RECORDED)).toHaveLength(1);
  expect(eventsOfType(histories['empty-order']!, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)).toHaveLength(1);
  expect(eventsOfType(histories.sleepy!, EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);
  expect(eventsOfType(histories.sleepy!, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)).toHaveLength(1);
}

async function replayAll(histories: Record<string, unknown>): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const items = Object.entries(histories).map(([workflowId, history]) => ({ workflowId, history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: endureBundle }, items)) results.push(result);
  return results;
}

describe.each(['endure', 'official'] as const)('histories recorded by the %s worker', (sdk) => {
  let histories: Recorded;

  beforeAll(async () => {
    histories = await record(sdk);
    if (updateFixtures) writeFixtures(sdk, histories);
  });

  it('have the expected shape', () => {
    checkShape(histories);
  });

  it('replay with Endure from the fetched History messages', async () => {
    for (const [name, history] of Object.entries(histories)) {
      await expect(Worker.runReplayHistory({ workflowBundle: endureBundle }, history, name), name).resolves.toBeUndefined();
    }
  });

  it("replay with Endure after a round trip through Temporal's history JSON", async () => {
    const json = Object.fromEntries(Object.entries(histories).map(([name, h]) => [name, JSON.parse(historyToJSON(h)) as unknown]));
    expect((await replayAll(json)).filter((r) => r.error)).toEqual([]);
  });
});

describe('histories recorded by the Endure worker', () => {
  it('replay with the official replayer', async () => {
    const histories = await record('endure');
    for (const [name, history] of Object.entries(histories)) {
      await expect(OfficialWorker.runReplayHistory({ workflowBundle: officialBundle }, history, name), name).resolves.toBeUndefined();
    }
  });
});

describe.each(['endure', 'official'] as const)('committed %s fixtures', (sdk) => {
  it('parse with historyFromJSON into the shape the recorder produces', () => {
    const fixtures = readFixtures(sdk);
    expect(Object.keys(fixtures)).toEqual(['empty-order', 'greet', 'order', 'sleepy']);
    checkShape(Object.fromEntries(Object.entries(fixtures).map(([name, json]) => [name, historyFromJSON(json)])));
  });

  it('replay one by one from JSON with runReplayHistory', async () => {
    for (const [name, json] of Object.entries(readFixtures(sdk))) {
      await expect(Worker.runReplayHistory({ workflowBundle: endureBundle }, json, name), name).resolves.toBeUndefined();
    }
  });

  it('replay together with runReplayHistories, which reports the non-deterministic one', async () => {
    const fixtures = readFixtures(sdk);
    // As if recorded by an older version of orderWorkflow whose first activity was `reserveV0`.
    const older = structuredClone(fixtures.order) as { events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] };
    const scheduled = older.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'reserve');
    scheduled!.activityTaskScheduledEventAttributes!.activityType.name = 'reserveV0';

    const results = await replayAll({ ...fixtures, 'order-v0': older });
    expect(results.map((r) => r.workflowId)).toEqual([...Object.keys(fixtures), 'order-v0']);
    expect(results.filter((r) => r.error).map((r) => r.workflowId)).toEqual(['order-v0']);
    const failed = results.find((r) => r.error);
    expect(failed?.error).toBeInstanceOf(DeterminismViolationError);
    expect(failed?.error?.message).toMatch(/'reserveV0'.*SCHEDULE_ACTIVITY_TASK \(activity type 'reserve'/);
  });
});
