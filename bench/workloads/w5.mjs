/**
 * W5 scale: open workflows that each wait for a signal.
 * 1. Baseline: start `baselineOpen` (1000), wait until their first workflow task is done,
 *    then signal all of them, `signalConcurrency` at a time; signal→completion latency.
 * 2. Start `n` more (default 100,000; takes long on 2 cores, see bench/README.md), a closed
 *    loop of `startConcurrency`: start rate; server RSS (/proc VmRSS) and database size
 *    (file + WAL) when 10k, 50k, 100k (those ≤ n) and n are started, and once drained.
 * 3. Signal `signals` (1000) of them spread over the range, same concurrency; signal→
 *    completion p50/p99 and its ratio to the baseline's (target: within 2×).
 * "Drained" = the last `drainProbe` started workflows all have a completed workflow task.
 */
import { EventType, timedEvents } from '../lib/history.mjs';
import { closedLoop, waitUntil } from '../lib/loop.mjs';
import { dbBytes } from '../lib/processes.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W5 scale';
export const defaultSdks = ['endure'];
export const defaultParams = { n: 100_000, baselineOpen: 1000, signals: 1000, startConcurrency: 100, signalConcurrency: 20, drainProbe: 20 };
export const keyMetrics = [
  'startsPerSec',
  'signalToCompletionMs.atBaseline.p50',
  'signalToCompletionMs.atBaseline.p99',
  'signalToCompletionMs.atN.p50',
  'signalToCompletionMs.atN.p99',
  'signalP99RatioNToBaseline',
  'serverRssMb.drained',
  'dbMb.drained',
];
const CHECKPOINTS = [10_000, 50_000, 100_000];

/** Bounds that grow with n: ~50 ms per workflow is far slower than any server we measured. */
const startDeadlineMs = (n) => 5 * 60_000 + n * 50;

const runTimeoutMs = (n) => 2 * startDeadlineMs(n) + 10 * 60_000;

export function orchestrate({ sdk, params }) {
  return standardRun({ workload: 'w5', sdk, params, timeoutMs: runTimeoutMs(params.n), during: sampleAtCheckpoints });
}

/** On each "checkpoint" message from the load generator: server RSS and database size. */
function sampleAtCheckpoints({ server, load, params }) {
  const serverRssMb = {};
  const dbMb = {};
  load.onMessage((m) => {
    if (m.event !== 'checkpoint') return;
    serverRssMb[m.label] = round(server.rssBytes() / 2 ** 20, 1);
    dbMb[m.label] = round(dbBytes(server.dbFile) / 2 ** 20, 1);
  });
  return load.waitForEvent('end', runTimeoutMs(params.n)).then(
    () => ({ serverRssMb, dbMb }),
    () => ({ serverRssMb, dbMb }),
  );
}

export async function load({ client, taskQueue, params, emit }) {
  emit({ event: 'begin' });
  const baseIds = await startMany(client, taskQueue, 'w5-base', params.baselineOpen, params, () => undefined);
  await waitDrained(client, baseIds, params);
  emit({ event: 'checkpoint', label: `open${params.baselineOpen}` });
  const atBaseline = await signalAndAwait(client, baseIds, params);

  const checkpoints = new Set([...CHECKPOINTS.filter((c) => c <= params.n), params.n]);
  const t0 = performance.now();
  const ids = await startMany(client, taskQueue, 'w5', params.n, params, (count) => {
    if (checkpoints.has(count)) emit({ event: 'checkpoint', label: `started${count}` });
  });
  const startMs = performance.now() - t0;
  await waitDrained(client, ids, params);
  const drainedMs = performance.now() - t0;
  emit({ event: 'checkpoint', label: 'drained' });
  const step = Math.max(1, Math.floor(ids.length / params.signals));
  const chosen = ids.filter((_, i) => i % step === 0).slice(0, params.signals);
  const atN = await signalAndAwait(client, chosen, params);
  emit({ event: 'end' });
  return {
    open: params.n,
    startsPerSec: round((params.n / startMs) * 1000),
    startMs: round(startMs),
    startToDrainedMs: round(drainedMs),
    latencyMs: atN,
    signalToCompletionMs: { atBaseline, atN },
    signalP99RatioNToBaseline: round(atN.p99 / atBaseline.p99),
  };
}

async function startMany(client, taskQueue, prefix, count, params, onStarted) {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  let started = 0;
  await closedLoop(count, params.startConcurrency, async (i) => {
    await client.workflow.start('waitForRelease', { taskQueue, workflowId: ids[i] });
    onStarted(++started);
  }, startDeadlineMs(count));
  return ids;
}

/** Waits until the last `drainProbe` workflows have run their first workflow task. */
async function waitDrained(client, ids, params) {
  const probe = ids.slice(-params.drainProbe);
  const done = async (id) => timedEvents(await client.workflow.getHandle(id).fetchHistory()).some((e) => e.type === EventType.WorkflowTaskCompleted);
  await waitUntil('open workflows to be drained', async () => (await Promise.all(probe.map(done))).every(Boolean), startDeadlineMs(ids.length), 500);
}

async function signalAndAwait(client, ids, params) {
  const latencies = [];
  await closedLoop(ids.length, params.signalConcurrency, async (i) => {
    const handle = client.workflow.getHandle(ids[i]);
    const start = performance.now();
    await handle.signal('release');
    await handle.result();
    latencies.push(performance.now() - start);
  }, 10 * 60_000);
  return percentiles(latencies);
}
