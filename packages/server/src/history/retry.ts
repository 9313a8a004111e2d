/** Activity retry policy: defaults, validation and the backoff schedule. */
import { durationMs } from '../common/time.js';
import type { IRetryPolicy } from '../common/proto.js';
import type { RetryPolicyState } from './mutable-state.js';

const INITIAL_INTERVAL_DEFAULT_MS = 1000;
const BACKOFF_COEFFICIENT_DEFAULT = 2;
const MAXIMUM_INTERVAL_FACTOR_DEFAULT = 100;

/** Fill Temporal's defaults; returns an error message for an invalid policy. */
export function normalizeRetryPolicy(policy: IRetryPolicy | null | undefined): RetryPolicyState | string {
  const initialIntervalMs = durationMs(policy?.initialInterval) || INITIAL_INTERVAL_DEFAULT_MS;
  const backoffCoefficient = policy?.backoffCoefficient || BACKOFF_COEFFICIENT_DEFAULT;
  const maximumIntervalMs = durationMs(policy?.maximumInterval) || initialIntervalMs * MAXIMUM_INTERVAL_FACTOR_DEFAULT;
  const maximumAttempts = policy?.maximumAttempts ?? 0;
  if (initialIntervalMs < 0) return 'retry_policy.initial_interval cannot be negative';
  if (backoffCoefficient < 1) return 'retry_policy.backoff_coefficient cannot be less than 1';
  if (maximumIntervalMs < initialIntervalMs) return 'retry_policy.maximum_interval cannot be less than its initial_interval';
  if (maximumAttempts < 0) return 'retry_policy.maximum_attempts cannot be negative';
  return {
    initialIntervalMs,
    backoffCoefficient,
    maximumIntervalMs,
    maximumAttempts,
    nonRetryableErrorTypes: policy?.nonRetryableErrorTypes ?? [],
  };
}

/** Delay before attempt `attempt + 1` after attempt `attempt` failed. */
export function retryDelayMs(policy: RetryPolicyState, attempt: number): number {
  const delay = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, attempt - 1);
  return Math.min(delay, policy.maximumIntervalMs);
}
