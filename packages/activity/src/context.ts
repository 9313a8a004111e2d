/**
 * The activity `Context`: what a running activity reads (info, cancellation) and does
 * (heartbeat, sleep, log). The worker creates one per attempt and makes it current
 * through an `AsyncLocalStorage`, which Node, Bun and Deno all provide.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CancelledFailure, msToNumber, type Duration } from '@endure/common';
import {
  ActivityCancellationDetails,
  type ActivityCancellationDetailsHolder,
  type CancelReason,
} from './cancellation.js';
import type { Info } from './info.js';
import type { Logger, LogLevel, LogMetadata } from './logger.js';

// One store per process even if two copies of this package end up installed: a worker
// built against one copy must still find the context from activities using the other.
const storageKey = Symbol.for('__endure_activity_context_storage__');
const globalSlot = globalThis as { [storageKey]?: AsyncLocalStorage<Context> };
globalSlot[storageKey] ??= new AsyncLocalStorage<Context>();

/**
 * Where the current activity's {@link Context} lives. For workers and test environments
 * that run activities; activity code calls {@link Context.current} instead.
 *
 * @internal
 */
export const asyncLocalStorage: AsyncLocalStorage<Context> = globalSlot[storageKey];

/**
 * The context of one activity attempt: its {@link Info}, heartbeats, cancellation and
 * a logger carrying the activity's attributes.
 *
 * Get it inside an activity with `Context.current()`.
 *
 * @example
 * ```ts
 * import { Context } from '@endure/activity';
 *
 * export async function download(url: string): Promise<string> {
 *   const ctx = Context.current();
 *   ctx.heartbeat({ url });
 *   const response = await fetch(url, { signal: ctx.cancellationSignal });
 *   return response.text();
 * }
 * ```
 */
export class Context {
  /**
   * The context of the activity running in the current async scope.
   *
   * @throws Error when called outside an activity.
   */
  static current(): Context {
    const context = asyncLocalStorage.getStore();
    if (context === undefined) throw new Error('Activity context not initialized');
    return context;
  }

  /**
   * **Not** for activity code: workers and test environments create contexts
   * (see {@link createActivityContext}).
   *
   * @ignore
   */
  constructor(
    /** Information about this activity attempt. */
    readonly info: Info,
    /**
     * Rejects with a {@link CancelledFailure} once cancellation is requested; never resolves.
     * An activity learns of a cancellation requested by its workflow only if it heartbeats.
     */
    readonly cancelled: Promise<never>,
    /**
     * Aborted (with the {@link CancelledFailure} as reason) once cancellation is requested:
     * pass it to `fetch`, `child_process` and other APIs that take an `AbortSignal`.
     */
    readonly cancellationSignal: AbortSignal,
    /** The worker's heartbeat implementation. */
    protected readonly heartbeatFn: (details?: unknown) => void,
    /**
     * Logger whose lines carry this activity's attributes and `sdkComponent: 'activity'`.
     */
    public log: Logger,
    /** Filled in by the worker when it cancels the activity. */
    protected readonly _cancellationDetails: ActivityCancellationDetailsHolder = {},
  ) {}

  /**
   * Records a heartbeat: tells the server the activity is alive and checkpoints `details`,
   * which the next attempt reads back from {@link Info.heartbeatDetails}.
   *
   * Heartbeats are throttled by the worker (at most one call to the server per 80% of the
   * heartbeat timeout; the latest details always win). Heartbeating is how an activity
   * learns that its workflow asked for cancellation: watch {@link cancelled} or
   * {@link cancellationSignal} for that, this method never throws because of it.
   */
  readonly heartbeat = (details?: unknown): void => {
    this.heartbeatFn(details);
  };

  /**
   * Sleeps for `ms` (a number of milliseconds or an `ms`-style string such as `'5s'`),
   * rejecting with a {@link CancelledFailure} as soon as the activity is cancelled.
   */
  readonly sleep = (ms: Duration): Promise<void> => {
    if (this.cancellationSignal.aborted) return this.cancelled;
    return new Promise<void>((resolve, reject) => {
      const onCancel = (): void => {
        clearTimeout(timer);
        reject(this.cancellationSignal.reason as Error);
      };
      const timer = setTimeout(() => {
        this.cancellationSignal.removeEventListener('abort', onCancel);
        resolve();
      }, msToNumber(ms));
      this.cancellationSignal.addEventListener('abort', onCancel, { once: true });
    });
  };

  /**
   * Why the activity was cancelled, or `undefined` while it is not.
   *
   * @experimental as in the official SDK.
   */
  get cancellationDetails(): ActivityCancellationDetails | undefined {
    return this._cancellationDetails.details;
  }
}

/** A context together with the handle its owner uses to cancel it. */
export interface ActivityContextHandle {
  readonly context: Context;
  /** Why the context was cancelled, once it has been (the first reason wins). */
  readonly cancelReason: CancelReason | undefined;
  /** Cancels the context: rejects `cancelled` and aborts `cancellationSignal`. Later calls are ignored. */
  cancel(reason: CancelReason, details?: ActivityCancellationDetails): void;
}

/**
 * Creates the context of one activity attempt and the means to cancel it. For workers and
 * test environments, not activity code.
 *
 * @internal
 */
export function createActivityContext(
  info: Info,
  heartbeat: (details?: unknown) => void,
  log: Logger,
): ActivityContextHandle {
  const abortController = new AbortController();
  const detailsHolder: ActivityCancellationDetailsHolder = {};
  let rejectCancelled!: (err: CancelledFailure) => void;
  const cancelled = new Promise<never>((_resolve, reject) => {
    rejectCancelled = reject;
  });
  // An activity that never awaits `cancelled` must not cause an unhandled rejection.
  cancelled.catch(() => undefined);
  const context = new Context(info, cancelled, abortController.signal, heartbeat, log, detailsHolder);
  let cancelReason: CancelReason | undefined;
  return {
    context,
    get cancelReason() {
      return cancelReason;
    },
    cancel(reason, details) {
      if (cancelReason !== undefined) return;
      cancelReason = reason;
      detailsHolder.details = details ?? ActivityCancellationDetails.fromReason(reason);
      const failure = new CancelledFailure(reason);
      abortController.abort(failure);
      rejectCancelled(failure);
    },
  };
}

/**
 * The current activity's {@link Info}. Shortcut for `Context.current().info`.
 *
 * @example
 * ```ts
 * const { attempt, heartbeatDetails } = activityInfo();
 * ```
 */
export function activityInfo(): Info {
  return Context.current().info;
}

/**
 * Records a heartbeat for the current activity. Shortcut for `Context.current().heartbeat(details)`.
 *
 * @example
 * ```ts
 * for (let page = activityInfo().heartbeatDetails ?? 0; page < pages; page++) {
 *   await copyPage(page);
 *   heartbeat(page + 1);
 * }
 * ```
 */
export function heartbeat(details?: unknown): void {
  Context.current().heartbeat(details);
}

/**
 * Cancellation-aware sleep in the current activity. Shortcut for `Context.current().sleep(ms)`.
 *
 * @example
 * ```ts
 * await sleep('2s'); // rejects with CancelledFailure if the activity is cancelled meanwhile
 * ```
 */
export function sleep(ms: Duration): Promise<void> {
  return Context.current().sleep(ms);
}

/**
 * A promise that rejects with a {@link CancelledFailure} when the current activity is
 * cancelled. Shortcut for `Context.current().cancelled`.
 *
 * @example
 * ```ts
 * await Promise.race([doWork(), cancelled()]);
 * ```
 */
export function cancelled(): Promise<never> {
  return Context.current().cancelled;
}

/**
 * The current activity's `AbortSignal`. Shortcut for `Context.current().cancellationSignal`.
 *
 * @example
 * ```ts
 * const response = await fetch(url, { signal: cancellationSignal() });
 * ```
 */
export function cancellationSignal(): AbortSignal {
  return Context.current().cancellationSignal;
}

/**
 * Why the current activity was cancelled, if it was. Shortcut for `Context.current().cancellationDetails`.
 *
 * @example
 * ```ts
 * if (cancellationDetails()?.cancelRequested) await undoPartialWork();
 * ```
 *
 * @experimental as in the official SDK.
 */
export function cancellationDetails(): ActivityCancellationDetails | undefined {
  return Context.current().cancellationDetails;
}

function currentLog(level: LogLevel, message: string, meta?: LogMetadata): unknown {
  return Context.current().log.log(level, message, meta);
}

/**
 * The current activity's logger (a shortcut for `Context.current().log`, resolved at each call).
 *
 * @example
 * ```ts
 * log.info('charging card', { amountCents });
 * ```
 */
export const log: Logger = {
  log: currentLog,
  trace: (message, meta) => currentLog('TRACE', message, meta),
  debug: (message, meta) => currentLog('DEBUG', message, meta),
  info: (message, meta) => currentLog('INFO', message, meta),
  warn: (message, meta) => currentLog('WARN', message, meta),
  error: (message, meta) => currentLog('ERROR', message, meta),
};
