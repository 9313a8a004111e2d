/**
 * The failure hierarchy: errors that cross Workflow, Activity and Client boundaries as Failure
 * protos. Each class carries a cross-realm `instanceof` marker because a failure created inside the
 * workflow sandbox is checked against classes loaded outside it, and vice versa.
 */
import type { temporal } from '@temporalio/proto';
import { makeProtoEnumConverters } from './enum-helpers.js';
import type { WorkflowExecution } from './interfaces.js';
import type { Duration } from './time.js';
import { isError, isRecord, SymbolBasedInstanceOfError } from './type-helpers.js';

/**
 * The `source` recorded on every Failure proto this SDK produces. Same value as the official
 * TypeScript SDK, so that other SDKs treat our stack traces as theirs.
 */
export const FAILURE_SOURCE = 'TypeScriptSDK';

/**
 * The Failure proto message.
 *
 * @example
 * ```ts
 * const failure: ProtoFailure = defaultFailureConverter.errorToFailure(err, defaultPayloadConverter);
 * ```
 */
export type ProtoFailure = temporal.api.failure.v1.IFailure;

/**
 * Which timeout fired.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TimeoutFailure && err.cause.timeoutType === TimeoutType.HEARTBEAT) { ... }
 * ```
 */
export const TimeoutType = {
  START_TO_CLOSE: 'START_TO_CLOSE',
  SCHEDULE_TO_START: 'SCHEDULE_TO_START',
  SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  HEARTBEAT: 'HEARTBEAT',
  /** @deprecated Use {@link TimeoutType.START_TO_CLOSE}. */
  TIMEOUT_TYPE_START_TO_CLOSE: 'START_TO_CLOSE',
  /** @deprecated Use {@link TimeoutType.SCHEDULE_TO_START}. */
  TIMEOUT_TYPE_SCHEDULE_TO_START: 'SCHEDULE_TO_START',
  /** @deprecated Use {@link TimeoutType.SCHEDULE_TO_CLOSE}. */
  TIMEOUT_TYPE_SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  /** @deprecated Use {@link TimeoutType.HEARTBEAT}. */
  TIMEOUT_TYPE_HEARTBEAT: 'HEARTBEAT',
  /** @deprecated Use `undefined`. */
  TIMEOUT_TYPE_UNSPECIFIED: undefined,
} as const;
/** See the {@link TimeoutType} values. */
export type TimeoutType = (typeof TimeoutType)[keyof typeof TimeoutType];

const timeoutTypeConverters = makeProtoEnumConverters<
  temporal.api.enums.v1.TimeoutType,
  NonNullable<TimeoutType>,
  'TIMEOUT_TYPE_'
>(
  { START_TO_CLOSE: 1, SCHEDULE_TO_START: 2, SCHEDULE_TO_CLOSE: 3, HEARTBEAT: 4, UNSPECIFIED: 0 },
  'TIMEOUT_TYPE_',
);

/**
 * {@link TimeoutType} to the proto enum number (`undefined` stays `undefined`).
 *
 * @example
 * ```ts
 * encodeTimeoutType('HEARTBEAT'); // 4
 * ```
 */
export const encodeTimeoutType = timeoutTypeConverters[0];

/**
 * Proto enum number to {@link TimeoutType} (`0` becomes `undefined`).
 *
 * @example
 * ```ts
 * decodeTimeoutType(1); // 'START_TO_CLOSE'
 * ```
 */
export const decodeTimeoutType = timeoutTypeConverters[1];

/**
 * Why retries stopped (or that they have not).
 *
 * @example
 * ```ts
 * if (err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED) { ... }
 * ```
 */
export const RetryState = {
  IN_PROGRESS: 'IN_PROGRESS',
  NON_RETRYABLE_FAILURE: 'NON_RETRYABLE_FAILURE',
  TIMEOUT: 'TIMEOUT',
  MAXIMUM_ATTEMPTS_REACHED: 'MAXIMUM_ATTEMPTS_REACHED',
  RETRY_POLICY_NOT_SET: 'RETRY_POLICY_NOT_SET',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  CANCEL_REQUESTED: 'CANCEL_REQUESTED',
  /** @deprecated Use {@link RetryState.IN_PROGRESS}. */
  RETRY_STATE_IN_PROGRESS: 'IN_PROGRESS',
  /** @deprecated Use {@link RetryState.NON_RETRYABLE_FAILURE}. */
  RETRY_STATE_NON_RETRYABLE_FAILURE: 'NON_RETRYABLE_FAILURE',
  /** @deprecated Use {@link RetryState.TIMEOUT}. */
  RETRY_STATE_TIMEOUT: 'TIMEOUT',
  /** @deprecated Use {@link RetryState.MAXIMUM_ATTEMPTS_REACHED}. */
  RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED: 'MAXIMUM_ATTEMPTS_REACHED',
  /** @deprecated Use {@link RetryState.RETRY_POLICY_NOT_SET}. */
  RETRY_STATE_RETRY_POLICY_NOT_SET: 'RETRY_POLICY_NOT_SET',
  /** @deprecated Use {@link RetryState.INTERNAL_SERVER_ERROR}. */
  RETRY_STATE_INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** @deprecated Use {@link RetryState.CANCEL_REQUESTED}. */
  RETRY_STATE_CANCEL_REQUESTED: 'CANCEL_REQUESTED',
  /** @deprecated Use `undefined`. */
  RETRY_STATE_UNSPECIFIED: undefined,
} as const;
/** See the {@link RetryState} values. */
export type RetryState = (typeof RetryState)[keyof typeof RetryState];

const retryStateConverters = makeProtoEnumConverters<
  temporal.api.enums.v1.RetryState,
  NonNullable<RetryState>,
  'RETRY_STATE_'
>(
  {
    IN_PROGRESS: 1,
    NON_RETRYABLE_FAILURE: 2,
    TIMEOUT: 3,
    MAXIMUM_ATTEMPTS_REACHED: 4,
    RETRY_POLICY_NOT_SET: 5,
    INTERNAL_SERVER_ERROR: 6,
    CANCEL_REQUESTED: 7,
    UNSPECIFIED: 0,
  },
  'RETRY_STATE_',
);

/**
 * {@link RetryState} to the proto enum number.
 *
 * @example
 * ```ts
 * encodeRetryState('TIMEOUT'); // 3
 * ```
 */
export const encodeRetryState = retryStateConverters[0];

/**
 * Proto enum number to {@link RetryState} (`0` becomes `undefined`).
 *
 * @example
 * ```ts
 * decodeRetryState(4); // 'MAXIMUM_ATTEMPTS_REACHED'
 * ```
 */
export const decodeRetryState = retryStateConverters[1];

/**
 * Severity category of an {@link ApplicationFailure}. `BENIGN` failures are logged at DEBUG level
 * by the Worker and not counted in failure metrics.
 *
 * @experimental
 * @example
 * ```ts
 * throw ApplicationFailure.create({ message: 'not ready yet', category: ApplicationFailureCategory.BENIGN });
 * ```
 */
export const ApplicationFailureCategory = {
  BENIGN: 'BENIGN',
} as const;
/** See the {@link ApplicationFailureCategory} values. */
export type ApplicationFailureCategory = (typeof ApplicationFailureCategory)[keyof typeof ApplicationFailureCategory];

const categoryConverters = makeProtoEnumConverters<
  temporal.api.enums.v1.ApplicationErrorCategory,
  ApplicationFailureCategory,
  'APPLICATION_ERROR_CATEGORY_'
>({ BENIGN: 1, UNSPECIFIED: 0 }, 'APPLICATION_ERROR_CATEGORY_');

/**
 * {@link ApplicationFailureCategory} to the proto enum number.
 *
 * @example
 * ```ts
 * encodeApplicationFailureCategory('BENIGN'); // 1
 * ```
 */
export const encodeApplicationFailureCategory = categoryConverters[0];

/**
 * Proto enum number to {@link ApplicationFailureCategory} (`0` becomes `undefined`).
 *
 * @example
 * ```ts
 * decodeApplicationFailureCategory(1); // 'BENIGN'
 * ```
 */
export const decodeApplicationFailureCategory = categoryConverters[1];

/**
 * Base of every failure that can cross Workflow and Activity boundaries.
 *
 * **Never extend this class or its children.** The only one to throw from your code is
 * {@link ApplicationFailure}.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof TemporalFailure) console.log(err.failure?.source); }
 * ```
 */
export class TemporalFailure extends Error {
  /**
   * The Failure proto this error was decoded from; only set when it came from the wire, and then
   * re-encoded verbatim.
   */
  public failure?: ProtoFailure;

  constructor(
    message?: string | null,
    public override readonly cause?: Error,
  ) {
    super(message ?? undefined);
  }
}
SymbolBasedInstanceOfError('TemporalFailure')(TemporalFailure);

/**
 * A failure originated in the Temporal service.
 *
 * @example
 * ```ts
 * if (err.cause instanceof ServerFailure && err.cause.nonRetryable) { ... }
 * ```
 */
export class ServerFailure extends TemporalFailure {
  constructor(
    message: string | undefined,
    public readonly nonRetryable: boolean,
    cause?: Error,
  ) {
    super(message, cause);
  }
}
SymbolBasedInstanceOfError('ServerFailure')(ServerFailure);

/**
 * Options of {@link ApplicationFailure.create}.
 *
 * @example
 * ```ts
 * const options: ApplicationFailureOptions = { message: 'card declined', type: 'CardError', nonRetryable: true };
 * ```
 */
export interface ApplicationFailureOptions {
  /** Error message. */
  message?: string;
  /** Error type, matched against {@link RetryPolicy.nonRetryableErrorTypes}. */
  type?: string;
  /**
   * Whether the current Activity or Workflow must not be retried.
   * @default false
   */
  nonRetryable?: boolean;
  /** Details about the failure, serialized by the Worker's payload converter. */
  details?: unknown[];
  /**
   * Overrides the delay before the next retry; attempts remain bounded by the retry policy's
   * maximum attempts and timeouts.
   */
  nextRetryDelay?: Duration;
  /** Cause of the failure. */
  cause?: Error;
  /** Severity category: changes Worker-side logging and metrics. */
  category?: ApplicationFailureCategory;
}

/**
 * An application-specific failure of a Workflow or Activity.
 *
 * `type` is matched against {@link RetryPolicy.nonRetryableErrorTypes}; `nonRetryable: true`
 * stops retries regardless. Thrown from a Workflow it fails the Workflow Execution (any other
 * error fails only the Workflow Task, which is retried). Any other error thrown from an Activity
 * is converted with {@link ensureApplicationFailure}.
 *
 * @example
 * ```ts
 * throw ApplicationFailure.nonRetryable('Card declined', 'CardError', { last4: '4242' });
 * ```
 */
export class ApplicationFailure extends TemporalFailure {
  /** Prefer {@link ApplicationFailure.create} or {@link ApplicationFailure.fromError}. */
  constructor(
    message?: string | null,
    public readonly type?: string | null,
    public readonly nonRetryable?: boolean | null,
    public readonly details?: unknown[] | null,
    cause?: Error,
    public readonly nextRetryDelay?: Duration | null,
    public readonly category?: ApplicationFailureCategory | null,
  ) {
    super(message, cause);
  }

  /**
   * {@link ensureApplicationFailure | `ensureApplicationFailure(error)`}, then `overrides` applied
   * on top.
   *
   * @example
   * ```ts
   * throw ApplicationFailure.fromError(err, { nonRetryable: true });
   * ```
   */
  static fromError(error: unknown, overrides?: ApplicationFailureOptions): ApplicationFailure {
    const failure = ensureApplicationFailure(error);
    Object.assign(failure, overrides);
    return failure;
  }

  /**
   * A new `ApplicationFailure`, retryable unless `nonRetryable` is set (or its `type` is listed in
   * {@link RetryPolicy.nonRetryableErrorTypes}).
   *
   * @example
   * ```ts
   * throw ApplicationFailure.create({ message: 'out of stock', type: 'StockError', details: [sku] });
   * ```
   */
  static create(options: ApplicationFailureOptions): ApplicationFailure {
    const { message, type, nonRetryable = false, details, nextRetryDelay, cause, category } = options;
    return new this(message, type, nonRetryable, details, cause, nextRetryDelay, category);
  }

  /**
   * A retryable failure (`type` defaults to `'Error'`).
   *
   * @example
   * ```ts
   * throw ApplicationFailure.retryable('Service busy', 'BusyError');
   * ```
   */
  static retryable(message?: string | null, type?: string | null, ...details: unknown[]): ApplicationFailure {
    return new this(message, type ?? 'Error', false, details);
  }

  /**
   * A non-retryable failure (`type` defaults to `'Error'`): the Activity or Workflow is not retried
   * even if `type` is absent from {@link RetryPolicy.nonRetryableErrorTypes}.
   *
   * @example
   * ```ts
   * throw ApplicationFailure.nonRetryable('Invalid input', 'ValidationError', { field: 'email' });
   * ```
   */
  static nonRetryable(message?: string | null, type?: string | null, ...details: unknown[]): ApplicationFailure {
    return new this(message, type ?? 'Error', true, details);
  }
}
SymbolBasedInstanceOfError('ApplicationFailure')(ApplicationFailure);

/**
 * Cancellation was requested. Let it propagate to allow cancellation; catch it to ignore the
 * request (it is delivered only once). The `cause` of a cancelled Workflow's or Activity's failure.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof CancelledFailure) await cleanup(); throw err; }
 * ```
 */
export class CancelledFailure extends TemporalFailure {
  constructor(
    message: string | undefined,
    public readonly details: unknown[] = [],
    cause?: Error,
  ) {
    super(message, cause);
  }
}
SymbolBasedInstanceOfError('CancelledFailure')(CancelledFailure);

/**
 * The `cause` when a Workflow was terminated.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TerminatedFailure) console.log('terminated:', err.cause.message);
 * ```
 */
export class TerminatedFailure extends TemporalFailure {
  constructor(message: string | undefined, cause?: Error) {
    super(message, cause);
  }
}
SymbolBasedInstanceOfError('TerminatedFailure')(TerminatedFailure);

/**
 * A timeout of an Activity or Workflow; `lastHeartbeatDetails` holds the last heartbeat's details.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TimeoutFailure) resumeFrom(err.cause.lastHeartbeatDetails);
 * ```
 */
export class TimeoutFailure extends TemporalFailure {
  constructor(
    message: string | undefined,
    public readonly lastHeartbeatDetails: unknown,
    public readonly timeoutType: TimeoutType,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('TimeoutFailure')(TimeoutFailure);

/**
 * An Activity failed; `cause` holds why (e.g. a {@link TimeoutFailure} or an
 * {@link ApplicationFailure}). Created by the framework only.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) ... }
 * ```
 */
export class ActivityFailure extends TemporalFailure {
  constructor(
    message: string | undefined,
    public readonly activityType: string,
    public readonly activityId: string | undefined,
    public readonly retryState: RetryState,
    public readonly identity: string | undefined,
    cause?: Error,
  ) {
    super(message, cause);
  }
}
SymbolBasedInstanceOfError('ActivityFailure')(ActivityFailure);

/**
 * A Child Workflow failed; `cause` holds why (e.g. a {@link TerminatedFailure}). Created by the
 * framework only.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ChildWorkflowFailure) console.log(err.execution.workflowId); }
 * ```
 */
export class ChildWorkflowFailure extends TemporalFailure {
  constructor(
    public readonly namespace: string | undefined,
    public readonly execution: WorkflowExecution,
    public readonly workflowType: string,
    public readonly retryState: RetryState,
    cause?: Error,
  ) {
    super('Child Workflow execution failed', cause);
  }
}
SymbolBasedInstanceOfError('ChildWorkflowFailure')(ChildWorkflowFailure);

/**
 * Starting a Workflow was rejected because of its Id: one is running and the conflict policy is
 * `FAIL`, or a closed one exists and the reuse policy forbids another.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(err.workflowId); }
 * ```
 */
export class WorkflowExecutionAlreadyStartedError extends TemporalFailure {
  constructor(
    message: string,
    public readonly workflowId: string,
    public readonly workflowType: string,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('WorkflowExecutionAlreadyStartedError')(WorkflowExecutionAlreadyStartedError);

/**
 * `error` itself if it is an {@link ApplicationFailure}; otherwise a retryable one with its
 * message (`String(error)` for non-errors), `type` from its constructor name (or `name`), its stack
 * and, when it is an `Error`, its `cause`.
 *
 * @example
 * ```ts
 * ensureApplicationFailure(new TypeError('bad')).type; // 'TypeError'
 * ```
 */
export function ensureApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const record = isRecord(error) ? error : undefined;
  const message = (record && String(record.message)) || String(error);
  const failure = ApplicationFailure.create({
    message,
    type: errorTypeName(record),
    nonRetryable: false,
    cause: record && isError(record.cause) ? record.cause : undefined,
  });
  failure.stack = (record && String(record.stack)) || '';
  return failure;
}

/** Constructor name, falling back to `name`; what the official SDK records as the failure type. */
function errorTypeName(record: Record<string, unknown> | undefined): string | undefined {
  if (record === undefined) return undefined;
  const ctor = record.constructor as { name?: unknown } | undefined;
  const ctorName = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : undefined;
  if (ctorName !== undefined) return ctorName;
  return typeof record.name === 'string' ? record.name : undefined;
}

/**
 * `err` itself if it is a {@link TemporalFailure}, else {@link ensureApplicationFailure | an
 * ApplicationFailure} built from it.
 *
 * @example
 * ```ts
 * const failure = ensureTemporalFailure('oops'); // ApplicationFailure with message 'oops'
 * ```
 */
export function ensureTemporalFailure(err: unknown): TemporalFailure {
  if (err instanceof TemporalFailure) return err;
  return ensureApplicationFailure(err);
}

/** Bound on the `cause` chain walked by {@link rootCause}: a cycle must not loop forever. */
const ROOT_CAUSE_DEPTH_MAX = 100;

/**
 * The message at the bottom of a {@link TemporalFailure}'s `cause` chain; for any other error its
 * own message, for a string the string itself.
 *
 * @example
 * ```ts
 * rootCause(new ActivityFailure('Activity failed', 'charge', '1', 'NON_RETRYABLE_FAILURE', undefined,
 *   ApplicationFailure.nonRetryable('declined'))); // 'declined'
 * ```
 */
export function rootCause(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < ROOT_CAUSE_DEPTH_MAX; depth++) {
    if (current instanceof TemporalFailure) {
      if (current.cause === undefined) return current.message;
      current = current.cause;
      continue;
    }
    if (isError(current)) return current.message;
    return typeof current === 'string' ? current : undefined;
  }
  return isError(current) ? current.message : undefined;
}
