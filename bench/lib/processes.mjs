/**
 * The processes of one benchmark run: the server (started exactly as a user would, through
 * the CLI), workers and the load generator, each its own OS process. Children speak to the
 * orchestrator in stdout lines prefixed with {@link MARK}; everything else they print goes
 * to a log file in the run's temporary folder. Every child is tracked by PID and ended by
 * {@link ProcessGroup.cleanup}, and by a synchronous SIGKILL when the orchestrator exits.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchDir, repoRoot } from './paths.mjs';

/** The PostgreSQL that `--store postgres` runs on (every machine of this project has it). */
const POSTGRES_ADMIN_URL = process.env.ENDURE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(sql) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const MARK = '@@bench ';
const CLOCK_TICKS_PER_SEC = 100; // USER_HZ: 100 on every Linux architecture Node supports.
const STOP_GRACE_MS = 15_000;
const SERVER_READY_TIMEOUT_MS = 30_000;

/** Every child alive in this process, so that any exit path can kill them by PID. */
const alive = new Set();
process.on('exit', () => {
  for (const child of alive) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** A free TCP port on 127.0.0.1 (released again before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** User + system CPU seconds of a live process, from /proc/<pid>/stat; null once it is gone. */
export function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC; // utime, stime
  } catch {
    return null;
  }
}

/**
 * Busy and total CPU seconds of the whole machine (all cores) from /proc/stat's first line, as
 * the peers' harness reads them (idle = idle + iowait; total = user … steal). The difference of
 * two readings is what every process on the machine used in between: ours, PostgreSQL's, and
 * anyone else's.
 */
export function machineCpuSeconds() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = fields[3] + fields[4];
  return { busy: (total - idle) / CLOCK_TICKS_PER_SEC, total: total / CLOCK_TICKS_PER_SEC };
}

/** Resident set size in bytes (VmRSS), from /proc/<pid>/status. */
export function procRssBytes(pid) {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

/** Bytes of a SQLite database with its WAL and shared-memory files. */
export function dbBytes(file) {
  let total = 0;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) total += statSync(f).size;
  return total;
}

/** One child process with its marked stdout messages. */
export class ChildProc {
  constructor(name, args, { logPath, stdin = 'pipe', env } = {}) {
    this.name = name;
    this.logPath = logPath;
    this.messages = [];
    this.listeners = new Set();
    this.handlers = new Set();
    const logFd = openSync(logPath, 'a');
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to every child: profiling a run.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: repoRoot, stdio: [stdin, 'pipe', logFd], env: { ...process.env, ...env } });
    closeSync(logFd);
    this.pid = this.child.pid;
    alive.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        alive.delete(this);
        this.exitInfo = { code, signal };
        this.notify();
        resolve(this.exitInfo);
      });
    });
    const rl = createInterface({ input: this.child.stdout });
    rl.on('line', (line) => this.onLine(line));
  }

  onLine(line) {
    const message = line.startsWith(MARK) ? JSON.parse(line.slice(MARK.length)) : { event: 'line', line };
    this.messages.push(message);
    for (const handler of this.handlers) handler(message);
    this.notify();
  }

  /** Calls `fn` with every message from now on. */
  onMessage(fn) {
    this.handlers.add(fn);
  }

  notify() {
    for (const listener of this.listeners) listener();
  }

  /** The first message (seen before or after this call) that satisfies `predicate`. */
  waitFor(what, predicate, timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(predicate);
        if (found) return done(() => resolve(found));
        if (this.exitInfo) done(() => reject(this.failure(`exited (${JSON.stringify(this.exitInfo)}) before ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(this.failure(`no ${what} within ${timeoutMs} ms`))), timeoutMs);
      const done = (settle) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Shorthand for a marked message with `event === name`. */
  waitForEvent(name, timeoutMs) {
    return this.waitFor(`"${name}" event`, (m) => m.event === name, timeoutMs);
  }

  /** Message to the child on stdin (one JSON line). */
  send(message) {
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  failure(message) {
    return new Error(`${this.name} (pid ${this.pid}) ${message}; last log lines:\n${this.logTail()}`);
  }

  logTail(lines = 15) {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = STOP_GRACE_MS) {
    if (this.exitInfo) return this.exitInfo;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  signal(sig) {
    if (this.exitInfo) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      // Exited in between.
    }
  }
}

/**
 * The Endure server through its CLI, on a fixed port and database file so that it can be
 * killed and started again on the same ones (W4). CPU seconds of earlier incarnations are
 * kept, so {@link cpuSeconds} covers the whole lineage. With `uiPort` the web UI and HTTP API
 * are served there (`uiUrl`); without, the server picks its default (the gRPC port + 1000).
 */
export class ServerProcess {
  constructor(group, { port, dbFile, dbUrl, uiPort, nodeId }) {
    this.group = group;
    this.port = port;
    /** One node of several on one PostgreSQL database (`--node-id`); also names its log. */
    this.nodeId = nodeId;
    this.dbFile = dbFile;
    /** A PostgreSQL database (`--store postgres`): `endure server start --db` instead of start-dev. */
    this.dbUrl = dbUrl;
    this.address = `127.0.0.1:${port}`;
    this.uiPort = uiPort;
    this.uiUrl = uiPort ? `http://127.0.0.1:${uiPort}` : undefined;
    this.earlierCpuSeconds = 0;
    this.incarnation = 0;
  }

  /** Starts the server; resolves when it prints its address. Returns ms from spawn to ready. */
  async start() {
    const t0 = performance.now();
    const cli = join(repoRoot, 'packages/cli/bin/endure.js');
    const args = this.dbUrl
      ? [cli, 'server', 'start', '--port', String(this.port), '--db', this.dbUrl, '--log-level', 'warn']
      : [cli, 'server', 'start-dev', '--port', String(this.port), '--db-filename', this.dbFile, '--log-level', 'warn'];
    // Only W8 needs the UI port; elsewhere it could collide with another free port's + 1000.
    args.push(...(this.uiPort ? ['--ui-port', String(this.uiPort)] : ['--headless']));
    if (this.nodeId) args.push('--node-id', this.nodeId);
    this.proc = this.group.spawn(`${this.nodeId ?? 'server'}#${++this.incarnation}`, args, { stdin: 'ignore' });
    await this.proc.waitFor('server address line', (m) => m.event === 'line' && m.line.startsWith('Endure server:'), SERVER_READY_TIMEOUT_MS);
    return performance.now() - t0;
  }

  get pid() {
    return this.proc.pid;
  }

  cpuSeconds() {
    return this.earlierCpuSeconds + (procCpuSeconds(this.proc.pid) ?? this.lastCpuSeconds ?? 0);
  }

  rssBytes() {
    return procRssBytes(this.proc.pid);
  }

  /** `kill -9`: no graceful stop, the database is left as a crash leaves it. */
  async kill9() {
    this.earlierCpuSeconds += procCpuSeconds(this.proc.pid) ?? 0;
    this.proc.signal('SIGKILL');
    await withTimeout(this.proc.exited, 10_000, 'server exit after SIGKILL');
  }

  /** Graceful stop; returns the CPU seconds of the whole lineage, read just before SIGTERM. */
  async stop() {
    this.lastCpuSeconds = procCpuSeconds(this.proc.pid) ?? 0;
    const total = this.earlierCpuSeconds + this.lastCpuSeconds;
    await this.proc.stop();
    return total;
  }
}

/** All processes of one run, in one temporary folder. */
export class ProcessGroup {
  constructor(tmpDir) {
    this.tmpDir = tmpDir;
    this.children = [];
  }

  spawn(name, args, options = {}) {
    const child = new ChildProc(name, args, { logPath: join(this.tmpDir, `${name.replace(/\W/g, '_')}.log`), ...options });
    this.children.push(child);
    return child;
  }

  /**
   * `{ui: true}`: on a free UI port too (W8 drives the web UI). With `--store postgres` the
   * server runs on a database of its own, created here and dropped by `cleanup`.
   */
  async startServer({ ui = false } = {}) {
    const uiPort = ui ? await freePort() : undefined;
    const dbUrl = process.env.ENDURE_BENCH_STORE === 'postgres' ? await this.createDatabase() : undefined;
    const server = new ServerProcess(this, { port: await freePort(), dbFile: join(this.tmpDir, 'endure.db'), dbUrl, uiPort });
    server.readyMs = await server.start();
    return server;
  }

  /**
   * `nodes` servers on one new PostgreSQL database (its schema migrated once first, as an
   * operator would), and a TCP balancer process in front of them (see lib/cluster.mjs).
   */
  async startCluster(nodes) {
    const dbUrl = await this.createDatabase();
    const migrate = this.spawn('migrate', [join(repoRoot, 'packages/cli/bin/endure.js'), 'server', 'migrate', '--db', dbUrl], { stdin: 'ignore' });
    const { code } = await withTimeout(migrate.exited, SERVER_READY_TIMEOUT_MS, 'server migrate');
    if (code !== 0) throw migrate.failure(`exited with code ${code}`);
    const servers = [];
    for (let i = 1; i <= nodes; i++) {
      servers.push(new ServerProcess(this, { port: await freePort(), dbUrl, nodeId: `node-${i}` }));
    }
    const readyMs = await Promise.all(servers.map((s) => s.start()));
    servers.forEach((s, i) => (s.readyMs = readyMs[i]));
    const balancer = this.spawn('balancer', [join(benchDir, 'balancer.mjs'), '--backends', servers.map((s) => s.address).join(',')]);
    const { address } = await balancer.waitForEvent('ready', SERVER_READY_TIMEOUT_MS);
    return new ServerCluster(servers, balancer, address);
  }

  /** bench/worker.mjs; resolves once the worker has been created and is running. */
  async startWorker(options, name = `worker-${options.sdk}`) {
    const worker = this.spawn(name, [join(benchDir, 'worker.mjs'), ...toArgs(options)]);
    await worker.waitForEvent('ready', 120_000);
    return worker;
  }

  startLoad(workload, options) {
    return this.spawn('load', [join(benchDir, 'load.mjs'), '--workload', workload, ...toArgs(options)]);
  }

  /** Stops every child still running (SIGTERM, then SIGKILL after a grace period), then drops the run's database. */
  async cleanup() {
    await Promise.all(this.children.map((c) => c.stop(5_000)));
    if (this.database) await adminQuery(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
  }

  /** A new PostgreSQL database for this run's server (the machine's server, trust auth). */
  async createDatabase() {
    if (!this.database) {
      this.database = `endure_bench_${process.pid}_${Date.now()}`;
      await adminQuery(`CREATE DATABASE ${this.database}`);
    }
    return `${POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, '')}/${this.database}`;
  }
}

/**
 * Several server nodes behind one balancer, with the interface of one {@link ServerProcess}
 * where the workloads need it: `address` (the balancer's), `cpuSeconds()` (all nodes'
 * lineages summed) and `stop()`. The balancer's CPU is kept apart (`balancerCpuSeconds`).
 */
export class ServerCluster {
  constructor(nodes, balancer, address) {
    this.nodes = nodes;
    this.balancer = balancer;
    this.address = address;
    /** Each node's own address: the workers' pollers are listed only by the node they poll. */
    this.nodeAddresses = nodes.map((n) => n.address);
  }

  cpuSeconds() {
    return this.nodes.reduce((sum, n) => sum + n.cpuSeconds(), 0);
  }

  /** `{ 'node-1': s, … }` */
  cpuSecondsByNode() {
    return Object.fromEntries(this.nodes.map((n) => [n.nodeId, n.cpuSeconds()]));
  }

  balancerCpuSeconds() {
    return procCpuSeconds(this.balancer.pid) ?? this.balancerLastCpuSeconds ?? 0;
  }

  /** Stops every node (a killed one is already gone) and the balancer; returns the nodes' CPU seconds, summed and by node. */
  async stop() {
    this.balancerLastCpuSeconds = procCpuSeconds(this.balancer.pid) ?? 0;
    const perNode = await Promise.all(this.nodes.map((n) => n.stop()));
    await this.balancer.stop();
    this.lastByNode = Object.fromEntries(this.nodes.map((n, i) => [n.nodeId, perNode[i]]));
    return perNode.reduce((a, b) => a + b, 0);
  }
}

/**
 * User + system CPU seconds of every process named `postgres` on this machine (the postmaster,
 * its backends, its background processes), including what exited backends used: the postmaster
 * reaps them, so their CPU moves into its cutime/cstime. A difference of two readings is what
 * PostgreSQL spent in between — on behalf of anyone: other users of the machine's PostgreSQL
 * are counted too.
 */
export function postgresCpuSeconds() {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (stat.slice(open + 1, close) !== 'postgres') continue;
      const f = stat.slice(close + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime, stime, cutime, cstime
    } catch {
      // Exited between readdir and read.
    }
  }
  return ticks / CLOCK_TICKS_PER_SEC;
}

/** `{taskQueue: 'q', activityMs: 5}` → `['--task-queue', 'q', '--activity-ms', '5']`. */
export function toArgs(options) {
  return Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== false)
    .flatMap(([k, v]) => {
      const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return v === true ? [flag] : [flag, String(v)];
    });
}

export async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
