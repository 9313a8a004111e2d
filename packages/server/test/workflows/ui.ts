/**
 * Workflows for the web UI's browser tests (packages/ui/test): one of every kind a user looks
 * at. Activities come from packages/ui/test/helpers/ui-env.ts (`uiActivities`).
 */
import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';

interface UiActivities {
  greet(name: string): Promise<string>;
  /** Always fails (retryable), so the activity stays pending with a last failure. */
  alwaysFails(message: string): Promise<never>;
}

const { greet } = proxyActivities<UiActivities>({ startToCloseTimeout: '10 seconds' });
const { alwaysFails } = proxyActivities<UiActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 1, maximumInterval: '1 second' },
});

/** Completes after an activity and a short timer, returning an object. */
export async function uiCompleted(name: string): Promise<{ greeting: string; length: number }> {
  const greeting = await greet(name);
  await sleep(10);
  return { greeting, length: greeting.length };
}

/** Fails from a nested function, so its failure carries a stack trace and a cause. */
// eslint-disable-next-line @typescript-eslint/require-await -- a workflow function is async by contract
export async function uiFailed(reason: string): Promise<never> {
  return checkOrder(reason);
}

function checkOrder(reason: string): never {
  throw ApplicationFailure.create({
    message: `order rejected: ${reason}`,
    type: 'OrderRejected',
    nonRetryable: true,
    cause: ApplicationFailure.create({ message: 'inventory is empty', type: 'OutOfStock', nonRetryable: true }),
  });
}

/** Stays running with one pending activity that keeps failing and retrying. */
export async function uiPendingFailingActivity(message: string): Promise<void> {
  await alwaysFails(message);
}

/** A parent with two children that complete. */
export async function uiParent(): Promise<string[]> {
  const id = workflowInfo().workflowId;
  const first = await executeChild(uiCompleted, { workflowId: `${id}-child-1`, args: ['first child'] });
  const second = await executeChild(uiCompleted, { workflowId: `${id}-child-2`, args: ['second child'] });
  return [first.greeting, second.greeting];
}

export const approveSignal = defineSignal<[string]>('approve');
export const stateQuery = defineQuery<{ approvedBy: string | null; notes: string[] }>('state');
export const addNoteUpdate = defineUpdate<number, [string]>('addNote');

/** Waits for the `approve` signal; answers the `state` query; `addNote` updates return the count of notes. */
export async function uiAwaitingApproval(): Promise<string> {
  let approvedBy: string | null = null;
  const notes: string[] = [];
  setHandler(approveSignal, (by) => {
    approvedBy = by;
  });
  setHandler(stateQuery, () => ({ approvedBy, notes }));
  setHandler(addNoteUpdate, (note) => {
    notes.push(note);
    return notes.length;
  });
  await condition(() => approvedBy !== null);
  return `approved by ${approvedBy}`;
}
