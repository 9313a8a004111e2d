/** Cancellation reaching a running activity, cleanup that must still run, timers. */
import {
  ActivityCancellationType,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../helpers/activities.js';

const { longRunning } = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '1s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
});

const { cleanup } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms' },
});

/** Runs a long activity; if the workflow is cancelled, releases resources before failing. */
export async function cancellableWorkflow(key: string): Promise<string> {
  try {
    return await longRunning(key);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => cleanup(key));
    }
    throw err;
  }
}

/** Sleeps for `ms` and reports how much workflow time passed. */
export async function sleepWorkflow(ms: number): Promise<number> {
  const startedAt = Date.now();
  await sleep(ms);
  return Date.now() - startedAt;
}

/** Starts a one-hour timer, cancels it after a short one fires. */
export async function cancelTimerWorkflow(): Promise<string> {
  const scope = new CancellationScope();
  const longTimer = scope.run(() => sleep('1 hour'));
  await sleep(100);
  scope.cancel();
  try {
    await longTimer;
    return 'timer fired';
  } catch (err) {
    if (isCancellation(err)) return 'timer cancelled';
    throw err;
  }
}
