#!/usr/bin/env node
/**
 * The load generator process: `node bench/load.mjs --workload w1 --sdk endure|official
 * --task-queue Q --address HOST:PORT --params JSON [--connections N --poll-addresses A,B…
 * --workers N]`. Uses the client of the SDK under test, waits until the workers poll, runs the
 * workload's `load` half (bench/workloads/*.mjs), which may warm up first (`warmUp`), sends
 * "begin"/"end" around its timed part, then reports a "result" message.
 *
 * Several nodes behind a balancer (`--nodes`): `--connections` clients, each its own
 * connection through the balancer (so on another node), which the workload spreads its calls
 * over; a node lists only the pollers it holds, so the workers' pollers are looked for on
 * every node (`--poll-addresses`) until all `--workers` are seen.
 */
import { parseArgs } from 'node:util';
import { emit, exitReporting, exitWithParent, onParentMessage } from './lib/child.mjs';
import { closedLoop, waitUntil } from './lib/loop.mjs';

const { values: opts } = parseArgs({
  options: {
    workload: { type: 'string' },
    sdk: { type: 'string' },
    'task-queue': { type: 'string' },
    address: { type: 'string' },
    params: { type: 'string', default: '{}' },
    connections: { type: 'string', default: '1' },
    'poll-addresses': { type: 'string' },
    workers: { type: 'string', default: '1' },
  },
});
const POLLERS_TIMEOUT_MS = 60_000;
const WARM_UP_TIMEOUT_MS = 5 * 60_000;

exitWithParent();
const parentMessages = [];
onParentMessage((m) => parentMessages.push(m));

try {
  const workload = await import(`./workloads/${opts.workload}.mjs`);
  const { Client, Connection } = await import(opts.sdk === 'endure' ? '@endure/client' : '@temporalio/client');
  const connections = [];
  for (let i = 0; i < Number(opts.connections); i++) connections.push(await Connection.connect({ address: opts.address }));
  const clients = connections.map((connection) => new Client({ connection }));
  const [connection] = connections;
  const [client] = clients;
  const taskQueue = opts['task-queue'];
  const pollersByNode = opts['poll-addresses']
    ? await waitForPollersOnNodes(Connection, opts['poll-addresses'].split(','), taskQueue, Number(opts.workers))
    : await waitForPollers(connection, taskQueue);
  const warmUp = (options) => runWarmUp(clients, taskQueue, options);
  const result = await workload.load({ client, clients, connection, taskQueue, params: JSON.parse(opts.params), emit, parentMessages, warmUp });
  emit({ event: 'result', ...result, ...(pollersByNode ? { pollersByNode } : {}) });
  await Promise.all(connections.map((c) => c.close()));
  exitReporting(0);
} catch (err) {
  process.stderr.write(`load generator failed: ${err?.stack ?? err}\n`);
  exitReporting(1);
}

/**
 * `count` workflows of `activities` sequential no-op activities (`sequentialNoops`, W1's kind),
 * `concurrency` at a time, ids `<prefix>-warm-i`, before a workload's timed part: the peers'
 * harness warms every engine up so (issue 16), and W1–W4 take a `warmup` parameter to match it
 * (0 by default, so that figures stay comparable with earlier runs).
 */
async function runWarmUp(clients, taskQueue, { count, concurrency, activities, prefix }) {
  await closedLoop(
    count,
    concurrency,
    async (i) => {
      const client = clients[i % clients.length];
      const handle = await client.workflow.start('sequentialNoops', { taskQueue, workflowId: `${prefix}-warm-${i}`, args: [activities] });
      await handle.result();
    },
    WARM_UP_TIMEOUT_MS,
  );
}

/** The worker's workflow and activity pollers are both registered with the server. */
async function waitForPollers(connection, taskQueue) {
  const pollers = async (taskQueueType) =>
    (await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType })).pollers?.length;
  await waitUntil('worker pollers', async () => (await pollers(1)) && (await pollers(2)), POLLERS_TIMEOUT_MS, 10);
}

/**
 * Every one of `workers` has workflow and activity pollers on some node (by identity).
 * Returns the number of workers polling each node, `{ "node-1": n, … }` (in `addresses` order).
 */
async function waitForPollersOnNodes(Connection, addresses, taskQueue, workers) {
  const direct = await Promise.all(addresses.map((address) => Connection.connect({ address })));
  try {
    const identities = async (connection, taskQueueType) =>
      ((await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType })).pollers ?? []).map(
        (p) => p.identity,
      );
    let byNode = {};
    await waitUntil(
      `pollers of ${workers} worker(s) on ${addresses.length} nodes`,
      async () => {
        const seen = { 1: new Set(), 2: new Set() };
        byNode = {};
        for (const [i, connection] of direct.entries()) {
          const onNode = new Set();
          for (const type of [1, 2]) {
            for (const id of await identities(connection, type)) {
              seen[type].add(id);
              onNode.add(id);
            }
          }
          byNode[`node-${i + 1}`] = onNode.size;
        }
        return seen[1].size >= workers && seen[2].size >= workers;
      },
      POLLERS_TIMEOUT_MS,
      10,
    );
    return byNode;
  } finally {
    await Promise.all(direct.map((c) => c.close()));
  }
}
