/**
 * W4 recovery: `workflows` workflows of `activities` sequential activities of `activityMs`
 * each; `kill -9` of the server `killAfterMs` after the first start (or, when no activity
 * has started by then, half an activity after the first one starts, so that the kill
 * always lands on running work), then the server is started again on the same database
 * file and port. All workflows must complete.
 *
 * Times are epoch milliseconds on this machine's one clock. "Restart" is the moment the
 * new server process is spawned (its time to print its address is reported apart).
 * - restart → first resumed step: the first ActivityTaskCompleted event in any history with
 *   a time after the restart, i.e. the first step the restarted server recorded as done.
 * - restart → last completion: the last WorkflowExecutionCompleted event time.
 * - From the worker's records (one line per attempt start and completion, keyed by
 *   workflowId + step + attempt), a step run again in a later attempt counts as
 *   "re-run after completing" when its earlier attempt had completed more than
 *   `ackWindowMs` before the kill (its completion had time to reach the server and be
 *   acknowledged; losing it would be a durability bug), otherwise as "interrupted and
 *   re-run" (in flight at the kill, or completed while the server was down).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { EventType, timedEvents } from '../lib/history.mjs';
import { closedLoop, sleep, waitUntil } from '../lib/loop.mjs';
import { round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W4 recovery';
export const defaultSdks = ['endure', 'official'];
export const defaultParams = { workflows: 200, activities: 5, activityMs: 200, killAfterMs: 1000, ackWindowMs: 100 };
export const keyMetrics = [
  'completed',
  'restartToFirstResumedStepMs',
  'restartToLastCompletionMs',
  'rerunAfterCompleted',
  'interruptedAndRerun',
  'attemptsInFlightAtKill',
  'serverRestartReadyMs',
];
export const ratioMetrics = ['restartToFirstResumedStepMs', 'restartToLastCompletionMs'];
const RESULT_DEADLINE_MS = 3 * 60_000;

export function orchestrate({ sdk, params }) {
  return standardRun({
    workload: 'w4',
    sdk,
    params,
    worker: { activityMs: params.activityMs, record: true },
    timeoutMs: RESULT_DEADLINE_MS + 60_000,
    during: (ctx) => killAndRestart(ctx),
    analyse: (result, ctx) => analyse(result, ctx),
  });
}

async function killAndRestart({ server, load, params, recordFile }) {
  const begin = await load.waitForEvent('begin', 120_000);
  await sleep(Math.max(0, begin.t + params.killAfterMs - Date.now()));
  // A kill before any activity runs would test nothing: on a slow server, wait for the
  // first attempt to start and kill half an activity later.
  if (!hasRecords(recordFile)) {
    await waitUntil('the first activity attempt', () => hasRecords(recordFile), 120_000, 5);
    await sleep(params.activityMs / 2);
  }
  const killAt = Date.now();
  await server.kill9();
  const restartAt = Date.now();
  const serverRestartReadyMs = await server.start();
  return { killAfterMs: killAt - begin.t, serverRestartReadyMs: round(serverRestartReadyMs), killAt, restartAt };
}

function analyse(result, { recordFile, params, during }) {
  const { killAt, restartAt } = during;
  const resumed = result.activityCompletedTimes.filter((t) => t >= restartAt);
  const counts = countReruns(readRecords(recordFile), killAt, params.ackWindowMs);
  return {
    restartToFirstResumedStepMs: resumed.length ? round(Math.min(...resumed) - restartAt) : null,
    restartToLastCompletionMs: round(Math.max(...result.workflowCompletedTimes) - restartAt),
    stepsCompletedBeforeRestart: result.activityCompletedTimes.length - resumed.length,
    ...counts,
    // Raw event times and epoch instants are inputs, not figures to aggregate over runs.
    activityCompletedTimes: undefined,
    workflowCompletedTimes: undefined,
    killAt: undefined,
    restartAt: undefined,
  };
}

function hasRecords(file) {
  return existsSync(file) && statSync(file).size > 0;
}

function readRecords(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Classifies, per workflowId + step, the attempts the worker ran (see the module comment). */
function countReruns(records, killAt, ackWindowMs) {
  const bySteps = new Map();
  for (const r of records) {
    const key = `${r.workflowId}#${r.step}`;
    if (!bySteps.has(key)) bySteps.set(key, new Map());
    const attempts = bySteps.get(key);
    attempts.set(r.attempt, { ...attempts.get(r.attempt), [r.kind]: r.t });
  }
  let rerunAfterCompleted = 0;
  let interruptedAndRerun = 0;
  let attemptsInFlightAtKill = 0;
  let attempts = 0;
  for (const steps of bySteps.values()) {
    const ordered = [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    attempts += ordered.length;
    attemptsInFlightAtKill += ordered.filter((a) => a.start < killAt && !(a.done < killAt)).length;
    for (const earlier of ordered.slice(0, -1)) {
      if (earlier.done !== undefined && earlier.done < killAt - ackWindowMs) rerunAfterCompleted++;
      else interruptedAndRerun++;
    }
  }
  return { stepsRun: bySteps.size, attempts, attemptsInFlightAtKill, rerunAfterCompleted, interruptedAndRerun };
}

export async function load({ client, taskQueue, params, emit }) {
  emit({ event: 'begin' });
  const t0 = performance.now();
  const handles = [];
  await closedLoop(params.workflows, params.workflows, async (i) => handles.push(await startOnce(client, taskQueue, `w4-${i}`, params)), 60_000);
  let completed = 0;
  await closedLoop(handles.length, handles.length, async (i) => {
    await resultDespiteOutage(handles[i]);
    completed++;
  }, RESULT_DEADLINE_MS);
  const totalMs = performance.now() - t0;
  emit({ event: 'end' });
  const activityCompletedTimes = [];
  const workflowCompletedTimes = [];
  await closedLoop(handles.length, 10, async (i) => {
    for (const e of timedEvents(await handles[i].fetchHistory())) {
      if (e.type === EventType.ActivityTaskCompleted) activityCompletedTimes.push(e.ms);
      if (e.type === EventType.WorkflowExecutionCompleted) workflowCompletedTimes.push(e.ms);
    }
  }, 2 * 60_000);
  return { completed, totalMs: round(totalMs), activityCompletedTimes, workflowCompletedTimes };
}

/** Starts a workflow; if the server died mid-call, tries again (an existing execution is fine). */
async function startOnce(client, taskQueue, workflowId, params) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await client.workflow.start('recordedSteps', { taskQueue, workflowId, args: [params.activities] });
    } catch (err) {
      if (err?.name === 'WorkflowExecutionAlreadyStartedError') return client.workflow.getHandle(workflowId);
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** handle.result(), retried while the server is down or restarting. */
async function resultDespiteOutage(handle) {
  const deadline = Date.now() + RESULT_DEADLINE_MS;
  for (;;) {
    try {
      return await handle.result();
    } catch (err) {
      if (err?.name === 'WorkflowFailedError' || Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}
