/**
 * Bounded waiting: tests never sleep for a fixed time, they poll a condition
 * until it holds or a deadline passes (and then fail saying what was awaited).
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** Pause between two evaluations of the condition. */
  intervalMs?: number;
  /** What is being waited for; appears in the timeout error. */
  description?: string;
}

/**
 * Evaluates `condition` until it returns a value other than `undefined`,
 * `null` or `false`, and returns that value. Errors thrown by the condition
 * count as "not yet" (the last one is reported on timeout).
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'condition';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await delay(intervalMs);
  }
}

/**
 * `promise`, or a rejection saying what took too long once `ms` have passed: for an outcome
 * that must come within a bound, where waitFor's polling has nothing to poll.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
