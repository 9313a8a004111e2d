/**
 * The activity side of a worker: long-polls the task queue for activity tasks while a
 * concurrency slot is free, runs each task as an {@link ActivityExecution}, heartbeats,
 * and reports every outcome to the server. Shutdown stops polling, lets in-flight
 * activities drain and cancels them once the grace time is over, as the official worker does.
 */
import { setTimeout as delay } from 'node:timers/promises';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { ActivityCancellationDetails } from '@endure/activity';
import type { ActivityTaskAnswer } from '@endure/client';
import { ApplicationFailure, ensureApplicationFailure, type LoadedDataConverter, type Payload } from '@endure/common';
import {
  ActivityExecution,
  type ActivityOutcome,
  type HeartbeatCancellation,
  type WorkerLogger,
} from './execution.js';
import { heartbeatThrottleIntervalMs } from './heartbeat-throttle.js';
import { decodeArguments, encodeError, type ProtoFailure } from './payloads.js';
import { activityInfoFromTask, activityLogAttributes, messageOf, type ActivityTask } from './task-info.js';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

/** Options of {@link ActivityWorker}; the `Worker` applies the defaults. */
export interface ActivityWorkerOptions {
  /** The connection's `workflowService`. */
  service: WorkflowService;
  /** The connection's `withAbortSignal`, bound: aborts the outstanding long poll at shutdown. */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R>;
  namespace: string;
  taskQueue: string;
  identity: string;
  /** Activity functions by type name; a function named `default` runs tasks of unregistered types. */
  activities: Record<string, (...args: any[]) => unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any -- user activities take anything
  dataConverter: LoadedDataConverter;
  /** At most this many activities run (or report) at once; no poll is made while all slots are taken. */
  maxConcurrentActivityTaskExecutions: number;
  /** Long polls kept open at once (each counts against the execution slots). */
  maxConcurrentActivityTaskPolls: number;
  /** Upper bound of the heartbeat throttle interval. */
  maxHeartbeatThrottleIntervalMs: number;
  /** Throttle interval of activities that have no heartbeat timeout. */
  defaultHeartbeatThrottleIntervalMs: number;
  /** After `shutdown()`, in-flight activities get this long to finish before they are cancelled (`WORKER_SHUTDOWN`). */
  shutdownGraceTimeMs: number;
  logger: WorkerLogger;
  /**
   * Workflows run in this worker too: sends a completion or failure asking for the run's next
   * workflow task in the same call (worker.ts). Null when it cannot ask (then the answer is
   * sent as usual).
   */
  answerWithNextWorkflowTask?(answer: ActivityTaskAnswer, runId: string): Promise<void> | null;
}

type State = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** The worker's own deadlines trail the server's by this much, so the server decides timeouts it tracks. */
const localTimeoutBufferMs = 5_000;
/** Poll failures are retried forever, after a pause that doubles from the first to the last value. */
const pollRetryInitialDelayMs = 200;
const pollRetryMaxDelayMs = 1_000;
/** gRPC status NOT_FOUND: the server no longer knows the task (its workflow closed, or the attempt timed out). */
const grpcNotFound = 5;
const taskQueueKindNormal = proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL;

const workerShutdownFailure: ProtoFailure = {
  message: 'Worker is shutting down and this activity did not complete in time',
  source: '',
  stackTrace: '',
  applicationFailureInfo: { type: 'WorkerShutdown', nonRetryable: false },
};

/**
 * Polls one task queue for activity tasks and executes them until {@link shutdown}.
 *
 * @example
 * ```ts
 * const activityWorker = new ActivityWorker({
 *   service: connection.workflowService,
 *   withAbortSignal: (signal, fn) => connection.withAbortSignal(signal, fn),
 *   namespace: 'default', taskQueue: 'orders', identity: `${process.pid}@${os.hostname()}`,
 *   activities, dataConverter: loadDataConverter(),
 *   maxConcurrentActivityTaskExecutions: 100, maxHeartbeatThrottleIntervalMs: 60_000,
 *   defaultHeartbeatThrottleIntervalMs: 30_000, shutdownGraceTimeMs: 0, logger,
 * });
 * const running = activityWorker.run();
 * process.once('SIGTERM', () => activityWorker.shutdown());
 * await running;
 * ```
 */
export class ActivityWorker {
  private state: State = 'INITIALIZED';
  private readonly pollAbort = new AbortController();
  /** Every task from receipt until its outcome is reported: the slots in use. */
  private readonly tasks = new Set<Promise<void>>();
  private readonly executions = new Map<string, ActivityExecution>();
  /** Poll loops waiting for a free slot. */
  private slotWaiters: (() => void)[] = [];
  private outstandingPolls = 0;
  /** Slots promised to eager activity tasks that a workflow-task completion may bring. */
  private eagerReservations = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private graceExpired = false;

  constructor(private readonly options: ActivityWorkerOptions) {
    if (!(options.maxConcurrentActivityTaskExecutions >= 1)) {
      throw new RangeError('maxConcurrentActivityTaskExecutions must be at least 1');
    }
  }

  /** Activity tasks received and not yet reported. */
  get numInFlight(): number {
    return this.tasks.size;
  }

  /**
   * Polls and executes until {@link shutdown} is called and every in-flight activity has
   * finished and been reported. Poll errors are logged and retried, never thrown.
   */
  async run(): Promise<void> {
    if (this.state === 'RUNNING' || this.state === 'STOPPED') {
      throw new Error(`ActivityWorker cannot run: it is ${this.state}`);
    }
    if (this.state === 'INITIALIZED') this.state = 'RUNNING';
    await this.pollLoops();
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    clearTimeout(this.graceTimer);
    this.state = 'STOPPED';
  }

  /**
   * Stops polling (aborting the outstanding long poll) and lets in-flight activities drain;
   * after `shutdownGraceTimeMs` the remaining ones are cancelled with `WORKER_SHUTDOWN`.
   * An activity that then throws the `CancelledFailure` is reported as failed (type
   * `WorkerShutdown`, retryable), so the server retries it without waiting for a timeout.
   */
  shutdown(): void {
    if (this.state === 'STOPPING' || this.state === 'STOPPED') return;
    this.state = 'STOPPING';
    this.pollAbort.abort();
    this.wakePollers();
    if (this.options.shutdownGraceTimeMs <= 0) {
      this.expireGrace();
    } else {
      this.graceTimer = setTimeout(() => this.expireGrace(), this.options.shutdownGraceTimeMs);
    }
  }

  private expireGrace(): void {
    this.graceExpired = true;
    for (const execution of this.executions.values()) execution.cancel('WORKER_SHUTDOWN');
  }

  /** Several polls at once, so dispatch is not limited to one server round trip at a time. */
  private async pollLoops(): Promise<void> {
    const polls = Math.max(1, Math.min(this.options.maxConcurrentActivityTaskPolls, this.options.maxConcurrentActivityTaskExecutions));
    await Promise.all(Array.from({ length: polls }, () => this.pollLoop()));
  }

  private wakePollers(): void {
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  private async pollLoop(): Promise<void> {
    let consecutiveFailures = 0;
    while (this.state === 'RUNNING') {
      // A slot is taken by each running activity and each outstanding poll (which may bring one).
      if (this.slotsInUse() >= this.options.maxConcurrentActivityTaskExecutions) {
        await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        continue;
      }
      let task: ActivityTask;
      this.outstandingPolls++;
      try {
        task = await this.poll();
        consecutiveFailures = 0;
      } catch (error) {
        this.outstandingPolls--;
        if (this.state !== 'RUNNING') break;
        consecutiveFailures++;
        const delayMs = Math.min(pollRetryInitialDelayMs * 2 ** (consecutiveFailures - 1), pollRetryMaxDelayMs);
        this.options.logger.warn('Activity task poll failed, retrying', { error, consecutiveFailures, delayMs });
        await delay(delayMs, undefined, { signal: this.pollAbort.signal }).catch(() => undefined);
        continue;
      }
      this.outstandingPolls--;
      // A task that arrives as shutdown begins is still run: the server handed it to us.
      if (task.taskToken.length > 0) this.startTask(task);
    }
  }

  private slotsInUse(): number {
    return this.tasks.size + this.outstandingPolls + this.eagerReservations;
  }

  /**
   * Reserve up to `wanted` slots for activities the server may start eagerly
   * (returned with a workflow-task completion); returns how many were reserved.
   */
  reserveEagerSlots(wanted: number): number {
    if (this.state !== 'RUNNING') return 0;
    const free = Math.max(0, this.options.maxConcurrentActivityTaskExecutions - this.slotsInUse());
    const reserved = Math.min(wanted, free);
    this.eagerReservations += reserved;
    return reserved;
  }

  /** Run the eager tasks that arrived and give back the reservations left unused. */
  acceptEagerTasks(reserved: number, tasks: ActivityTask[]): void {
    this.eagerReservations -= reserved;
    for (const task of tasks.slice(0, reserved)) if (task.taskToken.length > 0) this.startTask(task);
    this.wakePollers();
  }

  private poll(): Promise<ActivityTask> {
    const { service, namespace, taskQueue, identity } = this.options;
    return this.options.withAbortSignal(this.pollAbort.signal, () =>
      service.pollActivityTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: taskQueueKindNormal },
        identity,
      }),
    );
  }

  private startTask(task: ActivityTask): void {
    const token = Buffer.from(task.taskToken).toString('base64');
    const done: Promise<void> = this.processTask(task, token)
      .catch((error: unknown) => {
        // Outcomes and report errors are handled inside; reaching here is a bug.
        this.options.logger.error('Unexpected error while processing activity task', { error, taskToken: token });
      })
      .finally(() => {
        this.tasks.delete(done);
        this.executions.delete(token);
        this.wakePollers();
      });
    this.tasks.add(done);
  }

  private async processTask(task: ActivityTask, token: string): Promise<void> {
    const prepared = await this.prepare(task);
    if (!(prepared instanceof ActivityExecution)) {
      await this.respond('RespondActivityTaskFailed', () =>
        this.options.service.respondActivityTaskFailed({ ...this.requestBase(task), failure: prepared }),
      );
      return;
    }
    this.executions.set(token, prepared);
    if (this.graceExpired) prepared.cancel('WORKER_SHUTDOWN');
    const outcome = await prepared.run();
    await this.report(task, prepared, outcome);
  }

  /** The execution of a task, or the failure to report when it cannot start. */
  private async prepare(task: ActivityTask): Promise<ActivityExecution | ProtoFailure> {
    const { activities, dataConverter, namespace, taskQueue, logger } = this.options;
    const activityType = task.activityType?.name ?? '';
    try {
      const info = await activityInfoFromTask(task, { namespace, taskQueue, dataConverter });
      const fn = Object.hasOwn(activities, activityType)
        ? activities[activityType]
        : Object.hasOwn(activities, 'default')
          ? activities.default
          : undefined;
      if (typeof fn !== 'function') {
        throw ApplicationFailure.create({
          type: 'NotFoundError',
          message: `Activity function ${activityType} is not registered on this Worker, available activities: ${JSON.stringify(Object.keys(activities))}`,
          nonRetryable: false,
        });
      }
      let args: unknown[];
      try {
        args = await decodeArguments(dataConverter, task.input?.payloads);
      } catch (err) {
        throw ApplicationFailure.create({
          message: `Failed to parse activity args for activity ${activityType}: ${messageOf(err)}`,
          nonRetryable: false,
          cause: err instanceof Error ? err : undefined,
        });
      }
      return new ActivityExecution({
        info,
        fn,
        args,
        dataConverter,
        logger,
        recordHeartbeat: (details) => this.recordHeartbeat(task, details),
        heartbeatThrottleIntervalMs: heartbeatThrottleIntervalMs({
          heartbeatTimeoutMs: info.heartbeatTimeoutMs,
          maxHeartbeatThrottleIntervalMs: this.options.maxHeartbeatThrottleIntervalMs,
          defaultHeartbeatThrottleIntervalMs: this.options.defaultHeartbeatThrottleIntervalMs,
        }),
        localTimeoutBufferMs,
      });
    } catch (err) {
      logger.error(`Error while processing ActivityTask.start: ${messageOf(err)}`, {
        activityType,
        activityId: task.activityId,
        error: err,
      });
      return encodeError(dataConverter, ensureApplicationFailure(err));
    }
  }

  private async recordHeartbeat(task: ActivityTask, details: Payload[]): Promise<HeartbeatCancellation | undefined> {
    try {
      const reply = await this.options.service.recordActivityTaskHeartbeat({
        ...this.requestBase(task),
        details: { payloads: details },
      });
      const flags = {
        cancelRequested: reply.cancelRequested,
        paused: reply.activityPaused,
        reset: reply.activityReset,
      };
      // A cancel request wins over a reset, which wins over a pause.
      if (reply.cancelRequested) return { reason: 'CANCELLED', details: new ActivityCancellationDetails(flags) };
      if (reply.activityReset) return { reason: 'RESET', details: new ActivityCancellationDetails(flags) };
      if (reply.activityPaused) return { reason: 'PAUSED', details: new ActivityCancellationDetails(flags) };
      return undefined;
    } catch (error) {
      if (grpcCode(error) === grpcNotFound) {
        this.options.logger.debug('Activity not found when recording heartbeat', { taskToken: base64(task) });
        return { reason: 'NOT_FOUND', details: new ActivityCancellationDetails({ notFound: true }) };
      }
      this.options.logger.warn('Error when recording heartbeat', { error, taskToken: base64(task) });
      return undefined;
    }
  }

  private async report(task: ActivityTask, execution: ActivityExecution, outcome: ActivityOutcome): Promise<void> {
    const serverForgot = execution.serverForgotAttempt;
    const shutdownCancel = execution.cancelReason === 'WORKER_SHUTDOWN';
    await execution.stopHeartbeats(!serverForgot && outcome.kind === 'cancelled' && !shutdownCancel);
    if (serverForgot) {
      this.options.logger.debug('Not reporting activity the server no longer tracks', activityLogAttributes(execution.info));
      return;
    }
    const { service } = this.options;
    const base = this.requestBase(task);
    switch (outcome.kind) {
      case 'willCompleteAsync':
        return;
      case 'completed': {
        const completed = { ...base, result: { payloads: outcome.result } };
        return this.respond('RespondActivityTaskCompleted', () =>
          this.answerWithNextWorkflowTask({ completed }, task) ?? service.respondActivityTaskCompleted(completed),
        );
      }
      case 'failed':
      case 'cancelled': {
        if (outcome.kind === 'cancelled' && !shutdownCancel) {
          return this.respond('RespondActivityTaskCanceled', () =>
            service.respondActivityTaskCanceled({ ...base, details: outcome.failure.canceledFailureInfo?.details }),
          );
        }
        // Cancelled by shutdown: reported as a retryable failure so the server retries now
        // instead of waiting for the attempt to time out.
        const failure = outcome.kind === 'failed' ? outcome.failure : workerShutdownFailure;
        const lastHeartbeat = await execution.encodedLastHeartbeatDetails();
        const failed = { ...base, failure, lastHeartbeatDetails: lastHeartbeat === undefined ? undefined : { payloads: lastHeartbeat } };
        return this.respond('RespondActivityTaskFailed', () =>
          this.answerWithNextWorkflowTask({ failed }, task) ?? service.respondActivityTaskFailed(failed),
        );
      }
    }
  }

  /** The answer sent asking for the run's next workflow task; null when it cannot ask. */
  private answerWithNextWorkflowTask(answer: ActivityTaskAnswer, task: ActivityTask): Promise<void> | null {
    const runId = task.workflowExecution?.runId;
    return runId ? (this.options.answerWithNextWorkflowTask?.(answer, runId) ?? null) : null;
  }

  private requestBase(task: ActivityTask): { taskToken: Uint8Array; namespace: string; identity: string } {
    return { taskToken: task.taskToken, namespace: this.options.namespace, identity: this.options.identity };
  }

  /** Makes a Respond* call; its errors are logged, never thrown (the server times the attempt out instead). */
  private async respond(rpc: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (grpcCode(error) === grpcNotFound) {
        this.options.logger.warn(
          `${rpc}: activity not found. This may happen if the activity has already been cancelled but completed anyway.`,
          { error },
        );
      } else {
        this.options.logger.warn(`${rpc} failed`, { error });
      }
    }
  }
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function base64(task: ActivityTask): string {
  return Buffer.from(task.taskToken).toString('base64');
}
