/**
 * Processes a test can kill like a crashed machine: a worker in a child process
 * and the Endure dev server started through the CLI (crash-rig.ts puts a client and a
 * worker around the server).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const childWorkerPath = fileURLToPath(new URL('./child-worker.mjs', import.meta.url));
export const cliMainPath = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

export interface ChildWorker {
  process: ChildProcess;
  /** Every IPC message received so far, in order. */
  messages: Array<Record<string, unknown>>;
  /** SIGKILLs the process and waits for it to be gone. */
  kill(): Promise<void>;
}

/** Forks helpers/child-worker.mjs and waits until its worker is running. */
export async function startChildWorker(address: string, taskQueue: string, bundlePath: string): Promise<ChildWorker> {
  const child = fork(childWorkerPath, [address, taskQueue, bundlePath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: Array<Record<string, unknown>> = [];
  child.on('message', (m) => messages.push(m as Record<string, unknown>));
  const worker = { process: child, messages, kill: () => killAndWait(child) };
  try {
    await waitFor(() => messages.some((m) => m.type === 'ready') || child.exitCode !== null, {
      timeoutMs: 30_000,
      description: 'the child worker to start',
    });
    if (child.exitCode !== null) throw new Error(`child worker exited with code ${child.exitCode}`);
  } catch (err) {
    await worker.kill();
    throw err;
  }
  return worker;
}

export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** A port that was free a moment ago (the server is then started on it). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

export async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ServerProcess {
  process: ChildProcess;
  output: string[];
  kill(): Promise<void>;
}

/**
 * Runs the server from the built CLI and waits until its port accepts connections:
 * `endure server start-dev` on an SQLite file, or `endure server start` when `database` is
 * a postgres:// URL.
 */
export async function startServerProcess(port: number, database: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  if (!existsSync(cliMainPath)) {
    throw new Error(`${cliMainPath} is missing: run \`npm run build\` before this test`);
  }
  const store = database.startsWith('postgres://')
    ? ['start', '--db', database, '--headless', '--db-connect-retry', '0s']
    : ['start-dev', '--db-filename', database];
  const child = spawn(
    process.execPath,
    [cliMainPath, 'server', ...store, '--port', String(port), '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const server = { process: child, output, kill: () => killAndWait(child) };
  try {
    await waitFor(async () => child.exitCode !== null || (await canConnect(port)), {
      timeoutMs: 20_000,
      intervalMs: 50,
      description: `the server to listen on port ${port}`,
    });
    if (child.exitCode !== null) {
      throw new Error(`server exited with code ${child.exitCode}:\n${output.join('')}`);
    }
  } catch (err) {
    await server.kill();
    throw err;
  }
  return server;
}
