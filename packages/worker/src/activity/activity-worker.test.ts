/**
 * ActivityWorker against a scripted WorkflowService: poll failures and empty polls, and a
 * heartbeat rejected with NOT_FOUND (the attempt is cancelled and nothing is reported).
 * The behaviour seen through a real server is in packages/worker/test/activity-worker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import * as activity from '@endure/activity';
import { defaultPayloadConverter, loadDataConverter, msToTs, toPayloads } from '@endure/common';
import { waitFor } from '../../../server/test/helpers/wait-for.js';
import { ActivityWorker, type ActivityWorkerOptions } from './activity-worker.js';
import type { ActivityTask } from './task-info.js';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
const { PollActivityTaskQueueResponse } = proto.temporal.api.workflowservice.v1;

function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function activityTask(activityType: string, args: unknown[]): ActivityTask {
  const now = msToTs(Date.now());
  return PollActivityTaskQueueResponse.create({
    taskToken: Uint8Array.of(1, 2, 3),
    activityId: '1',
    activityType: { name: activityType },
    workflowExecution: { workflowId: 'wf', runId: 'run' },
    workflowType: { name: 'someWorkflow' },
    workflowNamespace: 'default',
    attempt: 1,
    input: { payloads: toPayloads(defaultPayloadConverter, ...args) ?? [] },
    scheduledTime: now,
    currentAttemptScheduledTime: now,
    startedTime: now,
    scheduleToCloseTimeout: msToTs('60s'),
    startToCloseTimeout: msToTs('60s'),
    heartbeatTimeout: msToTs('10s'),
  });
}

/** A WorkflowService whose polls follow a script; the last poll blocks until aborted. */
class ScriptedService {
  readonly calls: string[] = [];
  private currentSignal: AbortSignal | undefined;

  constructor(
    private readonly polls: (() => Promise<ActivityTask>)[],
    private readonly heartbeat: () => Promise<object> = () => Promise.resolve({}),
  ) {}

  readonly withAbortSignal = <R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> => {
    this.currentSignal = signal;
    return fn();
  };

  asService(): WorkflowService {
    const record = (name: string) => () => {
      this.calls.push(name);
      return Promise.resolve({});
    };
    return {
      pollActivityTaskQueue: () => {
        this.calls.push('poll');
        const next = this.polls.shift();
        if (next !== undefined) return next();
        const signal = this.currentSignal;
        return new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(grpcError(1, 'cancelled')), { once: true });
        });
      },
      recordActivityTaskHeartbeat: () => {
        this.calls.push('heartbeat');
        return this.heartbeat();
      },
      respondActivityTaskCompleted: record('completed'),
      respondActivityTaskFailed: record('failed'),
      respondActivityTaskCanceled: record('canceled'),
    } as unknown as WorkflowService;
  }
}

function newWorker(service: ScriptedService, activities: ActivityWorkerOptions['activities'], warnings: string[]) {
  return new ActivityWorker({
    service: service.asService(),
    withAbortSignal: service.withAbortSignal,
    namespace: 'default',
    taskQueue: 'tq',
    identity: 'test',
    activities,
    dataConverter: loadDataConverter(),
    maxConcurrentActivityTaskExecutions: 10,
    maxConcurrentActivityTaskPolls: 1,
    maxHeartbeatThrottleIntervalMs: 60_000,
    defaultHeartbeatThrottleIntervalMs: 30_000,
    shutdownGraceTimeMs: 0,
    logger: { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined },
  });
}

describe('ActivityWorker (scripted service)', () => {
  it('retries failed polls with backoff, polls again after an empty response, then runs the task', async () => {
    const service = new ScriptedService([
      () => Promise.reject(grpcError(14, 'unavailable')),
      () => Promise.reject(grpcError(14, 'unavailable')),
      () => Promise.resolve(PollActivityTaskQueueResponse.create({})),
      () => Promise.resolve(activityTask('double', [21])),
    ]);
    let result: number | undefined;
    const warnings: string[] = [];
    // eslint-disable-next-line @typescript-eslint/require-await -- an activity is async by contract
    const worker = newWorker(service, { double: async (n: number) => (result = n * 2) }, warnings);
    const running = worker.run();
    await waitFor(() => service.calls.includes('completed'), { description: 'completion' });
    worker.shutdown();
    await running;
    expect(result).toBe(42);
    expect(service.calls.slice(0, 6)).toEqual(['poll', 'poll', 'poll', 'poll', 'poll', 'completed']);
    expect(warnings.filter((w) => w.startsWith('Activity task poll failed'))).toHaveLength(2);
  });

  it('cancels an activity whose heartbeat gets NOT_FOUND and reports nothing for it', async () => {
    const service = new ScriptedService(
      [() => Promise.resolve(activityTask('waitForCancel', []))],
      () => Promise.reject(grpcError(5, 'workflow closed')),
    );
    let reason: string | undefined;
    const worker = newWorker(
      service,
      {
        async waitForCancel() {
          activity.heartbeat('progress');
          try {
            await activity.cancelled();
          } catch (err) {
            reason = (err as Error).message;
            throw err;
          }
        },
      },
      [],
    );
    const running = worker.run();
    await waitFor(() => reason !== undefined && worker.numInFlight === 0, { description: 'cancellation' });
    worker.shutdown();
    await running;
    expect(reason).toBe('NOT_FOUND');
    expect(service.calls.filter((c) => c !== 'poll')).toEqual(['heartbeat']);
  });
});
