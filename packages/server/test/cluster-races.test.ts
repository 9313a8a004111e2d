/**
 * Two nodes acting on one workflow at once (issue 11, "Faults"): two nodes on one PostgreSQL
 * database, a client and a worker connected directly to each, and one workflow receiving
 * signals, signal-with-starts, a cancel and activity completions through both nodes at the
 * same moment. Whatever the interleaving, its history has event ids 1..n without gaps or
 * duplicates, every acknowledged change appears exactly once, and it closes once
 * (docs/architecture.md, "two nodes act on one workflow at once").
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { Client, Connection, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startCluster, type Cluster } from './helpers/cluster.js';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath } from './helpers/env.js';
import { countEvents, eventIds, eventTypeName, eventTypes } from './helpers/history.js';
import { waitFor, within } from './helpers/wait-for.js';
import { collectSignal, finishSignal, parallelParked, signalCollector, type ClusterActivities } from './workflows/cluster.js';

type History = temporal.api.history.v1.IHistory;

const signalCount = 100;
const signalWithStartCount = 10;
const waves = 5;
const timerMs = 20;
/** Bounds the collector's loop of timers (timerMs each) if the finishing signal never comes. */
const maxTimers = 1_500;
const parkedCount = 40;
const resultBoundMs = 30_000;
const grpcNotFound = 5;

let cluster: Cluster | undefined;
const connections: Connection[] = [];
const nativeConnections: NativeConnection[] = [];
const workers: Worker[] = [];
const workerRuns: Array<Promise<void>> = [];
/** Task tokens of the `parked` activities, by index, as the workers received them. */
const parkedTokens = new Map<number, Uint8Array>();
/** Which worker ran each `parked` activity. */
const parkedBy = new Map<number, string>();
let clients: Client[] = [];
let taskQueue: string;

function activitiesFor(identity: string): ClusterActivities {
  return {
    chainStep: (step, value) => Promise.resolve(value * 3 + step),
    parked(index) {
      parkedTokens.set(index, Context.current().info.taskToken);
      parkedBy.set(index, identity);
      return Promise.reject(new CompleteAsyncError());
    },
  };
}

beforeAll(async () => {
  installQuietRuntime();
  cluster = await startCluster({ nodes: 2 });
  taskQueue = uniqueTaskQueue('cluster-races');
  for (const [i, node] of cluster.nodes.entries()) {
    const connection = await Connection.connect({ address: node.address });
    connections.push(connection);
    clients.push(new Client({ connection, namespace: 'default' }));
    const nativeConnection = await NativeConnection.connect({ address: node.address });
    nativeConnections.push(nativeConnection);
    const identity = `worker-on-node-${i + 1}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      identity,
      workflowBundle: { codePath: workflowBundlePath() },
      activities: activitiesFor(identity),
    });
    workers.push(worker);
    const running = worker.run();
    running.catch(() => undefined);
    workerRuns.push(running);
  }
});

afterAll(async () => {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.allSettled(workerRuns);
  await Promise.allSettled(nativeConnections.map((c) => c.close()));
  await Promise.allSettled(connections.map((c) => c.close()));
  clients = [];
  await cluster?.stop();
});

function showNodeLogsOnFailure(): void {
  onTestFailed(() => console.log(`[cluster-races] nodes' output:\n${cluster?.logs() ?? '(no cluster)'}`));
}

/** The client connected to node `i % 2`. */
function clientVia(i: number): Client {
  const client = clients[i % clients.length];
  if (client === undefined) throw new Error('the clients are not connected');
  return client;
}

/** Event ids are 1..n, in order, and the history closes exactly once, with `closeType`. */
function expectWellFormed(history: History, closeType: string): void {
  const events = history.events ?? [];
  expect(eventIds(history), 'event ids').toEqual(events.map((_, n) => n + 1));
  expect(countEvents(history, 'WORKFLOW_EXECUTION_STARTED')).toBe(1);
  const closes = eventTypes(history).filter((t) => /^WORKFLOW_EXECUTION_(COMPLETED|FAILED|CANCELED|TERMINATED|TIMED_OUT|CONTINUED_AS_NEW)$/.test(t));
  expect(closes).toEqual([closeType]);
  expect(eventTypes(history).at(-1)).toBe(closeType);
}

/** The values of every `clusterCollect` signal in the history, in history order. */
function signalledValues(history: History): string[] {
  return (history.events ?? [])
    .filter((e) => eventTypeName(e.eventType) === 'WORKFLOW_EXECUTION_SIGNALED')
    .filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === collectSignal.name)
    .map((e) => defaultPayloadConverter.fromPayload<string>(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!));
}

/** How many workflow tasks each worker completed. */
function workflowTasksByWorker(history: History): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const identity = e.workflowTaskCompletedEventAttributes?.identity;
    if (identity) counts[identity] = (counts[identity] ?? 0) + 1;
  }
  return counts;
}

function duplicatesIn(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

describe('two nodes acting on one workflow at once', () => {
  it('records every signal and signal-with-start sent through both nodes exactly once', async () => {
    showNodeLogsOnFailure();
    const workflowId = uniqueWorkflowId('cluster-signals');
    const start = (value: string, i: number) =>
      clientVia(i).workflow.signalWithStart(signalCollector, {
        workflowId,
        taskQueue,
        args: [timerMs, maxTimers],
        signal: collectSignal,
        signalArgs: [value],
      });
    const handle = await start('with-start-0', 0);
    const sent = [
      ...Array.from({ length: signalCount }, (_, i) => `signal-${i}`),
      ...Array.from({ length: signalWithStartCount }, (_, i) => `with-start-${i + 1}`),
    ];
    // In waves, all of a wave at once, with a timer firing between two waves: signals race
    // timers as well as each other.
    for (let wave = 0; wave < waves; wave++) {
      const firedBefore = countEvents(await handle.fetchHistory(), 'TIMER_FIRED');
      await Promise.all(
        sent
          .filter((_, i) => i % waves === wave)
          .map((value, i) =>
            value.startsWith('signal-') ? clientVia(i).workflow.getHandle(workflowId).signal(collectSignal, value) : start(value, i),
          ),
      );
      await waitFor(async () => countEvents(await handle.fetchHistory(), 'TIMER_FIRED') > firedBefore, {
        timeoutMs: 10_000,
        description: `a timer to fire after wave ${wave + 1}`,
      });
    }
    await clientVia(1).workflow.getHandle(workflowId).signal(finishSignal);
    const collected = await within(handle.result(), resultBoundMs, 'the collector to finish');

    const expected = ['with-start-0', ...sent].sort();
    expect(duplicatesIn(collected), 'signals the workflow saw twice').toEqual([]);
    expect([...collected].sort()).toEqual(expected);
    const history = await handle.fetchHistory();
    expectWellFormed(history, 'WORKFLOW_EXECUTION_COMPLETED');
    const inHistory = signalledValues(history);
    expect(duplicatesIn(inHistory), 'signals recorded twice').toEqual([]);
    expect([...inHistory].sort()).toEqual(expected);
    expect(countEvents(history, 'WORKFLOW_EXECUTION_SIGNALED')).toBe(expected.length + 1);
    console.log(
      `[cluster-races] ${expected.length} signals through 2 nodes: ${history.events?.length} events, ` +
        `${countEvents(history, 'TIMER_FIRED')} timers fired, workflow tasks by worker ${JSON.stringify(workflowTasksByWorker(history))}`,
    );
  });

  it('records every acknowledged signal exactly once when a cancel through the other node races them', async () => {
    showNodeLogsOnFailure();
    const workflowId = uniqueWorkflowId('cluster-cancel');
    const handle = await clientVia(0).workflow.start(signalCollector, { workflowId, taskQueue, args: [timerMs, maxTimers] });
    const acknowledged: string[] = [];
    const refused: string[] = [];
    const signal = async (value: string, node: number): Promise<void> => {
      try {
        await clientVia(node).workflow.getHandle(workflowId).signal(collectSignal, value);
        acknowledged.push(value);
      } catch (err) {
        // Only a workflow that has closed may refuse a signal.
        if (!(err instanceof WorkflowNotFoundError) && !(isGrpcServiceError(err) && err.code === grpcNotFound)) throw err;
        refused.push(value);
      }
    };
    // The cancel goes out in the middle of the signals, all at once. (A stream of signals that
    // never stops would keep the workflow from closing: each one makes its close a new task.)
    const values = Array.from({ length: signalCount }, (_, i) => `signal-${i}`);
    const half = signalCount / 2;
    await Promise.all([
      ...values.slice(0, half).map((value, i) => signal(value, i)),
      clientVia(1).workflow.getHandle(workflowId).cancel(),
      ...values.slice(half).map((value, i) => signal(value, i)),
    ]);
    await expect(within(handle.result(), resultBoundMs, 'the cancelled collector to close')).rejects.toThrow(/cancel/i);
    // Both nodes know it is closed now.
    await signal('after-close-0', 0);
    await signal('after-close-1', 1);
    expect(refused).toEqual(expect.arrayContaining(['after-close-0', 'after-close-1']));

    const history = await handle.fetchHistory();
    expectWellFormed(history, 'WORKFLOW_EXECUTION_CANCELED');
    expect(countEvents(history, 'WORKFLOW_EXECUTION_CANCEL_REQUESTED')).toBe(1);
    const inHistory = signalledValues(history);
    expect(duplicatesIn(inHistory), 'signals recorded twice').toEqual([]);
    expect([...inHistory].sort(), 'recorded signals = acknowledged signals').toEqual([...acknowledged].sort());
    console.log(
      `[cluster-races] cancel racing ${signalCount} signals on both nodes: ${acknowledged.length} acknowledged and recorded once, ` +
        `${refused.length} refused after the close; ${history.events?.length} events`,
    );
  });

  it('records activity completions arriving through both nodes at once exactly once', async () => {
    showNodeLogsOnFailure();
    parkedTokens.clear();
    parkedBy.clear();
    const workflowId = uniqueWorkflowId('cluster-activities');
    const handle = await clientVia(1).workflow.start(parallelParked, { workflowId, taskQueue, args: [parkedCount] });
    await waitFor(() => parkedTokens.size === parkedCount, { timeoutMs: 20_000, description: `${parkedCount} parked activities` });
    await Promise.all(
      [...parkedTokens].map(([index, token]) => clientVia(index).activity.complete(token, `done-${index}`)),
    );
    const results = await within(handle.result(), resultBoundMs, 'the workflow of parked activities to complete');
    expect(results).toEqual(Array.from({ length: parkedCount }, (_, i) => `done-${i}`));

    const history = await handle.fetchHistory();
    expectWellFormed(history, 'WORKFLOW_EXECUTION_COMPLETED');
    for (const type of ['ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED']) {
      expect(countEvents(history, type), type).toBe(parkedCount);
    }
    const completedFor = (history.events ?? [])
      .filter((e) => eventTypeName(e.eventType) === 'ACTIVITY_TASK_COMPLETED')
      .map((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId));
    expect(new Set(completedFor).size, 'distinct activities completed').toBe(parkedCount);
    const ranOn: Record<string, number> = {};
    for (const identity of parkedBy.values()) ranOn[identity] = (ranOn[identity] ?? 0) + 1;
    console.log(
      `[cluster-races] ${parkedCount} activities completed through 2 nodes at once: ${history.events?.length} events; ` +
        `started by worker ${JSON.stringify(ranOn)}; workflow tasks by worker ${JSON.stringify(workflowTasksByWorker(history))}`,
    );
  });
});
