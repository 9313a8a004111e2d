#!/usr/bin/env node
/**
 * Side by side, in one run: installed size of Endure's SDK vs the official
 * Temporal SDK (client + worker and everything they pull in), and the time
 * from Worker.create to the worker's first poll (bundling included) on the
 * same workflows file. Run after `npm run build`: node bench/sdk-footprint.mjs
 */
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EndureServer } from '@endure/server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workflowsPath = join(root, 'bench', 'workflows', 'noop-workflows.ts');
const runs = Number(process.argv[2] ?? 3);

/** Directory of a package as resolved from `fromDir`. */
function packageDir(name, fromDir) {
  const require = createRequire(join(fromDir, 'noop.js'));
  let entry;
  try {
    entry = require.resolve(`${name}/package.json`);
  } catch {
    entry = require.resolve(name);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return dir;
  }
  throw new Error(`no package.json for ${name}`);
}

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isSymbolicLink() || entry.name === 'node_modules') continue;
    total += entry.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

/** Bytes on disk of `names` and their production dependency closure. */
function closureSize(names) {
  const seen = new Map();
  const stack = names.map((n) => [n, root]);
  while (stack.length) {
    const [name, from] = stack.pop();
    let dir;
    try {
      dir = packageDir(name, from);
    } catch {
      continue; // optional dependency for another platform
    }
    if (seen.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    seen.set(dir, name);
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) stack.push([dep, dir]);
  }
  let bytes = 0;
  let native = 0;
  for (const dir of seen.keys()) {
    bytes += dirSize(dir);
    if (hasNativeModule(dir)) native++;
  }
  return { packages: seen.size, bytes, nativeModules: native };
}

function hasNativeModule(dir) {
  const walk = (d) => readdirSync(d, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? e.name !== 'node_modules' && walk(join(d, e.name)) : e.name.endsWith('.node'));
  return walk(dir);
}

async function timeToFirstPoll(sdk, address) {
  const taskQueue = `start-${sdk}-${Math.random().toString(16).slice(2)}`;
  const { Worker, NativeConnection } = await import(sdk === 'endure' ? '@endure/worker' : '@temporalio/worker');
  const { Connection } = await import('@endure/client');
  const probe = await Connection.connect({ address });
  const connection = await NativeConnection.connect({ address });
  const t0 = performance.now();
  const worker = await Worker.create({ connection, taskQueue, workflowsPath, ...(sdk === 'official' ? { bundlerOptions: {} } : {}) });
  const running = worker.run();
  for (;;) {
    const res = await probe.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
    if (res.pollers?.length) break;
    if (performance.now() - t0 > 60_000) throw new Error(`${sdk} worker did not poll within 60 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - t0;
  worker.shutdown();
  await running;
  await connection.close();
  await probe.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;

const ours = closureSize(['@endure/client', '@endure/worker']);
const official = closureSize(['@temporalio/client', '@temporalio/worker']);
console.log('installed size (production dependency closure of client + worker):');
console.log(`  @endure/*     ${mb(ours.bytes)} in ${ours.packages} packages, ${ours.nativeModules} with native .node modules`);
console.log(`  @temporalio/* ${mb(official.bytes)} in ${official.packages} packages, ${official.nativeModules} with native .node modules`);
console.log(`  ratio official/endure: ${(official.bytes / ours.bytes).toFixed(1)}x`);

const { Runtime, DefaultLogger } = await import('@temporalio/worker');
Runtime.install({ logger: new DefaultLogger('WARN') });
const server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'warn' });
try {
  const results = {};
  for (const sdk of ['endure', 'official']) {
    results[sdk] = [];
    for (let i = 0; i < runs; i++) results[sdk].push(await timeToFirstPoll(sdk, server.address));
  }
  console.log(`Worker.create → first poll (bundling included), median of ${runs}:`);
  for (const sdk of ['endure', 'official']) {
    console.log(`  ${sdk.padEnd(9)} ${median(results[sdk]).toFixed(0)} ms  (runs: ${results[sdk].map((x) => x.toFixed(0)).join(', ')})`);
  }
  console.log(`  ratio official/endure: ${(median(results.official) / median(results.endure)).toFixed(1)}x`);
} finally {
  await server.stop();
}
