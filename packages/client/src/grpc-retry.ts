/**
 * Automatic retries of transient gRPC failures, as a grpc-js interceptor (the same shape and
 * defaults as `@temporalio/client`'s grpc-retry: up to 10 attempts, exponential backoff with
 * jitter, capped at 5 s, slower on RESOURCE_EXHAUSTED). Every WorkflowService call is safe to
 * retry: mutating calls carry a `requestId` the server deduplicates on.
 */
import * as grpc from '@grpc/grpc-js';

/** Decides whether and when a failed call is retried. */
export interface GrpcRetryOptions {
  /** Milliseconds to wait before the next attempt; `attempt` is the attempt that just failed (1-based). */
  delayFunction: (attempt: number, status: grpc.StatusObject) => number;
  /** True if the call should be attempted again after `attempt` failed with `status`. */
  retryableDecider: (attempt: number, status: grpc.StatusObject) => boolean;
}

/** Tuning for {@link defaultGrpcRetryOptions}. */
export interface BackoffOptions {
  /** Total attempts, the first included. @default 10 */
  maxAttempts?: number;
  /** Growth of the delay per attempt. @default 1.7 */
  factor?: number;
  /** Relative jitter applied to each delay (0.2 means ±20 %). @default 0.2 */
  maxJitter?: number;
  /** First delay by status. @default 1000 ms on RESOURCE_EXHAUSTED, else 100 ms */
  initialIntervalMs?: (status: grpc.StatusObject) => number;
  /** Largest delay by status. @default 5000 ms */
  maxIntervalMs?: (status: grpc.StatusObject) => number;
}

/** grpc-js does not export its `NextCall` type. */
type NextCall = Parameters<grpc.Interceptor>[1];

const retryableCodes: ReadonlySet<grpc.status> = new Set([
  grpc.status.UNKNOWN,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.UNAVAILABLE,
  grpc.status.ABORTED,
  grpc.status.DATA_LOSS,
  grpc.status.OUT_OF_RANGE,
]);

/**
 * True for statuses worth retrying. INTERNAL is retried only when its details show a transient
 * HTTP/2 reset (not a TLS or decoding error), because grpc-js uses it for both.
 */
export function isRetryableError(status: grpc.StatusObject): boolean {
  if (status.code === grpc.status.INTERNAL) {
    if (/RST_STREAM with code 0|Call ended without gRPC status/i.test(status.details)) return true;
    return /RST_STREAM with code 2/i.test(status.details) && !/SSL alert number/i.test(status.details);
  }
  return retryableCodes.has(status.code);
}

/**
 * The default retry policy.
 *
 * @example
 * ```ts
 * const connection = await Connection.connect({
 *   interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
 * });
 * ```
 */
export function defaultGrpcRetryOptions(options: BackoffOptions = {}): GrpcRetryOptions {
  const maxAttempts = options.maxAttempts ?? 10;
  const factor = options.factor ?? 1.7;
  const maxJitter = options.maxJitter ?? 0.2;
  const initialIntervalMs = options.initialIntervalMs ?? defaultInitialIntervalMs;
  const maxIntervalMs = options.maxIntervalMs ?? (() => 5_000);
  return {
    delayFunction(attempt, status) {
      const backoffMs = Math.min(maxIntervalMs(status), factor ** attempt * initialIntervalMs(status));
      return backoffMs * (1 - maxJitter + Math.random() * maxJitter * 2);
    },
    retryableDecider(attempt, status) {
      return attempt < maxAttempts && isRetryableError(status);
    },
  };
}

function defaultInitialIntervalMs({ code }: grpc.StatusObject): number {
  return code === grpc.status.RESOURCE_EXHAUSTED ? 1_000 : 100;
}

/**
 * A grpc-js interceptor that re-sends a unary call while it fails with a retryable status.
 * Only the final attempt's message and status reach the caller; cancelling the call (an
 * aborted signal, a closed client) also stops a pending retry.
 */
export function makeGrpcRetryInterceptor(retryOptions: GrpcRetryOptions): grpc.Interceptor {
  return (options, nextCall) => {
    let request: unknown;
    let retryTimer: NodeJS.Timeout | undefined;
    let retryCall: ReturnType<NextCall> | undefined;
    let cancelled = false;

    const requester: grpc.Requester = {
      start(metadata, listener, next) {
        let attempt = 1;
        // grpc-js's unary base call always reports one message (null when none) before the status.
        let lastResponse: unknown = null;

        const onAttemptStatus = (status: grpc.StatusObject): void => {
          if (!cancelled && status.code !== grpc.status.OK && retryOptions.retryableDecider(attempt, status)) {
            retryTimer = setTimeout(startNextAttempt, retryOptions.delayFunction(attempt, status));
            return;
          }
          listener.onReceiveMessage(lastResponse);
          listener.onReceiveStatus(status);
        };

        const startNextAttempt = (): void => {
          retryTimer = undefined;
          attempt++;
          lastResponse = null;
          retryCall = nextCall(options);
          retryCall.start(metadata, {
            onReceiveMessage: (message: unknown) => (lastResponse = message),
            onReceiveStatus: onAttemptStatus,
          });
          retryCall.sendMessage(request);
          retryCall.halfClose();
        };

        next(metadata, {
          onReceiveMetadata: (received: grpc.Metadata) => listener.onReceiveMetadata(received),
          onReceiveMessage: (message: unknown) => (lastResponse = message),
          onReceiveStatus: onAttemptStatus,
        });
      },
      sendMessage(message, next) {
        request = message;
        next(message);
      },
      cancel(next) {
        cancelled = true;
        if (retryTimer !== undefined) clearTimeout(retryTimer);
        retryCall?.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
        next();
      },
    };
    return new grpc.InterceptingCall(nextCall(options), requester);
  };
}
