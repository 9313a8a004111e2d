/**
 * Errors thrown by `@endure/client`, named and shaped like `@temporalio/client`'s
 * so that `catch (err) { if (err instanceof WorkflowFailedError) … }` ports unchanged.
 */
import { status as grpcStatus, type ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import { SymbolBasedInstanceOfError, type RetryState } from '@endure/common';
import type { temporal } from '@temporalio/proto';

/**
 * Generic error for a failed call to the service; the gRPC error is its `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await handle.signal('approve');
 * } catch (err) {
 *   if (err instanceof ServiceError && isGrpcServiceError(err.cause)) console.log(err.cause.code);
 * }
 * ```
 */
export class ServiceError extends Error {
  declare readonly cause?: Error;

  constructor(message: string, opts?: { cause: Error }) {
    super(message, opts);
  }
}
SymbolBasedInstanceOfError('ServiceError')(ServiceError);

/**
 * Thrown by {@link WorkflowHandle.result} when the Workflow execution closed with a failure.
 * `cause` tells how: an `ApplicationFailure` (or another failure) when it failed, a
 * `CancelledFailure` when cancelled, a `TerminatedFailure` when terminated and a
 * `TimeoutFailure` when it timed out.
 *
 * @example
 * ```ts
 * try {
 *   await handle.result();
 * } catch (err) {
 *   if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) console.log('cancelled');
 * }
 * ```
 */
export class WorkflowFailedError extends Error {
  declare readonly cause: Error | undefined;

  constructor(
    message: string,
    cause: Error | undefined,
    public readonly retryState: RetryState,
  ) {
    super(message, { cause });
  }
}
SymbolBasedInstanceOfError('WorkflowFailedError')(WorkflowFailedError);

/** Thrown while waiting for an Update's result when the Update failed. */
export class WorkflowUpdateFailedError extends Error {
  declare readonly cause: Error | undefined;

  constructor(message: string, cause: Error | undefined) {
    super(message, { cause });
  }
}
SymbolBasedInstanceOfError('WorkflowUpdateFailedError')(WorkflowUpdateFailedError);

/** Thrown when the Update *call* timed out or was cancelled (not the Update itself). */
export class WorkflowUpdateRPCTimeoutOrCancelledError extends Error {
  declare readonly cause?: Error;

  constructor(message: string, opts?: { cause: Error }) {
    super(message, opts);
  }
}
SymbolBasedInstanceOfError('WorkflowUpdateRPCTimeoutOrCancelledError')(WorkflowUpdateRPCTimeoutOrCancelledError);

/**
 * Thrown while waiting for a result when the Workflow continued as new and the client was asked
 * not to follow the chain of runs (`followRuns: false`).
 */
export class WorkflowContinuedAsNewError extends Error {
  constructor(
    message: string,
    public readonly newExecutionRunId: string,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('WorkflowExecutionContinuedAsNewError')(WorkflowContinuedAsNewError);

/**
 * Thrown by {@link WorkflowHandle.query} when the server rejected the query because of the
 * client's `queryRejectCondition`; `status` is the execution's status.
 */
export class QueryRejectedError extends Error {
  constructor(public readonly status: temporal.api.enums.v1.WorkflowExecutionStatus) {
    super('Query rejected');
  }
}
SymbolBasedInstanceOfError('QueryRejectedError')(QueryRejectedError);

/**
 * Thrown by {@link WorkflowHandle.query} when the server answers INVALID_ARGUMENT: the query
 * type is not registered, or (as in the official client) the query handler failed.
 */
export class QueryNotRegisteredError extends Error {
  constructor(
    message: string,
    public readonly code: grpcStatus,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('QueryNotRegisteredError')(QueryNotRegisteredError);

/**
 * True if `err` is an error produced by `@grpc/grpc-js` for a failed call (it has a numeric
 * `code`, string `details` and `metadata`).
 */
export function isGrpcServiceError(err: unknown): err is GrpcServiceError {
  if (!(err instanceof Error)) return false;
  const candidate = err as Partial<GrpcServiceError>;
  return typeof candidate.code === 'number' && typeof candidate.details === 'string' && isRecord(candidate.metadata);
}

/** True if `err`, or an error in its `cause` chain, is a gRPC DEADLINE_EXCEEDED error. */
export function isGrpcDeadlineError(err: unknown): err is Error {
  return hasGrpcCodeInChain(err, grpcStatus.DEADLINE_EXCEEDED);
}

/** True if `err`, or an error in its `cause` chain, is a gRPC CANCELLED error. */
export function isGrpcCancelledError(err: unknown): err is Error {
  return hasGrpcCodeInChain(err, grpcStatus.CANCELLED);
}

/** @deprecated Use {@link isGrpcServiceError} instead. */
export const isServerErrorResponse = isGrpcServiceError;

/** Bounds the walk so a cyclic `cause` chain cannot loop forever. */
const causeChainDepthMax = 32;

function hasGrpcCodeInChain(err: unknown, code: grpcStatus): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < causeChainDepthMax && current instanceof Error; depth++) {
    if (isGrpcServiceError(current) && current.code === code) return true;
    current = current.cause;
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Thrown by {@link ScheduleClient.create} when a Schedule with the same id exists (and was not
 * deleted).
 *
 * @example
 * ```ts
 * try {
 *   await client.schedule.create(options);
 * } catch (err) {
 *   if (!(err instanceof ScheduleAlreadyRunning)) throw err;
 * }
 * ```
 */
export class ScheduleAlreadyRunning extends Error {
  constructor(
    message: string,
    public readonly scheduleId: string,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('ScheduleAlreadyRunning')(ScheduleAlreadyRunning);

/**
 * Thrown by the methods of a {@link ScheduleHandle} when the server knows no Schedule with its
 * id: the id is wrong or the Schedule was deleted.
 *
 * @example
 * ```ts
 * try {
 *   await client.schedule.getHandle('nightly-billing').describe();
 * } catch (err) {
 *   if (err instanceof ScheduleNotFoundError) console.log(`no schedule ${err.scheduleId}`);
 * }
 * ```
 */
export class ScheduleNotFoundError extends Error {
  constructor(
    message: string,
    public readonly scheduleId: string,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('ScheduleNotFoundError')(ScheduleNotFoundError);
