/**
 * SIGKILL of the server while parents run children, continue-as-new chains
 * move from run to run and a cron workflow fires: after a restart on the same
 * file everything completes with the right results, and no child, chain run or
 * cron run exists twice.
 */
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { ActivityRecorder, createActivities, type StepLogLine } from './helpers/activities.js';
import { installQuietRuntime, uniqueTaskQueue, workflowBundlePath } from './helpers/env.js';
import { countEvents } from './helpers/history.js';
import { cleanUpCrashTest, findFreePort, startServerProcess, type ServerProcess } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';
import { crashChain, crashParent } from './workflows/crash.js';
import { cronRun } from './workflows/children.js';

const parents = 5;
const childrenPerParent = 4;
const chains = 5;
const chainLength = 5;
const totalSteps = parents * childrenPerParent + chains * chainLength;

let dir: string;
let server: ServerProcess | undefined;
let connection: Connection | undefined;
let nativeConnection: NativeConnection | undefined;
let worker: Worker | undefined;

beforeAll(() => {
  installQuietRuntime();
  dir = mkdtempSync(join(tmpdir(), 'endure-crash-chains-'));
});

afterAll(() => cleanUpCrashTest({ worker, nativeConnection, connection, server, dir }));

function doneSteps(path: string): StepLogLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as StepLogLine)
    .filter((l) => l.event === 'done');
}

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
    const port = await findFreePort();
    const address = `127.0.0.1:${port}`;
    const dbFilename = join(dir, 'endure.db');
    const stepLogPath = join(dir, 'steps.log');
    writeFileSync(stepLogPath, '');
    server = await startServerProcess(port, dbFilename);
    connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace: 'default' });
    nativeConnection = await NativeConnection.connect({ address });
    const taskQueue = uniqueTaskQueue('crash-chains');
    worker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
      activities: createActivities(new ActivityRecorder(), { stepLogPath }),
    });
    const running = worker.run();
    running.catch(() => undefined);

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
        const n = doneSteps(stepLogPath).length;
        return n >= totalSteps * 0.4 && n;
      },
      { timeoutMs: 30_000, intervalMs: 5, description: 'some steps done' },
    );
    expect(doneAtKill, 'the kill must land mid-run').toBeLessThan(totalSteps);
    await server.kill();
    const killedAtMs = Date.now();
    server = await startServerProcess(port, dbFilename);

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

    worker.shutdown();
    await running;
    const duplicates = doneSteps(stepLogPath).length - totalSteps;
    console.log(`[server-crash-chains] killed after ${doneAtKill}/${totalSteps} steps; cron runs: ${cronRuns.length}; step completions beyond one each: ${duplicates}`);
  });
});
