#!/usr/bin/env node
/**
 * A fault run, not part of `npm test`: PostgreSQL restarts under a two-node cluster that is
 * running workflows (issue 11, "Faults"). Starts two `endure server start` nodes on a fresh
 * database, a TCP balancer in front, two official-SDK workers and a client through it; starts
 * `--workflows` chains of `--steps` activities; once `--restart-after` starts were
 * acknowledged, restarts the machine's PostgreSQL with
 * `pg_ctlcluster --skip-systemctl-redirect <version> main restart` while starts and
 * activities keep going. Then checks that every workflow whose start the client saw
 * acknowledged completes with the right result and a well-formed history, and prints the
 * figures (see bench/README.md, "PostgreSQL restart").
 *
 * CAREFUL: the restart hits every process on this machine that uses PostgreSQL. `--no-restart`
 * runs the same load without it (a dry run of the script); `--terminate-backends` instead
 * ends every connection to this run's database for a second (`pg_terminate_backend`, the
 * error a restart gives, 57P01), which touches nothing else on the machine.
 *
 *   node bench/pg-restart.mjs [--workflows 300] [--steps 5] [--step-ms 20] [--restart-after 100]
 *                             [--no-restart | --terminate-backends]
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './lib/processes.mjs';
import { closedLoop, sleep, waitUntil } from './lib/loop.mjs';
import { benchDir, repoRoot } from './lib/paths.mjs';
import { startTcpBalancer } from '../packages/server/test/helpers/tcp-balancer.mjs';

const { values: opts } = parseArgs({
  options: {
    workflows: { type: 'string', default: '300' },
    steps: { type: 'string', default: '5' },
    'step-ms': { type: 'string', default: '20' },
    'restart-after': { type: 'string', default: '100' },
    'no-restart': { type: 'boolean', default: false },
    'terminate-backends': { type: 'boolean', default: false },
  },
});
const WORKFLOWS = Number(opts.workflows);
const STEPS = Number(opts.steps);
const STEP_MS = Number(opts['step-ms']);
const RESTART_AFTER = Number(opts['restart-after']);
const NODES = 2;
const START_CONCURRENCY = 20;
const ADMIN_URL = process.env.ENDURE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLI = join(repoRoot, 'packages', 'cli', 'bin', 'endure.js');
const LISTEN_TIMEOUT_MS = 30_000;
const STARTS_BOUND_MS = 120_000;
const DRAIN_BOUND_MS = 180_000;
const RESTART_BOUND_MS = 60_000;
const DROP_BOUND_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const TERMINATE_MS = 1_000;

/** Every child alive, SIGKILLed by PID if this script exits any other way. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function expected(input) {
  let value = input;
  for (let step = 1; step <= STEPS; step++) value = value * 3 + step;
  return value;
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function runCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output = [];
  child.stdout.on('data', (c) => output.push(c.toString()));
  child.stderr.on('data', (c) => output.push(c.toString()));
  child.once('exit', () => children.delete(child));
  return { child, output, tail: () => output.join('').slice(-3_000) };
}

async function migrate(url) {
  const run = runCli(['server', 'migrate', '--db', url]);
  const code = await new Promise((resolve) => run.child.once('exit', resolve));
  if (code !== 0) throw new Error(`endure server migrate exited with ${code}:\n${run.tail()}`);
}

async function canConnect(port) {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function startNode(url, nodeId) {
  const port = await freePort();
  const run = runCli([
    'server', 'start', '--db', url, '--port', String(port), '--node-id', nodeId,
    '--headless', '--log-level', 'warn', '--db-connect-retry', '2m',
  ]);
  await waitUntil(`${nodeId} to listen`, async () => run.child.exitCode !== null || (await canConnect(port)), LISTEN_TIMEOUT_MS, 50);
  if (run.child.exitCode !== null) throw new Error(`${nodeId} exited with ${run.child.exitCode}:\n${run.tail()}`);
  return { nodeId, port, address: `127.0.0.1:${port}`, ...run };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function restartPostgres() {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length !== 1) throw new Error(`expected one PostgreSQL version in /etc/postgresql, found ${versions.join(', ')}`);
  const started = Date.now();
  await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'restart'], { timeout: RESTART_BOUND_MS });
  return { version: versions[0], ms: Date.now() - started };
}

/** Ends every connection to database `name` again and again for `ms` (a restart seen from one database). */
async function terminateBackends(name, ms) {
  const started = Date.now();
  let terminated = 0;
  while (Date.now() - started < ms) {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      terminated += Number(rows[0].n);
    } finally {
      await client.end();
    }
    await sleep(100);
  }
  return { terminatedConnections: terminated, ms: Date.now() - started };
}

/** Distinct "internal error" log lines of the nodes (RPCs answered INTERNAL): method, error and count. */
function internalErrors(nodesToRead) {
  const counts = new Map();
  for (const node of nodesToRead) {
    for (const line of node.output.join('').split('\n')) {
      if (!line.includes('"msg":"internal error"')) continue;
      try {
        const { method, err } = JSON.parse(line);
        const key = `${node.nodeId} ${method}: ${err?.type} ${err?.code ?? ''} ${err?.message}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      } catch {
        // A line cut by the buffer: not counted.
      }
    }
  }
  return [...counts].map(([key, n]) => `${key} (x${n})`);
}

/** The result of `handle`, asking again (bounded) when the call itself fails on the way. */
async function resultOf(handle, deadline) {
  for (let tries = 1; ; tries++) {
    try {
      return { value: await handle.result(), tries };
    } catch (err) {
      const transient = /UNAVAILABLE|14 |ECONNREFUSED|deadline|DEADLINE_EXCEEDED/i.test(String(err?.cause ?? err));
      if (!transient || Date.now() > deadline) return { error: String(err?.cause ?? err), tries };
      await sleep(250);
    }
  }
}

const sdkWorker = await import('@temporalio/worker');
const { Client, Connection } = await import('@temporalio/client');
const { Context } = await import('@temporalio/activity');
sdkWorker.Runtime.install({
  logger: new sdkWorker.DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
});

const dbName = `endure_bench_pgrestart_${randomBytes(5).toString('hex')}`;
const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
const taskQueue = `pg-restart-${randomBytes(4).toString('hex')}`;
const nodes = [];
const nativeConnections = [];
const workers = [];
let balancer;
let connection;
let failed = false;

try {
  await admin(`CREATE DATABASE ${dbName}`);
  await migrate(dbUrl);
  for (let i = 0; i < NODES; i++) nodes.push(await startNode(dbUrl, `pg-restart-node-${i + 1}`));
  balancer = await startTcpBalancer(nodes.map((n) => n.address));

  const attempts = [];
  const activities = {
    async chainStep(step, value) {
      const { info } = Context.current();
      attempts.push({ workflowId: info.workflowExecution.workflowId, step, attempt: info.attempt });
      await sleep(STEP_MS);
      return value * 3 + step;
    },
  };
  for (let i = 0; i < NODES; i++) {
    const nativeConnection = await sdkWorker.NativeConnection.connect({ address: balancer.address });
    nativeConnections.push(nativeConnection);
    const worker = await sdkWorker.Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: join(benchDir, 'workflows', 'fault-workflows.ts'),
      activities,
    });
    const running = worker.run();
    running.catch((err) => console.error(`worker ${i + 1} failed: ${err?.stack ?? err}`));
    workers.push({ worker, running });
  }
  connection = await Connection.connect({ address: balancer.address });
  const client = new Client({ connection });

  const runStart = Date.now();
  const acknowledged = [];
  const startErrors = [];
  let restart;
  let restartAtMs;
  let restarting;
  await closedLoop(
    WORKFLOWS,
    START_CONCURRENCY,
    async (i) => {
      const workflowId = `${taskQueue}-${i}`;
      try {
        const handle = await client.workflow.start('faultChain', { taskQueue, workflowId, args: [i, STEPS], workflowTaskTimeout: '5s' });
        acknowledged.push({ i, workflowId, handle, ackMs: Date.now() });
      } catch (err) {
        startErrors.push({ i, workflowId, error: `${err?.name}: ${err?.cause?.message ?? err?.message}` });
      }
      if (!opts['no-restart'] && restarting === undefined && acknowledged.length >= RESTART_AFTER) {
        restartAtMs = Date.now();
        restarting = (opts['terminate-backends'] ? terminateBackends(dbName, TERMINATE_MS) : restartPostgres()).then((r) => (restart = r));
      }
    },
    STARTS_BOUND_MS,
  );
  const startsMs = Date.now() - runStart;
  await restarting;

  const deadline = Date.now() + DRAIN_BOUND_MS;
  const outcomes = await Promise.all(acknowledged.map(async (a) => ({ ...a, ...(await resultOf(a.handle, deadline)) })));
  const drainedMs = Date.now() - runStart;
  const wrong = outcomes.filter((o) => o.error === undefined && o.value !== expected(o.i));
  const unfinished = outcomes.filter((o) => o.error !== undefined);

  let malformed = 0;
  let taskTimeouts = 0;
  for (const o of outcomes.filter((x) => x.error === undefined)) {
    const events = (await o.handle.fetchHistory()).events ?? [];
    const ids = events.map((e) => Number(e.eventId));
    const completedSteps = events.filter((e) => e.activityTaskCompletedEventAttributes).length;
    taskTimeouts += events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
    if (ids.some((id, n) => id !== n + 1) || completedSteps !== STEPS || !events.at(-1)?.workflowExecutionCompletedEventAttributes) malformed++;
  }
  const nodesAlive = nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null).length;
  const retried = attempts.filter((a) => a.attempt > 1).length;
  const figures = {
    workflows: WORKFLOWS,
    steps: STEPS,
    restart: opts['no-restart'] ? 'none (--no-restart)' : { kind: opts['terminate-backends'] ? 'pg_terminate_backend' : 'pg_ctlcluster restart', ...restart, afterAcknowledgedStarts: RESTART_AFTER, atMsIntoRun: restartAtMs - runStart },
    acknowledgedStarts: acknowledged.length,
    startErrors: startErrors.length,
    internalErrorKinds: internalErrors(nodes).length,
    completedRight: outcomes.length - wrong.length - unfinished.length,
    wrongResults: wrong.length,
    notCompleted: unfinished.length,
    malformedHistories: malformed,
    workflowTaskTimeouts: taskTimeouts,
    activityAttempts: attempts.length,
    activityRetries: retried,
    resultCallsRetried: outcomes.filter((o) => o.tries > 1).length,
    nodesAliveAfter: `${nodesAlive}/${NODES}`,
    startsMs,
    allDoneMs: drainedMs,
  };
  console.log(`[pg-restart] ${JSON.stringify(figures, null, 2)}`);
  for (const e of startErrors.slice(0, 5)) console.log(`[pg-restart] start error: ${e.workflowId}: ${e.error}`);
  for (const line of internalErrors(nodes).slice(0, 10)) console.log(`[pg-restart] a node answered INTERNAL: ${line}`);
  for (const o of unfinished.slice(0, 5)) console.log(`[pg-restart] not completed: ${o.workflowId}: ${o.error}`);
  for (const o of wrong.slice(0, 5)) console.log(`[pg-restart] wrong result: ${o.workflowId}: ${o.value} (expected ${expected(o.i)})`);
  failed = wrong.length > 0 || unfinished.length > 0 || malformed > 0 || acknowledged.length === 0;
  console.log(failed ? '[pg-restart] FAILED' : '[pg-restart] OK: every acknowledged start completed with the right result');
} catch (err) {
  failed = true;
  console.error(`[pg-restart] run failed: ${err?.stack ?? err}`);
} finally {
  for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.allSettled(workers.map((w) => w.running));
  await Promise.allSettled(nativeConnections.map((c) => c.close()));
  // After a failure, calls may still be retrying on it; closing would make their retries throw.
  if (!failed) await connection?.close().catch(() => undefined);
  await balancer?.close();
  if (failed) for (const n of nodes) console.error(`--- ${n.nodeId} (last output) ---\n${n.tail()}`);
  await Promise.all(nodes.map((n) => stopChild(n.child)));
  // PostgreSQL may still be coming back up.
  await waitUntil(`dropping ${dbName}`, () => admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).then(() => true, () => false), DROP_BOUND_MS, 500)
    .catch((err) => console.error(`[pg-restart] ${err.message}: drop it by hand`));
}
process.exit(failed ? 1 : 0);
