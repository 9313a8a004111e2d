/**
 * Turns any error a command ends with into the one line printed on standard error and the
 * exit code (see exit-codes.ts). A stack trace is added only with `--log-level debug`.
 */
import { ServiceError } from '@endure/client';
import { CliError, ExitCode } from './exit-codes.js';

export interface DescribedError {
  message: string;
  exitCode: ExitCode;
}

interface GrpcLikeError extends Error {
  code: number;
  details?: string;
}

function isGrpcError(err: unknown): err is GrpcLikeError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number';
}

/** The gRPC error inside `err` (a raw service error, or the cause of a client's ServiceError). */
function grpcErrorOf(err: unknown): GrpcLikeError | undefined {
  if (isGrpcError(err)) return err;
  if (err instanceof ServiceError && isGrpcError(err.cause)) return err.cause;
  return undefined;
}

/** gRPC status names by code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;
const GrpcStatus = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;

/** One line saying what went wrong, for a user who did not write the code. */
export function describeError(err: unknown, context: { address?: string }): DescribedError {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  const grpc = grpcErrorOf(err);
  if (grpc !== undefined) {
    const details = grpc.details ?? grpc.message.replace(/^\d+ [A-Z_]+: /, '');
    if (grpc.code === GrpcStatus.UNAVAILABLE || (grpc.code === GrpcStatus.DEADLINE_EXCEEDED && /connect/i.test(details))) {
      return { message: `cannot reach the server at ${context.address ?? 'the address given'}: ${details}`, exitCode: ExitCode.Failure };
    }
    if (grpc.code === GrpcStatus.UNIMPLEMENTED) {
      return { message: `the server does not support this: ${details}`, exitCode: ExitCode.Failure };
    }
    return { message: `${details} (${STATUS_NAMES[grpc.code] ?? grpc.code})`, exitCode: ExitCode.Failure };
  }
  if (err instanceof Error) {
    const tlsReason = (err as { reason?: unknown; library?: unknown }).library === 'SSL routines' ? (err as { reason?: unknown }).reason : undefined;
    if (typeof tlsReason === 'string') {
      const hint = tlsReason === 'wrong version number' ? ' (the server does not speak TLS: leave out --tls, --api-key and the --tls-… flags)' : '';
      return { message: `TLS handshake with ${context.address ?? 'the server'} failed: ${tlsReason}${hint}`, exitCode: ExitCode.Failure };
    }
    const network = (err as NodeJS.ErrnoException).code;
    if (network === 'ECONNREFUSED' || network === 'ENOTFOUND' || network === 'EHOSTUNREACH' || network === 'ETIMEDOUT') {
      return { message: `cannot reach the server at ${context.address ?? 'the address given'}: ${err.message}`, exitCode: ExitCode.Failure };
    }
    return { message: err.message, exitCode: ExitCode.Failure };
  }
  return { message: String(err), exitCode: ExitCode.Failure };
}
