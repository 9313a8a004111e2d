/**
 * W6 worker start: Worker.create → the server sees the worker's first workflow-task poll
 * (DescribeTaskQueue lists a poller), bundling of bench/workflows/bench-workflows.ts
 * included, in a fresh worker process per run (cold, as a user's `node worker.js`). The
 * probe connection is opened before the clock starts; the SDK import is timed apart.
 */
import { withProcessGroup } from '../lib/run-once.mjs';
import { round } from '../lib/stats.mjs';

export const title = 'W6 worker start';
export const defaultSdks = ['endure', 'official'];
export const defaultParams = {};
export const keyMetrics = ['workerStartMs', 'createMs', 'importMs'];
export const ratioMetrics = ['workerStartMs'];

export function orchestrate({ sdk }) {
  return withProcessGroup(async (group) => {
    const server = await group.startServer();
    const worker = group.spawn(`worker-${sdk}`, [
      'bench/worker.mjs', '--sdk', sdk, '--task-queue', `bench-w6-${sdk}`, '--address', server.address, '--measure-start',
    ]);
    const started = await worker.waitForEvent('started', 120_000);
    const exit = await worker.waitForEvent('exit', 30_000);
    const serverCpu = await server.stop();
    return {
      workerStartMs: round(started.createToFirstPollMs),
      createMs: round(started.createMs),
      importMs: round(started.importMs),
      cpuSeconds: { server: null, worker: round(started.cpuSecondsAtFirstPoll), load: null },
      cpuSecondsTotal: { server: serverCpu, worker: exit.cpuSeconds.total, load: null },
    };
  });
}
