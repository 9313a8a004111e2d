/**
 * Translation of gRPC failures into the client's typed errors, as the official client does:
 * NamespaceNotFoundFailure details → `NamespaceNotFoundError`, NOT_FOUND →
 * `WorkflowNotFoundError`, anything else → {@link ServiceError} with the gRPC error as cause.
 */
import { status, type ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@endure/common';
import proto from '@temporalio/proto';
import { isGrpcServiceError, ServiceError } from './errors.js';
import type { WorkflowExecution } from './types.js';

/** Throws the typed error for `err`, a failed call made for `workflowExecution`. */
export function rethrowGrpcError(err: unknown, fallbackMessage: string, workflowExecution?: WorkflowExecution): never {
  if (isGrpcServiceError(err)) {
    rethrowKnownErrorTypes(err);
    if (err.code === status.NOT_FOUND) {
      throw new WorkflowNotFoundError(
        err.details || 'Workflow not found',
        workflowExecution?.workflowId ?? '',
        workflowExecution?.runId,
      );
    }
    throw new ServiceError(fallbackMessage, { cause: err });
  }
  throw new ServiceError('Unexpected error while making gRPC request', {
    cause: err instanceof Error ? err : new Error(String(err)),
  });
}

/** Throws a typed error when the status details name one (today: an unknown namespace). */
export function rethrowKnownErrorTypes(err: GrpcServiceError): void {
  for (const detail of grpcStatusDetails(err)) {
    const type = detail.type_url?.replace(/^type.googleapis.com\//, '');
    if (type === 'temporal.api.errordetails.v1.NamespaceNotFoundFailure' && detail.value) {
      const { namespace } = proto.temporal.api.errordetails.v1.NamespaceNotFoundFailure.decode(detail.value);
      throw new NamespaceNotFoundError(namespace);
    }
  }
}

/** The `google.rpc.Status` details the server attached to `err`, if any. */
export function grpcStatusDetails(err: GrpcServiceError): proto.google.protobuf.IAny[] {
  const statusBytes = err.metadata?.get('grpc-status-details-bin')?.[0];
  if (statusBytes === undefined || typeof statusBytes === 'string') return [];
  return proto.google.rpc.Status.decode(statusBytes).details;
}
