#!/usr/bin/env node
/**
 * `npm run bench -- compare [--workload w1,w2,w3,w4] [--engines endure,official,restate,dbos]
 * [--runs 3] [--out FILE] [--param key=number]` (issue 16): W1–W4 on Endure and on the peers,
 * Restate and DBOS, in one invocation, so that the machine's drift hits every engine alike.
 *
 * For each workload, round after round, each engine runs once with fresh processes and state
 * (round r: endure, official, restate, dbos; then round r + 1). Our side is this suite's own
 * workload (lib/run-once.mjs) with the peers' warm-ups; the peers run through their own harness
 * (lib/peers.mjs). W4 runs Endure twice a round, the server killed and the worker killed (the
 * peers kill their worker). Prints, per workload, the matched metrics × engines as
 * `median (min–max)` with the endure/restate ratio, and writes every run's raw figures to
 * bench/results/compare-<time>.json (and --out FILE). See bench/README.md, "Compare with
 * Restate and DBOS".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resultsDir } from './lib/paths.mjs';
import { peersDir, peersSource, preparePeers, runPeer } from './lib/peers.mjs';
import { fmt, gitRevision, machineInfo } from './lib/report.mjs';
import { median, round } from './lib/stats.mjs';

const WORKLOADS = ['w1', 'w2', 'w3', 'w4'];
const OURS = ['endure', 'official'];
const PEERS = ['restate', 'dbos'];
const USAGE =
  'usage: npm run bench -- compare [--workload w1,w2,w3,w4] [--engines endure,official,restate,dbos] [--runs 3] [--out FILE] [--param key=number ...]';

/** Our parameters that match the peers' harness (its src/workloads/index.ts) beyond our defaults: its warm-ups. */
const MATCHING_PARAMS = { w1: { warmup: 200 }, w2: { warmup: 20 }, w3: { warmup: 20 }, w4: { warmup: 20 } };

/**
 * The matched metrics: [label, ours, peers'], each a dotted path into a run's figures or a
 * function of (figures, parameters). What each measures on both sides: bench/README.md.
 */
const METRICS = {
  w1: [
    ['workflows/s', 'workflowsPerSec', 'workflowsPerSec'],
    ['latency p50 ms', 'latencyMs.p50', 'latencyMs.p50'],
    ['latency p99 ms', 'latencyMs.p99', 'latencyMs.p99'],
    ['CPU ms/workflow (machine)', 'cpuMsPerWorkflow', 'cpuMsPerWorkflow'],
    // The machine's figure counts whatever else runs on it too; this one only the run's processes.
    ['CPU ms/workflow (run processes)', processCpuMsPerWorkflow, processCpuMsPerWorkflow],
  ],
  w2: [
    ['workflow p50 ms', 'latencyMs.p50', 'wholeMs.p50'],
    ['workflow p99 ms', 'latencyMs.p99', 'wholeMs.p99'],
    ['per step p50 ms (workflow p50 / 10)', (r, p) => r.latencyMs.p50 / p.activities, 'perStepMs.p50'],
  ],
  w3: [
    ['lateness p50 ms', 'latenessResumedMs.p50', 'latenessMs.p50'],
    ['lateness p99 ms', 'latenessResumedMs.p99', 'latenessMs.p99'],
  ],
  w4: [
    ['completed (of 200)', 'completed', 'completed'],
    ['restart → all done ms', 'restartToLastCompletionMs', 'restartToAllCompleteMs'],
    ['restart → first step ms', 'restartToFirstStepStartMs', 'restartToFirstResumedStepMs'],
    ['steps re-run after completing', 'stepsRerunAfterBodyCompleted', 'stepsRerunAfterBodyCompleted'],
    ['steps run more than once', 'stepsRunMoreThanOnce', 'stepsRunMoreThanOnce'],
  ],
};

/**
 * CPU ms per completed workflow of the run's own processes over the timed window: ours the
 * server, worker and load generator; the peers' their server, worker, client and (DBOS)
 * PostgreSQL — every per-process figure, not the machine's.
 */
function processCpuMsPerWorkflow(figures) {
  const perProcess = Object.entries(figures.cpuSeconds ?? {}).filter(([name, s]) => typeof s === 'number' && !name.startsWith('system'));
  return (perProcess.reduce((sum, [, s]) => sum + s, 0) / figures.completed) * 1000;
}

const { values: opts } = parseArgs({
  options: {
    workload: { type: 'string', default: WORKLOADS.join(',') },
    engines: { type: 'string' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string' },
    param: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) exitUsage();
const workloads = opts.workload.split(',');
if (!workloads.every((w) => WORKLOADS.includes(w))) exitUsage(`--workload takes a list of ${WORKLOADS.join(', ')}`);
const engineList = opts.engines?.split(',');
if (engineList && !engineList.every((e) => [...OURS, ...PEERS].includes(e))) exitUsage(`--engines takes a list of ${[...OURS, ...PEERS].join(', ')}`);
const runs = Number(opts.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 20) exitUsage('--runs must be an integer in 1..20');
const overrides = paramOverrides();
if (Object.keys(overrides).length) {
  console.error(`note: --param changes our side only (${opts.param.join(' ')}); the peers run their fixed sizes, so those rows are not matched.`);
}

// A signal ends the run; lib/processes.mjs kills our children by PID, lib/peers.mjs asks the peers' harness to stop its own.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

const startedAt = new Date().toISOString();
const stamp = startedAt.replace(/[:.]/g, '-');
const enginesOf = (workload) => engineList ?? (workload === 'w1' ? ['endure', 'official', 'restate', 'dbos'] : ['endure', 'restate', 'dbos']);
const wanted = new Set(workloads.flatMap(enginesOf));
const peers = { source: peersSource, dir: peersDir };
if (PEERS.some((e) => wanted.has(e))) {
  Object.assign(peers, preparePeers({ dbos: wanted.has('dbos') }));
  if (peers.dbosSkipped) console.error(`DBOS skipped: ${peers.dbosSkipped}`);
}

const report = { kind: 'compare', startedAt, revision: gitRevision(), machine: machineInfo(), runs, overrides, peers, workloads: {} };
for (const workload of workloads) {
  const columns = columnsFor(workload, enginesOf(workload).filter((e) => !(e === 'dbos' && peers.dbosSkipped)));
  const module = await import(`./workloads/${workload}.mjs`);
  const params = { ...module.defaultParams, ...MATCHING_PARAMS[workload], ...overrides };
  for (let r = 1; r <= runs; r++) {
    for (const column of columns) column.runs.push(await runOnce(workload, module, column, { ...params, ...column.params }, r));
  }
  report.workloads[workload] = summarise(workload, module.title, columns, params);
  printTable(report.workloads[workload]);
}
report.finishedAt = new Date().toISOString();
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `compare-${stamp}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${file}`);
if (opts.out) {
  writeFileSync(resolve(opts.out), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${resolve(opts.out)}`);
}
const failedRuns = Object.values(report.workloads).flatMap((w) => w.columns.flatMap((c) => c.runs.filter((x) => x.error)));
process.exit(failedRuns.length ? 1 : 0);

/** The table's columns: one per engine, two for our SDKs in W4 (server killed, worker killed). */
function columnsFor(workload, engines) {
  return engines.flatMap((engine) => {
    if (PEERS.includes(engine)) return [{ label: engine, engine, params: {}, runs: [] }];
    if (workload !== 'w4') return [{ label: engine, engine, params: {}, matched: true, runs: [] }];
    return [
      { label: `${engine} (server killed)`, engine, params: { killWorker: 0 }, runs: [] },
      // The peers kill their worker: this is the like-for-like column.
      { label: `${engine} (worker killed)`, engine, params: { killWorker: 1 }, matched: true, runs: [] },
    ];
  });
}

/** One run of one column: `{round, startedAt, loadAverage1mBefore, values: {label: n}, raw}` or `{…, error}`. */
async function runOnce(workload, module, column, params, roundNo) {
  const isPeer = PEERS.includes(column.engine);
  process.stderr.write(`${module.title}, round ${roundNo}/${runs}: ${column.label}…\n`);
  const run = { round: roundNo, startedAt: new Date().toISOString(), loadAverage1mBefore: loadavg()[0] };
  try {
    const raw = isPeer ? await runPeer({ engine: column.engine, workload, session: `compare-${stamp}-round${roundNo}` }) : await module.orchestrate({ sdk: column.engine, params });
    const figures = isPeer ? raw.result : raw;
    run.values = Object.fromEntries(METRICS[workload].map(([label, ours, theirs]) => [label, pick(isPeer ? theirs : ours, figures, params)]));
    run.raw = raw;
  } catch (err) {
    run.error = String(err?.stack ?? err);
    process.stderr.write(`  ${column.label} FAILED: ${err?.message ?? err}\n`);
  }
  return run;
}

function pick(metric, figures, params) {
  const value = typeof metric === 'function' ? metric(figures, params) : metric.split('.').reduce((o, k) => o?.[k], figures);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Median, min and max of each metric per column over the runs that succeeded, and the ratios to Restate. */
function summarise(workload, title, columns, params) {
  for (const column of columns) {
    const ok = column.runs.filter((r) => r.values);
    column.failedRuns = column.runs.length - ok.length;
    column.summary = Object.fromEntries(
      METRICS[workload].map(([label]) => {
        const values = ok.map((r) => r.values[label]).filter((v) => v !== null);
        return [label, values.length ? { median: round(median(values), 3), min: Math.min(...values), max: Math.max(...values) } : null];
      }),
    );
  }
  const restate = columns.find((c) => c.engine === 'restate');
  const ratios = {};
  for (const column of restate ? columns.filter((c) => c.matched) : []) {
    ratios[`${column.engine}/restate`] = Object.fromEntries(
      METRICS[workload].map(([label]) => {
        const ours = column.summary[label]?.median;
        const theirs = restate.summary[label]?.median;
        return [label, ours != null && theirs ? round(ours / theirs, 2) : null];
      }),
    );
  }
  return { title, parameters: params, metrics: METRICS[workload].map(([label]) => label), columns, ratios };
}

function printTable({ title, metrics, columns, ratios }) {
  const n = columns.reduce((max, c) => Math.max(max, c.runs.length), 0);
  const cell = (s) => (s ? (n > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median)) : '–');
  const header = ['metric', ...columns.map((c) => c.label), ...Object.keys(ratios)];
  const rows = metrics.map((m) => [m, ...columns.map((c) => cell(c.summary[m])), ...Object.values(ratios).map((r) => (r[m] === null ? '–' : `${r[m]}×`))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row) => `  ${row.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ')}`;
  console.log(`\n${title} — ${n} run(s) per engine${n > 1 ? ', median (min–max)' : ''}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const c of columns.filter((x) => x.failedRuns)) console.log(`  ${c.label}: ${c.failedRuns} of ${c.runs.length} run(s) FAILED (errors in the JSON)`);
}

/** `--param workflows=500` (repeatable): our side's parameters, for trial runs. */
function paramOverrides() {
  return Object.fromEntries(
    opts.param.map((kv) => {
      const [key, value] = kv.split('=');
      if (!key || value === undefined || !Number.isFinite(Number(value))) exitUsage(`--param expects key=number, got "${kv}"`);
      return [key, Number(value)];
    }),
  );
}

function exitUsage(message) {
  if (message) console.error(message);
  console.error(USAGE);
  process.exit(2);
}
