/** Workflows that report details the official SDK's integration tests check. */
import { condition, defineSignal, executeChild, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { doublingChild } from './children.js';
import type { Activities } from '../helpers/activities.js';

export interface InfoSeen {
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  currentBuildId?: string;
}

/** What workflowInfo() shows about timeouts and the worker's build. */
export function infoWorkflow(): Promise<InfoSeen> {
  const info = workflowInfo();
  return Promise.resolve({
    executionTimeoutMs: info.executionTimeoutMs,
    runTimeoutMs: info.runTimeoutMs,
    currentBuildId: info.currentBuildId,
  });
}

const { echo } = proxyActivities<Activities>({ startToCloseTimeout: '10s', summary: 'say it back' });

/** A timer and an activity, each with a summary for UIs. */
export async function summarizedWorkflow(): Promise<string> {
  await sleep(1, { summary: 'a short nap' });
  return echo('hello');
}

export const proceedSignal = defineSignal('proceed');

/** The build id workflowInfo() reports in a first task and after a signal. */
export async function buildIdsWorkflow(): Promise<string[]> {
  let proceed = false;
  setHandler(proceedSignal, () => {
    proceed = true;
  });
  const seen = [workflowInfo().currentBuildId ?? ''];
  await condition(() => proceed);
  seen.push(workflowInfo().currentBuildId ?? '');
  return seen;
}

/** Starts a child with a static summary and details, and returns its result. */
export function parentOfSummarizedChild(childId: string): Promise<number> {
  return executeChild(doublingChild, { workflowId: childId, args: [21], staticSummary: 'a child', staticDetails: 'doubles 21' });
}
