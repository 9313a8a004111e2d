/**
 * Endure's ActivityWorker against the real server, with the official SDK on the other
 * side: official workflows (run by an official Worker registering no activities, so it
 * polls workflow tasks only) schedule activities that our ActivityWorker polls and runs,
 * and the official client checks what the workflow saw.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  Client,
  Connection as OfficialConnection,
  TimeoutFailure,
  WorkflowFailedError,
} from '@temporalio/client';
import { TimeoutType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activity from '@endure/activity';
import { Connection } from '@endure/client';
import { loadDataConverter } from '@endure/common';
import { ActivityWorker, type ActivityWorkerOptions } from '../src/activity/index.js';
import { EndureServer } from '@endure/server';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId } from '../../server/test/helpers/env.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { activityWorkflow, type ActivityCall } from '../../server/test/workflows/orders.js';
import { cancellableWorkflow } from '../../server/test/workflows/cancellation.js';

const EventType = proto.temporal.api.enums.v1.EventType;

/**
 * The official SDK on the workflow side whichever SDK the test project selects: this file
 * tests Endure's ActivityWorker, and the official SDK is the strictest counterpart.
 */
interface OfficialEnv {
  client: Client;
  /** Runs an official Worker (workflows only: it registers no activities) until `fn` settles. */
  withWorker<T>(options: { taskQueue: string }, fn: () => Promise<T>): Promise<T>;
}

let server: EndureServer;
let officialConnection: OfficialConnection;
let nativeConnection: NativeConnection;
let env: OfficialEnv;
/** Endure's connection, the one our ActivityWorker polls through. */
let connection: Connection;

beforeAll(async () => {
  installQuietRuntime();
  server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'warn' });
  officialConnection = await OfficialConnection.connect({ address: server.address });
  nativeConnection = await NativeConnection.connect({ address: server.address });
  connection = await Connection.connect({ address: server.address });
  env = {
    client: new Client({ connection: officialConnection, namespace: 'default' }),
    async withWorker(options, fn) {
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue: options.taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      return worker.runUntil(fn);
    },
  };
});

afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
  await officialConnection?.close();
  await server?.stop();
});

/** What the activities saw, per key. */
interface Observation {
  attempts: number[];
  heartbeatDetailsSeen: unknown[];
  cancelReason?: string;
  cancellationDetails?: activity.ActivityCancellationDetails;
  taskToken?: Uint8Array;
}

const observations = new Map<string, Observation>();

function observe(key: string): Observation {
  let observation = observations.get(key);
  if (observation === undefined) {
    observation = { attempts: [], heartbeatDetailsSeen: [] };
    observations.set(key, observation);
  }
  const info = activity.activityInfo();
  observation.attempts.push(info.attempt);
  observation.heartbeatDetailsSeen.push(info.heartbeatDetails);
  return observation;
}

/** Records why the context was cancelled, then lets the CancelledFailure out. */
function recordCancellation(observation: Observation, err: unknown): never {
  if (err instanceof activity.CancelledFailure) {
    observation.cancelReason = err.message;
    observation.cancellationDetails = activity.Context.current().cancellationDetails;
  }
  throw err;
}

/** Activities wait here until the test lets them through, one at a time. */
class Gate {
  running = 0;
  maxRunning = 0;
  private readonly waiters: (() => void)[] = [];

  get waiting(): number {
    return this.waiters.length;
  }

  async pass(): Promise<void> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } finally {
      this.running--;
    }
  }

  releaseOne(): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) throw new Error('nobody is waiting at the gate');
    waiter();
  }
}

let gate = new Gate();

/* eslint-disable @typescript-eslint/require-await -- activities are async by contract */
const activities = {
  async greet(name: string, times: number) {
    const info = activity.activityInfo();
    return {
      greeting: Array.from({ length: times }, () => `hello ${name}`).join(', '),
      activityType: info.activityType,
      attempt: info.attempt,
      workflowId: info.workflowExecution?.workflowId,
      workflowType: info.workflowType,
      taskQueue: info.taskQueue,
      startToCloseTimeoutMs: info.startToCloseTimeoutMs,
      isLocal: info.isLocal,
    };
  },

  async flaky(key: string, failures: number): Promise<string> {
    const { attempts } = observe(key);
    const attempt = attempts.at(-1) ?? 0;
    if (attempt <= failures) throw activity.ApplicationFailure.retryable(`failure on attempt ${attempt}`, 'Transient');
    return `succeeded on attempt ${attempt}`;
  },

  /** Attempt 1 heartbeats three checkpoints in a burst (two are throttled), then fails. */
  async checkpointed(key: string): Promise<unknown> {
    observe(key);
    const info = activity.activityInfo();
    if (info.attempt === 1) {
      for (const checkpoint of [1, 2, 3]) activity.heartbeat({ checkpoint });
      throw activity.ApplicationFailure.retryable('crash after checkpoint 3', 'Crash');
    }
    return info.heartbeatDetails as unknown;
  },

  /** Heartbeats until cancelled (used by cancellableWorkflow). */
  async longRunning(key: string): Promise<string> {
    const observation = observe(key);
    const ctx = activity.Context.current();
    try {
      for (let i = 0; ; i++) {
        ctx.heartbeat(i);
        await ctx.sleep(50);
      }
    } catch (err) {
      recordCancellation(observation, err);
    }
  },

  async cleanup(key: string): Promise<void> {
    observe(`cleanup:${key}`);
  },

  async heartbeatOnceThenStall(key: string): Promise<string> {
    const observation = observe(key);
    const ctx = activity.Context.current();
    ctx.heartbeat('alive');
    try {
      await ctx.sleep(60_000);
    } catch (err) {
      recordCancellation(observation, err);
    }
    return 'unreachable';
  },

  /** Waits at the gate; ignores cancellation. */
  async gated(key: string): Promise<string> {
    observe(key);
    await gate.pass();
    return `passed ${key}`;
  },

  /** Waits for cancellation and rethrows it. */
  async awaitCancellation(key: string): Promise<string> {
    const observation = observe(key);
    return activity.cancelled().catch((err: unknown) => recordCancellation(observation, err));
  },

  async completeLater(key: string): Promise<string> {
    observe(key).taskToken = activity.activityInfo().taskToken;
    throw new activity.CompleteAsyncError();
  },
};
/* eslint-enable @typescript-eslint/require-await */

interface LogEntry {
  level: string;
  message: string;
  meta?: object;
}
const logs: LogEntry[] = [];
const logger: ActivityWorkerOptions['logger'] = {
  debug: (message, meta) => logs.push({ level: 'debug', message, meta }),
  info: (message, meta) => logs.push({ level: 'info', message, meta }),
  warn: (message, meta) => logs.push({ level: 'warn', message, meta }),
  error: (message, meta) => logs.push({ level: 'error', message, meta }),
};

function newActivityWorker(taskQueue: string, overrides: Partial<ActivityWorkerOptions> = {}): ActivityWorker {
  return new ActivityWorker({
    service: connection.workflowService,
    withAbortSignal: (signal, fn) => connection.withAbortSignal(signal, fn),
    namespace: 'default',
    taskQueue,
    identity: `activity-worker-test@${process.pid}`,
    activities,
    dataConverter: loadDataConverter(),
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentActivityTaskPolls: 5,
    maxHeartbeatThrottleIntervalMs: 60_000,
    defaultHeartbeatThrottleIntervalMs: 30_000,
    shutdownGraceTimeMs: 0,
    logger,
    ...overrides,
  });
}

/**
 * Runs `fn` while an official workflow-only Worker and our ActivityWorker serve a fresh task
 * queue; shuts both down afterwards (and checks the ActivityWorker's run() then resolves).
 */
async function withWorkers<T>(
  fn: (context: { taskQueue: string; activityWorker: ActivityWorker }) => Promise<T>,
  overrides: Partial<ActivityWorkerOptions> = {},
): Promise<T> {
  const taskQueue = uniqueTaskQueue('endure-activities');
  const activityWorker = newActivityWorker(taskQueue, overrides);
  const running = activityWorker.run();
  try {
    return await env.withWorker({ taskQueue }, () => fn({ taskQueue, activityWorker }));
  } finally {
    activityWorker.shutdown();
    await running;
  }
}

async function runActivity(taskQueue: string, call: ActivityCall): Promise<{ result?: unknown; error?: unknown }> {
  try {
    const result = await env.client.workflow.execute(activityWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('activity'),
      args: [call],
    });
    return { result };
  } catch (error) {
    return { error };
  }
}

function activityFailureOf(error: unknown): ActivityFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ActivityFailure);
  return cause as ActivityFailure;
}

describe('ActivityWorker', () => {
  it('decodes arguments, runs the activity with its info and encodes the result', async () => {
    const outcome = await withWorkers(({ taskQueue }) =>
      runActivity(taskQueue, { name: 'greet', args: ['ada', 2], options: { startToCloseTimeout: '10s' } }).then(
        (o) => ({ ...o, taskQueue }),
      ),
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toEqual({
      greeting: 'hello ada, hello ada',
      activityType: 'greet',
      attempt: 1,
      workflowId: expect.stringMatching(/^activity-/) as unknown,
      workflowType: 'activityWorkflow',
      taskQueue: outcome.taskQueue,
      startToCloseTimeoutMs: 10_000,
      isLocal: false,
    });
  });

  it('retries a failing activity: each attempt sees its attempt number', async () => {
    const key = uniqueWorkflowId('flaky');
    const { result, error } = await withWorkers(({ taskQueue }) =>
      runActivity(taskQueue, {
        name: 'flaky',
        args: [key, 2],
        options: { startToCloseTimeout: '10s', retry: { initialInterval: '50ms', maximumAttempts: 5 } },
      }),
    );
    expect(error).toBeUndefined();
    expect(result).toBe('succeeded on attempt 3');
    expect(observations.get(key)?.attempts).toEqual([1, 2, 3]);
  });

  it('hands the last heartbeat details, even throttled ones, to the next attempt', async () => {
    const key = uniqueWorkflowId('checkpointed');
    const { result, error } = await withWorkers(({ taskQueue }) =>
      runActivity(taskQueue, {
        name: 'checkpointed',
        args: [key],
        // Throttle interval 8 s: checkpoints 2 and 3 are never sent as heartbeats, only with the failure.
        options: { startToCloseTimeout: '10s', heartbeatTimeout: '10s', retry: { initialInterval: '50ms', maximumAttempts: 2 } },
      }),
    );
    expect(error).toBeUndefined();
    expect(result).toEqual({ checkpoint: 3 });
    expect(observations.get(key)?.heartbeatDetailsSeen).toEqual([undefined, { checkpoint: 3 }]);
  });

  it('cancels a heartbeating activity when its workflow is cancelled and reports it cancelled', async () => {
    const key = uniqueWorkflowId('cancel');
    await withWorkers(async ({ taskQueue }) => {
      const handle = await env.client.workflow.start(cancellableWorkflow, {
        taskQueue,
        workflowId: key,
        args: [key],
      });
      await waitFor(() => observations.get(key)?.attempts.length === 1, { description: 'activity start' });
      await handle.cancel();
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      const history = await handle.fetchHistory();
      const types = (history.events ?? []).map((e) => e.eventType);
      expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED);
    });
    const observation = observations.get(key);
    expect(observation?.cancelReason).toBe('CANCELLED');
    expect(observation?.cancellationDetails?.cancelRequested).toBe(true);
    expect(observations.get(`cleanup:${key}`)?.attempts).toEqual([1]);
  });

  it('times out an activity that stops heartbeating, then cancels it locally with TIMED_OUT', async () => {
    const key = uniqueWorkflowId('stall');
    await withWorkers(async ({ taskQueue, activityWorker }) => {
      const { error } = await runActivity(taskQueue, {
        name: 'heartbeatOnceThenStall',
        args: [key],
        options: { startToCloseTimeout: '30s', heartbeatTimeout: '1s', retry: { maximumAttempts: 1 } },
      });
      const failure = activityFailureOf(error);
      expect(failure.cause).toBeInstanceOf(TimeoutFailure);
      const timeout = failure.cause as TimeoutFailure;
      expect(timeout.timeoutType).toBe(TimeoutType.HEARTBEAT);
      expect(timeout.lastHeartbeatDetails).toBe('alive');
      // The worker's own deadline is the heartbeat timeout plus a 5 s buffer after the last heartbeat.
      await waitFor(() => observations.get(key)?.cancelReason, { timeoutMs: 15_000, description: 'local timeout' });
      await waitFor(() => activityWorker.numInFlight === 0, { description: 'timed-out activity to be dropped' });
    });
    const observation = observations.get(key);
    expect(observation?.cancelReason).toBe('TIMED_OUT');
    expect(observation?.cancellationDetails?.timedOut).toBe(true);
  });

  it('fails a task of an unregistered activity type with a retryable NotFoundError', async () => {
    const { error } = await withWorkers(({ taskQueue }) =>
      runActivity(taskQueue, { name: 'noSuchActivity', args: [], options: { startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } } }),
    );
    const failure = activityFailureOf(error);
    expect(failure.cause).toBeInstanceOf(ApplicationFailure);
    const cause = failure.cause as ApplicationFailure;
    expect(cause.type).toBe('NotFoundError');
    expect(cause.nonRetryable).toBe(false);
    expect(cause.message).toContain('Activity function noSuchActivity is not registered on this Worker');
    expect(cause.message).toContain('"greet"');
  });

  it('never runs more activities at once than maxConcurrentActivityTaskExecutions', async () => {
    gate = new Gate();
    const total = 5;
    const max = 2;
    const results = await withWorkers(
      async ({ taskQueue, activityWorker }) => {
        const handles = await Promise.all(
          Array.from({ length: total }, (_, i) =>
            env.client.workflow.start(activityWorkflow, {
              taskQueue,
              workflowId: uniqueWorkflowId(`gated-${i}`),
              args: [{ name: 'gated', args: [`g${i}`], options: { startToCloseTimeout: '30s' } }],
            }),
          ),
        );
        for (let released = 0; released < total; released++) {
          const expected = Math.min(max, total - released);
          await waitFor(() => gate.waiting === expected && gate.running === expected, {
            description: `${expected} activities at the gate`,
          });
          expect(activityWorker.numInFlight).toBeLessThanOrEqual(max);
          gate.releaseOne();
        }
        return Promise.all(handles.map((h) => h.result()));
      },
      { maxConcurrentActivityTaskExecutions: max },
    );
    expect([...results].sort()).toEqual(['passed g0', 'passed g1', 'passed g2', 'passed g3', 'passed g4']);
    expect(gate.maxRunning).toBe(max);
  });

  it('drains in-flight activities on shutdown within the grace time', async () => {
    gate = new Gate();
    const taskQueue = uniqueTaskQueue('endure-drain');
    const activityWorker = newActivityWorker(taskQueue, { shutdownGraceTimeMs: 30_000 });
    let stopped = false;
    const running = activityWorker.run().then(() => (stopped = true));
    const result = await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(activityWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('drain'),
        args: [{ name: 'gated', args: ['drain'], options: { startToCloseTimeout: '30s' } }],
      });
      await waitFor(() => gate.waiting === 1, { description: 'activity at the gate' });
      activityWorker.shutdown();
      expect(activityWorker.numInFlight).toBe(1);
      // run() stays pending while the activity runs: give it every chance to settle early.
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      gate.releaseOne();
      await running;
      return handle.result();
    });
    expect(stopped).toBe(true);
    expect(result).toBe('passed drain');
  });

  it('cancels in-flight activities with WORKER_SHUTDOWN once the grace time is over, failing the attempt', async () => {
    const key = uniqueWorkflowId('shutdown');
    const taskQueue = uniqueTaskQueue('endure-shutdown');
    const activityWorker = newActivityWorker(taskQueue, { shutdownGraceTimeMs: 0 });
    const running = activityWorker.run();
    const { error } = await env.withWorker({ taskQueue }, async () => {
      const outcome = runActivity(taskQueue, {
        name: 'awaitCancellation',
        args: [key],
        options: { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } },
      });
      await waitFor(() => observations.get(key)?.attempts.length === 1, { description: 'activity start' });
      activityWorker.shutdown();
      await running;
      return outcome;
    });
    const failure = activityFailureOf(error);
    expect(failure.cause).toBeInstanceOf(ApplicationFailure);
    expect((failure.cause as ApplicationFailure).type).toBe('WorkerShutdown');
    const observation = observations.get(key);
    expect(observation?.cancelReason).toBe('WORKER_SHUTDOWN');
    expect(observation?.cancellationDetails?.workerShutdown).toBe(true);
  });

  it('sends no result for an activity that throws CompleteAsyncError, so a client can complete it', async () => {
    const key = uniqueWorkflowId('async');
    const result = await withWorkers(async ({ taskQueue, activityWorker }) => {
      const handle = await env.client.workflow.start(activityWorkflow, {
        taskQueue,
        workflowId: key,
        args: [{ name: 'completeLater', args: [key], options: { startToCloseTimeout: '30s' } }],
      });
      const taskToken = await waitFor(() => observations.get(key)?.taskToken, { description: 'task token' });
      await waitFor(() => activityWorker.numInFlight === 0, { description: 'task released' });
      await env.client.activity.complete(taskToken, 'completed by a client');
      return handle.result();
    });
    expect(result).toBe('completed by a client');
  });

  it('logged no errors but the expected one about the unregistered activity type', () => {
    const unexpected = logs.filter((l) => l.level === 'error' && !l.message.includes('noSuchActivity is not registered'));
    expect(unexpected).toEqual([]);
  });
});
