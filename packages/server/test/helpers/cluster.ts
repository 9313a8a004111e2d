/**
 * Several Endure nodes on one PostgreSQL database, as an operator runs them: each node is
 * `endure server start --db … --node-id …` in a child process, on a fresh database whose
 * schema `endure server migrate` created first (so the nodes do not race on it), optionally
 * behind a TCP load balancer. A test can SIGKILL one node like a crashed machine; every
 * node's output is kept for failure messages. `stop()` kills what is left by PID and drops
 * the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../src/persistence/postgres/test-database.test-support.js';
import { canConnect, findFreePort, killAndWait } from './processes.js';
import { startTcpBalancer, type TcpBalancer } from './tcp-balancer.mjs';
import { waitFor } from './wait-for.js';

const binPath = fileURLToPath(new URL('../../../cli/bin/endure.js', import.meta.url));
const listenTimeoutMs = 30_000;
const migrateTimeoutMs = 30_000;
/** Characters of each node's output shown in a failure message. */
const logTailChars = 4_000;

export interface ClusterNode {
  nodeId: string;
  port: number;
  /** host:port of this node's gRPC frontend. */
  address: string;
  process: ChildProcess;
  /** Standard output and error, interleaved as they arrived. */
  output: string[];
  /** True once the process has exited (killed or crashed). */
  exited(): boolean;
}

export interface Cluster {
  database: TestDatabase;
  nodes: ClusterNode[];
  /** The balancer in front of every node, when `balancer: true`. */
  balancer?: TcpBalancer;
  /** SIGKILLs node `index` by PID and waits for it to be gone. */
  kill9(index: number): Promise<void>;
  /** The tail of every node's output, for a failure message. */
  logs(): string;
  /** Kills every node still running, closes the balancer and drops the database. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes: number;
  balancer?: boolean;
  /** Passed to every node: `--log-level` (default warn). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Starts `options.nodes` nodes on a fresh database and waits until each listens. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const database = await createTestDatabase();
  const nodes: ClusterNode[] = [];
  let balancer: TcpBalancer | undefined;
  const cluster: Cluster = {
    database,
    nodes,
    get balancer() {
      return balancer;
    },
    async kill9(index) {
      const node = nodes[index];
      if (node === undefined) throw new Error(`no node ${index} (${nodes.length} nodes)`);
      await killAndWait(node.process);
    },
    logs: () => nodes.map((n) => `--- ${n.nodeId} (${n.address}) ---\n${n.output.join('').slice(-logTailChars)}`).join('\n'),
    async stop() {
      await balancer?.close();
      await Promise.all(nodes.map((n) => killAndWait(n.process)));
      await database.drop();
    },
  };
  try {
    await migrate(database.url);
    for (let i = 0; i < options.nodes; i++) {
      nodes.push(await startNode(database.url, `node-${i + 1}`, options.logLevel ?? 'warn'));
    }
    if (options.balancer === true) balancer = await startTcpBalancer(nodes.map((n) => n.address));
  } catch (err) {
    const logs = cluster.logs();
    await cluster.stop();
    throw new Error(`the cluster did not start: ${String(err)}\n${logs}`, { cause: err });
  }
  return cluster;
}

function spawnCli(args: string[]): { child: ChildProcess; output: string[] } {
  // No ENDURE_* variable of the test process leaks into the node: its flags say everything.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ENDURE_')) env[key] = value;
  }
  const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

async function migrate(url: string): Promise<void> {
  const { child, output } = spawnCli(['server', 'migrate', '--db', url]);
  try {
    await waitFor(() => child.exitCode !== null, { timeoutMs: migrateTimeoutMs, intervalMs: 50, description: 'endure server migrate' });
  } finally {
    await killAndWait(child);
  }
  if (child.exitCode !== 0) throw new Error(`endure server migrate exited with ${String(child.exitCode)}:\n${output.join('')}`);
}

async function startNode(url: string, nodeId: string, logLevel: string): Promise<ClusterNode> {
  const port = await findFreePort();
  const { child, output } = spawnCli([
    'server', 'start', '--db', url, '--port', String(port), '--node-id', nodeId,
    '--headless', '--db-connect-retry', '0s', '--log-level', logLevel,
  ]);
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const node: ClusterNode = { nodeId, port, address: `127.0.0.1:${port}`, process: child, output, exited };
  try {
    await waitFor(async () => exited() || (await canConnect(port)), {
      timeoutMs: listenTimeoutMs,
      intervalMs: 50,
      description: `${nodeId} to listen on port ${port}`,
    });
    if (exited()) throw new Error(`${nodeId} exited with code ${String(child.exitCode)}:\n${output.join('')}`);
  } catch (err) {
    await killAndWait(child);
    throw err;
  }
  return node;
}
