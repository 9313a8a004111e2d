/** Bounded concurrency helpers shared by the load generator's workloads. */

/**
 * Runs `fn(i)` for i in [0, total) with at most `concurrency` in flight (a closed loop:
 * a new one starts when one finishes). Rejects on the first failure or after `deadlineMs`.
 */
export async function closedLoop(total, concurrency, fn, deadlineMs) {
  let next = 0;
  const deadline = Date.now() + deadlineMs;
  const lane = async () => {
    while (next < total) {
      if (Date.now() > deadline) throw new Error(`closed loop: ${next}/${total} started when the ${deadlineMs} ms bound passed`);
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check()` every `intervalMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitUntil(what, check, timeoutMs, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
