/**
 * A store holding many runs, for the workloads that measure reads at scale (W7 visibility,
 * W8 web UI). Two steps, each its own process:
 * 1. Template: the real server and worker run W7's two template workflows (one closed with 3
 *    activities, one open waiting for a signal; `load` in workloads/w7.mjs). What the server
 *    stored for them is what the seeded runs are copied from, so rows have real sizes.
 * 2. Seeding (lib/w7-seed.mjs, server stopped): `runs` runs written through the store's own
 *    commitExecution.
 * The server is left stopped on the seeded file; the caller starts it again to measure.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './paths.mjs';
import { dbBytes } from './processes.mjs';

/** The seeder's parameters besides `runs` (documented in bench/README.md, W7). */
export const SEED_DEFAULTS = {
  closedPercent: 90,
  workflowTypes: 10,
  customers: 1000,
  regions: 8,
  days: 30,
  inFlight: 5000,
};

const TEMPLATE_TIMEOUT_MS = 120_000;
/** Bound: seeding at 500 runs/s (about half the rate measured here) plus 10 minutes. */
const seedTimeoutMs = (runs) => 10 * 60_000 + runs * 2;

/**
 * Runs the template on `server` (started, left stopped) and seeds its file with `params.runs`
 * runs. Returns the seeder's report and the file's size after seeding.
 */
export async function seedStore(group, server, { sdk, params }) {
  const taskQueue = `bench-w7-${sdk}`; // the seeded runs' task queue, as W7 has always stored it
  const worker = await group.startWorker({ sdk, taskQueue, address: server.address });
  const templateParams = JSON.stringify({ ...params, address: server.address });
  const templateRun = group.startLoad('w7', { sdk, taskQueue, address: server.address, params: templateParams });
  const template = await templateRun.waitForEvent('result', TEMPLATE_TIMEOUT_MS);
  await templateRun.waitForEvent('exit', 60_000);
  await worker.stop();
  await server.stop();

  const seedArgs = ['--db', server.dbFile, '--params', JSON.stringify(params), '--template', JSON.stringify(template)];
  const seeder = group.spawn('seed', [join(benchDir, 'lib/w7-seed.mjs'), ...seedArgs]);
  seeder.onMessage((m) => m.event === 'progress' && process.stderr.write(`  seeded ${m.runs} runs, ${m.runsPerSec} runs/s\n`));
  const seeded = await seeder.waitForEvent('result', seedTimeoutMs(params.runs));
  await seeder.waitForEvent('exit', 60_000);
  return { seeded, bytes: dbBytes(server.dbFile) };
}

/** A SQLite file and its WAL (if any), copied while nothing writes to them. */
export function copyDb(from, to) {
  rmSync(`${to}-wal`, { force: true }); // a stale WAL beside the copy would be replayed into it
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
