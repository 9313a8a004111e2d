/** Workflows schedules start in the schedule tests. */
import { ApplicationFailure, condition, defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';

export const releaseSignal = defineSignal('release');

/**
 * What a scheduled run does: `complete` returns its workflow id and the previous run's result,
 * `fail` fails for good, `hold` runs until it is released (or cancelled), then completes.
 */
export async function scheduledJob(mode: 'complete' | 'fail' | 'hold'): Promise<{ workflowId: string; previous: unknown }> {
  const info = workflowInfo();
  if (mode === 'fail') throw ApplicationFailure.nonRetryable('scheduled job failed on purpose');
  if (mode === 'hold') {
    let released = false;
    setHandler(releaseSignal, () => {
      released = true;
    });
    await condition(() => released);
  }
  return { workflowId: info.workflowId, previous: info.lastResult ?? null };
}
