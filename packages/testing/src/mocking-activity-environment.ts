/**
 * Unit-testing activities without a server or worker: runs an activity function inside a
 * real activity `Context`, surfaces its heartbeats as events and lets the test cancel it.
 */
import { EventEmitter } from 'node:events';
import {
  ActivityCancellationDetails,
  asyncLocalStorage,
  createActivityContext,
  type CancelReason,
  type Context,
  type Info,
  type Logger,
  type LogLevel,
  type LogMetadata,
} from '@endure/activity';

/** Options of {@link MockActivityEnvironment}. */
export interface MockActivityEnvironmentOptions {
  /** Receives the activity's `log` lines; by default INFO and above go to stderr. */
  logger?: Logger;
}

/**
 * The {@link Info} activities see in a {@link MockActivityEnvironment} unless the test overrides fields.
 *
 * @ignore
 */
export const defaultActivityInfo: Info = {
  attempt: 1,
  taskQueue: 'test',
  isLocal: false,
  taskToken: Buffer.from('test'),
  activityId: 'test',
  activityType: 'unknown',
  workflowType: 'test',
  base64TaskToken: Buffer.from('test').toString('base64'),
  heartbeatTimeoutMs: undefined,
  heartbeatDetails: undefined,
  activityNamespace: 'default',
  workflowNamespace: 'default',
  workflowExecution: { workflowId: 'test', runId: '00000000-0000-0000-0000-000000000000' },
  scheduledTimestampMs: 1,
  startToCloseTimeoutMs: 1000,
  scheduleToCloseTimeoutMs: 1000,
  currentAttemptScheduledTimestampMs: 1,
  startedTimestampMs: 1,
  priority: undefined,
  retryPolicy: undefined,
  namespace: 'test',
  activityRunId: undefined,
  inWorkflow: true,
};

/**
 * An execution environment for unit-testing activities: `run()` calls the activity inside a
 * mocked {@link Context}, every `heartbeat(details)` is emitted as a `'heartbeat'` event, and
 * `cancel()` cancels the context as the worker would.
 *
 * The same context serves every `run()`: once cancelled, later runs start cancelled too.
 *
 * @example
 * ```ts
 * import { MockActivityEnvironment } from '@endure/testing';
 * import { CancelledFailure } from '@endure/activity';
 *
 * const env = new MockActivityEnvironment({ attempt: 2 });
 * env.on('heartbeat', (details: unknown) => {
 *   if (details === 3) env.cancel();
 * });
 * await expect(env.run(countTo, 10)).rejects.toBeInstanceOf(CancelledFailure);
 * ```
 */
export class MockActivityEnvironment extends EventEmitter {
  /** The context activities run in. */
  public readonly context: Context;
  /**
   * Cancels the context: its `cancelled` promise rejects and its `cancellationSignal` aborts with
   * a `CancelledFailure` whose message is `reason` (`'CANCELLED'` by default, with `cancelRequested` details).
   */
  public readonly cancel: (reason?: CancelReason, details?: ActivityCancellationDetails) => void;

  constructor(info?: Partial<Info>, opts?: MockActivityEnvironmentOptions) {
    super();
    const handle = createActivityContext(
      { ...defaultActivityInfo, ...info },
      (details?: unknown) => this.emit('heartbeat', details),
      opts?.logger ?? new StderrLogger('INFO'),
    );
    this.context = handle.context;
    this.cancel = (reason = 'CANCELLED', details = new ActivityCancellationDetails({ cancelRequested: true })) => {
      handle.cancel(reason, details);
    };
  }

  /** Runs `fn(...args)` in the activity context and returns its result, unconverted. */
  public run<P extends unknown[], R>(fn: (...args: P) => R | Promise<R>, ...args: P): Promise<R> {
    return asyncLocalStorage.run(this.context, async () => fn(...args));
  }
}

const levelOrder: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Default logger of the environment, like the official `DefaultLogger`: one line per entry on stderr. */
class StderrLogger implements Logger {
  constructor(private readonly minLevel: LogLevel) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (levelOrder.indexOf(level) < levelOrder.indexOf(this.minLevel)) return;
    const suffix = meta === undefined ? '' : ` ${safeJson(meta)}`;
    process.stderr.write(`${new Date().toISOString()} [${level}] ${message}${suffix}\n`);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
