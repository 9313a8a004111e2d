/**
 * W9 schedules (issue 14 calls it W8; `w8` was already the web UI bench): `schedules`
 * schedules, each an interval of one minute with no phase, so all of them fire together at
 * every minute boundary (the hard case), for `minutes` boundaries. Each action starts
 * `scheduledNoop` on the run's task queue, where the harness's worker runs it.
 *
 * 1. Create them through the client's `schedule.create`, `createConcurrency` at a time. The
 *    spec's start and end times bound the firing to the window's boundaries, so the first
 *    boundary is placed far enough ahead for every create to land before it (`createRate`,
 *    the slowest creates/s allowed for); a slower server fails the run and says so.
 * 2. Wait out the window, then until every expected run has completed (bounded by
 *    `drainSeconds` after the last boundary). Server CPU over this is the firing cost.
 * 3. Check: list every run of `scheduledNoop` from visibility. Its workflow id is
 *    `w9-wf-<i>-<nominal time>` (Temporal appends the nominal time, RFC 3339 to the second),
 *    which says exactly which (schedule, boundary) pair it is: missing pairs, duplicate
 *    runs and runs off the window are counted. Start lateness = the run's start time (the
 *    server's clock) − its nominal time. The schedules' own counters come from describe.
 * 4. Delete every schedule.
 */
import { closedLoop, sleep } from '../lib/loop.mjs';
import { procCpuSeconds } from '../lib/processes.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W9 schedules';
export const defaultSdks = ['official'];
export const defaultParams = {
  schedules: 10_000,
  minutes: 5,
  createConcurrency: 50,
  /** Creates/s the first boundary allows for; a server slower than this fails the run with a hint. */
  createRate: 100,
  drainSeconds: 120,
  describeConcurrency: 50,
  /** 0: ALLOW_ALL, so a slow worker cannot make the scheduler skip; 1: SKIP, the default policy. */
  overlapSkip: 0,
};
export const keyMetrics = [
  'missingActions',
  'latenessMs.p99',
  'serverCpuMsPerAction',
  'actionsTaken',
  'expectedActions',
  'extraActions',
  'latenessMs.p50',
  'latenessMs.max',
  'createsPerSec',
  'completedByDrainEnd',
];

/** The target (p99 ≤ 1 s) and exactness: every expected action taken once, nothing else. */
export const targets = {
  'latenessMs.p99': ['<=', 1000],
  'missingActions': ['<=', 0],
  'extraActions': ['<=', 0],
  'actionsTakenOffBy': ['<=', 0],
};

const MINUTE_MS = 60_000;
const WORKFLOW_TYPE = 'scheduledNoop';
const GRPC_UNIMPLEMENTED = 12;
/** `w9-wf-<schedule index>-<nominal time>`, the id Temporal gives a scheduled start. */
const STARTED_ID = /^w9-wf-(\d+)-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/;
/** Spec bounds half a minute off the boundaries: nothing hangs on whether they are inclusive. */
const SPEC_MARGIN_MS = 30_000;
const DELETE_BOUND_MS = 10 * MINUTE_MS;
const DESCRIBE_BOUND_MS = 10 * MINUTE_MS;

const scheduleId = (i) => `w9-${i}`;
const createAllowanceMs = (p) => Math.ceil(p.schedules / p.createRate) * 1000 + 10_000;
const runTimeoutMs = (p) => createAllowanceMs(p) + (p.minutes + 1) * MINUTE_MS + p.drainSeconds * 1000 + DESCRIBE_BOUND_MS + DELETE_BOUND_MS + 5 * MINUTE_MS;

export function orchestrate({ sdk, params }) {
  return standardRun({ workload: 'w9', sdk, params, timeoutMs: runTimeoutMs(params), during: sampleAtCheckpoints, analyse: perAction });
}

/** Server (and worker) CPU and server RSS at the load generator's checkpoints. */
function sampleAtCheckpoints({ server, workers, load, params }) {
  const at = {};
  load.onMessage((m) => {
    if (m.event !== 'begin' && m.event !== 'checkpoint') return;
    const worker = workers.reduce((sum, w) => sum + (procCpuSeconds(w.pid) ?? 0), 0);
    at[m.label ?? m.event] = { server: server.cpuSeconds(), worker, rssMb: round(server.rssBytes() / 2 ** 20, 1) };
  });
  const figures = () => ({
    cpuSecondsCreating: { server: diff(at.created?.server, at.begin?.server) },
    cpuSecondsFiring: { server: diff(at.fired?.server, at.firing?.server), worker: diff(at.fired?.worker, at.firing?.worker) },
    serverRssMb: { created: at.created?.rssMb ?? null, fired: at.fired?.rssMb ?? null },
  });
  return load.waitForEvent('end', runTimeoutMs(params)).then(figures, figures);
}

/** CPU per action over the firing window (actions = runs found in visibility). */
function perAction(result, { during }) {
  const perMs = (seconds, count) => (seconds === null || !count ? null : round((seconds * 1000) / count));
  return {
    serverCpuMsPerAction: perMs(during.cpuSecondsFiring.server, result.workflowsStarted),
    workerCpuMsPerAction: perMs(during.cpuSecondsFiring.worker, result.workflowsStarted),
    serverCpuMsPerCreate: perMs(during.cpuSecondsCreating.server, result.schedulesCreated),
  };
}

export async function load({ client, taskQueue, params, emit }) {
  checkInputs(client, params);
  emit({ event: 'begin' });
  const window = firingWindow(params);
  const created = await createSchedules(client, taskQueue, params, window);
  emit({ event: 'checkpoint', label: 'created' });

  // Idle until just before the first boundary: the firing window's CPU is the firing and the
  // runs it starts, not the creating.
  await sleep(window.firstMs - 1000 - Date.now());
  emit({ event: 'checkpoint', label: 'firing' });
  await sleep(window.lastMs - Date.now());
  const drained = await waitForRuns(client, params.schedules * params.minutes, window.lastMs + params.drainSeconds * 1000);
  emit({ event: 'checkpoint', label: 'fired' });

  const runs = checkRuns(await listRuns(client), params, window);
  const counters = await describeSchedules(client, params);
  const deleted = await deleteSchedules(client, params);
  emit({ event: 'end' });
  return {
    ...created,
    firstBoundary: new Date(window.firstMs).toISOString(),
    ...drained,
    ...runs,
    ...counters,
    actionsTakenOffBy: Math.abs(counters.actionsTaken - runs.expectedActions),
    ...deleted,
  };
}

/** The `minutes` minute boundaries, the first far enough ahead for every create to land before it. */
function firingWindow(params) {
  const firstMs = Math.ceil((Date.now() + createAllowanceMs(params)) / MINUTE_MS) * MINUTE_MS;
  const boundaries = Array.from({ length: params.minutes }, (_, k) => firstMs + k * MINUTE_MS);
  return { firstMs, lastMs: boundaries.at(-1), boundaries };
}

function checkInputs(client, params) {
  for (const name of ['schedules', 'minutes', 'createConcurrency', 'describeConcurrency']) {
    if (!(Number.isInteger(params[name]) && params[name] >= 1)) throw new Error(`W9: --param ${name} must be an integer ≥ 1, got ${params[name]}`);
  }
  if (!(params.createRate > 0)) throw new Error(`W9: --param createRate must be > 0, got ${params.createRate}`);
  if (!client.schedule) throw new Error('W9 needs a client with `schedule` (the official one; ours has none yet): run it with --sdk official');
}

async function createSchedules(client, taskQueue, params, window) {
  const spec = {
    intervals: [{ every: '1m' }],
    startAt: new Date(window.firstMs - SPEC_MARGIN_MS),
    endAt: new Date(window.lastMs + SPEC_MARGIN_MS),
  };
  const policies = { overlap: params.overlapSkip ? 'SKIP' : 'ALLOW_ALL' };
  const create = (i) =>
    client.schedule.create({
      scheduleId: scheduleId(i),
      spec,
      action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPE, taskQueue, workflowId: `w9-wf-${i}` },
      policies,
    });
  const t0 = performance.now();
  // The first alone: a server without schedules says so once, plainly, before 10,000 tries.
  await create(0).catch((err) => {
    if (isUnimplemented(err)) throw new Error('W9: the server does not implement schedules (CreateSchedule answered UNIMPLEMENTED)', { cause: err });
    throw err;
  });
  const deadlineMs = window.firstMs - 1000;
  const tooSlow = (cause) =>
    new Error(`W9: creating ${params.schedules} schedules did not finish before the first boundary; allow for a slower server with a lower --param createRate (now ${params.createRate}/s)`, { cause });
  try {
    await closedLoop(params.schedules - 1, params.createConcurrency, (i) => create(i + 1), deadlineMs - Date.now());
  } catch (err) {
    throw Date.now() < deadlineMs ? err : tooSlow(err);
  }
  // The loop's bound stops new creates; the last ones in flight may still have landed late.
  if (Date.now() > deadlineMs) throw tooSlow();
  const createMs = performance.now() - t0;
  return { schedulesCreated: params.schedules, createMs: round(createMs), createsPerSec: round((params.schedules / createMs) * 1000) };
}

/** The official client wraps the gRPC error as `cause`; look down the chain for its code. */
function isUnimplemented(err) {
  for (let e = err; e; e = e.cause) if (e.code === GRPC_UNIMPLEMENTED) return true;
  return false;
}

/**
 * Waits (bounded) until `expected` runs have completed. Counts come from visibility; the
 * exact check is `checkRuns` on the listing, this only decides when to look.
 */
async function waitForRuns(client, expected, deadlineMs) {
  const count = async (query) => (await client.workflow.count(query)).count;
  const t0 = Date.now();
  let completed = 0;
  for (;;) {
    completed = await count(`WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed'`);
    if (completed >= expected || Date.now() > deadlineMs) break;
    await sleep(1000);
  }
  return { completedByDrainEnd: completed, drainMs: Date.now() - t0 };
}

async function listRuns(client) {
  const runs = [];
  const first = (values) => (Array.isArray(values) ? values[0] : values);
  for await (const info of client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'`, pageSize: 1000 })) {
    const attributes = info.searchAttributes ?? {};
    runs.push({
      workflowId: info.workflowId,
      startMs: info.startTime.getTime(),
      scheduledById: first(attributes.TemporalScheduledById),
      scheduledStartTime: first(attributes.TemporalScheduledStartTime),
    });
  }
  return runs;
}

/** Which (schedule, boundary) pairs have a run, how late each started, and what should not be there. */
function checkRuns(runs, params, window) {
  const taken = new Set();
  const lateness = [];
  const byMinute = window.boundaries.map(() => []);
  let duplicateRuns = 0;
  let runsOffWindow = 0;
  let attributesWrong = 0;
  for (const run of runs) {
    const match = STARTED_ID.exec(run.workflowId);
    const index = match ? Number(match[1]) : -1;
    const nominalMs = match ? Date.parse(match[2]) : NaN;
    const minute = (nominalMs - window.firstMs) / MINUTE_MS;
    if (!(index >= 0 && index < params.schedules && Number.isInteger(minute) && minute >= 0 && minute < params.minutes)) {
      runsOffWindow++;
      continue;
    }
    const pair = `${index}@${nominalMs}`;
    if (taken.has(pair)) {
      duplicateRuns++;
      continue;
    }
    taken.add(pair);
    if (run.scheduledById !== scheduleId(index) || new Date(run.scheduledStartTime).getTime() !== nominalMs) attributesWrong++;
    lateness.push(run.startMs - nominalMs);
    byMinute[minute].push(run.startMs - nominalMs);
  }
  const expectedActions = params.schedules * params.minutes;
  return {
    expectedActions,
    workflowsStarted: taken.size,
    missingActions: expectedActions - taken.size,
    extraActions: duplicateRuns + runsOffWindow,
    duplicateRuns,
    runsOffWindow,
    // TemporalScheduledById / TemporalScheduledStartTime absent or not the schedule's id and nominal time.
    scheduledAttributesWrong: attributesWrong,
    latenessMs: spread(lateness),
    latenessByMinuteMs: Object.fromEntries(byMinute.map((values, k) => [`m${k + 1}`, spread(values)])),
  };
}

/** Percentiles with min and max (by a loop: 50,000 arguments to Math.min are too many to spread safely). */
function spread(values) {
  if (values.length === 0) return { p50: null, p95: null, p99: null, min: null, max: null };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { ...percentiles(values, [50, 95, 99]), min, max };
}

/** The schedules' own counters, summed over DescribeSchedule of each. */
async function describeSchedules(client, params) {
  const sums = { actionsTaken: 0, missedCatchupWindow: 0, skippedOverlap: 0, bufferDropped: 0 };
  await closedLoop(
    params.schedules,
    params.describeConcurrency,
    async (i) => {
      const { info, raw } = await client.schedule.getHandle(scheduleId(i)).describe();
      sums.actionsTaken += info.numActionsTaken;
      sums.missedCatchupWindow += info.numActionsMissedCatchupWindow;
      sums.skippedOverlap += info.numActionsSkippedOverlap;
      sums.bufferDropped += Number(raw.info?.bufferDropped ?? 0);
    },
    DESCRIBE_BOUND_MS,
  );
  return sums;
}

async function deleteSchedules(client, params) {
  const t0 = performance.now();
  await closedLoop(params.schedules, params.describeConcurrency, (i) => client.schedule.getHandle(scheduleId(i)).delete(), DELETE_BOUND_MS);
  const deleteMs = performance.now() - t0;
  let schedulesLeft = 0;
  for await (const schedule of client.schedule.list()) if (schedule.scheduleId.startsWith('w9-')) schedulesLeft++;
  return { deleteMs: round(deleteMs), schedulesLeft };
}

const diff = (end, begin) => (end === undefined || begin === undefined ? null : round(end - begin));
