/**
 * One run of one workload with one SDK: a fresh temporary folder and database, the server,
 * a worker and the load generator as separate processes, CPU seconds of each over the
 * timed window (between the load generator's "begin" and "end" messages) and over each
 * process's lifetime. Every process is stopped and the folder removed, whatever happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessGroup, procCpuSeconds } from './processes.mjs';

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
    rmSync(tmpDir, { recursive: true, force: true });
    tmpDirs.delete(tmpDir);
  }
}

/**
 * The usual shape: server + worker + load generator. `during(ctx)` runs alongside the load
 * (W4 kills and restarts the server, W5 samples memory); its result is merged into the
 * metrics, as is `analyse(result, ctx)` run after the processes have reported.
 */
export function standardRun({ workload, sdk, params, worker = {}, timeoutMs, during, analyse }) {
  return withProcessGroup(async (group) => {
    const server = await group.startServer();
    const taskQueue = `bench-${workload}-${sdk}`;
    const recordFile = worker.record ? join(group.tmpDir, 'activity-records.jsonl') : undefined;
    const workerProc = await group.startWorker({ sdk, taskQueue, address: server.address, activityMs: worker.activityMs, recordFile });
    const load = group.startLoad(workload, { sdk, taskQueue, address: server.address, params: JSON.stringify(params) });
    const ctx = { group, server, worker: workerProc, load, taskQueue, recordFile, params };
    const sample = () => ({ server: server.cpuSeconds(), worker: procCpuSeconds(workerProc.pid), load: procCpuSeconds(load.pid) });
    const cpuBegin = load.waitForEvent('begin', 120_000).then(sample);
    const cpuEnd = load.waitForEvent('end', timeoutMs).then(sample);
    // If the run fails these may never settle well; the failure is reported through the result wait.
    cpuBegin.catch(() => undefined);
    cpuEnd.catch(() => undefined);
    const [duringResult, resultMessage] = await Promise.all([during?.(ctx), load.waitForEvent('result', timeoutMs)]);
    const [b, e] = await Promise.all([cpuBegin, cpuEnd]);
    const loadExit = await load.waitForEvent('exit', 60_000);
    workerProc.signal('SIGTERM');
    const workerExit = await workerProc.waitForEvent('exit', 30_000);
    const serverCpu = await server.stop();
    const result = { ...resultMessage };
    delete result.event;
    delete result.t;
    const extra = analyse ? await analyse(result, { ...ctx, during: duringResult }) : {};
    return {
      ...result,
      ...duringResult,
      ...extra,
      cpuSeconds: { server: sub(e.server, b.server), worker: sub(e.worker, b.worker), load: sub(e.load, b.load) },
      cpuSecondsTotal: { server: serverCpu, worker: workerExit.cpuSeconds.total, load: loadExit.cpuSeconds.total },
    };
  });
}

const sub = (a, b) => Math.round((a - b) * 100) / 100;
