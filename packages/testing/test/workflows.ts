/** Workflows for the TestWorkflowEnvironment tests; bundled for Endure's worker, so they import only @endure/workflow. */
import { proxyActivities, sleep, workflowInfo, type Duration } from '@endure/workflow';

export interface Activities {
  greet(name: string): Promise<string>;
  /** Resolves after `ms` of real time. */
  slow(ms: number): Promise<string>;
}

const { greet, slow } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function greeting(name: string): Promise<string> {
  return greet(name);
}

/** Workflow time seen before and after a week-long sleep. */
export async function sleepAWeek(): Promise<{ runStartMs: number; beforeMs: number; afterMs: number }> {
  const beforeMs = Date.now();
  await sleep('7 days');
  return { runStartMs: workflowInfo().runStartTime.getTime(), beforeMs, afterMs: Date.now() };
}

/** Whichever finishes first: a one-hour timer or an activity taking `activityMs` of real time. */
export async function timerRacesActivity(activityMs: number): Promise<{ winner: string; elapsedMs: number }> {
  const startMs = Date.now();
  const winner = await Promise.race([sleep('1 hour').then(() => 'timer'), slow(activityMs).then(() => 'activity')]);
  return { winner, elapsedMs: Date.now() - startMs };
}

export async function sleepFor(duration: Duration): Promise<void> {
  await sleep(duration);
}
