/**
 * Failure conversion: JS errors to and from the `temporal.api.failure.v1.Failure` proto. The proto
 * shapes are the official SDK's (and therefore every Temporal SDK's), so failures round-trip
 * between Endure and official workers, clients and other languages.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  decodeApplicationFailureCategory,
  decodeRetryState,
  decodeTimeoutType,
  encodeApplicationFailureCategory,
  encodeRetryState,
  encodeTimeoutType,
  FAILURE_SOURCE,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '../failure.js';
import type { ProtoFailure } from '../failure.js';
import type { Payload } from '../interfaces.js';
import { msOptionalToTs, optionalTsToMs } from '../time.js';
import { isError, isRecord } from '../type-helpers.js';
import { arrayFromPayloads, fromPayloadsAtIndex, toPayloads } from './payload-converter.js';
import type { PayloadConverter } from './payload-converter.js';

/**
 * Converts between JS errors and Failure protos. Called inside the Workflow sandbox.
 *
 * @example
 * ```ts
 * const failure = failureConverter.errorToFailure(err, payloadConverter);
 * const error = failureConverter.failureToError(failure, payloadConverter);
 * ```
 */
export interface FailureConverter {
  /** Converts a caught error (or any thrown value) to a Failure proto. */
  errorToFailure(err: unknown, payloadConverter: PayloadConverter): ProtoFailure;
  /** Converts a Failure proto to a JS error, usually a {@link TemporalFailure}. */
  failureToError(failure: ProtoFailure, payloadConverter: PayloadConverter): Error;
}

/**
 * The shape stored in `Failure.encodedAttributes` when common attributes are encoded.
 *
 * @example
 * ```ts
 * const attrs: DefaultEncodedFailureAttributes = { message: 'boom', stack_trace: '...' };
 * ```
 */
export interface DefaultEncodedFailureAttributes {
  /** The real failure message. */
  message: string;
  /** The real stack trace. */
  stack_trace: string;
}

/**
 * Options of {@link DefaultFailureConverter}.
 *
 * @example
 * ```ts
 * new DefaultFailureConverter({ encodeCommonAttributes: true });
 * ```
 */
export interface DefaultFailureConverterOptions {
  /**
   * Move `message` and `stackTrace` into `encodedAttributes` (a payload, so that a
   * {@link PayloadCodec} can encrypt them), leaving `'Encoded failure'` as the plain message.
   *
   * @default false
   */
  encodeCommonAttributes: boolean;
}

function combineRegExp(...regexps: RegExp[]): RegExp {
  return new RegExp(regexps.map((x) => `(?:${x.source})`).join('|'));
}

/** Frames from here down belong to the framework, not to user code: the trace is cut at the first. */
const CUTOFF_STACK_PATTERNS = combineRegExp(
  /\s+at (Activity\.)?execute \(.*[\\/]worker[\\/](?:src|lib|dist)[\\/]activity\.[jt]s:\d+:\d+\)/,
  /\s+at( async)? (Activator\.)?(startWorkflow|queryWorkflow|signalWorkflow|update|validateUpdate)NextHandler \(.*\.[jt]s:\d+:\d+\)/,
  /\s+at (Script\.)?runInContext \((?:native|unknown|(?:node:vm|vm\.js):\d+:\d+)\)/,
);

/** Framework frames dropped wherever they appear (interceptor chaining). */
const DROPPED_STACK_FRAMES_PATTERNS = combineRegExp(
  /\s+at (null\.)?next \(.*[\\/]common[\\/](?:src|lib|dist)[\\/]interceptors\.[jt]s:\d+:\d+\)/,
  /\s+at (null\.)?executeNextHandler \(.*[\\/]worker[\\/](?:src|lib|dist)[\\/]activity\.[jt]s:\d+:\d+\)/,
);

/**
 * A stack trace without its framework part: cut at the Activity / Workflow entry point, and
 * without interceptor-chaining frames.
 *
 * @example
 * ```ts
 * cutoffStackTrace(err.stack);
 * ```
 */
export function cutoffStackTrace(stack?: string): string {
  const kept: string[] = [];
  for (const line of (stack ?? '').split(/\r?\n/)) {
    if (CUTOFF_STACK_PATTERNS.test(line)) break;
    if (!DROPPED_STACK_FRAMES_PATTERNS.test(line)) kept.push(line);
  }
  return kept.join('\n');
}

/** Appended to the message when something that is not an Error was thrown (as official). */
const NON_ERROR_RECOMMENDATION =
  ' [A non-Error value was thrown from your code. We recommend throwing Error objects so that we can provide a stack trace]';

/**
 * Bound on the depth of `cause` chains converted in either direction: a cyclic chain (which JS
 * allows) must not overflow the stack; deeper causes are dropped.
 */
const CAUSE_DEPTH_MAX = 64;

/**
 * The default, cross-language failure converter. Messages and stack traces are plain text unless
 * `encodeCommonAttributes` is set.
 *
 * Errors that are not {@link TemporalFailure}s become `applicationFailureInfo` failures whose
 * `type` is the error's constructor name (or `name`), so they decode as {@link ApplicationFailure}.
 *
 * @example
 * ```ts
 * const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
 * ```
 */
export class DefaultFailureConverter implements FailureConverter {
  /** The effective options. */
  public readonly options: DefaultFailureConverterOptions;

  constructor(options?: Partial<DefaultFailureConverterOptions>) {
    this.options = { encodeCommonAttributes: options?.encodeCommonAttributes ?? false };
  }

  /**
   * Converts a Failure proto to an error; the error's `stack` is the failure's stack trace, and a
   * {@link TemporalFailure} keeps the proto in `failure`.
   */
  failureToError(failure: ProtoFailure, payloadConverter: PayloadConverter): Error {
    return this.failureToErrorAtDepth(failure, payloadConverter, 0);
  }

  /** Converts an error (or any thrown value) to a Failure proto, its `cause` chain included. */
  errorToFailure(err: unknown, payloadConverter: PayloadConverter): ProtoFailure {
    return this.errorToFailureAtDepth(err, payloadConverter, 0);
  }

  private failureToErrorAtDepth(failure: ProtoFailure, payloadConverter: PayloadConverter, depth: number): Error {
    const decoded = this.decodeCommonAttributes(failure, payloadConverter);
    const cause =
      decoded.cause && depth < CAUSE_DEPTH_MAX
        ? this.failureToErrorAtDepth(decoded.cause, payloadConverter, depth + 1)
        : undefined;
    const err = this.failureToErrorInner(decoded, payloadConverter, cause);
    err.stack = decoded.stackTrace ?? '';
    if (err instanceof TemporalFailure) err.failure = decoded;
    return err;
  }

  /** `failure` with `message` / `stackTrace` restored from `encodedAttributes` when they conform. */
  private decodeCommonAttributes(failure: ProtoFailure, payloadConverter: PayloadConverter): ProtoFailure {
    if (!failure.encodedAttributes) return failure;
    const attrs = payloadConverter.fromPayload<unknown>(failure.encodedAttributes);
    if (!isRecord(attrs)) return failure;
    const restored = { ...failure };
    if (typeof attrs.message === 'string') restored.message = attrs.message;
    if (typeof attrs.stack_trace === 'string') restored.stackTrace = attrs.stack_trace;
    return restored;
  }

  /** The error for one Failure proto, its already-converted `cause` given. */
  private failureToErrorInner(failure: ProtoFailure, pc: PayloadConverter, cause: Error | undefined): Error {
    const message = failure.message ?? undefined;
    const app = failure.applicationFailureInfo;
    if (app) {
      return new ApplicationFailure(
        message,
        app.type,
        Boolean(app.nonRetryable),
        arrayFromPayloads(pc, app.details?.payloads),
        cause,
        optionalTsToMs(app.nextRetryDelay),
        decodeApplicationFailureCategory(app.category),
      );
    }
    if (failure.serverFailureInfo) {
      return new ServerFailure(message, Boolean(failure.serverFailureInfo.nonRetryable), cause);
    }
    if (failure.timeoutFailureInfo) {
      const info = failure.timeoutFailureInfo;
      const lastHeartbeatDetails = fromPayloadsAtIndex(pc, 0, info.lastHeartbeatDetails?.payloads);
      return new TimeoutFailure(message, lastHeartbeatDetails, decodeTimeoutType(info.timeoutType));
    }
    if (failure.terminatedFailureInfo) return new TerminatedFailure(message, cause);
    if (failure.canceledFailureInfo) {
      return new CancelledFailure(message, arrayFromPayloads(pc, failure.canceledFailureInfo.details?.payloads), cause);
    }
    if (failure.resetWorkflowFailureInfo) {
      const details = arrayFromPayloads(pc, failure.resetWorkflowFailureInfo.lastHeartbeatDetails?.payloads);
      return new ApplicationFailure(message, 'ResetWorkflow', false, details, cause);
    }
    if (failure.childWorkflowExecutionFailureInfo) {
      const { namespace, workflowType, workflowExecution, retryState } = failure.childWorkflowExecutionFailureInfo;
      if (!workflowType?.name || !workflowExecution) {
        throw new TypeError('Missing attributes on childWorkflowExecutionFailureInfo');
      }
      const execution = { workflowId: workflowExecution.workflowId ?? '', runId: workflowExecution.runId ?? undefined };
      return new ChildWorkflowFailure(
        namespace ?? undefined,
        execution,
        workflowType.name,
        decodeRetryState(retryState),
        cause,
      );
    }
    if (failure.activityFailureInfo) {
      const info = failure.activityFailureInfo;
      if (!info.activityType?.name) throw new TypeError('Missing activityType?.name on activityFailureInfo');
      return new ActivityFailure(
        message,
        info.activityType.name,
        info.activityId ?? undefined,
        decodeRetryState(info.retryState),
        info.identity ?? undefined,
        cause,
      );
    }
    // Nexus failures and failure kinds newer than this SDK: keep message, cause and the proto.
    return new TemporalFailure(message, cause);
  }

  private errorToFailureAtDepth(err: unknown, payloadConverter: PayloadConverter, depth: number): ProtoFailure {
    const failure = this.errorToFailureInner(err, payloadConverter, depth);
    if (this.options.encodeCommonAttributes) {
      const { message, stackTrace } = failure;
      failure.message = 'Encoded failure';
      failure.stackTrace = '';
      failure.encodedAttributes = payloadConverter.toPayload({ message, stack_trace: stackTrace });
    }
    return failure;
  }

  private errorToFailureInner(err: unknown, pc: PayloadConverter, depth: number): ProtoFailure {
    if (err instanceof TemporalFailure) {
      // Decoded from the wire: send back exactly what was received (copied, since encoding
      // common attributes mutates the result).
      if (err.failure) return { ...err.failure };
      return { ...this.commonFields(err, pc, depth), ...temporalFailureInfo(err, pc) };
    }
    if (isError(err)) {
      return {
        ...this.commonFields(err, pc, depth),
        applicationFailureInfo: { type: errorTypeName(err), nonRetryable: false },
      };
    }
    if (typeof err === 'string') return { source: FAILURE_SOURCE, message: err + NON_ERROR_RECOMMENDATION };
    if (typeof err === 'object' && err !== null) {
      return { source: FAILURE_SOURCE, message: stringifyThrown(err) + NON_ERROR_RECOMMENDATION };
    }
    return { source: FAILURE_SOURCE, message: String(err) + NON_ERROR_RECOMMENDATION };
  }

  /** Message, stack trace, source and converted cause, common to every Error. */
  private commonFields(err: Error, pc: PayloadConverter, depth: number): ProtoFailure {
    const cause: unknown = err.cause;
    return {
      message: String(err.message ?? ''),
      stackTrace: cutoffStackTrace(err.stack),
      cause:
        cause != null && depth < CAUSE_DEPTH_MAX ? this.errorToFailureAtDepth(cause, pc, depth + 1) : undefined,
      source: FAILURE_SOURCE,
    };
  }
}

/** The `*FailureInfo` field of a TemporalFailure subclass; none for a bare TemporalFailure. */
function temporalFailureInfo(err: TemporalFailure, pc: PayloadConverter): ProtoFailure {
  if (err instanceof ActivityFailure) {
    return {
      activityFailureInfo: {
        activityType: { name: err.activityType },
        activityId: err.activityId,
        identity: err.identity,
        retryState: encodeRetryState(err.retryState),
      },
    };
  }
  if (err instanceof ChildWorkflowFailure) {
    return {
      childWorkflowExecutionFailureInfo: {
        namespace: err.namespace,
        workflowExecution: { workflowId: err.execution.workflowId, runId: err.execution.runId },
        workflowType: { name: err.workflowType },
        retryState: encodeRetryState(err.retryState),
      },
    };
  }
  if (err instanceof ApplicationFailure) {
    return {
      applicationFailureInfo: {
        type: err.type,
        nonRetryable: err.nonRetryable,
        details: optionalPayloads(pc, err.details),
        nextRetryDelay: msOptionalToTs(err.nextRetryDelay),
        category: encodeApplicationFailureCategory(err.category),
      },
    };
  }
  if (err instanceof CancelledFailure) {
    return { canceledFailureInfo: { details: optionalPayloads(pc, err.details) } };
  }
  if (err instanceof TimeoutFailure) {
    return {
      timeoutFailureInfo: {
        timeoutType: encodeTimeoutType(err.timeoutType),
        lastHeartbeatDetails:
          err.lastHeartbeatDetails !== undefined ? optionalPayloads(pc, [err.lastHeartbeatDetails]) : undefined,
      },
    };
  }
  if (err instanceof ServerFailure) return { serverFailureInfo: { nonRetryable: err.nonRetryable } };
  if (err instanceof TerminatedFailure) return { terminatedFailureInfo: {} };
  return {};
}

/** `{ payloads }` for a non-empty list, else `undefined` (the field stays unset, as official). */
function optionalPayloads(pc: PayloadConverter, values: unknown[] | null | undefined): { payloads: Payload[] } | undefined {
  if (!values || values.length === 0) return undefined;
  return { payloads: toPayloads(pc, ...values) ?? [] };
}

/** Constructor name, falling back to `name` (the type `ensureApplicationFailure` would give). */
function errorTypeName(err: Error): string {
  const ctorName: unknown = (err.constructor as { name?: unknown } | undefined)?.name;
  return typeof ctorName === 'string' && ctorName !== '' ? ctorName : err.name;
}

/** JSON of a thrown non-Error object, or its `String` when it has none (cycles, BigInt). */
function stringifyThrown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
