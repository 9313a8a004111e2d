/** The local retry policy: how long the next attempt waits, and when retrying stops. */
import { describe, expect, it } from 'vitest';
import Long from 'long';
import type { RetryPolicy } from '@endure/common';
import { nextBackoffMs } from './local-activity-executor.js';

const failure = (type = 'Oops', nonRetryable = false) => ({ message: 'failed', applicationFailureInfo: { type, nonRetryable } });

describe('nextBackoffMs', () => {
  it("uses Temporal's defaults: 1 s doubling, capped at 100 times the initial interval, no attempt limit", () => {
    expect([1, 2, 3, 7, 8, 50].map((attempt) => nextBackoffMs(undefined, attempt, failure()))).toEqual([1_000, 2_000, 4_000, 64_000, 100_000, 100_000]);
  });

  it('follows the policy: initial interval, coefficient, maximum interval', () => {
    const retry: RetryPolicy = { initialInterval: '200ms', backoffCoefficient: 3, maximumInterval: '1s' };
    expect([1, 2, 3].map((attempt) => nextBackoffMs(retry, attempt, failure()))).toEqual([200, 600, 1_000]);
  });

  it('stops at maximumAttempts, on a non-retryable failure and on a listed error type (any case)', () => {
    expect(nextBackoffMs({ maximumAttempts: 2 }, 2, failure())).toBeUndefined();
    expect(nextBackoffMs({ maximumAttempts: 2 }, 1, failure())).toBe(1_000);
    expect(nextBackoffMs(undefined, 1, failure('Oops', true))).toBeUndefined();
    expect(nextBackoffMs({ nonRetryableErrorTypes: ['oops'] }, 1, failure('Oops'))).toBeUndefined();
  });

  it("takes the failure's own nextRetryDelay over the policy", () => {
    const delayed = { message: 'later', applicationFailureInfo: { type: 'Busy', nextRetryDelay: { seconds: Long.fromNumber(5), nanos: 0 } } };
    expect(nextBackoffMs({ initialInterval: '1s' }, 1, delayed)).toBe(5_000);
  });

  it('retries a timeout (no application failure) like any other failure', () => {
    expect(nextBackoffMs({ initialInterval: '50ms' }, 1, { message: 'Activity timed out', timeoutFailureInfo: { timeoutType: 1 } })).toBe(50);
  });
});
