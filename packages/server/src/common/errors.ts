/**
 * Typed service errors: each carries the gRPC status the frontend returns.
 * Expected failures (bad input, missing entities, conflicts) are ServiceErrors;
 * anything else that escapes a handler is a bug and is answered INTERNAL.
 */
import { temporal } from './proto.js';
import { Status } from './grpc-status.js';

/** One Any-wrapped detail of a google.rpc.Status. */
export interface ErrorDetail {
  typeUrl: string;
  value: Uint8Array;
}

export class ServiceError extends Error {
  constructor(
    readonly code: Status,
    message: string,
    /** The detail the SDKs read (they look at the first): Temporal's error details. */
    readonly details?: ErrorDetail,
    /** Details after it (google.rpc.RetryInfo). */
    readonly moreDetails: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function invalidArgument(message: string): ServiceError {
  return new ServiceError(Status.INVALID_ARGUMENT, message);
}

export function notFound(message: string): ServiceError {
  return new ServiceError(Status.NOT_FOUND, message);
}

/** Temporal's answer for an unknown namespace: clients read the details and raise NamespaceNotFoundError. */
export function namespaceNotFound(namespace: string): ServiceError {
  const details = temporal.api.errordetails.v1.NamespaceNotFoundFailure.encode({ namespace }).finish();
  return new ServiceError(Status.NOT_FOUND, `Namespace ${namespace} is not found.`, {
    typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
    value: details,
  });
}

export function alreadyExists(message: string, details?: ServiceError['details']): ServiceError {
  return new ServiceError(Status.ALREADY_EXISTS, message, details);
}

export function failedPrecondition(message: string): ServiceError {
  return new ServiceError(Status.FAILED_PRECONDITION, message);
}

/** A broken invariant: fail loudly. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
