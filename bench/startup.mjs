#!/usr/bin/env node
/**
 * Server start: `npm run bench -- startup [--starts N] [--seed-runs N]` (bench/README.md,
 * Server start). Times `endure server start-dev` from spawn to its address line, N times on a
 * fresh database and N times on a database holding `--seed-runs` open runs, and prints median,
 * min and max of each as a ratio to `node -e 0`, spawned before every start in the same run:
 * on a shared machine the bare node start moves by 2× from minute to minute, the ratio much less.
 *
 * Each start also records when the first RPC (a fresh connection's GetSystemInfo) is answered,
 * so that work moved from start to first use shows up. Run after `npm run build`.
 * ENDURE_BENCH_CLI=path/to/bin/endure.js times another build's command line (a before/after).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closedLoop } from './lib/loop.mjs';
import { repoRoot, resultsDir } from './lib/paths.mjs';
import { freePort } from './lib/processes.mjs';
import { median, round } from './lib/stats.mjs';

const USAGE = 'usage: npm run bench -- startup [--starts N (1..100, default 10)] [--seed-runs N (0..100000, default 1000)]';
/** Bounds: a start slower than this is a failure, not a figure; seeding gets a minute per 10,000 runs plus one. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const SEED_CONCURRENCY = 50;

const { values: opts } = parseArgs({
  options: { starts: { type: 'string', default: '10' }, 'seed-runs': { type: 'string', default: '1000' }, help: { type: 'boolean', short: 'h' } },
});
const starts = Number(opts.starts);
const seedRuns = Number(opts['seed-runs']);
if (opts.help || !Number.isInteger(starts) || starts < 1 || starts > 100 || !Number.isInteger(seedRuns) || seedRuns < 0 || seedRuns > 100_000) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const cli = process.env.ENDURE_BENCH_CLI ?? join(repoRoot, 'packages/cli/bin/endure.js');
const scratch = mkdtempSync(join(tmpdir(), 'endure-bench-startup-'));
const live = new Set();
// A signal or a failure ends the run; every server still running is killed by its PID.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

// The client is loaded before the first start, so that no start pays for loading it.
const { Connection } = await import('@endure/client');

/** ms from spawn to exit of `node -e 0`. */
async function bareNodeMs() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  return performance.now() - t0;
}

/** Starts a server on `dbFile`; resolves with it once its address line is out, and the ms that took. */
async function startServer(dbFile) {
  const [port, uiPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const args = [cli, 'server', 'start-dev', '--port', String(port), '--ui-port', String(uiPort), '--db-filename', dbFile, '--log-level', 'warn'];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const readyMs = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes(`Endure server: ${address}`)) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready: ${stderr.trim()}`));
    });
  });
  return { child, address, t0, readyMs };
}

async function stopServer(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** One start: ms to the address line, and to the first answered RPC on a new connection. */
async function measureStart(dbFile) {
  const server = await startServer(dbFile);
  try {
    const connection = await Connection.connect({ address: server.address });
    await connection.workflowService.getSystemInfo({});
    const firstRpcMs = performance.now() - server.t0;
    await connection.close();
    return { readyMs: server.readyMs, firstRpcMs };
  } finally {
    await stopServer(server.child);
  }
}

/** A database holding `runs` open runs (started, each with a workflow task waiting: no worker runs). */
async function seededDatabase(runs) {
  const dbFile = join(scratch, 'seeded.db');
  const server = await startServer(dbFile);
  try {
    const connection = await Connection.connect({ address: server.address });
    const seedMs = 60_000 + (runs / 10_000) * 60_000;
    await closedLoop(
      runs,
      SEED_CONCURRENCY,
      (i) =>
        connection.workflowService.startWorkflowExecution({
          namespace: 'default',
          workflowId: `startup-seed-${i}`,
          workflowType: { name: 'StartupSeed' },
          taskQueue: { name: 'bench-startup' },
          requestId: `startup-seed-${i}`,
        }),
      seedMs,
    );
    await connection.close();
  } finally {
    await stopServer(server.child);
  }
  return dbFile;
}

/** `starts` starts, each after a bare node start; `dbFileOf(i)` names the database of start i. */
async function series(label, dbFileOf) {
  const samples = { bareNodeMs: [], readyMs: [], firstRpcMs: [] };
  for (let i = 0; i < starts; i++) {
    samples.bareNodeMs.push(await bareNodeMs());
    const { readyMs, firstRpcMs } = await measureStart(dbFileOf(i));
    samples.readyMs.push(readyMs);
    samples.firstRpcMs.push(firstRpcMs);
  }
  const stats = (values) => ({ median: round(median(values), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1) });
  const result = {
    label,
    bareNodeMs: stats(samples.bareNodeMs),
    readyMs: stats(samples.readyMs),
    firstRpcMs: stats(samples.firstRpcMs),
    // Each start over the bare node start just before it, then the median of those.
    readyRatio: stats(samples.readyMs.map((ms, i) => ms / samples.bareNodeMs[i])),
    samples,
  };
  const line = (name, s) => `${name} ${s.median} [${s.min}–${s.max}]`;
  console.log(
    `${label}: ${line('ready ms', result.readyMs)}, ${line('first RPC ms', result.firstRpcMs)}, ${line('node -e 0 ms', result.bareNodeMs)}, ${line('ready / node -e 0', result.readyRatio)}`,
  );
  return result;
}

const fresh = await series('fresh database', (i) => join(scratch, `fresh-${i}.db`));
const seeded = seedRuns > 0 ? await seededDatabase(seedRuns) : null;
const existing = seeded ? await series(`database with ${seedRuns} open runs`, () => seeded) : null;

mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify({ workload: 'startup', starts, seedRuns, loadavg: loadavg(), node: process.version, fresh, existing }, null, 2)}\n`);
console.log(`written to ${out}`);
