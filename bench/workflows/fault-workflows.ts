/**
 * Workflows of the fault runs (bench/pg-restart.mjs): a chain of activities whose result
 * depends on every step, so a lost or doubled step shows in the result.
 */
import { proxyActivities } from '@temporalio/workflow';

interface FaultActivities {
  /** Returns `value * 3 + step` after the worker's step delay. */
  chainStep(step: number, value: number): Promise<number>;
}

// PostgreSQL restarts under these: an attempt whose completion could not be recorded is
// retried soon, and the retries outlast any restart (unbounded attempts, 1 s apart at most).
const { chainStep } = proxyActivities<FaultActivities>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s' },
});

/** `steps` activities in sequence, each fed the previous one's result. */
export async function faultChain(input: number, steps: number): Promise<number> {
  let value = input;
  for (let step = 1; step <= steps; step++) value = await chainStep(step, value);
  return value;
}
