/**
 * RESOURCE_EXHAUSTED as Temporal answers it: a ResourceExhaustedFailure detail with the
 * cause (RPS_LIMIT, CONCURRENT_LIMIT) and scope, which the Go and Java SDKs read, and for a
 * rate limit also google.rpc.RetryInfo with the delay after which a token is there. The
 * TypeScript SDK retries RESOURCE_EXHAUSTED on its own (backing off from 1 s) and does not
 * read the delay, so the message says it too.
 */
import { ServiceError, type ErrorDetail } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { enums, protobufRuntime, temporal } from '../common/proto.js';

const RESOURCE_EXHAUSTED_FAILURE = 'type.googleapis.com/temporal.api.errordetails.v1.ResourceExhaustedFailure';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

function failureDetail(cause: number): ErrorDetail {
  const value = temporal.api.errordetails.v1.ResourceExhaustedFailure.encode({
    cause,
    scope: enums.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE,
  }).finish();
  return { typeUrl: RESOURCE_EXHAUSTED_FAILURE, value };
}

/**
 * google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1 }, written by hand: the
 * protos bundled with @temporalio/proto do not carry it.
 */
function retryInfoDetail(delayMs: number): ErrorDetail {
  const seconds = Math.floor(delayMs / 1000);
  const nanos = Math.round((delayMs - seconds * 1000) * 1e6);
  const duration = protobufRuntime.Writer.create();
  if (seconds > 0) duration.uint32(8).int64(seconds);
  if (nanos > 0) duration.uint32(16).int32(nanos);
  const value = protobufRuntime.Writer.create().uint32(10).bytes(duration.finish()).finish();
  return { typeUrl: RETRY_INFO, value };
}

/** Temporal's "namespace rate limit exceeded", with the limit and the delay after which a retry gets through. */
export function rateLimitExceeded(namespace: string, ratePerSecond: number, burst: number, retryDelayMs: number): ServiceError {
  const delay = Number.isFinite(retryDelayMs) ? retryDelayMs : 1000;
  return new ServiceError(
    Status.RESOURCE_EXHAUSTED,
    `namespace rate limit exceeded: namespace ${namespace} is limited to ${ratePerSecond} requests per second ` +
      `(burst ${burst}; limits.namespaceRps); retry after ${delay} ms`,
    failureDetail(enums.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT),
    [retryInfoDetail(delay)],
  );
}

/** Temporal's "namespace concurrent poller limit exceeded", naming the limit reached. */
export function concurrentLimitExceeded(what: string, max: number, setting: string): ServiceError {
  return new ServiceError(
    Status.RESOURCE_EXHAUSTED,
    `namespace concurrent poller limit exceeded: ${what} already has ${max} open (${setting})`,
    failureDetail(enums.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT),
  );
}
