/**
 * The peer engines of `npm run bench -- compare` (issue 16): Restate and DBOS, run by their own
 * harness (`<repo>/../shared/peers`, its README), never by code of ours. The harness is copied
 * into the git-ignored `bench/.peers/` (the shared copy is read-only and its runs write data,
 * logs and results beside their code), installed there when needed, and run one (engine,
 * workload) at a time through its CLI, whose JSON result we read back.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { benchDir, repoRoot } from './paths.mjs';

export const peersSource = process.env.ENDURE_BENCH_PEERS_SOURCE ?? join(repoRoot, '..', 'shared', 'peers');
export const peersDir = join(benchDir, '.peers');
/** What the copy keeps between syncs: its install and what its runs wrote. */
const KEPT = new Set(['node_modules', 'data', 'logs', 'results', '.installed-lock-sha256']);
const INSTALL_STAMP = join(peersDir, '.installed-lock-sha256');
const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** One peer run (warm-up, workload, teardown); W1 takes seconds, W4 at most its 180 s bound plus set-up. */
const PEER_RUN_TIMEOUT_MS = 10 * 60_000;
const PSQL_ADMIN = ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-Atq'];

/**
 * Makes `bench/.peers/` a current, installed copy of the peers' harness and, when DBOS is
 * wanted, PostgreSQL's `bench` role. Returns `{ dbosSkipped }`: why DBOS cannot run, if it cannot
 * (Restate does not need PostgreSQL and runs regardless).
 */
export function preparePeers({ dbos }) {
  if (!existsSync(join(peersSource, 'src', 'bench.ts'))) {
    throw new Error(`the peers' harness is not at ${peersSource} (expected <repo>/../shared/peers; ENDURE_BENCH_PEERS_SOURCE overrides)`);
  }
  syncCopy();
  installIfNeeded();
  return { dbosSkipped: dbos ? setUpPostgresRole() : undefined };
}

/** Replaces the copy's code with the source's, keeping its install and its runs' output. */
function syncCopy() {
  mkdirSync(peersDir, { recursive: true });
  for (const entry of readdirSync(peersDir)) if (!KEPT.has(entry)) rmSync(join(peersDir, entry), { recursive: true, force: true });
  cpSync(peersSource, peersDir, { recursive: true, filter: (src) => !KEPT.has(relative(peersSource, src).split('/')[0]) });
  // The source is read-only; its modes came along, and the next sync must be able to replace the files.
  makeWritable(peersDir);
}

function makeWritable(dir) {
  for (const entry of readdirSync(dir)) {
    if (KEPT.has(entry) && dir === peersDir) continue;
    const path = join(dir, entry);
    const isDir = statSync(path).isDirectory();
    chmodSync(path, isDir ? 0o755 : 0o644);
    if (isDir) makeWritable(path);
  }
}

/** `npm install` when the copy has no node_modules or was installed from another package-lock. */
function installIfNeeded() {
  const lockHash = createHash('sha256').update(readFileSync(join(peersSource, 'package-lock.json'))).digest('hex');
  const installed = existsSync(INSTALL_STAMP) ? readFileSync(INSTALL_STAMP, 'utf8').trim() : undefined;
  if (existsSync(join(peersDir, 'node_modules')) && installed === lockHash) return;
  process.stderr.write(`peers: npm install in ${relative(repoRoot, peersDir)} (${installed ? 'package-lock changed' : 'first use'}; this takes a minute or two)…\n`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: peersDir, stdio: ['ignore', 'inherit', 'inherit'], timeout: INSTALL_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`npm install in ${peersDir} failed (${r.error?.message ?? `exit ${r.status}`})`);
  writeFileSync(INSTALL_STAMP, `${lockHash}\n`);
}

/**
 * The role the DBOS adapter connects as (`bench`/`bench`, CREATEDB, may CHECKPOINT), created
 * through the machine's PostgreSQL with trust auth on 127.0.0.1, as the peers' pg-setup.sh
 * does through `su postgres`. Returns why DBOS must be skipped, or undefined.
 */
function setUpPostgresRole() {
  const psql = (args, env = {}) => spawnSync('psql', args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  const reached = psql([...PSQL_ADMIN, '-c', 'SELECT 1']);
  if (reached.error) return `no psql on this machine (${reached.error.message})`;
  if (reached.status !== 0) return `PostgreSQL on 127.0.0.1:5432 is not reachable as postgres: ${reached.stderr.trim()}`;
  const sql = `DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench') THEN
        CREATE ROLE bench LOGIN PASSWORD 'bench' CREATEDB;
      END IF;
    END $$;
    GRANT pg_checkpoint TO bench;`;
  const created = psql([...PSQL_ADMIN, '-c', sql]);
  if (created.status !== 0) return `could not create PostgreSQL role bench: ${created.stderr.trim()}`;
  const asBench = psql(['-h', '127.0.0.1', '-U', 'bench', '-d', 'postgres', '-Atqc', 'SELECT 1'], { PGPASSWORD: 'bench' });
  if (asBench.status !== 0) return `role bench cannot log in on 127.0.0.1: ${asBench.stderr.trim()}`;
  return undefined;
}

/** The peers' harness runs in flight; on our exit each is asked to stop (it stops its own children). */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * One run of `engine` on `workload` through the peers' CLI (`src/bench.ts --runs 1`) in its
 * own session, so that no run overwrites another's file. Resolves with the run's JSON record
 * (`{engine, workload, startedAt, topology, result}`); rejects when the run failed.
 */
export function runPeer({ engine, workload, session }) {
  const logDir = join(peersDir, 'logs', session);
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${engine}-${workload}-harness.log`);
  const logFd = openSync(logPath, 'a');
  // `node --import tsx` rather than `npx tsx`: one process, so the PID we hold is the harness's own.
  const args = ['--import', 'tsx', 'src/bench.ts', '--engine', engine, '--workload', workload, '--runs', '1', '--session', session];
  const child = spawn(process.execPath, args, { cwd: peersDir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  running.add(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), PEER_RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const file = join(peersDir, 'results', session, `${engine}-${workload}-run1.json`);
      const tail = () => readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
      if (code !== 0 || !existsSync(file)) return reject(new Error(`peers' ${engine} ${workload} exited (${signal ?? code}); ${logPath}:\n${tail()}`));
      const record = JSON.parse(readFileSync(file, 'utf8'));
      if (record.result?.error) return reject(new Error(`peers' ${engine} ${workload} failed: ${String(record.result.error).split('\n')[0]}`));
      resolve({ ...record, file });
    });
  });
}
