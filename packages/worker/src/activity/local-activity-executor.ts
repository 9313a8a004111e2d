/**
 * Runs a local activity in the worker's process: its attempts, with the retry policy applied in
 * memory, the start-to-close and schedule-to-close timeouts enforced here (there is no activity
 * task on the server to time out), and the workflow's cancellation. A retry whose backoff
 * exceeds the local retry threshold is not waited for: the outcome says so, and the workflow
 * takes the backoff on a durable timer. Mirrors the local activity manager of Temporal's core.
 */
import { ActivityCancellationDetails, type Info } from '@endure/activity';
import {
  ApplicationFailure,
  msOptionalToNumber,
  msToNumber,
  type LoadedDataConverter,
  type Payload,
  type RetryPolicy,
} from '@endure/common';
import type { LocalActivitySchedule } from '@endure/workflow/internal';
import { ActivityExecution, type WorkerLogger } from './execution.js';
import { decodeArguments, encodeError, type ProtoFailure } from './payloads.js';

/** How the attempts of a local activity ended. */
export type LocalActivityResult =
  | { completed: Payload | undefined }
  | { failed: ProtoFailure }
  | { cancelled: ProtoFailure }
  | { timedOut: ProtoFailure };

export interface LocalActivityOutcome {
  result: LocalActivityResult;
  /** The last attempt that ran. */
  attempt: number;
  originalScheduleTimeMs: number;
  /** Set with a failure: the next attempt waits this long, on a durable timer. */
  backoffMs?: number;
}

/** The workflow run a local activity belongs to. */
export interface LocalActivityRun {
  namespace: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  workflowType: string;
}

export interface LocalActivityExecutorOptions {
  // User activities take any arguments.
  activities: Record<string, (...args: any[]) => unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
  dataConverter: LoadedDataConverter;
  logger: WorkerLogger;
}

/** Temporal's defaults for a retry policy field left unset. */
const INITIAL_INTERVAL_DEFAULT_MS = 1_000;
const BACKOFF_COEFFICIENT_DEFAULT = 2;
const MAXIMUM_INTERVAL_DEFAULT_FACTOR = 100;

/** Core's failure for a cancelled local activity that did not report one of its own. */
export const LOCAL_ACTIVITY_CANCELLED: ProtoFailure = { message: 'Activity cancelled', canceledFailureInfo: {} };

const TimeoutType = { START_TO_CLOSE: 1, SCHEDULE_TO_CLOSE: 3 } as const;

export class LocalActivityExecutor {
  constructor(private readonly options: LocalActivityExecutorOptions) {}

  /** True when an activity of this type is registered (or a `default` one). */
  canRun(activityType: string): boolean {
    const { activities } = this.options;
    const registered = (name: string) => Object.hasOwn(activities, name) && typeof activities[name] === 'function';
    return registered(activityType) || registered('default');
  }

  /** Runs attempts from `request.attempt` until one succeeds or retrying stops; never rejects. */
  async execute(request: LocalActivitySchedule, run: LocalActivityRun, signal: AbortSignal): Promise<LocalActivityOutcome> {
    const originalScheduleTimeMs = request.originalScheduleTimeMs ?? Date.now();
    const closeDeadlineMs = request.scheduleToCloseTimeoutMs ? originalScheduleTimeMs + request.scheduleToCloseTimeoutMs : Infinity;
    for (let attempt = request.attempt; ; attempt++) {
      const done = (result: LocalActivityResult, backoffMs?: number): LocalActivityOutcome => ({ result, attempt, originalScheduleTimeMs, backoffMs });
      if (signal.aborted) return done({ cancelled: LOCAL_ACTIVITY_CANCELLED });
      const remainingMs = closeDeadlineMs - Date.now();
      if (remainingMs <= 0) return done({ timedOut: timeoutFailure(TimeoutType.SCHEDULE_TO_CLOSE) });
      const startToCloseMs = request.startToCloseTimeoutMs ?? Infinity;
      const timeout = startToCloseMs <= remainingMs
        ? { ms: startToCloseMs, type: TimeoutType.START_TO_CLOSE }
        : { ms: remainingMs, type: TimeoutType.SCHEDULE_TO_CLOSE };
      const result = await this.runAttempt(request, run, attempt, originalScheduleTimeMs, timeout, signal);
      if ('completed' in result || 'cancelled' in result) return done(result);
      if ('timedOut' in result && timeout.type === TimeoutType.SCHEDULE_TO_CLOSE) return done(result);
      const failure = 'failed' in result ? result.failed : result.timedOut;
      const backoffMs = nextBackoffMs(request.retry, attempt, failure);
      if (backoffMs === undefined || Date.now() + backoffMs >= closeDeadlineMs) return done(result);
      if (backoffMs > request.localRetryThresholdMs) return done({ failed: failure }, backoffMs);
      if (!(await delay(backoffMs, signal))) return done({ cancelled: LOCAL_ACTIVITY_CANCELLED });
    }
  }

  private async runAttempt(
    request: LocalActivitySchedule,
    run: LocalActivityRun,
    attempt: number,
    originalScheduleTimeMs: number,
    timeout: { ms: number; type: number },
    signal: AbortSignal,
  ): Promise<LocalActivityResult> {
    const { activities, dataConverter, logger } = this.options;
    const fn = Object.hasOwn(activities, request.activityType) ? activities[request.activityType] : activities.default;
    if (typeof fn !== 'function') {
      const message = `Activity function ${request.activityType} is not registered on this Worker, available activities: ${JSON.stringify(Object.keys(activities))}`;
      return { failed: await encodeError(dataConverter, ApplicationFailure.create({ type: 'NotFoundError', message, nonRetryable: true })) };
    }
    let args: unknown[];
    try {
      args = await decodeArguments(dataConverter, request.args);
    } catch (err) {
      const message = `Failed to parse activity args for activity ${request.activityType}: ${err instanceof Error ? err.message : String(err)}`;
      return { failed: await encodeError(dataConverter, ApplicationFailure.create({ message, nonRetryable: false })) };
    }
    const info = localActivityInfo(request, run, attempt, originalScheduleTimeMs, timeout.ms);
    const execution = new ActivityExecution({
      info,
      fn,
      args,
      dataConverter,
      logger,
      // Local activities have no heartbeat timeout; their heartbeats go nowhere, as in the official worker.
      recordHeartbeat: () => Promise.resolve(undefined),
      heartbeatThrottleIntervalMs: 0,
      localTimeoutBufferMs: 0,
    });
    const onAbort = () => execution.cancel('CANCELLED', new ActivityCancellationDetails({ cancelRequested: true }));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      if (!Number.isFinite(timeout.ms)) return;
      timer = setTimeout(() => {
        execution.cancel('TIMED_OUT', new ActivityCancellationDetails({ timedOut: true }));
        resolve('timed out');
      }, timeout.ms);
    });
    try {
      // A timed-out attempt is reported at once, whether or not the activity heeds its cancellation.
      const outcome = await Promise.race([execution.run(), timedOut]);
      if (outcome === 'timed out') return { timedOut: timeoutFailure(timeout.type) };
      switch (outcome.kind) {
        case 'completed':
          return { completed: outcome.result[0] };
        case 'failed':
          return { failed: outcome.failure };
        case 'cancelled':
          return execution.cancelReason === 'TIMED_OUT' ? { timedOut: timeoutFailure(timeout.type) } : { cancelled: outcome.failure };
        case 'willCompleteAsync': {
          const failure = ApplicationFailure.nonRetryable('Local activities cannot complete asynchronously', 'IllegalStateError');
          return { failed: await encodeError(dataConverter, failure) };
        }
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** Core's failure for a local activity attempt that ran out of time. */
function timeoutFailure(timeoutType: number): ProtoFailure {
  return { message: 'Activity timed out', timeoutFailureInfo: { timeoutType } };
}

/** The wait before the attempt after `attempt`, or undefined when the policy stops retrying. */
export function nextBackoffMs(retry: RetryPolicy | undefined, attempt: number, failure: ProtoFailure): number | undefined {
  const maximumAttempts = retry?.maximumAttempts ?? 0;
  if (maximumAttempts > 0 && attempt >= maximumAttempts) return undefined;
  const application = failure.applicationFailureInfo;
  if (application?.nonRetryable) return undefined;
  const type = (application?.type ?? '').toLowerCase();
  if (retry?.nonRetryableErrorTypes?.some((t) => t.toLowerCase() === type)) return undefined;
  const explicitMs = application?.nextRetryDelay ? Number(application.nextRetryDelay.seconds ?? 0) * 1000 + Math.floor((application.nextRetryDelay.nanos ?? 0) / 1e6) : undefined;
  if (explicitMs !== undefined) return explicitMs;
  const initialMs = msToNumber(retry?.initialInterval ?? INITIAL_INTERVAL_DEFAULT_MS);
  const maximumMs = msOptionalToNumber(retry?.maximumInterval) ?? initialMs * MAXIMUM_INTERVAL_DEFAULT_FACTOR;
  const coefficient = retry?.backoffCoefficient ?? BACKOFF_COEFFICIENT_DEFAULT;
  return Math.min(initialMs * coefficient ** (attempt - 1), maximumMs);
}

function localActivityInfo(
  request: LocalActivitySchedule,
  run: LocalActivityRun,
  attempt: number,
  originalScheduleTimeMs: number,
  startToCloseTimeoutMs: number,
): Info {
  const taskToken = new TextEncoder().encode(`local_act_${run.runId}_${request.seq}`);
  const nowMs = Date.now();
  return {
    taskToken,
    base64TaskToken: Buffer.from(taskToken).toString('base64'),
    activityId: request.activityId,
    activityType: request.activityType,
    activityNamespace: run.namespace,
    attempt,
    isLocal: true,
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    workflowNamespace: run.namespace,
    workflowType: run.workflowType,
    scheduledTimestampMs: originalScheduleTimeMs,
    currentAttemptScheduledTimestampMs: nowMs,
    startedTimestampMs: nowMs,
    scheduleToCloseTimeoutMs: request.scheduleToCloseTimeoutMs ?? 0,
    startToCloseTimeoutMs: Number.isFinite(startToCloseTimeoutMs) ? startToCloseTimeoutMs : 0,
    heartbeatDetails: undefined,
    taskQueue: run.taskQueue,
    retryPolicy: request.retry,
    namespace: run.namespace,
    inWorkflow: true,
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
