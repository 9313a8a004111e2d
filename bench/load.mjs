#!/usr/bin/env node
/**
 * The load generator process: `node bench/load.mjs --workload w1 --sdk endure|official
 * --task-queue Q --address HOST:PORT --params JSON`. Uses the client of the SDK under test,
 * waits until the worker polls, runs the workload's `load` half (bench/workloads/*.mjs),
 * which sends "begin"/"end" around its timed part, then reports a "result" message.
 */
import { parseArgs } from 'node:util';
import { emit, exitReporting, exitWithParent, onParentMessage } from './lib/child.mjs';
import { waitUntil } from './lib/loop.mjs';

const { values: opts } = parseArgs({
  options: {
    workload: { type: 'string' },
    sdk: { type: 'string' },
    'task-queue': { type: 'string' },
    address: { type: 'string' },
    params: { type: 'string', default: '{}' },
  },
});
const POLLERS_TIMEOUT_MS = 60_000;

exitWithParent();
const parentMessages = [];
onParentMessage((m) => parentMessages.push(m));

try {
  const workload = await import(`./workloads/${opts.workload}.mjs`);
  const { Client, Connection } = await import(opts.sdk === 'endure' ? '@endure/client' : '@temporalio/client');
  const connection = await Connection.connect({ address: opts.address });
  const client = new Client({ connection });
  const taskQueue = opts['task-queue'];
  await waitForPollers(connection, taskQueue);
  const result = await workload.load({ client, connection, taskQueue, params: JSON.parse(opts.params), emit, parentMessages });
  emit({ event: 'result', ...result });
  await connection.close();
  exitReporting(0);
} catch (err) {
  process.stderr.write(`load generator failed: ${err?.stack ?? err}\n`);
  exitReporting(1);
}

/** The worker's workflow and activity pollers are both registered with the server. */
async function waitForPollers(connection, taskQueue) {
  const pollers = async (taskQueueType) =>
    (await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType })).pollers?.length;
  await waitUntil('worker pollers', async () => (await pollers(1)) && (await pollers(2)), POLLERS_TIMEOUT_MS, 10);
}
