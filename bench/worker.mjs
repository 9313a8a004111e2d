#!/usr/bin/env node
/**
 * One benchmark worker process: `node bench/worker.mjs --sdk endure|official --task-queue Q
 * --address HOST:PORT [--activity-ms N] [--record-file F] [--measure-start]`.
 *
 * Runs the bench workflows and activities until SIGTERM, then reports its CPU seconds.
 * With --record-file, `recordedStep` appends one JSON line when an attempt starts and one
 * when it completes, keyed by workflowId + step + attempt (W4 counts re-runs from them).
 * With --measure-start (W6) it times Worker.create → first poll seen by the server
 * (DescribeTaskQueue pollers, as bench/sdk-footprint.mjs does), reports and exits.
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpuSeconds, emit, exitReporting, exitWithParent } from './lib/child.mjs';
import { sleep, waitUntil } from './lib/loop.mjs';
import { workflowsPath } from './lib/paths.mjs';

const { values: opts } = parseArgs({
  options: {
    sdk: { type: 'string' },
    'task-queue': { type: 'string' },
    address: { type: 'string' },
    'activity-ms': { type: 'string', default: '0' },
    'record-file': { type: 'string' },
    'measure-start': { type: 'boolean', default: false },
  },
});
if (!['endure', 'official'].includes(opts.sdk) || !opts['task-queue'] || !opts.address) {
  throw new Error('usage: worker.mjs --sdk endure|official --task-queue Q --address HOST:PORT');
}
const activityMs = Number(opts['activity-ms']);
const recordFile = opts['record-file'];
const WORKER_STOP_TIMEOUT_MS = 15_000;
const FIRST_POLL_TIMEOUT_MS = 60_000;

exitWithParent();
const importStart = performance.now();
const sdk = await loadSdk(opts.sdk);
const importMs = performance.now() - importStart;

function loadSdk(name) {
  return name === 'endure'
    ? Promise.all([import('@endure/worker'), import('@endure/activity')]).then(([w, a]) => ({ ...w, activityInfo: a.activityInfo }))
    : Promise.all([import('@temporalio/worker'), import('@temporalio/activity')]).then(([w, a]) => {
        // Our own signal handling below stops the worker; the runtime must not race it.
        w.Runtime.install({ logger: new w.DefaultLogger('WARN'), shutdownSignals: [] });
        return { ...w, activityInfo: () => a.Context.current().info };
      });
}

function record(kind, step) {
  const info = sdk.activityInfo();
  // pid: W4 with the worker killed tells the killed worker's attempts from its successor's.
  const line = { kind, workflowId: info.workflowExecution.workflowId, step, attempt: info.attempt, t: Date.now(), pid: process.pid };
  appendFileSync(recordFile, `${JSON.stringify(line)}\n`);
}

const activities = {
  async noop() {
    return 'ok';
  },
  async recordedStep(step) {
    if (recordFile) record('start', step);
    if (activityMs > 0) await sleep(activityMs);
    if (recordFile) record('done', step);
    return `step-${step}`;
  },
};

const connection = await sdk.NativeConnection.connect({ address: opts.address });
// Connected before the clock starts so that W6 times the worker alone.
const probe = opts['measure-start'] ? await (await import('@endure/client')).Connection.connect({ address: opts.address }) : undefined;
const createStart = performance.now();
const worker = await sdk.Worker.create({
  connection,
  taskQueue: opts['task-queue'],
  workflowsPath,
  activities,
  ...(opts.sdk === 'official' ? { bundlerOptions: {} } : {}),
});
const createMs = performance.now() - createStart;
const running = worker.run();
let exitCode = 0;
running.catch((err) => {
  process.stderr.write(`worker failed: ${err?.stack ?? err}\n`);
  exitCode = 1;
});

if (opts['measure-start']) {
  const firstPollMs = await timeFirstPoll();
  emit({ event: 'started', createToFirstPollMs: firstPollMs, createMs, importMs, cpuSecondsAtFirstPoll: cpuSeconds().total });
  await stop();
} else {
  emit({ event: 'ready', createMs, importMs });
  process.once('SIGTERM', () => void stop());
}

/** Worker.create → the server lists a workflow-task poller on our queue. */
async function timeFirstPoll() {
  const request = { namespace: 'default', taskQueue: { name: opts['task-queue'] }, taskQueueType: 1 };
  await waitUntil('first poll', async () => (await probe.workflowService.describeTaskQueue(request)).pollers?.length, FIRST_POLL_TIMEOUT_MS, 2);
  const ms = performance.now() - createStart;
  await probe.close();
  return ms;
}

async function stop() {
  const forced = setTimeout(() => {
    process.stderr.write(`worker did not stop within ${WORKER_STOP_TIMEOUT_MS} ms\n`);
    exitReporting(1);
  }, WORKER_STOP_TIMEOUT_MS);
  worker.shutdown();
  await running.catch(() => undefined);
  await connection.close();
  clearTimeout(forced);
  exitReporting(exitCode);
}
