/** Result objects (the JSON schema of bench/results/*.json) and the printed tables. */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { aggregateRuns, round } from './stats.mjs';
import { repoRoot } from './paths.mjs';

/** The server's documented default (packages/server/src/persistence/sqlite/sqlite-store.ts). */
export const DURABILITY = 'every commit fsynced before it is acknowledged (SQLite WAL, fdatasync of the WAL off the event loop: packages/server/src/persistence/sqlite/wal-sync.ts): the default of `endure server start-dev`';
const POSTGRES_DURABILITY = "PostgreSQL's default synchronous_commit=on (WAL flushed before each commit is acknowledged), `endure server start --db`";

/** The store the servers of this invocation run on (`--store`). */
export function benchStore() {
  return process.env.ENDURE_BENCH_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * Server nodes (`--nodes`) and worker processes (`--workers`, default one per node) of this
 * invocation; one node is one server on its own, without a balancer.
 */
export function benchTopology() {
  const nodes = Number(process.env.ENDURE_BENCH_NODES ?? 1);
  return { nodes, workers: Number(process.env.ENDURE_BENCH_WORKERS ?? nodes) };
}

export function machineInfo() {
  const list = cpus();
  return { cpuModel: list[0]?.model ?? 'unknown', cores: list.length, memoryBytes: totalmem(), os: `${process.platform} ${release()}`, node: process.version };
}

export function gitRevision() {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted changes in packages/` : head;
  } catch {
    return 'unknown';
  }
}

const APPLICABLE = ['workflowsPerSec', 'latencyMs', 'perStepMs', 'latenessMs'];

/** One result object: the medians at the top, median/min/max of every metric in `summary`. */
export function buildResult({ workload, module, sdk, params, runs, startedAt }) {
  const { medians, spread } = aggregateRuns(runs);
  return {
    workload,
    title: module.title,
    sdk,
    client: sdk === 'endure' ? '@endure/client' : '@temporalio/client',
    worker: sdk === 'endure' ? '@endure/worker' : '@temporalio/worker',
    timestamp: startedAt,
    revision: gitRevision(),
    runs: runs.length,
    parameters: params,
    store: benchStore(),
    ...benchTopology(),
    durability: benchStore() === 'postgres' ? POSTGRES_DURABILITY : DURABILITY,
    machine: machineInfo(),
    ...Object.fromEntries(APPLICABLE.map((k) => [k, null])),
    ...medians,
    summary: spread,
    perRun: runs,
  };
}

/** A figure for a table: integers as they are, else 3 significant digits or so; – for none. */
export function fmt(x) {
  if (x === null || x === undefined) return '–';
  if (typeof x !== 'number' || Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
}

/** `median [min–max]` of one dotted metric (just the median with one run). */
export function figure(result, name) {
  const s = result.summary[name];
  if (!s) return '–';
  return result.runs > 1 ? `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]` : fmt(s.median);
}

export function printResult(result, keyMetrics) {
  const cpu = Object.keys(result.summary).filter((n) => n.startsWith('cpuSeconds.'));
  const names = [...keyMetrics, ...cpu];
  const width = Math.max(...names.map((n) => n.length));
  const where = result.store === 'postgres' ? `, postgres, ${result.nodes} node(s), ${result.workers} worker(s)` : '';
  console.log(`\n${result.title} — sdk ${result.sdk}${where}, ${result.runs} run(s)${result.runs > 1 ? ', median [min–max]' : ''}`);
  for (const name of names) console.log(`  ${name.padEnd(width)}  ${figure(result, name)}`);
}

/**
 * A workload's targets (`{metric: ['<=', bound]}`) against the median over runs:
 * `{metric: {value, target, pass}}`; a metric the run did not produce fails.
 */
export function checkTargets(result, targets) {
  return Object.fromEntries(
    Object.entries(targets).map(([name, [op, bound]]) => {
      const value = result.summary[name]?.median ?? null;
      const pass = value !== null && (op === '<=' ? value <= bound : value >= bound);
      return [name, { value, target: `${op} ${bound}`, pass }];
    }),
  );
}

export function printTargets(checked) {
  const width = Math.max(...Object.keys(checked).map((n) => n.length));
  console.log('  targets (median over runs):');
  for (const [name, c] of Object.entries(checked)) console.log(`    ${name.padEnd(width)}  ${fmt(c.value).padStart(8)}  target ${c.target.padEnd(6)}  ${c.pass ? 'pass' : 'FAIL'}`);
}

/** "official/endure" ratios of the medians, in the same run. */
export function ratios(endure, official, names) {
  return Object.fromEntries(
    names.map((n) => [n, round((official.summary[n]?.median ?? NaN) / (endure.summary[n]?.median ?? NaN), 2)]),
  );
}

export function printSummary(results, keyMetricsByWorkload) {
  console.log('\nSummary');
  const rows = results.map((r) => [r.workload, r.sdk, keyMetricsByWorkload[r.workload].slice(0, 4).map((n) => `${n} ${figure(r, n)}`).join(', ')]);
  const w0 = Math.max(8, ...rows.map((r) => r[0].length));
  const w1 = Math.max(3, ...rows.map((r) => r[1].length));
  console.log(`  ${'workload'.padEnd(w0)}  ${'sdk'.padEnd(w1)}  key figures`);
  for (const [w, s, k] of rows) console.log(`  ${w.padEnd(w0)}  ${s.padEnd(w1)}  ${k}`);
}
