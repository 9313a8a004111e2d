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
 *
 * With `killWorker` 1 the worker is killed instead (`kill -9`; the server runs on), as the
 * peers' harness kills Restate's service and DBOS's worker (issue 16), and a new worker process
 * with the same options is started at once: "restart" is then its spawn, and
 * `workerRestartReadyMs` its time to ready. Its predecessor's attempts were all cut short or
 * finished by the kill, so every later attempt is the new worker's.
 *
 * Also reported in the peers' terms: `restartToFirstStepStartMs` (restart → the first attempt
 * any worker started after it), `stepsRunMoreThanOnce`, and `stepsRerunAfterBodyCompleted`
 * (steps run again although an attempt had finished its body before the kill, however
 * shortly before; `rerunAfterCompleted` above is the stricter, acknowledged case).
 * `warmup` W1-kind workflows (3 no-op activities, 10 at a time) run before the timed part.
 *
 * With several nodes (`--nodes N`, PostgreSQL) only node-1 is killed and nothing is
 * restarted: the other nodes carry on, and clients and workers whose connection went through
 * node-1 reconnect through the balancer. The figures are the same with "restart" replaced by
 * "kill" (`killToFirstResumedStepMs`, `killToLastCompletionMs`, `stepsCompletedBeforeKill`);
 * since the other nodes keep recording steps, the first step after the kill says little, so
 * `killToFirstRetryMs` / `killToLastRetryMs` add when the worker started the first and last
 * later attempt (attempt > 1) of a step after the kill: the work the dead node held, resumed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { EventType, timedEvents } from '../lib/history.mjs';
import { closedLoop, sleep, waitUntil } from '../lib/loop.mjs';
import { round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';
import { benchTopology } from '../lib/report.mjs';

/** Several nodes: one is killed and not restarted (read when run.mjs imports this, after parsing --nodes). */
const oneNodeOfMany = benchTopology().nodes > 1;

export const title = 'W4 recovery';
export const defaultSdks = ['endure', 'official'];
export const defaultParams = { workflows: 200, activities: 5, activityMs: 200, killAfterMs: 1000, ackWindowMs: 100, killWorker: 0, warmup: 0 };
export const keyMetrics = oneNodeOfMany
  ? ['completed', 'killToFirstResumedStepMs', 'killToFirstRetryMs', 'killToLastRetryMs', 'killToLastCompletionMs', 'rerunAfterCompleted', 'interruptedAndRerun', 'attemptsInFlightAtKill']
  : [
      'completed',
      'restartToFirstResumedStepMs',
      'restartToFirstStepStartMs',
      'restartToLastCompletionMs',
      'rerunAfterCompleted',
      'stepsRerunAfterBodyCompleted',
      'interruptedAndRerun',
      'attemptsInFlightAtKill',
      'serverRestartReadyMs',
      'workerRestartReadyMs',
    ];
export const ratioMetrics = oneNodeOfMany ? ['killToFirstResumedStepMs', 'killToLastCompletionMs'] : ['restartToFirstResumedStepMs', 'restartToLastCompletionMs'];
const RESULT_DEADLINE_MS = 3 * 60_000;

export function orchestrate({ sdk, params }) {
  return standardRun({
    workload: 'w4',
    sdk,
    params,
    worker: { activityMs: params.activityMs, record: true },
    timeoutMs: RESULT_DEADLINE_MS + 60_000,
    during: (ctx) => (ctx.cluster ? killOneNode(ctx) : params.killWorker ? killWorkerAndRestart(ctx) : killAndRestart(ctx)),
    analyse: (result, ctx) => analyse(result, ctx),
  });
}

async function killAndRestart({ server, load, params, recordFile }) {
  const begin = await waitForKillTime({ load, params, recordFile });
  const killAt = Date.now();
  await server.kill9();
  const restartAt = Date.now();
  const serverRestartReadyMs = await server.start();
  return { killed: 'server', killAfterMs: killAt - begin.t, serverRestartReadyMs: round(serverRestartReadyMs), killAt, restartAt };
}

async function killWorkerAndRestart({ replaceWorker, load, params, recordFile }) {
  const begin = await waitForKillTime({ load, params, recordFile });
  const killAt = Date.now();
  const { spawnedAt, readyAt } = await replaceWorker();
  return { killed: 'worker', killAfterMs: killAt - begin.t, workerRestartReadyMs: readyAt - spawnedAt, killAt, restartAt: spawnedAt };
}

async function killOneNode({ cluster, load, params, recordFile }) {
  const begin = await waitForKillTime({ load, params, recordFile });
  const [victim] = cluster.nodes;
  const killAt = Date.now();
  await victim.kill9();
  return { killed: 'node', killAfterMs: killAt - begin.t, killedNode: victim.nodeId, killAt, restartAt: undefined };
}

/** `killAfterMs` after the load's begin, and not before the first activity attempt has started. */
async function waitForKillTime({ load, params, recordFile }) {
  const begin = await load.waitForEvent('begin', 120_000);
  await sleep(Math.max(0, begin.t + params.killAfterMs - Date.now()));
  // A kill before any activity runs would test nothing: on a slow server, wait for the
  // first attempt to start and kill half an activity later.
  if (!hasRecords(recordFile)) {
    await waitUntil('the first activity attempt', () => hasRecords(recordFile), 120_000, 5);
    await sleep(params.activityMs / 2);
  }
  return begin;
}

function analyse(result, { recordFile, params, during }) {
  const { killAt, restartAt } = during;
  const records = readRecords(recordFile);
  const counts = countReruns(records, killAt, params.ackWindowMs);
  // One server: measured from its restart. One node of several: from the kill (nothing restarts).
  const from = restartAt ?? killAt;
  const name = restartAt === undefined ? 'kill' : 'restart';
  const resumed = result.activityCompletedTimes.filter((t) => t >= from);
  const retries = restartAt === undefined ? records.filter((r) => r.kind === 'start' && r.attempt > 1 && r.t >= killAt).map((r) => r.t) : [];
  const startsAfterRestart = restartAt === undefined ? [] : records.filter((r) => r.kind === 'start' && r.t >= restartAt).map((r) => r.t);
  return {
    [`${name}ToFirstResumedStepMs`]: resumed.length ? round(Math.min(...resumed) - from) : null,
    ...(restartAt === undefined ? {} : { restartToFirstStepStartMs: startsAfterRestart.length ? Math.min(...startsAfterRestart) - restartAt : null }),
    ...(restartAt === undefined
      ? { killToFirstRetryMs: retries.length ? Math.min(...retries) - killAt : null, killToLastRetryMs: retries.length ? Math.max(...retries) - killAt : null }
      : {}),
    [`${name}ToLastCompletionMs`]: round(Math.max(...result.workflowCompletedTimes) - from),
    [restartAt === undefined ? 'stepsCompletedBeforeKill' : 'stepsCompletedBeforeRestart']: result.activityCompletedTimes.length - resumed.length,
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
  let stepsRunMoreThanOnce = 0;
  let stepsRerunAfterBodyCompleted = 0;
  for (const steps of bySteps.values()) {
    const ordered = [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    attempts += ordered.length;
    if (ordered.length > 1) {
      stepsRunMoreThanOnce++;
      if (ordered.slice(0, -1).some((a) => a.done !== undefined && a.done < killAt)) stepsRerunAfterBodyCompleted++;
    }
    attemptsInFlightAtKill += ordered.filter((a) => a.start < killAt && !(a.done < killAt)).length;
    for (const earlier of ordered.slice(0, -1)) {
      if (earlier.done !== undefined && earlier.done < killAt - ackWindowMs) rerunAfterCompleted++;
      else interruptedAndRerun++;
    }
  }
  return { stepsRun: bySteps.size, attempts, attemptsInFlightAtKill, rerunAfterCompleted, interruptedAndRerun, stepsRunMoreThanOnce, stepsRerunAfterBodyCompleted };
}

export async function load({ clients, taskQueue, params, emit, warmUp }) {
  if (params.warmup) await warmUp({ count: params.warmup, concurrency: 10, activities: 3, prefix: 'w4' });
  emit({ event: 'begin' });
  const t0 = performance.now();
  const handles = [];
  // Several connections (several nodes): workflow i on connection i mod n, results awaited on the same.
  const start = async (i) => handles.push(await startOnce(clients[i % clients.length], taskQueue, `w4-${i}`, params));
  await closedLoop(params.workflows, params.workflows, start, 60_000);
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
