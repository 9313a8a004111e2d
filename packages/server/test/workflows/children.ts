/** Child workflows, handles to other workflows, continue-as-new, cron and workflow retries. */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';

export const finishSignal = defineSignal<[string]>('finish');
export const countSignal = defineSignal<[number]>('count');

/** Doubles `n`, optionally after a durable sleep. */
export async function doublingChild(n: number, sleepMs = 0): Promise<number> {
  if (sleepMs > 0) await sleep(sleepMs);
  return n * 2;
}

/** Starts `count` children (on `childTaskQueue` when given) and sums their results. */
export async function fanOutParent(count: number, childTaskQueue?: string): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      executeChild(doublingChild, {
        args: [i + 1],
        workflowId: `${workflowInfo().workflowId}-child-${i}`,
        taskQueue: childTaskQueue,
      }),
    ),
  );
  return results.reduce((a, b) => a + b, 0);
}

export function failingChild(message: string): Promise<never> {
  return Promise.reject(ApplicationFailure.nonRetryable(message, 'ChildBroke'));
}

/** Runs a failing child and reports how the failure reached the parent. */
export async function parentOfFailingChild(): Promise<{ error: string; causeMessage: string; causeType: string }> {
  try {
    await executeChild(failingChild, { args: ['boom'], workflowId: `${workflowInfo().workflowId}-child` });
    return { error: 'none', causeMessage: '', causeType: '' };
  } catch (err) {
    const cause = (err as ChildWorkflowFailure).cause as ApplicationFailure | undefined;
    return {
      error: err instanceof ChildWorkflowFailure ? 'ChildWorkflowFailure' : String(err),
      causeMessage: cause?.message ?? '',
      causeType: cause?.type ?? '',
    };
  }
}

/** Waits for `finish`, or for cancellation (then completes as canceled). */
export async function waitingChild(): Promise<string> {
  let finishedWith: string | undefined;
  setHandler(finishSignal, (value) => {
    finishedWith = value;
  });
  await condition(() => finishedWith !== undefined);
  return finishedWith!;
}

/** Starts a long-running child with `policy` and returns once it has started. */
export async function parentThatLeaves(childId: string, policy: ChildWorkflowOptions['parentClosePolicy']): Promise<string> {
  const child = await startChild(waitingChild, { workflowId: childId, parentClosePolicy: policy });
  return child.firstExecutionRunId;
}

/** Starts a child with the id of one that is already running. */
export async function parentStartingDuplicate(childId: string): Promise<string> {
  try {
    await startChild(waitingChild, { workflowId: childId });
    return 'started';
  } catch (err) {
    return (err as Error).name;
  }
}

/** Starts a child, signals it through its handle, and returns its result. */
export async function parentSignallingChild(): Promise<string> {
  const child = await startChild(waitingChild, { workflowId: `${workflowInfo().workflowId}-child` });
  await child.signal(finishSignal, 'from parent');
  return child.result();
}

/** Starts a child and cancels it; the child's cancellation reaches the parent as a failure. */
export async function parentCancellingChild(): Promise<string> {
  try {
    await CancellationScope.cancellable(async () => {
      const child = await startChild(waitingChild, { workflowId: `${workflowInfo().workflowId}-child` });
      CancellationScope.current().cancel();
      await child.result();
    });
    return 'not cancelled';
  } catch (err) {
    return isCancellation(err) ? 'cancelled' : `other: ${String(err)}`;
  }
}

/**
 * Starts a child that outlives its parent, cancels it with `cancellationType` once it has started,
 * and reports what the parent saw.
 */
export async function parentCancellingChildWith(cancellationType: ChildWorkflowOptions['cancellationType']): Promise<string> {
  try {
    await CancellationScope.cancellable(async () => {
      const child = await startChild(waitingChild, {
        workflowId: `${workflowInfo().workflowId}-child`,
        cancellationType,
        parentClosePolicy: 'ABANDON',
      });
      CancellationScope.current().cancel();
      await child.result();
    });
    return 'not cancelled';
  } catch (err) {
    return isCancellation(err) ? 'cancelled' : `other: ${String(err)}`;
  }
}

export interface FamilyInfo {
  parent?: { workflowId: string; runId: string };
  root?: { workflowId: string; runId: string };
}

export function familyInfoChild(): Promise<FamilyInfo> {
  const info = workflowInfo() as ReturnType<typeof workflowInfo> & { root?: FamilyInfo['root'] };
  return Promise.resolve({
    parent: info.parent ? { workflowId: info.parent.workflowId, runId: info.parent.runId } : undefined,
    root: info.root ? { workflowId: info.root.workflowId, runId: info.root.runId } : undefined,
  });
}

/** Parent → child → grandchild; returns what the grandchild knows of its family. */
export async function grandparentWorkflow(): Promise<FamilyInfo> {
  return executeChild(middleChild, { workflowId: `${workflowInfo().workflowId}-child` });
}

export async function middleChild(): Promise<FamilyInfo> {
  return executeChild(familyInfoChild, { workflowId: `${workflowInfo().workflowId}-grandchild` });
}

/** Signals another workflow by id; reports the failure when it does not exist. */
export async function signalSender(targetWorkflowId: string, value: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetWorkflowId).signal(finishSignal, value);
    return 'signalled';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

export async function cancelSender(targetWorkflowId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetWorkflowId).cancel();
    return 'cancel requested';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

export interface ChainResult {
  iteration: number;
  total: number;
  firstExecutionRunId: string;
  continuedFromExecutionRunId?: string;
}

/** Continues as new until `iteration` reaches `last`, carrying a running total; signals add to it. */
export async function countingChain(iteration: number, last: number, total = 0): Promise<ChainResult> {
  let added = 0;
  setHandler(countSignal, (n) => {
    added += n;
  });
  await sleep(10);
  if (iteration < last) await continueAsNew<typeof countingChain>(iteration + 1, last, total + iteration + added);
  const info = workflowInfo();
  return {
    iteration,
    total: total + iteration + added,
    firstExecutionRunId: info.firstExecutionRunId,
    continuedFromExecutionRunId: info.continuedFromExecutionRunId,
  };
}

/** Fails (retryably) until its attempt reaches `succeedOnAttempt`; reports the previous attempt's failure. */
export function flakyWorkflow(succeedOnAttempt: number): Promise<{ attempt: number; lastFailure?: string }> {
  const { attempt, lastFailure } = workflowInfo();
  if (attempt < succeedOnAttempt) return Promise.reject(ApplicationFailure.retryable(`attempt ${attempt} failed`, 'Flaky'));
  return Promise.resolve({ attempt, lastFailure: lastFailure?.message });
}

export interface CronRunResult {
  cronSchedule?: string;
  runId: string;
  /** The run id the previous run returned (its result reaches this run as `lastResult`). */
  previousRunId?: string;
}

/** A cron run: reports its schedule and which run came before it. */
export function cronRun(): Promise<CronRunResult> {
  const info = workflowInfo();
  const previous = info.lastResult as CronRunResult | undefined;
  return Promise.resolve({ cronSchedule: info.cronSchedule, runId: info.runId, previousRunId: previous?.runId });
}

/** A signal handler with a bug (a plain Error fails the workflow task, not the workflow). */
export async function buggyHandlerWorkflow(): Promise<string> {
  let done = false;
  setHandler(finishSignal, (value) => {
    if (value === 'bug') throw new Error('bug in a signal handler');
    done = true;
  });
  await condition(() => done);
  return 'done';
}

/** Starts a child (default policy: TERMINATE) and then waits until it is closed from outside. */
export async function parentWaitingForever(childId: string): Promise<never> {
  await startChild(waitingChild, { workflowId: childId });
  await condition(() => false);
  throw new Error('unreachable');
}
