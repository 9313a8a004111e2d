/**
 * SIGKILL of the server while parents run children, continue-as-new chains
 * move from run to run and a cron workflow fires: after a restart on the same
 * file everything completes with the right results, and no child, chain run or
 * cron run exists twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { startCrashRig, type CrashRig } from './helpers/crash-rig.js';
import { countEvents } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { crashChain, crashParent } from './workflows/crash.js';
import { cronRun } from './workflows/children.js';

const parents = 5;
const childrenPerParent = 4;
const chains = 5;
const chainLength = 5;
const totalSteps = parents * childrenPerParent + chains * chainLength;

let rig: CrashRig | undefined;

afterAll(() => rig?.close());

/** Every run of a workflow id, first to last, following new_execution_run_id. */
async function chainOf(client: Client, workflowId: string, firstRunId: string) {
  const runs: { runId: string; executionTimeMs: number; closeType: string }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events!;
    const started = events[0]!;
    const backoff = started.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff;
    const startMs = Number(started.eventTime!.seconds) * 1000 + started.eventTime!.nanos! / 1e6;
    const last = events.at(-1)!;
    runs.push({
      runId,
      executionTimeMs: startMs + Number(backoff?.seconds ?? 0) * 1000 + (backoff?.nanos ?? 0) / 1e6,
      closeType: String(last.eventType),
    });
    runId =
      last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
      last.workflowExecutionCompletedEventAttributes?.newExecutionRunId ??
      undefined;
    if (runs.length > 100) throw new Error(`chain of ${workflowId} does not end`);
  }
  return runs;
}

describe('server crash with children, continue-as-new and cron', () => {
  it('completes every parent, chain and cron run once after a SIGKILL', async () => {
    rig = await startCrashRig({ name: 'crash-chains', stepLog: true });
    const { client, taskQueue, readStepLog } = rig;
    const doneSteps = () => readStepLog().filter((l) => l.event === 'done');

    const options = { taskQueue, workflowTaskTimeout: '5s' } as const;
    const parentHandles = await Promise.all(
      Array.from({ length: parents }, (_, i) =>
        client.workflow.start(crashParent, { ...options, workflowId: `parent-${taskQueue}-${i}`, args: [childrenPerParent] }),
      ),
    );
    const chainHandles = await Promise.all(
      Array.from({ length: chains }, (_, i) =>
        client.workflow.start(crashChain, { ...options, workflowId: `chain-${taskQueue}-${i}`, args: [1, chainLength] }),
      ),
    );
    const cron = await client.workflow.start(cronRun, { ...options, workflowId: `cron-${taskQueue}`, cronSchedule: '@every 1s' });

    const doneAtKill = await waitFor(
      () => {
        const n = doneSteps().length;
        return n >= totalSteps * 0.4 && n;
      },
      { timeoutMs: 30_000, intervalMs: 5, description: 'some steps done' },
    );
    expect(doneAtKill, 'the kill must land mid-run').toBeLessThan(totalSteps);
    await rig.killServer();
    const killedAtMs = Date.now();
    await rig.startServer();

    const parentResults = await Promise.all(parentHandles.map((h) => h.result()));
    const chainResults = await Promise.all(chainHandles.map((h) => h.result()));
    for (const [i, h] of parentHandles.entries()) {
      expect(parentResults[i]).toEqual(Array.from({ length: childrenPerParent }, (_, s) => `${h.workflowId}#${s + 1}`));
      const history = await h.fetchHistory();
      expect(countEvents(history, 'CHILD_WORKFLOW_EXECUTION_STARTED')).toBe(childrenPerParent);
      expect(countEvents(history, 'CHILD_WORKFLOW_EXECUTION_COMPLETED')).toBe(childrenPerParent);
      expect(countEvents(history, 'START_CHILD_WORKFLOW_EXECUTION_FAILED')).toBe(0);
    }
    for (const [i, h] of chainHandles.entries()) {
      expect(chainResults[i]).toEqual(Array.from({ length: chainLength }, (_, s) => `${h.workflowId}#${s + 1}`));
      const runs = await chainOf(client, h.workflowId, h.firstExecutionRunId);
      expect(runs).toHaveLength(chainLength);
    }

    // The cron chain goes on after the restart, one run per schedule slot.
    const cronRuns = await waitFor(
      async () => {
        const runs = await chainOf(client, cron.workflowId, cron.firstExecutionRunId);
        return runs.filter((r) => r.executionTimeMs > killedAtMs).length >= 2 && runs;
      },
      { timeoutMs: 20_000, description: 'cron runs after the restart' },
    );
    const times = cronRuns.map((r) => r.executionTimeMs);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900);
    await client.workflow.getHandle(cron.workflowId).terminate('done');

    await rig.stopWorker();
    const duplicates = doneSteps().length - totalSteps;
    console.log(`[server-crash-chains] killed after ${doneAtKill}/${totalSteps} steps; cron runs: ${cronRuns.length}; step completions beyond one each: ${duplicates}`);
  });
});
