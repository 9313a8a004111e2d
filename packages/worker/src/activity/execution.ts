/**
 * One activity attempt from start to outcome: builds its context, runs the function in it,
 * heartbeats through a throttle, enforces the worker-side deadlines, and classifies how it
 * ended (completed, failed, cancelled, completing asynchronously) the way the official
 * worker does. Reporting the outcome to the server is the caller's job.
 */
import {
  asyncLocalStorage,
  createActivityContext,
  ActivityCancellationDetails,
  type ActivityContextHandle,
  type CancelReason,
  type Info,
  type Logger,
  type LogLevel,
  type LogMetadata,
} from '@endure/activity';
import {
  ApplicationFailure,
  CancelledFailure,
  CompleteAsyncError,
  ensureApplicationFailure,
  type LoadedDataConverter,
  type Payload,
} from '@endure/common';
import { HeartbeatThrottle } from './heartbeat-throttle.js';
import { encodeError, encodePayloads, encodeValue, type ProtoFailure } from './payloads.js';
import { activityLogAttributes } from './task-info.js';

/** How an attempt ended, in the terms of the server's Respond* calls. */
export type ActivityOutcome =
  | { kind: 'completed'; result: Payload[] }
  | { kind: 'failed'; failure: ProtoFailure }
  | { kind: 'cancelled'; failure: ProtoFailure }
  | { kind: 'willCompleteAsync' };

/** A cancellation learnt from a heartbeat reply (or from the heartbeat being rejected). */
export interface HeartbeatCancellation {
  reason: CancelReason;
  details: ActivityCancellationDetails;
}

/** The worker's logger as the activity worker options give it. */
export interface WorkerLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  error(message: string, meta?: object): void;
  debug(message: string, meta?: object): void;
}

export interface ActivityExecutionOptions {
  info: Info;
  fn: (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any -- user activities take anything
  args: unknown[];
  dataConverter: LoadedDataConverter;
  logger: WorkerLogger;
  /**
   * Records one heartbeat (details already encoded) on the server; never rejects. Returns
   * the cancellation the reply asks for, if any.
   */
  recordHeartbeat: (details: Payload[]) => Promise<HeartbeatCancellation | undefined>;
  heartbeatThrottleIntervalMs: number;
  /** Added to the start-to-close and heartbeat timeouts so the server, not the worker, decides timeouts it tracks. */
  localTimeoutBufferMs: number;
}

/**
 * Cancel reasons after which the attempt's outcome is not reported: the server no longer
 * knows the attempt (`NOT_FOUND` from a heartbeat) or has timed it out itself before the
 * worker's buffered deadline passed (`TIMED_OUT`), so a report would only be rejected.
 */
const serverForgetsAttempt: ReadonlySet<CancelReason> = new Set(['NOT_FOUND', 'TIMED_OUT']);

export class ActivityExecution {
  readonly info: Info;
  private readonly handle: ActivityContextHandle;
  private readonly heartbeats: HeartbeatThrottle;
  private readonly timers: NodeJS.Timeout[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Details of the latest heartbeat, sent or not (before the codecs): a failure report carries them. */
  private lastHeartbeatDetails: Payload | undefined;
  private finished = false;

  constructor(private readonly options: ActivityExecutionOptions) {
    this.info = options.info;
    this.handle = createActivityContext(
      options.info,
      (details) => this.recordHeartbeat(details),
      contextLogger(options.logger, activityLogAttributes(options.info)),
    );
    this.heartbeats = new HeartbeatThrottle((details) => this.sendHeartbeat(details), options.heartbeatThrottleIntervalMs);
  }

  get cancelReason(): CancelReason | undefined {
    return this.handle.cancelReason;
  }

  /** True once the server is known to have forgotten this attempt: its outcome must not be reported. */
  get serverForgotAttempt(): boolean {
    const reason = this.handle.cancelReason;
    return reason !== undefined && serverForgetsAttempt.has(reason);
  }

  /** Cancels the running activity; the first reason wins. No effect once it has finished. */
  cancel(reason: CancelReason, details?: ActivityCancellationDetails): void {
    if (this.finished) return;
    this.handle.cancel(reason, details);
  }

  /** Encoded details of the latest heartbeat, for a failure report. */
  async encodedLastHeartbeatDetails(): Promise<Payload[] | undefined> {
    if (this.lastHeartbeatDetails === undefined) return undefined;
    return encodePayloads(this.options.dataConverter, [this.lastHeartbeatDetails]);
  }

  /** Runs the activity and returns how it ended; never rejects. */
  async run(): Promise<ActivityOutcome> {
    this.startLocalTimers();
    const startedAtMs = Date.now();
    let outcome: ActivityOutcome;
    try {
      outcome = await asyncLocalStorage.run(this.handle.context, () => this.execute());
    } finally {
      this.finished = true;
      for (const timer of this.timers) clearTimeout(timer);
      clearTimeout(this.heartbeatTimer);
    }
    this.logOutcome(outcome, Date.now() - startedAtMs);
    return outcome;
  }

  /**
   * Stops heartbeating. A cancellation report cannot carry heartbeat details, so it flushes
   * the pending ones first; other reports either carry them (failure) or make them moot.
   */
  async stopHeartbeats(flush: boolean): Promise<void> {
    await this.heartbeats.close(flush);
  }

  private async execute(): Promise<ActivityOutcome> {
    const { dataConverter } = this.options;
    try {
      const result = await this.options.fn(...this.options.args);
      return { kind: 'completed', result: await encodeValue(dataConverter, result) };
    } catch (err) {
      return this.classifyError(err);
    }
  }

  private async classifyError(err: unknown): Promise<ActivityOutcome> {
    const { dataConverter } = this.options;
    if (err instanceof CompleteAsyncError) return { kind: 'willCompleteAsync' };
    const reason = this.handle.cancelReason;
    if (reason === 'HEARTBEAT_DETAILS_CONVERSION_FAILED') {
      // Whatever the activity threw, the server only accepts an application failure here.
      const failure = ApplicationFailure.retryable(reason, 'CancelledFailure');
      return { kind: 'failed', failure: await encodeError(dataConverter, failure) };
    }
    if (reason !== undefined && err instanceof CancelledFailure) {
      const details = this.handle.context.cancellationDetails;
      if (details?.reset) {
        return { kind: 'failed', failure: await encodeError(dataConverter, new ApplicationFailure('Activity reset', 'ActivityReset')) };
      }
      if (details?.paused) {
        return { kind: 'failed', failure: await encodeError(dataConverter, new ApplicationFailure('Activity paused', 'ActivityPause')) };
      }
      const failure = await encodeError(dataConverter, err);
      return { kind: 'cancelled', failure: { ...failure, stackTrace: '' } };
    }
    if (reason !== undefined && isAbortError(err)) {
      return { kind: 'cancelled', failure: { canceledFailureInfo: {} } };
    }
    return { kind: 'failed', failure: await encodeError(dataConverter, ensureApplicationFailure(err)) };
  }

  private async sendHeartbeat(details: Payload[]): Promise<void> {
    let encoded: Payload[];
    try {
      encoded = await encodePayloads(this.options.dataConverter, details);
    } catch (error) {
      this.options.logger.warn('Failed to encode heartbeat details, cancelling Activity', {
        error,
        ...activityLogAttributes(this.info),
      });
      this.cancel('HEARTBEAT_DETAILS_CONVERSION_FAILED', new ActivityCancellationDetails());
      return;
    }
    const cancellation = await this.options.recordHeartbeat(encoded);
    if (cancellation !== undefined) this.cancel(cancellation.reason, cancellation.details);
    // As in the official worker, an acknowledged heartbeat (whatever the reply) pushes the local deadline back.
    this.resetHeartbeatTimer();
  }

  private recordHeartbeat(details: unknown): void {
    if (this.finished) return; // A heartbeat from code still running after its activity returned.
    let payload: Payload;
    try {
      payload = this.options.dataConverter.payloadConverter.toPayload(details);
    } catch (error) {
      this.options.logger.warn('Failed to encode heartbeat details, cancelling Activity', {
        error,
        ...activityLogAttributes(this.info),
      });
      this.handle.cancel('HEARTBEAT_DETAILS_CONVERSION_FAILED', new ActivityCancellationDetails());
      return;
    }
    this.lastHeartbeatDetails = payload;
    this.heartbeats.record([payload]);
  }

  /**
   * The worker's own deadlines, a buffer after the server's: they stop an activity that
   * neither heartbeats nor finishes, which the server has long given up on.
   * Schedule-to-close is not tracked here (clock skew makes it unreliable), as in the official worker.
   */
  private startLocalTimers(): void {
    const { startToCloseTimeoutMs } = this.info;
    if (startToCloseTimeoutMs > 0) {
      this.timers.push(setTimeout(() => this.timeOut('start-to-close'), startToCloseTimeoutMs + this.options.localTimeoutBufferMs));
    }
    this.resetHeartbeatTimer();
  }

  private resetHeartbeatTimer(): void {
    const { heartbeatTimeoutMs } = this.info;
    if (!heartbeatTimeoutMs || this.finished) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.timeOut('heartbeat'), heartbeatTimeoutMs + this.options.localTimeoutBufferMs);
  }

  private timeOut(kind: 'start-to-close' | 'heartbeat'): void {
    this.options.logger.debug(`Timing out activity due to elapsed local ${kind} timer`, activityLogAttributes(this.info));
    this.cancel('TIMED_OUT', new ActivityCancellationDetails({ timedOut: true, notFound: true }));
  }

  private logOutcome(outcome: ActivityOutcome, durationMs: number): void {
    const { logger } = this.options;
    const attributes = { ...activityLogAttributes(this.info), durationMs };
    switch (outcome.kind) {
      case 'completed':
        logger.debug('Activity completed', attributes);
        return;
      case 'cancelled':
        logger.debug('Activity completed as cancelled', attributes);
        return;
      case 'willCompleteAsync':
        logger.debug('Activity will complete asynchronously', attributes);
        return;
      case 'failed':
        logger.warn('Activity failed', { ...attributes, failure: outcome.failure.message });
        return;
    }
  }
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** The activity-facing logger: the worker's, with the activity's attributes on every line. */
function contextLogger(logger: WorkerLogger, attributes: Record<string, unknown>): Logger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const merged = { ...attributes, sdkComponent: 'activity', ...meta };
    switch (level) {
      case 'TRACE':
      case 'DEBUG':
        logger.debug(message, merged);
        return;
      case 'INFO':
        logger.info(message, merged);
        return;
      case 'WARN':
        logger.warn(message, merged);
        return;
      case 'ERROR':
        logger.error(message, merged);
        return;
    }
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
