/**
 * Retry policies for Activities and Workflows, and their conversion to and from the proto message.
 * Validation happens when compiling so that a bad policy fails at the call site, not on the server.
 */
import type { temporal } from '@temporalio/proto';
import { ValueError } from './errors.js';
import { msOptionalToNumber, msOptionalToTs, msToNumber, msToTs, optionalTsToMs } from './time.js';
import type { Duration } from './time.js';

/**
 * Options for retrying Workflows and Activities.
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 5 };
 * ```
 */
export interface RetryPolicy {
  /**
   * Multiplier applied to the previous interval to get the next one.
   * @minimum 1
   * @default 2
   */
  backoffCoefficient?: number;
  /**
   * Interval of the first retry; used for every retry when `backoffCoefficient` is 1.
   * @default 1 second
   */
  initialInterval?: Duration;
  /**
   * Maximum number of attempts; retries stop when reached.
   * @default Infinity
   */
  maximumAttempts?: number;
  /**
   * Cap on the interval between retries.
   * @default 100x {@link initialInterval}
   */
  maximumInterval?: Duration;
  /** `ApplicationFailure.type` values that are never retried. */
  nonRetryableErrorTypes?: string[];
}

const DEFAULT_INITIAL_INTERVAL_MS = 1000;

/**
 * Validate a {@link RetryPolicy} and turn it into the proto message.
 *
 * @throws {@link ValueError} for a non-positive coefficient, a non-positive or fractional attempt
 * count, a zero interval, or a maximum interval below the initial one.
 * @example
 * ```ts
 * compileRetryPolicy({ maximumAttempts: 3 }); // { maximumAttempts: 3, initialInterval: { seconds: 1, nanos: 0 }, ... }
 * ```
 */
export function compileRetryPolicy(retryPolicy: RetryPolicy): temporal.api.common.v1.IRetryPolicy {
  if (retryPolicy.backoffCoefficient != null && retryPolicy.backoffCoefficient <= 0) {
    throw new ValueError('RetryPolicy.backoffCoefficient must be greater than 0');
  }
  let maximumAttempts = retryPolicy.maximumAttempts;
  if (maximumAttempts != null) {
    if (maximumAttempts === Number.POSITIVE_INFINITY) {
      maximumAttempts = undefined; // Infinity is the server's default: leave the field unset.
    } else if (maximumAttempts <= 0) {
      throw new ValueError('RetryPolicy.maximumAttempts must be a positive integer');
    } else if (!Number.isInteger(maximumAttempts)) {
      throw new ValueError('RetryPolicy.maximumAttempts must be an integer');
    }
  }
  const maximumInterval = msOptionalToNumber(retryPolicy.maximumInterval);
  const initialInterval = msToNumber(retryPolicy.initialInterval ?? DEFAULT_INITIAL_INTERVAL_MS);
  if (maximumInterval === 0) throw new ValueError('RetryPolicy.maximumInterval cannot be 0');
  if (initialInterval === 0) throw new ValueError('RetryPolicy.initialInterval cannot be 0');
  if (maximumInterval != null && maximumInterval < initialInterval) {
    throw new ValueError('RetryPolicy.maximumInterval cannot be less than its initialInterval');
  }
  return {
    maximumAttempts,
    initialInterval: msToTs(initialInterval),
    maximumInterval: msOptionalToTs(maximumInterval),
    backoffCoefficient: retryPolicy.backoffCoefficient,
    nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes,
  };
}

/**
 * Turn a proto retry policy back into a {@link RetryPolicy} (intervals in milliseconds).
 *
 * @example
 * ```ts
 * decompileRetryPolicy(info.retryPolicy)?.maximumAttempts;
 * ```
 */
export function decompileRetryPolicy(
  retryPolicy?: temporal.api.common.v1.IRetryPolicy | null,
): RetryPolicy | undefined {
  if (!retryPolicy) return undefined;
  return {
    backoffCoefficient: retryPolicy.backoffCoefficient ?? undefined,
    maximumAttempts: retryPolicy.maximumAttempts ?? undefined,
    maximumInterval: optionalTsToMs(retryPolicy.maximumInterval),
    initialInterval: optionalTsToMs(retryPolicy.initialInterval),
    nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes ?? undefined,
  };
}
