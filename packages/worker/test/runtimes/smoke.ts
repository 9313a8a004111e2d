/**
 * Runtime smoke test: Endure's client, worker, workflow sandbox and activity context
 * on whichever runtime runs this file (Node, Bun or Deno). Starts smokeWorkflow
 * (workflows.ts), queries it until it waits for its signal, signals it and awaits its
 * result, then prints one JSON line and exits 0. Any failure, or running past the
 * time limit, prints `smoke failed: ...` on stderr and exits 1.
 *
 * Usage: <runtime> smoke.ts <server address>   (or ENDURE_ADDRESS=host:port)
 * Optional: SMOKE_TIMEOUT_MS (default 30000).
 *
 * Node 20 cannot run TypeScript itself: runtimes.test.ts loads it there through
 * ts-loader.mjs. Bun and Deno run this file as it is.
 */
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { activityInfo } from '@endure/activity';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import type { SmokeActivities, SmokeResult, SmokeStage } from './workflows.js';

const QUERY_INTERVAL_MS = 20;
const TIMER_MS = 200;

/** Which runtime this is, from the globals each one defines. */
function currentRuntime(): { name: 'node' | 'bun' | 'deno'; version: string } {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return { name: 'bun', version: g.Bun.version };
  if (g.Deno) return { name: 'deno', version: g.Deno.version.deno };
  return { name: 'node', version: process.versions.node };
}

const runtime = currentRuntime();

const activities: SmokeActivities = {
  greet(name) {
    // activityInfo() reads the activity context through AsyncLocalStorage: that must work here too.
    return Promise.resolve(`Hello, ${name}, from ${activityInfo().activityType} on ${runtime.name}`);
  },
};

export interface SmokeOutput {
  runtime: string;
  version: string;
  result: SmokeResult;
  /** Distinct answers of the `stage` query, in the order they were seen. */
  stagesSeen: SmokeStage[];
  elapsedMs: number;
}

async function smoke(address: string): Promise<SmokeOutput> {
  const startedAt = Date.now();
  const workerConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const taskQueue = `smoke-${runtime.name}-${crypto.randomUUID()}`;
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
      activities,
    });
    const client = new Client({ connection });
    const result = await worker.runUntil(async () => {
      const handle = await client.workflow.start('smokeWorkflow', {
        taskQueue,
        workflowId: `smoke-${runtime.name}-${crypto.randomUUID()}`,
        args: [runtime.name, TIMER_MS],
      });
      const stagesSeen = await queryUntilWaiting(() => handle.query<SmokeStage>('stage'));
      await handle.signal('finish', `client on ${runtime.name}`);
      return { result: (await handle.result()) as SmokeResult, stagesSeen };
    });
    return { runtime: runtime.name, version: runtime.version, ...result, elapsedMs: Date.now() - startedAt };
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}

/** Queries until the workflow waits for its signal; the caller's time limit bounds the loop. */
async function queryUntilWaiting(query: () => Promise<SmokeStage>): Promise<SmokeStage[]> {
  const seen: SmokeStage[] = [];
  for (;;) {
    const stage = await query();
    if (seen.at(-1) !== stage) seen.push(stage);
    if (stage === 'waiting for signal') return seen;
    await new Promise((resolve) => setTimeout(resolve, QUERY_INTERVAL_MS));
  }
}

function fail(message: string): never {
  process.stderr.write(`smoke failed on ${runtime.name} ${runtime.version}: ${message}\n`);
  process.exit(1);
}

const address = process.argv[2] ?? process.env.ENDURE_ADDRESS;
if (!address) fail('no server address: pass it as the first argument or in ENDURE_ADDRESS');
const timeoutMs = Number(process.env.SMOKE_TIMEOUT_MS ?? 30_000);
const timer = setTimeout(() => fail(`did not finish within ${timeoutMs} ms`), timeoutMs);

try {
  const output = await smoke(address);
  clearTimeout(timer);
  process.stdout.write(`${JSON.stringify(output)}\n`);
  // Exit now rather than when the runtime's last handle closes: a runtime whose
  // gRPC sockets linger must not turn a passed smoke test into a timeout.
  process.exit(0);
} catch (err) {
  fail(err instanceof Error ? (err.stack ?? err.message) : String(err));
}
