/**
 * Soak: W1's workflow (`activities` sequential no-op activities) started at a fixed rate, open
 * loop, for `minutes`; every `sampleSec` the server's RSS (/proc/PID/status VmRSS) and, for the
 * workflows completed in that window, the count and the p50/p99 of start → result latency.
 * Reports the drift (RSS and latency, first minute against last) and plots both over time to a
 * PNG beside the result (lib/soak-plot.mjs). `npm run bench -- soak [--minutes 10] [--rate R]`.
 *
 * Open loop: a start is due every 1/rate s whatever the server does, and latency counts from
 * when the start was due, so a server falling behind shows as growing latency rather than as
 * a slower load (no coordinated omission). In-flight workflows are capped (`inFlightMax`);
 * a start skipped at the cap is counted (`skippedAtInFlightMax`), never silently dropped. The
 * cap (1,000: 15 s of starts at the default rate, ten times W1's closed loop) keeps a machine
 * that cannot hold the rate from drowning the server in long polls, which would show as a
 * memory "drift" that is only a backlog.
 */
import { join } from 'node:path';
import { resultsDir } from '../lib/paths.mjs';
import { sleep } from '../lib/loop.mjs';
import { standardRun } from '../lib/run-once.mjs';
import { plotSoak, soakTitle } from '../lib/soak-plot.mjs';
import { percentile, round } from '../lib/stats.mjs';

/**
 * Half of W1's maximum on this machine: the latest W1 figure with our SDK in bench/README.md is
 * 129 workflows/s (SQLite, "The issue 11 table", 2026-12-03 12:19 UTC, closed loop of 100).
 */
const W1_MAX_WORKFLOWS_PER_SEC = 129;

export const title = 'Soak';
export const defaultSdks = ['endure'];
export const defaultParams = { minutes: 10, rate: W1_MAX_WORKFLOWS_PER_SEC / 2, activities: 3, sampleSec: 5, inFlightMax: 1000 };
export const keyMetrics = [
  'completed',
  'skippedAtInFlightMax',
  'workflowsPerSec',
  'latencyMs.p50',
  'latencyMs.p99',
  'drift.rssMb.firstMinute',
  'drift.rssMb.lastMinute',
  'drift.latencyP99Ms.firstMinute',
  'drift.latencyP99Ms.lastMinute',
];

/** Time to let the workflows in flight at the end finish. */
const DRAIN_TIMEOUT_MS = 120_000;
/** How often the open loop looks whether starts are due. */
const TICK_MS = 10;

export async function orchestrate({ sdk, params }) {
  const runMs = params.minutes * 60_000;
  const result = await standardRun({ workload: 'soak', sdk, params, timeoutMs: runMs + DRAIN_TIMEOUT_MS + 120_000, during: sampleRss });
  const samples = result.samples;
  const drift = driftOf(samples, result.minutes);
  let pngPath = join(resultsDir, `soak-${sdk}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
  let plotError;
  try {
    await plotSoak(samples, pngPath, { title: soakTitle(params, sdk) });
    process.stderr.write(`plot: ${pngPath}\n`);
  } catch (err) {
    // Minutes of measures are not thrown away for a missing browser: `node bench/lib/soak-plot.mjs RESULT.json` plots them later.
    process.stderr.write(`no plot (${err?.message ?? err}); plot later with: node bench/lib/soak-plot.mjs <result file>\n`);
    plotError = String(err?.message ?? err);
    pngPath = null;
  }
  // The windows are in `samples`, with the RSS beside them.
  delete result.windows;
  return { ...result, drift, pngPath, ...(plotError ? { plotError } : {}) };
}


/** The server's RSS at each window the load generator reports; resolves at the load's end. */
function sampleRss({ server, load }) {
  const rssMbByWindow = new Map();
  load.onMessage((m) => {
    if (m.event === 'window') rssMbByWindow.set(m.index, round(server.rssBytes() / 2 ** 20, 1));
  });
  return load.waitForEvent('result', 24 * 60 * 60_000).then((r) => ({
    samples: r.windows.map((w) => ({ ...w, rssMb: rssMbByWindow.get(w.index) ?? null })),
  }));
}

/** RSS and latency p99 of the first minute against the last: the mean RSS, the p99 of the minute's windows' latencies. */
function driftOf(samples, minutes) {
  const first = samples.filter((s) => s.endSec <= 60);
  const last = samples.filter((s) => s.endSec > samples.at(-1).endSec - 60);
  const meanRss = (list) => round(list.reduce((a, s) => a + (s.rssMb ?? 0), 0) / Math.max(1, list.length), 1);
  const rssMb = { firstMinute: meanRss(first), lastMinute: meanRss(last) };
  rssMb.change = round(rssMb.lastMinute - rssMb.firstMinute, 1);
  const latencyP99Ms = { firstMinute: minutes.first.p99, lastMinute: minutes.last.p99 };
  latencyP99Ms.change = round(latencyP99Ms.lastMinute - latencyP99Ms.firstMinute, 1);
  const latencyP50Ms = { firstMinute: minutes.first.p50, lastMinute: minutes.last.p50 };
  return { rssMb, latencyP99Ms, latencyP50Ms };
}

/** The load generator's half: the open loop, a "window" message every `sampleSec`. */
export async function load({ client, taskQueue, params, emit }) {
  const runMs = params.minutes * 60_000;
  const windowMs = params.sampleSec * 1000;
  const intervalMs = 1000 / params.rate;
  /** [completion time since t0, latency] of every completed workflow. */
  const done = [];
  const failures = [];
  let inFlight = 0;
  let started = 0;
  let skipped = 0;
  const windows = [];

  emit({ event: 'begin' });
  const t0 = performance.now();
  const launch = (i, dueMs) => {
    inFlight++;
    started++;
    client.workflow
      .start('sequentialNoops', { taskQueue, workflowId: `soak-${i}`, args: [params.activities] })
      .then((handle) => handle.result())
      .then(
        () => done.push([performance.now() - t0, performance.now() - t0 - dueMs]),
        (err) => failures.length < 20 && failures.push(String(err?.message ?? err)),
      )
      .finally(() => inFlight--);
  };
  const closeWindow = (index) => {
    const fromMs = index * windowMs;
    const toMs = fromMs + windowMs;
    const latencies = done.filter(([at]) => at >= fromMs && at < toMs).map(([, ms]) => ms);
    const window = { index, endSec: (index + 1) * params.sampleSec, completed: latencies.length, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), inFlight };
    windows.push(window);
    emit({ event: 'window', ...window });
  };

  // Bounded by runMs: one tick every TICK_MS, starting every start that has come due.
  let next = 0;
  let windowIndex = 0;
  for (;;) {
    const nowMs = performance.now() - t0;
    if (nowMs >= runMs) break;
    for (; next * intervalMs <= nowMs; next++) {
      if (inFlight >= params.inFlightMax) skipped++;
      else launch(next, next * intervalMs);
    }
    if (nowMs >= (windowIndex + 1) * windowMs) closeWindow(windowIndex++);
    await sleep(TICK_MS);
  }
  const wallMs = performance.now() - t0;
  // The last window ends with the loop; what completes during the drain counts in the totals only.
  if (windows.length < Math.floor(runMs / windowMs)) closeWindow(windowIndex++);
  const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (inFlight > 0 && performance.now() < drainDeadline) await sleep(50);
  emit({ event: 'end' });

  const minute = (fromMs, toMs) => {
    const latencies = done.filter(([at]) => at >= fromMs && at < toMs).map(([, ms]) => ms);
    return { completed: latencies.length, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) };
  };
  const all = done.map(([, ms]) => ms);
  return {
    started,
    completed: done.length,
    skippedAtInFlightMax: skipped,
    unfinishedAfterDrain: inFlight,
    failures,
    wallMs: round(wallMs),
    workflowsPerSec: round((done.filter(([at]) => at < runMs).length / wallMs) * 1000),
    latencyMs: { p50: round(percentile(all, 50)), p95: round(percentile(all, 95)), p99: round(percentile(all, 99)), max: round(Math.max(...all)) },
    minutes: { first: minute(0, 60_000), last: minute(runMs - 60_000, runMs) },
    windows,
  };
}
