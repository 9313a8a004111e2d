/**
 * Endure's SDK on every runtime it supports: runtimes/smoke.ts (client, worker, workflow
 * sandbox, activity; an activity, a timer, a signal and a query) runs under Node, Bun and
 * Deno against one in-process server. Bun and Deno are devDependencies, so `npm ci`
 * installs them like any package: no runtime needs to be on the machine beforehand.
 *
 * How each runtime loads the TypeScript source:
 * - Node 20 has no type stripping: runtimes/ts-loader.mjs compiles .ts with esbuild.
 * - Bun runs .ts natively and resolves @endure/* through node_modules.
 * - Deno runs .ts natively; it reads package.json and uses the node_modules npm installed
 *   (`--node-modules-dir=manual`), never fetches (`--no-remote`) and writes no deno.lock
 *   into the repository (`--no-lock`). `-A` because the SDK opens sockets, reads the
 *   workflows file and spawns esbuild's binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndureServer } from '@endure/server';
import type { SmokeOutput } from './runtimes/smoke.js';

const runtimesDir = fileURLToPath(new URL('./runtimes/', import.meta.url));
const smokePath = `${runtimesDir}smoke.ts`;
const binDir = fileURLToPath(new URL('../../../node_modules/.bin/', import.meta.url));

/** What smoke.ts may take inside; the spawn bound below covers runtime start-up on top. */
const SMOKE_TIMEOUT_MS = 30_000;
const SPAWN_TIMEOUT_MS = 45_000;

interface RuntimeCase {
  name: 'node' | 'bun' | 'deno';
  command: string;
  args: string[];
}

const runtimes: RuntimeCase[] = [
  {
    name: 'node',
    command: process.execPath,
    args: ['--enable-source-maps', '--import', `${runtimesDir}ts-loader.mjs`, smokePath],
  },
  { name: 'bun', command: `${binDir}bun`, args: [smokePath] },
  {
    name: 'deno',
    command: `${binDir}deno`,
    args: ['run', '-A', '--node-modules-dir=manual', '--no-remote', '--no-lock', smokePath],
  },
];

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

const running = new Set<ChildProcess>();
let server: EndureServer;

beforeAll(async () => {
  server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'warn' });
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await server?.stop();
});

/** Runs one command to its end, SIGKILLing it past `timeoutMs`. */
function run(command: string, args: string[], timeoutMs: number): Promise<Finished> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, server.address], {
      cwd: runtimesDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SMOKE_TIMEOUT_MS: String(SMOKE_TIMEOUT_MS), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(killer);
      running.delete(child);
      reject(new Error(`cannot start ${command}`, { cause: err }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr, elapsedMs: Math.round(performance.now() - startedAt) });
    });
  });
}

describe.each(runtimes)('SDK smoke test on $name', ({ name, command, args }) => {
  it('runs an activity, a timer, a signal and a query', async () => {
    const finished = await run(command, args, SPAWN_TIMEOUT_MS);
    const report = `${name} exited with ${finished.code ?? finished.signal} after ${finished.elapsedMs} ms\nstderr:\n${finished.stderr}\nstdout:\n${finished.stdout}`;
    expect(finished.code, report).toBe(0);
    const lastLine = finished.stdout.trim().split('\n').at(-1) ?? '';
    const output = JSON.parse(lastLine) as SmokeOutput;
    expect(output.runtime).toBe(name);
    expect(output.result).toEqual({
      greeting: `Hello, ${name}, from greet on ${name}`,
      signalledBy: `client on ${name}`,
      leakedGlobals: [],
    });
    expect(output.stagesSeen.at(-1)).toBe('waiting for signal');
    console.info(`${name} ${output.version}: ${finished.elapsedMs} ms in all, ${output.elapsedMs} ms in the scenario`);
  });
});
