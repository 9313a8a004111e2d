/** Workflows for the CLI's inspecting commands (`workflow list/describe/show/result/stack/trace`). */
import { ApplicationFailure, continueAsNew, executeChild, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import { waitingChild } from './children.js';

/** Greets after a short durable timer: a small, fixed history (start, timer, completion). */
export async function inspectGreeting(name: string): Promise<string> {
  await sleep(1);
  return `Hello, ${name}!`;
}

/** Fails at once, without retries, with `message` (and a cause). */
// eslint-disable-next-line @typescript-eslint/require-await -- a workflow function is async by contract
export async function inspectFailing(message: string): Promise<never> {
  throw ApplicationFailure.create({
    message,
    type: 'InspectError',
    nonRetryable: true,
    cause: ApplicationFailure.create({ message: 'the root cause', type: 'RootCause', nonRetryable: true }),
  });
}

/** Continues as new until `run` reaches `last`, then returns the number of runs. */
export async function inspectChain(run: number, last: number): Promise<number> {
  if (run < last) await continueAsNew<typeof inspectChain>(run + 1, last);
  return run;
}

/**
 * A tree for `workflow trace`: one child that completes (after its own grandchild), one that
 * fails, and one still running (a `waitingChild` waiting for its `finish` signal).
 */
export async function inspectFamily(): Promise<string> {
  const id = workflowInfo().workflowId;
  await executeChild(inspectGreetingParent, { workflowId: `${id}-done`, args: ['family'] });
  await executeChild(inspectFailing, { workflowId: `${id}-failed`, args: ['child failed'] }).catch(() => undefined);
  const waiting = await startChild(waitingChild, { workflowId: `${id}-waiting` });
  return waiting.result();
}

/** A child that has a child of its own. */
export async function inspectGreetingParent(name: string): Promise<string> {
  return executeChild(inspectGreeting, { workflowId: `${workflowInfo().workflowId}-grandchild`, args: [name] });
}
