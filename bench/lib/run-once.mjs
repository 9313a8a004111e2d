/**
 * One run of one workload with one SDK: a fresh temporary folder and database, the server,
 * a worker and the load generator as separate processes, CPU seconds of each over the
 * timed window (between the load generator's "begin" and "end" messages) and over each
 * process's lifetime. Every process is stopped and the folder removed, whatever happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessGroup, machineCpuSeconds, postgresCpuSeconds, procCpuSeconds, withTimeout } from './processes.mjs';
import { benchStore, benchTopology } from './report.mjs';

/** Folders of runs in progress, removed on exit too (after lib/processes.mjs kills the children). */
const tmpDirs = new Set();
process.on('exit', () => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn(group)` with a fresh process group; stops its processes and removes its folder after. */
export async function withProcessGroup(fn) {
  const tmpDir = mkdtempSync(join(tmpdir(), 'endure-bench-'));
  tmpDirs.add(tmpDir);
  const group = new ProcessGroup(tmpDir);
  try {
    return await fn(group);
  } finally {
    await group.cleanup();
    // BENCH_KEEP_LOGS=1 keeps the folder (every process's log) for a look after the run.
    if (process.env.BENCH_KEEP_LOGS === '1') process.stderr.write(`logs kept in ${tmpDir}\n`);
    else rmSync(tmpDir, { recursive: true, force: true });
    tmpDirs.delete(tmpDir);
  }
}

/**
 * The usual shape: server + worker + load generator. `during(ctx)` runs alongside the load
 * (W4 kills and restarts the server or the worker, W5 samples memory); its result is merged into the
 * metrics, as is `analyse(result, ctx)` run after the processes have reported.
 * `ctx.replaceWorker()` kills the (first) worker with SIGKILL and starts a new one with the
 * same options; the dead one's CPU seconds stay counted.
 *
 * CPU over the timed window is per process and, as the peers' harness measures it (issue 16),
 * for the whole machine: `cpuSeconds.systemBusy` (busy CPU seconds of all cores, /proc/stat).
 *
 * With `--nodes N` (N > 1, PostgreSQL) the server is N nodes behind a balancer
 * ({@link ProcessGroup.startCluster}); `--workers` worker processes (default N) and the load
 * generator's N connections go through the balancer, which spreads them over the nodes.
 * With `--store postgres`, PostgreSQL's CPU is measured over the same window.
 */
export function standardRun({ workload, sdk, params, worker = {}, timeoutMs, during, analyse }) {
  return withProcessGroup(async (group) => {
    const { nodes, workers: workerCount } = benchTopology();
    const cluster = nodes > 1 ? await group.startCluster(nodes) : undefined;
    const server = cluster ?? (await group.startServer());
    const taskQueue = `bench-${workload}-${sdk}`;
    const recordFile = worker.record ? join(group.tmpDir, 'activity-records.jsonl') : undefined;
    const workerOptions = { sdk, taskQueue, address: server.address, activityMs: worker.activityMs, recordFile };
    const workerProcs = [];
    for (let i = 1; i <= workerCount; i++) {
      workerProcs.push(await group.startWorker(workerOptions, workerCount > 1 ? `worker-${sdk}-${i}` : undefined));
    }
    // CPU seconds of workers killed by replaceWorker, read just before the kill.
    let replacedWorkersCpu = 0;
    const replaceWorker = async () => {
      const [victim] = workerProcs;
      replacedWorkersCpu += procCpuSeconds(victim.pid) ?? 0;
      victim.signal('SIGKILL');
      await withTimeout(victim.exited, 10_000, 'worker exit after SIGKILL');
      const spawnedAt = Date.now();
      workerProcs[0] = await group.startWorker(workerOptions, `worker-${sdk}-restarted`);
      return { spawnedAt, readyAt: Date.now() };
    };
    const spread = cluster ? { connections: nodes, pollAddresses: cluster.nodeAddresses.join(','), workers: workerCount } : {};
    const load = group.startLoad(workload, { sdk, taskQueue, address: server.address, params: JSON.stringify(params), ...spread });
    const ctx = { group, server, cluster, worker: workerProcs[0], workers: workerProcs, replaceWorker, load, taskQueue, recordFile, params };
    const onPostgres = benchStore() === 'postgres';
    const sample = () => ({
      server: server.cpuSeconds(),
      byNode: cluster?.cpuSecondsByNode(),
      balancer: cluster?.balancerCpuSeconds(),
      worker: replacedWorkersCpu + sum(workerProcs.map((w) => procCpuSeconds(w.pid))),
      load: procCpuSeconds(load.pid),
      postgres: onPostgres ? postgresCpuSeconds() : undefined,
      machine: machineCpuSeconds(),
    });
    const cpuBegin = load.waitForEvent('begin', 120_000).then(sample);
    const cpuEnd = load.waitForEvent('end', timeoutMs).then(sample);
    // If the run fails these may never settle well; the failure is reported through the result wait.
    cpuBegin.catch(() => undefined);
    cpuEnd.catch(() => undefined);
    const [duringResult, resultMessage] = await Promise.all([during?.(ctx), load.waitForEvent('result', timeoutMs)]);
    const [b, e] = await Promise.all([cpuBegin, cpuEnd]);
    const loadExit = await load.waitForEvent('exit', 60_000);
    for (const w of workerProcs) w.signal('SIGTERM');
    const workerExits = await Promise.all(workerProcs.map((w) => w.waitForEvent('exit', 30_000)));
    const serverCpu = await server.stop();
    const result = { ...resultMessage };
    delete result.event;
    delete result.t;
    const extra = analyse ? await analyse(result, { ...ctx, during: duringResult }) : {};
    return {
      ...result,
      ...duringResult,
      ...extra,
      cpuSeconds: cpuWindow(b, e),
      cpuSecondsTotal: {
        server: serverCpu,
        ...(cluster ? { serverByNode: cluster.lastByNode, balancer: cluster.balancerLastCpuSeconds } : {}),
        worker: replacedWorkersCpu + sum(workerExits.map((x) => x.cpuSeconds.total)),
        load: loadExit.cpuSeconds.total,
      },
    };
  });
}

/** CPU seconds of each process (and PostgreSQL's) between two samples. */
function cpuWindow(b, e) {
  const window = { server: sub(e.server, b.server) };
  if (e.byNode) window.serverByNode = Object.fromEntries(Object.keys(e.byNode).map((id) => [id, sub(e.byNode[id], b.byNode[id])]));
  if (e.balancer !== undefined) window.balancer = sub(e.balancer, b.balancer);
  Object.assign(window, { worker: sub(e.worker, b.worker), load: sub(e.load, b.load) });
  if (e.postgres !== undefined) window.postgres = sub(e.postgres, b.postgres);
  window.systemBusy = sub(e.machine.busy, b.machine.busy);
  window.systemTotal = sub(e.machine.total, b.machine.total);
  return window;
}

const sub = (a, b) => Math.round((a - b) * 100) / 100;
const sum = (values) => values.reduce((a, v) => a + (v ?? 0), 0);
