#!/usr/bin/env node
/**
 * The benchmark suite: `npm run bench -- <w1..w6|name|all> [--sdk endure|official|both]
 * [--runs N] [--out FILE] [--n N] [--param key=number] [--store sqlite|postgres] [--nodes N]
 * [--workers N]` (w7: visibility, w8: web UI, w9: schedules), `npm run bench -- fuzz [--inputs N]
 * [--seed S]` (the API fuzz run, bench/fuzz/run.mjs) and `npm run bench -- compare …` (against
 * Restate and DBOS, bench/compare.mjs). Run after `npm run build`. See bench/README.md.
 *
 * For each workload and SDK it does N runs (each a fresh server, database, worker and load
 * generator process), prints median [min–max] of the key figures, writes one JSON object to
 * bench/results/<workload>-<sdk>-<timestamp>.json and, with --out, all of them to FILE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resultsDir } from './lib/paths.mjs';
import { buildResult, checkTargets, printResult, printSummary, printTargets, ratios } from './lib/report.mjs';

const WORKLOADS = { w1: 'throughput', w2: 'step-latency', w3: 'timers', w4: 'recovery', w5: 'scale', w6: 'worker-start', w7: 'visibility', w8: 'ui', w9: 'schedules', soak: 'soak' };
/** Not part of `all`: the soak runs for minutes on purpose. */
const NOT_IN_ALL = ['soak'];
const USAGE = `usage: npm run bench -- <${Object.keys(WORKLOADS).join('|')}|${Object.values(WORKLOADS).join('|')}|all> [--sdk endure|official|both] [--runs N] [--out FILE] [--n N (W5 open workflows, default 100000)] [--param key=number ...] [--store sqlite|postgres] [--nodes N (postgres; w1, w2, w4)] [--workers N (default: one per node)] [--minutes M --rate R (soak: workflows started per second)]`;
/** The workloads built on lib/run-once.mjs's standardRun, which knows several nodes and workers. */
const MULTI_NODE = ['w1', 'w2', 'w4'];

// Endure against Restate and DBOS (issue 16) has options of its own (bench/compare.mjs):
// `npm run bench -- compare [--workload w1,w2] [--engines endure,restate] [--runs N] [--out FILE]`.
if (process.argv[2] === 'compare') {
  process.argv.splice(2, 1);
  await import('./compare.mjs');
}

// The API fuzz run has options of its own (bench/fuzz/run.mjs): `npm run bench -- fuzz [--inputs N] [--seed S]`.
if (process.argv[2] === 'fuzz') {
  process.argv.splice(2, 1);
  await import('./fuzz/run.mjs');
}
// Server start to ready, as a ratio to `node -e 0` (bench/startup.mjs): `npm run bench -- startup [--starts N] [--seed-runs N]`.
if (process.argv[2] === 'startup') {
  process.argv.splice(2, 1);
  await import('./startup.mjs');
  process.exit(0);
}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sdk: { type: 'string' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string' },
    n: { type: 'string' },
    param: { type: 'string', multiple: true, default: [] },
    store: { type: 'string', default: 'sqlite' },
    nodes: { type: 'string', default: '1' },
    workers: { type: 'string' },
    minutes: { type: 'string' },
    rate: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help || positionals.length !== 1) exitUsage();
const selected = selectWorkloads(positionals[0]);
const runs = Number(opts.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) exitUsage('--runs must be an integer in 1..100');
if (opts.sdk && !['endure', 'official', 'both'].includes(opts.sdk)) exitUsage('--sdk must be endure, official or both');
if (!['sqlite', 'postgres'].includes(opts.store)) exitUsage('--store must be sqlite or postgres');
const nodes = Number(opts.nodes);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 8) exitUsage('--nodes must be an integer in 1..8');
if (nodes > 1 && opts.store !== 'postgres') exitUsage('--nodes N > 1 needs --store postgres (the nodes share one database)');
if (opts.workers !== undefined && !(Number.isInteger(Number(opts.workers)) && Number(opts.workers) >= 1 && Number(opts.workers) <= 8)) {
  exitUsage('--workers must be an integer in 1..8');
}
if ((nodes > 1 || opts.workers !== undefined) && !selected.every((w) => MULTI_NODE.includes(w))) exitUsage(`--nodes and --workers apply to ${MULTI_NODE.join(', ')}`);
// Read by lib/processes.mjs (every server of the run), lib/run-once.mjs (nodes, workers) and lib/report.mjs (recorded in the result).
process.env.ENDURE_BENCH_STORE = opts.store;
process.env.ENDURE_BENCH_NODES = String(nodes);
if (opts.workers !== undefined) process.env.ENDURE_BENCH_WORKERS = opts.workers;
if ((opts.minutes !== undefined || opts.rate !== undefined) && !(selected.length === 1 && selected[0] === 'soak')) exitUsage('--minutes and --rate apply to soak');
if (opts.minutes !== undefined && !(Number(opts.minutes) > 0 && Number(opts.minutes) <= 24 * 60)) exitUsage('--minutes must be a number in (0, 1440]');
if (opts.rate !== undefined && !(Number(opts.rate) > 0 && Number(opts.rate) <= 10_000)) exitUsage('--rate must be a number in (0, 10000]');
if (opts.n !== undefined && !(Number.isInteger(Number(opts.n)) && Number(opts.n) >= 1000)) exitUsage('--n must be an integer ≥ 1000');

// A signal ends the run; the 'exit' hook in lib/processes.mjs kills every child by PID.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

const results = [];
const keyMetricsByWorkload = {};
let failed = false;
for (const workload of selected) {
  const module = await import(`./workloads/${workload}.mjs`);
  keyMetricsByWorkload[workload] = module.keyMetrics;
  const soakFlags = { ...(opts.minutes ? { minutes: Number(opts.minutes) } : {}), ...(opts.rate ? { rate: Number(opts.rate) } : {}) };
  const params = { ...module.defaultParams, ...(workload === 'w5' && opts.n ? { n: Number(opts.n) } : {}), ...soakFlags, ...paramOverrides() };
  const sdks = opts.sdk === 'both' ? ['endure', 'official'] : opts.sdk ? [opts.sdk] : module.defaultSdks;
  const bySdk = {};
  for (const sdk of sdks) {
    try {
      bySdk[sdk] = await runWorkload(workload, module, sdk, params);
    } catch (err) {
      failed = true;
      console.error(`\n${module.title} with sdk ${sdk} FAILED: ${err?.stack ?? err}`);
    }
  }
  if (bySdk.endure && bySdk.official && module.ratioMetrics) {
    const r = ratios(bySdk.endure, bySdk.official, module.ratioMetrics);
    for (const result of [bySdk.endure, bySdk.official]) {
      result.ratiosOfficialToEndure = r;
      save(result);
    }
    console.log(`  ratio official/endure: ${Object.entries(r).map(([k, v]) => `${k} ${v}x`).join(', ')}`);
  }
}
printSummary(results, keyMetricsByWorkload);
if (opts.out) {
  writeFileSync(resolve(opts.out), `${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  console.log(`\nwrote ${resolve(opts.out)}`);
}
process.exit(failed ? 1 : 0);

async function runWorkload(workload, module, sdk, params) {
  const startedAt = new Date().toISOString();
  const perRun = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`${module.title}, sdk ${sdk}: run ${i + 1}/${runs}…\n`);
    // Other load on the machine skews every figure; recorded so that a reader can tell.
    const loadAverage1mBefore = loadavg()[0];
    perRun.push({ ...(await module.orchestrate({ sdk, params })), loadAverage1mBefore });
  }
  const result = buildResult({ workload, module, sdk, params, runs: perRun, startedAt });
  if (module.targets) result.targets = checkTargets(result, module.targets);
  result.file = join(resultsDir, `${workload}-${sdk}-${startedAt.replace(/[:.]/g, '-')}.json`);
  save(result);
  results.push(result);
  printResult(result, module.keyMetrics);
  if (result.targets) printTargets(result.targets);
  return result;
}

function save(result) {
  mkdirSync(resultsDir, { recursive: true });
  const { file, ...body } = result;
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}

/** `--param workflows=200` (repeatable): override a workload parameter, for quick trial runs. */
function paramOverrides() {
  return Object.fromEntries(
    opts.param.map((kv) => {
      const [key, value] = kv.split('=');
      if (!key || value === undefined || !Number.isFinite(Number(value))) exitUsage(`--param expects key=number, got "${kv}"`);
      return [key, Number(value)];
    }),
  );
}

function selectWorkloads(arg) {
  if (arg === 'all') return Object.keys(WORKLOADS).filter((id) => !NOT_IN_ALL.includes(id));
  const byName = Object.entries(WORKLOADS).find(([id, name]) => arg === id || arg === name || arg === `${id}-${name}`);
  if (!byName) exitUsage(`unknown workload "${arg}"`);
  return [byName[0]];
}

function exitUsage(message) {
  if (message) console.error(message);
  console.error(USAGE);
  process.exit(2);
}
