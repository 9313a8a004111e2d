/** Heartbeat throttling on a fake clock: first heartbeat at once, then the latest details once per interval. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Payload } from '@endure/common';
import { HeartbeatThrottle, heartbeatThrottleIntervalMs } from './heartbeat-throttle.js';

const details = (n: number): Payload[] => [{ data: Uint8Array.of(n) }];
const sentValues = (sent: Payload[][]): number[] => sent.map((p) => p[0]?.data?.[0] ?? -1);

describe('HeartbeatThrottle', () => {
  let sent: Payload[][];
  let throttle: HeartbeatThrottle;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new HeartbeatThrottle(async (d) => {
      sent.push(d);
      await Promise.resolve();
    }, 1000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first heartbeat at once and only the latest of a burst after the interval', async () => {
    throttle.record(details(1));
    throttle.record(details(2));
    throttle.record(details(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(sentValues(sent)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(sentValues(sent)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sentValues(sent)).toEqual([1, 3]);
  });

  it('sends at once again after a quiet interval', async () => {
    throttle.record(details(1));
    await vi.advanceTimersByTimeAsync(5000);
    throttle.record(details(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(sentValues(sent)).toEqual([1, 2]);
  });

  it('flushes pending details on close(true) and drops them on close(false)', async () => {
    throttle.record(details(1));
    throttle.record(details(2));
    await throttle.close(true);
    expect(sentValues(sent)).toEqual([1, 2]);

    const other: Payload[][] = [];
    const quiet = new HeartbeatThrottle((d) => {
      other.push(d);
      return Promise.resolve();
    }, 1000);
    quiet.record(details(1));
    quiet.record(details(2));
    await quiet.close(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sentValues(other)).toEqual([1]);
  });
});

describe('heartbeatThrottleIntervalMs', () => {
  const limits = { maxHeartbeatThrottleIntervalMs: 60_000, defaultHeartbeatThrottleIntervalMs: 30_000 };

  it('is 80% of the heartbeat timeout, capped by the maximum', () => {
    expect(heartbeatThrottleIntervalMs({ ...limits, heartbeatTimeoutMs: 10_000 })).toBe(8_000);
    expect(heartbeatThrottleIntervalMs({ ...limits, heartbeatTimeoutMs: 600_000 })).toBe(60_000);
  });

  it('is the default without a heartbeat timeout (unset or 0)', () => {
    expect(heartbeatThrottleIntervalMs({ ...limits, heartbeatTimeoutMs: undefined })).toBe(30_000);
    expect(heartbeatThrottleIntervalMs({ ...limits, heartbeatTimeoutMs: 0 })).toBe(30_000);
  });
});
