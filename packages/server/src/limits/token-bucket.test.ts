import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then one call per 1/rate, and says how long until the next token', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(100);
    expect(bucket.take(40)).toBe(60);
    expect(bucket.take(100)).toBe(0);
    expect(bucket.take(100)).toBe(100);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    expect(bucket.isFull(0)).toBe(false);
    expect(bucket.isFull(1_000_000)).toBe(true);
    expect([bucket.take(1_000_000), bucket.take(1_000_000), bucket.take(1_000_000)]).toEqual([0, 0, 100]);
  });

  it('with a rate of 0 admits the burst and then nothing', () => {
    const bucket = new TokenBucket(0, 1, 0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(10_000)).toBe(Number.POSITIVE_INFINITY);
  });
});
