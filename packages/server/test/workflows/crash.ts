/** Workflows for the worker-crash and server-crash tests. */
import { continueAsNew, executeChild, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../helpers/activities.js';

interface CrashActivities {
  whoAmI(step: number): Promise<{ step: number; pid: number }>;
}

const { whoAmI } = proxyActivities<CrashActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms' },
});

/** One step, a durable timer, another step: the worker may die during the timer. */
export async function stepsAroundTimerWorkflow(timerMs: number): Promise<Array<{ step: number; pid: number }>> {
  const first = await whoAmI(1);
  await sleep(timerMs);
  const second = await whoAmI(2);
  return [first, second];
}

const { recordStep } = proxyActivities<Activities>({
  // A step takes < 100 ms; a task lost with a killed server is re-dispatched after this.
  startToCloseTimeout: '3s',
  retry: { initialInterval: '50ms', maximumInterval: '500ms' },
});

/** `steps` activities in sequence; each records its completion in a log file. */
export async function stepsWorkflow(steps: number): Promise<string[]> {
  const { workflowId } = workflowInfo();
  const results: string[] = [];
  for (let step = 1; step <= steps; step++) {
    results.push(await recordStep(workflowId, step));
  }
  return results;
}

/** One recorded step as a child workflow of a crash-test parent. */
export async function stepChild(parentId: string, step: number): Promise<string> {
  return recordStep(parentId, step);
}

/** A parent whose `children` children each record one step. */
export async function crashParent(children: number): Promise<string[]> {
  const { workflowId } = workflowInfo();
  return Promise.all(
    Array.from({ length: children }, (_, i) =>
      executeChild(stepChild, { workflowId: `${workflowId}-child-${i + 1}`, args: [workflowId, i + 1] }),
    ),
  );
}

/** Records step `step`, then continues as new until `last`; returns every step's result. */
export async function crashChain(step: number, last: number, done: string[] = []): Promise<string[]> {
  const { workflowId } = workflowInfo();
  const results = [...done, await recordStep(workflowId, step)];
  if (step < last) await continueAsNew<typeof crashChain>(step + 1, last, results);
  return results;
}
