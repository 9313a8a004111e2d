/**
 * `mapConcurrently`, behind `list().intoHistories()`: every item mapped once, never more than
 * `concurrency` calls at a time, nothing started ahead of a reader that stops, and the first
 * failure thrown to the reader.
 */
import { describe, expect, it } from 'vitest';
import { mapConcurrently } from './workflow-list.js';

/** 0 … count-1, each after a tick, as pages arrive. */
async function* numbers(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    await Promise.resolve();
    yield i;
  }
}

/** A mapping whose calls stay pending until released, counting how many run at once. */
function gatedMapping() {
  const pending: (() => void)[] = [];
  const stats = { running: 0, maxRunning: 0, started: 0 };
  const fn = (n: number) =>
    new Promise<number>((resolve) => {
      stats.started++;
      stats.running++;
      stats.maxRunning = Math.max(stats.maxRunning, stats.running);
      pending.push(() => {
        stats.running--;
        resolve(n * 10);
      });
    });
  /** Releases the pending calls, oldest first, whenever any are waiting. */
  const releaseAll = () => pending.splice(0).forEach((release) => release());
  return { fn, stats, releaseAll };
}

describe('mapConcurrently', () => {
  it('maps every item once, at most `concurrency` at a time', async () => {
    const { fn, stats, releaseAll } = gatedMapping();
    const results: number[] = [];
    const reading = (async () => {
      for await (const value of mapConcurrently(numbers(7), 3, fn)) results.push(value);
    })();
    while (results.length < 7) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      releaseAll();
    }
    await reading;
    expect(results.sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(stats.maxRunning).toBe(3);
  });

  it('starts nothing more once the reader stops', async () => {
    const started: number[] = [];
    for await (const value of mapConcurrently(numbers(100), 2, (n) => {
      started.push(n);
      return Promise.resolve(n);
    })) {
      expect(value).toBe(0);
      break;
    }
    expect(started.length).toBeLessThanOrEqual(2);
  });

  it('throws the first failure to the reader', async () => {
    const mapped = mapConcurrently(numbers(5), 2, (n) => (n === 3 ? Promise.reject(new Error('boom')) : Promise.resolve(n)));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const value of mapped) seen.push(value);
      })(),
    ).rejects.toThrow('boom');
    expect(seen.length).toBeLessThanOrEqual(3);
  });
});
