/**
 * The workflow API (mirrors @temporalio/workflow): activities, timers,
 * conditions, signals and queries, patches, continue-as-new, info.
 * Every call here runs inside the deterministic sandbox.
 */
import {
  ActivityCancellationType,
  compileRetryPolicy,
  mapToPayloads,
  msOptionalToTs,
  msToNumber,
  msToTs,
  toPayloads,
  type ActivityOptions,
  type Duration,
  type QueryDefinition,
  type SignalDefinition,
  type UpdateDefinition,
} from '@endure/common';
import { CancellationScope, setScopeSleep } from './cancellation-scope.js';
import { ContinueAsNew } from './errors.js';
import type { ContinueAsNewOptions, TimerOptions, WorkflowInfo } from './interfaces.js';
import { CommandType, PATCH_MARKER_DETAILS_KEY, PATCH_MARKER_NAME } from './internals/commands.js';
import { userMetadata } from './internals/user-metadata.js';
import { searchAttributesOf } from './search-attributes.js';
import {
  deliverSignal,
  failureConverter,
  nextSeq,
  payloadConverter,
  pushCommand,
  retractCommand,
  state,
  updateHost,
  workflowInfo as currentInfo,
} from './internals/activator.js';
import { deliverBufferedUpdates } from './internals/updates.js';

// Activity and handler functions take any arguments.
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFunction = (...args: any[]) => any;
/** Activities as seen from workflow code: every function returns a promise. */
export type ActivityInterfaceFor<T> = {
  [K in keyof T]: T[K] extends AnyFunction ? (...args: Parameters<T[K]>) => Promise<Awaited<ReturnType<T[K]>>> : never;
};

/** Information about the current workflow run. */
export function workflowInfo(): WorkflowInfo {
  return currentInfo();
}

/** True when called from workflow code inside the sandbox. */
export function inWorkflowContext(): boolean {
  return state.info !== undefined;
}

/**
 * Typed functions that schedule activities.
 *
 * @example
 * ```ts
 * const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });
 * ```
 */
export function proxyActivities<A = Record<string, AnyFunction>>(options: ActivityOptions): ActivityInterfaceFor<A> {
  if (options === undefined) throw new TypeError('options must be defined');
  validateActivityOptions(options);
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_, activityType) {
      if (typeof activityType !== 'string') throw new TypeError(`Only strings are supported for Activity types, got: ${String(activityType)}`);
      return (...args: unknown[]) => scheduleActivity(activityType, args, options);
    },
  });
}

function validateActivityOptions(options: ActivityOptions): void {
  if (options.scheduleToCloseTimeout === undefined && options.startToCloseTimeout === undefined) {
    throw new TypeError('Required either scheduleToCloseTimeout or startToCloseTimeout');
  }
}

function cancelledActivityFailure(activityType: string, activityId: string): Error {
  return failureConverter.failureToError(
    {
      message: 'Activity cancelled',
      activityFailureInfo: { activityType: { name: activityType }, activityId, retryState: 7 },
      cause: { message: 'Activity cancelled', canceledFailureInfo: {} },
    },
    payloadConverter,
  );
}

/** Schedule an activity by type name (what proxyActivities calls). */
export function scheduleActivity<R>(activityType: string, args: unknown[], options: ActivityOptions): Promise<R> {
  validateActivityOptions(options);
  const scope = CancellationScope.current();
  if (scope.consideredCancelled) return scope.cancelRequested;
  const seq = nextSeq('activity');
  const activityId = options.activityId ?? `${seq}`;
  return new Promise<R>((resolve, reject) => {
    if (scope.cancellable) {
      scope.cancelRequested.catch(() => {
        if (!state.activities.has(seq)) return;
        const unsent = retractCommand((c) => c.seq === seq && c.commandType === CommandType.SCHEDULE_ACTIVITY_TASK);
        const type = options.cancellationType ?? ActivityCancellationType.TRY_CANCEL;
        if (!unsent && type !== ActivityCancellationType.ABANDON) {
          pushCommand({ commandType: CommandType.REQUEST_CANCEL_ACTIVITY_TASK, seq, requestCancelActivityTaskCommandAttributes: {} });
        }
        if (unsent || type !== ActivityCancellationType.WAIT_CANCELLATION_COMPLETED) {
          state.activities.delete(seq);
          reject(cancelledActivityFailure(activityType, activityId));
        }
      });
    }
    pushCommand({
      commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
      seq,
      scheduleActivityTaskCommandAttributes: {
        activityId,
        activityType: { name: activityType },
        taskQueue: { name: options.taskQueue ?? currentInfo().taskQueue },
        header: { fields: {} },
        input: { payloads: toPayloads(payloadConverter, ...args) ?? [] },
        scheduleToCloseTimeout: msOptionalToTs(options.scheduleToCloseTimeout),
        scheduleToStartTimeout: msOptionalToTs(options.scheduleToStartTimeout),
        startToCloseTimeout: msOptionalToTs(options.startToCloseTimeout),
        heartbeatTimeout: msOptionalToTs(options.heartbeatTimeout),
        retryPolicy: options.retry ? compileRetryPolicy(options.retry) : undefined,
      },
      userMetadata: userMetadata(options.summary),
    });
    state.activities.set(seq, { resolve: resolve, reject });
  });
}

/**
 * A durable timer: resolves after `ms` of workflow time, survives restarts.
 *
 * @example
 * ```ts
 * await sleep('1 day');
 * await sleep('5 minutes', { summary: 'let the cache settle' });
 * ```
 */
export function sleep(ms: Duration, options?: TimerOptions): Promise<void> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled) return scope.cancelRequested;
  const seq = nextSeq('timer');
  const timerId = `${seq}`;
  const durationMs = Math.max(1, msToNumber(ms));
  return new Promise<void>((resolve, reject) => {
    if (scope.cancellable) {
      scope.cancelRequested.catch((err: Error) => {
        if (!state.timers.delete(seq)) return;
        const unsent = retractCommand((c) => c.commandType === CommandType.START_TIMER && c.startTimerCommandAttributes?.timerId === timerId);
        if (!unsent) pushCommand({ commandType: CommandType.CANCEL_TIMER, cancelTimerCommandAttributes: { timerId } });
        reject(err);
      });
    }
    pushCommand({
      commandType: CommandType.START_TIMER,
      startTimerCommandAttributes: { timerId, startToFireTimeout: msToTs(durationMs) },
      userMetadata: userMetadata(options?.summary),
    });
    state.timers.set(seq, { resolve: () => resolve(), reject });
  });
}
setScopeSleep(sleep);

/**
 * Wait until `fn` returns true; with a timeout, resolve false if it does not in time.
 *
 * @example
 * ```ts
 * const approved = await condition(() => state.approved, '1 hour');
 * ```
 */
export function condition(fn: () => boolean, timeout: Duration): Promise<boolean>;
export function condition(fn: () => boolean): Promise<void>;
export async function condition(fn: () => boolean, timeout?: Duration): Promise<void | boolean> {
  if (timeout === undefined) return conditionInner(fn);
  return CancellationScope.cancellable(async () => {
    try {
      return await Promise.race([sleep(timeout).then(() => false), conditionInner(fn).then(() => true)]);
    } finally {
      CancellationScope.current().cancel();
    }
  });
}

function conditionInner(fn: () => boolean): Promise<void> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled) return scope.cancelRequested;
  return new Promise<void>((resolve, reject) => {
    const seq = nextSeq('condition');
    if (scope.cancellable) {
      scope.cancelRequested.catch((err: Error) => {
        state.conditions.delete(seq);
        reject(err);
      });
    }
    state.conditions.set(seq, { fn, resolve });
  });
}

/** Define a signal by name, for setHandler and the client. */
export function defineSignal<Args extends any[] = [], Name extends string = string>(name: Name): SignalDefinition<Args, Name> {
  return { type: 'signal', name } as SignalDefinition<Args, Name>;
}

/** Define a query by name, for setHandler and the client. */
export function defineQuery<Ret, Args extends any[] = [], Name extends string = string>(name: Name): QueryDefinition<Ret, Args, Name> {
  return { type: 'query', name } as QueryDefinition<Ret, Args, Name>;
}

/** Define an update by name, for setHandler and the client. */
export function defineUpdate<Ret, Args extends any[] = [], Name extends string = string>(name: Name): UpdateDefinition<Ret, Args, Name> {
  return { type: 'update', name } as UpdateDefinition<Ret, Args, Name>;
}

type Definition = { type: 'signal' | 'query' | 'update'; name: string };

/**
 * Register (or with `undefined`, remove) the handler for a signal, query or update;
 * the handler's types come from the definition.
 *
 * @example
 * ```ts
 * setHandler(approveSignal, (by) => { approvedBy = by; });
 * ```
 */
export function setHandler<Args extends any[], Name extends string = string>(
  def: SignalDefinition<Args, Name>,
  handler: ((...args: Args) => void | Promise<void>) | undefined,
  options?: unknown,
): void;
export function setHandler<Ret, Args extends any[], Name extends string = string>(
  def: QueryDefinition<Ret, Args, Name>,
  handler: ((...args: Args) => Ret) | undefined,
  options?: unknown,
): void;
export function setHandler<Ret, Args extends any[], Name extends string = string>(
  def: UpdateDefinition<Ret, Args, Name>,
  handler: ((...args: Args) => Ret | Promise<Ret>) | undefined,
  options?: unknown,
): void;
export function setHandler(def: Definition, handler: AnyFunction | undefined, options?: unknown): void {
  if (def.type === 'signal') {
    if (!handler) {
      state.signalHandlers.delete(def.name);
      return;
    }
    state.signalHandlers.set(def.name, handler);
    const pending = state.bufferedSignals.filter((s) => s.signalName === def.name);
    state.bufferedSignals = state.bufferedSignals.filter((s) => s.signalName !== def.name);
    for (const s of pending) deliverSignal(s.signalName, s.args);
  } else if (def.type === 'query') {
    if (handler) state.queryHandlers.set(def.name, handler);
    else state.queryHandlers.delete(def.name);
  } else if (!handler) {
    state.updateHandlers.delete(def.name);
  } else {
    const updateOptions = options as UpdateHandlerOptions<AnyFunction> | undefined;
    state.updateHandlers.set(def.name, { handler, validator: updateOptions?.validator, unfinishedPolicy: updateOptions?.unfinishedPolicy });
    deliverBufferedUpdates(updateHost, def.name);
  }
}

/**
 * What becomes of a handler still running when the workflow finishes: the default warns (in the
 * worker's log), `ABANDON` does not.
 */
export const HandlerUnfinishedPolicy = {
  WARN_AND_ABANDON: 'WARN_AND_ABANDON',
  ABANDON: 'ABANDON',
} as const;
/** See {@link HandlerUnfinishedPolicy}. */
export type HandlerUnfinishedPolicy = (typeof HandlerUnfinishedPolicy)[keyof typeof HandlerUnfinishedPolicy];

/** Options of an update handler. */
export interface UpdateHandlerOptions<F extends AnyFunction> {
  /** Runs before the update is accepted (not on replay); throwing rejects the update, which leaves no trace in history. */
  validator?: (...args: Parameters<F>) => void;
  /** What to do when the workflow finishes while this handler runs. */
  unfinishedPolicy?: HandlerUnfinishedPolicy;
  description?: string;
}

/**
 * True when no update handler is running: `await condition(allHandlersFinished)` before
 * returning lets every accepted update complete.
 *
 * @example
 * ```ts
 * await condition(allHandlersFinished);
 * return result;
 * ```
 */
export function allHandlersFinished(): boolean {
  return state.updatesInProgress.size === 0;
}

/** Handle signals that have no handler of their own. */
export function setDefaultSignalHandler(handler: ((signalName: string, ...args: unknown[]) => void) | undefined): void {
  state.defaultSignalHandler = handler;
  if (!handler) return;
  const pending = state.bufferedSignals;
  state.bufferedSignals = [];
  for (const s of pending) deliverSignal(s.signalName, s.args);
}

/** A deterministic RFC 4122 version 4 UUID (seeded per run, identical on replay). */
export function uuid4(): string {
  const hex = (n: number) => Math.floor(state.random() * 16 ** n).toString(16).padStart(n, '0');
  const variant = (8 + Math.floor(state.random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

const patchResults = new Map<string, boolean>();

function patch(patchId: string, deprecated: boolean): boolean {
  const known = patchResults.get(patchId);
  if (known !== undefined) return known;
  const usePatch = !state.isReplaying || state.knownPatches.has(patchId);
  patchResults.set(patchId, usePatch);
  if (usePatch && !state.sentPatches.has(patchId)) {
    state.sentPatches.add(patchId);
    pushCommand({
      commandType: CommandType.RECORD_MARKER,
      recordMarkerCommandAttributes: {
        markerName: PATCH_MARKER_NAME,
        details: { [PATCH_MARKER_DETAILS_KEY]: { payloads: [payloadConverter.toPayload({ id: patchId, deprecated })] } },
      },
    });
  }
  return usePatch;
}

/**
 * True when this run should take the new code path of patch `patchId`:
 * always on first execution, and on replay only if history recorded the patch.
 */
export function patched(patchId: string): boolean {
  return patch(patchId, false);
}

/** Marks a patch whose old code path is gone: no run without it remains. */
export function deprecatePatch(patchId: string): void {
  patch(patchId, true);
}

/** A function that continues this workflow as new with `options`. */
export function makeContinueAsNewFunc<F extends AnyFunction>(options: ContinueAsNewOptions = {}): (...args: Parameters<F>) => Promise<never> {
  return (...args: Parameters<F>) => {
    const info = currentInfo();
    return Promise.reject(
      new ContinueAsNew({
        workflowType: { name: options.workflowType ?? info.workflowType },
        taskQueue: { name: options.taskQueue ?? info.taskQueue },
        input: { payloads: toPayloads(payloadConverter, ...args) ?? [] },
        workflowRunTimeout: msOptionalToTs(options.workflowRunTimeout),
        workflowTaskTimeout: msOptionalToTs(options.workflowTaskTimeout),
        backoffStartInterval: msOptionalToTs(options.backoffStartInterval),
        memo: options.memo ? { fields: mapToPayloads(payloadConverter, options.memo) } : undefined,
        searchAttributes: searchAttributesOf(options),
        header: { fields: {} },
      }),
    );
  };
}

/**
 * Complete this run and start a new one of the same workflow with `args`.
 *
 * @example
 * ```ts
 * await continueAsNew<typeof myWorkflow>(nextCursor);
 * ```
 */
export function continueAsNew<F extends AnyFunction>(...args: Parameters<F>): Promise<never> {
  return makeContinueAsNewFunc<F>()(...args);
}

type MutableInfo = { -readonly [K in keyof WorkflowInfo]: WorkflowInfo[K] };

/**
 * Add, change or (with `undefined` or `null`) remove memo fields of this workflow;
 * `workflowInfo().memo` shows the result at once.
 *
 * @example
 * ```ts
 * upsertMemo({ note: 'waiting for stock' });
 * ```
 */
export function upsertMemo(memo: Record<string, unknown>): void {
  if (memo === null || typeof memo !== 'object') throw new TypeError('memo must be an object');
  const info = currentInfo() as MutableInfo;
  // `undefined` encodes as an empty payload, which the server takes as removal.
  const upserted = Object.fromEntries(Object.entries(memo).map(([k, v]) => [k, v ?? undefined]));
  pushCommand({
    commandType: CommandType.MODIFY_WORKFLOW_PROPERTIES,
    modifyWorkflowPropertiesCommandAttributes: { upsertedMemo: { fields: mapToPayloads(payloadConverter, upserted) } },
  });
  const merged = Object.fromEntries(Object.entries({ ...info.memo, ...upserted }).filter(([, v]) => v !== undefined && v !== null));
  info.memo = merged;
}

/** Resolves once, to the value given to `resolve` (mirrors @temporalio/workflow's Trigger). */
export class Trigger<T> implements PromiseLike<T> {
  readonly #promise: Promise<T>;
  #resolve!: (value: T | PromiseLike<T>) => void;
  #reject!: (reason?: unknown) => void;

  constructor() {
    this.#promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#promise.catch(() => undefined);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    return this.#promise.then(onfulfilled, onrejected);
  }

  resolve(value: T | PromiseLike<T>): void {
    this.#resolve(value);
  }

  reject(reason?: unknown): void {
    this.#reject(reason);
  }
}

type LogFn = (message: string, attrs?: Record<string, unknown>) => void;
interface HostLog {
  (level: string, message: string, attrs?: Record<string, unknown>): void;
}
declare const __endure_log: HostLog | undefined;

function logAt(level: string): LogFn {
  return (message, attrs) => {
    if (state.isReplaying) return;
    if (typeof __endure_log === 'function') __endure_log(level, message, { ...attrs, workflowId: state.info?.workflowId });
  };
}

/** Workflow logger; silent while replaying. */
export const log = {
  trace: logAt('TRACE'),
  debug: logAt('DEBUG'),
  info: logAt('INFO'),
  warn: logAt('WARN'),
  error: logAt('ERROR'),
};
