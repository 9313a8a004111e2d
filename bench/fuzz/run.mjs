#!/usr/bin/env node
/**
 * The API fuzz run: `node bench/fuzz/run.mjs [--inputs 1000000] [--seed S]` (or
 * `npm run bench -- fuzz …`). Starts a server as a user would (start-dev, SQLite in a
 * temporary folder, the UI/HTTP port on), then:
 *
 * 1. setup: a few workflows started and their first tasks polled, so the generators can use
 *    real workflow ids, run ids and task tokens;
 * 2. warm-up: a share of the inputs, so that caches and pools are full before memory is read;
 * 3. a normal workflow (official client and worker, one activity), then the server's RSS after
 *    a GC settle ("before");
 * 4. the fuzz: structure-aware messages to every RPC of WorkflowService and OperatorService,
 *    mutated encodings, gRPC framing and HTTP/2 stream abuse, raw mutated HTTP/2 frames, and
 *    the HTTP API and UI port — many calls in flight on a few sessions, each with a bound;
 * 5. the normal workflow again, and RSS after a GC settle ("after").
 *
 * Fails (exit 1) on a server exit, a hang, an unexpected INTERNAL or HTTP 500 (with the server's
 * "internal error" log lines), a normal workflow that does not complete, or RSS after more
 * than 10 % above before. Findings' inputs go to bench/fuzz/findings/, the figures to
 * bench/results/fuzz-<time>.json. A server that exits is started again on the same database,
 * so that one run finds more than the first crash.
 *
 * GC settle: the server runs with `--expose-gc` and a preloaded SIGUSR2 handler
 * (gc-on-signal.cjs) that collects twice; the harness signals, waits, signals again, then reads
 * VmRSS from /proc/PID/status.
 *
 * For chasing a finding: `--categories proto,http` sends only those kinds; FUZZ_KEEP_TMP=1 keeps
 * the temporary folder (the server's log); FUZZ_SERVER_PRELOAD=FILE preloads a script into the
 * server (e.g. one that logs why HTTP/2 sessions close); FUZZ_DEBUG=1 prints session events;
 * replay.mjs sends a saved finding's input again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, repoRoot, resultsDir } from '../lib/paths.mjs';
import { freePort, ProcessGroup, procRssBytes } from '../lib/processes.mjs';
import { sleep } from '../lib/loop.mjs';
import { Findings } from './findings.mjs';
import { frame, GrpcFuzzer } from './grpc-fuzz.mjs';
import { HttpFuzzer } from './http-fuzz.mjs';
import { allMethods, generateRequestBytes, protoRoot, SPARE_NAMESPACE } from './proto-gen.mjs';
import { rawConnection } from './raw-frames.mjs';
import { Rng } from './rng.mjs';
import { Pools } from './values.mjs';
import { runNormalWorkflow, startCheckWorker } from './workflow-check.mjs';

const { values: opts } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '192' },
    'hang-ms': { type: 'string', default: '30000' },
    'warmup-share': { type: 'string', default: '0.05' },
    categories: { type: 'string' },
    'time-limit-min': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) {
  console.log('usage: node bench/fuzz/run.mjs [--inputs N (1000000)] [--seed S] [--concurrency N (192)] [--hang-ms MS (30000)] [--warmup-share F (0.05)] [--categories proto,mutated,framing,raw,http] [--time-limit-min M (end the fuzz phase early; the count sent is reported)]');
  process.exit(0);
}
const inputsTotal = Number(opts.inputs);
const seed = opts.seed !== undefined ? Number(opts.seed) : Date.now() % 2 ** 32;
const concurrency = Number(opts.concurrency);
const hangMs = Number(opts['hang-ms']);
const timeLimitMs = opts['time-limit-min'] !== undefined ? Number(opts['time-limit-min']) * 60_000 : Infinity;
const warmupInputs = Math.round(Math.min(50_000, Math.max(2_000, inputsTotal * Number(opts['warmup-share']))));
if (!Number.isInteger(inputsTotal) || inputsTotal < 1) throw new Error('--inputs must be a positive integer');
if (!Number.isFinite(seed)) throw new Error('--seed must be a number');

/** Shares of the inputs per category (a burst of streams counts each stream). */
const CATEGORY_WEIGHTS = { proto: 54, mutated: 24, framing: 8, raw: 1, http: 13 };
// `--categories proto,http`: only those (to chase one kind of finding).
if (opts.categories) {
  const chosen = opts.categories.split(',');
  for (const c of Object.keys(CATEGORY_WEIGHTS)) if (!chosen.includes(c)) delete CATEGORY_WEIGHTS[c];
  if (!Object.keys(CATEGORY_WEIGHTS).length) throw new Error(`--categories: none of ${opts.categories} is one of proto, mutated, framing, raw, http`);
}
/** RSS after may exceed RSS before by this share. */
const RSS_GROWTH_MAX = 0.1;
const GC_SETTLE_MS = 1_500;
const PROGRESS_EVERY_MS = 10_000;
const findingsDir = join(benchDir, 'fuzz', 'findings');
const cli = join(repoRoot, 'packages/cli/bin/endure.js');

const tmp = mkdtempSync(join(tmpdir(), 'endure-fuzz-'));
const group = new ProcessGroup(tmp);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));
/** Errors of the harness's own sockets that the server reset mid-write: counted, not fatal (they are the point). */
const CLIENT_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_HTTP2_STREAM_CANCEL', 'ERR_HTTP2_INVALID_SESSION']);
let clientSocketErrors = 0;
process.on('uncaughtException', (err) => {
  if (CLIENT_SOCKET_ERRORS.has(err?.code)) {
    clientSocketErrors++;
    return;
  }
  console.error(`fuzz harness failed: ${err?.stack ?? err}`);
  process.exit(1);
});
const rng = new Rng(seed);
const pools = new Pools();
const findings = new Findings(findingsDir);
const methods = allMethods();
const port = await freePort();
const uiPort = await freePort();
const address = `127.0.0.1:${port}`;
const crashes = [];
let server;

console.log(`fuzz: ${inputsTotal} inputs (warm-up ${warmupInputs}), seed ${seed}, ${methods.length} methods, concurrency ${concurrency}; temp ${tmp}`);
try {
  await startServer();
  const grpc = new GrpcFuzzer({ address, methods, rng, pools, findings, hangMs, longPollHangMs: 60_000 + hangMs, onResponse: learnFromResponse });
  const httpFuzzer = new HttpFuzzer({ uiPort, rng, pools, findings, hangMs, longPollHangMs: 60_000 + hangMs });
  await seedPools(grpc);
  const worker = await startCheckWorker(group, address);

  const warmup = await runPhase('warm-up', warmupInputs, grpc, httpFuzzer);
  const workflowBefore = await runNormalWorkflow(address, 'before');
  const rssBefore = await settledRss();
  const warmupFindings = structuredClone(findings.summary());
  const fuzzFindings = new Findings(findingsDir);
  grpc.findings = fuzzFindings;
  httpFuzzer.findings = fuzzFindings;
  const main = await runPhase('fuzz', inputsTotal, grpc, httpFuzzer);
  const workflowAfter = await runNormalWorkflow(address, 'after');
  const rssAfter = await settledRss();
  grpc.close();
  httpFuzzer.close();
  await worker.stop();

  const logLines = serverErrorLines();
  const summary = fuzzFindings.summary();
  const result = {
    workload: 'fuzz',
    startedAt: new Date(main.startedMs).toISOString(),
    seed,
    inputs: summary.total,
    inputsByCategory: summary.sent,
    durationS: round(main.seconds),
    inputsPerSec: Math.round(summary.total / main.seconds),
    inputsAsked: inputsTotal,
    projectedSecondsForInputsAsked: Math.round(inputsTotal / (summary.total / main.seconds)),
    warmup: { inputs: warmupFindings.total, durationS: round(warmup.seconds), findings: warmupFindings.findings },
    outcomes: summary.outcomes,
    findings: summary.findings,
    findingSignatures: summary.signatures,
    crashes,
    clientSocketErrors,
    goawaysOnMainSessions: grpc.main.goaways,
    goawaysOnAbuseSessions: grpc.abuse.goaways,
    serverErrorLogLines: logLines.length,
    serverErrorLogSample: logLines.slice(0, 30),
    workflowBefore,
    workflowAfter,
    rssBeforeMb: round(rssBefore / 2 ** 20),
    rssAfterMb: round(rssAfter / 2 ** 20),
    rssGrowth: round((rssAfter - rssBefore) / rssBefore, 3),
  };
  const failures = [];
  if (crashes.length) failures.push(`${crashes.length} server exit(s)`);
  for (const kind of ['hang', 'internal', 'unknown', 'http-500', 'reset']) if (summary.findings[kind]) failures.push(`${summary.findings[kind]} ${kind}`);
  for (const kind of ['hang', 'internal', 'unknown', 'http-500', 'reset']) if (warmupFindings.findings[kind]) failures.push(`${warmupFindings.findings[kind]} ${kind} in warm-up`);
  if (Object.keys(grpc.main.goaways).length) failures.push(`GOAWAY on a well-behaved session: ${JSON.stringify(grpc.main.goaways)}`);
  if (logLines.length) failures.push(`${logLines.length} error lines in the server log`);
  if (!workflowBefore.completed || !workflowAfter.completed) failures.push('the normal workflow did not complete');
  if (result.rssGrowth > RSS_GROWTH_MAX) failures.push(`RSS grew ${Math.round(result.rssGrowth * 100)} % (bound ${RSS_GROWTH_MAX * 100} %)`);
  result.failures = failures;
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `fuzz-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, findingSignatures: undefined }, null, 2));
  console.log(`\nwrote ${file}`);
  console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'PASSED: no crash, hang or INTERNAL; the normal workflow completed; RSS within bound');
  await group.cleanup();
  if (!process.env.FUZZ_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  process.exit(failures.length ? 1 : 0);
} catch (err) {
  console.error(`fuzz run failed: ${err?.stack ?? err}`);
  console.error(`server log: ${server?.logPath}`);
  await group.cleanup();
  process.exit(1);
}

async function startServer() {
  const args = ['--expose-gc', '-r', join(benchDir, 'fuzz', 'gc-on-signal.cjs'), ...(process.env.FUZZ_SERVER_PRELOAD ? ['-r', process.env.FUZZ_SERVER_PRELOAD] : []), cli, 'server', 'start-dev', '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--db-filename', join(tmp, 'endure.db'), '--log-level', 'warn', '--log-format', 'json');
  server = group.spawn(`server-${crashes.length + 1}`, args, { stdin: 'ignore' });
  await server.waitFor('server address line', (m) => m.event === 'line' && m.line.startsWith('Endure server:'), 30_000);
}

/** Real workflow ids, run ids and task tokens: some workflows started and their first tasks polled. */
async function seedPools(grpc) {
  const ws = 'temporal.api.workflowservice.v1.';
  const start = protoRoot.lookupType(`${ws}StartWorkflowExecutionRequest`);
  const poll = protoRoot.lookupType(`${ws}PollWorkflowTaskQueueRequest`);
  const register = protoRoot.lookupType(`${ws}RegisterNamespaceRequest`);
  const method = (name) => methods.find((m) => m.name === name);
  const retention = { seconds: 86_400 };
  await grpc.call('setup', { path: method('RegisterNamespace').path, body: frame(register.encode({ namespace: SPARE_NAMESPACE, workflowExecutionRetentionPeriod: retention }).finish()) });
  for (let i = 0; i < 20; i++) {
    const workflowId = `fuzz-seed-${i}`;
    pools.add(pools.workflowIds, workflowId);
    const request = { namespace: 'default', workflowId, workflowType: { name: 'fuzzWorkflow' }, taskQueue: { name: 'fuzz-tq' }, requestId: rng.uuid() };
    await grpc.call('setup', { path: method('StartWorkflowExecution').path, method: method('StartWorkflowExecution'), body: frame(start.encode(request).finish()) });
  }
  for (let i = 0; i < 10; i++) {
    const request = { namespace: 'default', taskQueue: { name: 'fuzz-tq' }, identity: 'fuzz' };
    await grpc.call('setup', { path: method('PollWorkflowTaskQueue').path, body: frame(poll.encode(request).finish()) });
  }
  console.log(`setup: ${pools.workflowIds.length} workflow ids, ${pools.runIds.length} run ids, ${pools.taskTokens.length} task tokens`);
}

/** Ids from successful answers, so later inputs can name them. */
function learnFromResponse(path, bytes) {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name !== 'StartWorkflowExecution' && name !== 'PollWorkflowTaskQueue' && name !== 'PollActivityTaskQueue') return;
  const method = methods.find((m) => m.name === name);
  try {
    const message = method.responseType.decode(bytes.subarray(5));
    if (message.runId) pools.add(pools.runIds, message.runId);
    if (message.taskToken?.length) pools.add(pools.taskTokens, Buffer.from(message.taskToken));
    if (message.workflowExecution?.runId) pools.add(pools.runIds, message.workflowExecution.runId);
  } catch {
    // A response cut by a cancel: nothing to learn.
  }
}

/** Sends `total` inputs with `concurrency` in flight; restarts the server if it exits. */
async function runPhase(label, total, grpc, httpFuzzer) {
  const startedMs = Date.now();
  const categories = Object.keys(CATEGORY_WEIGHTS);
  const weights = Object.values(CATEGORY_WEIGHTS);
  let issued = 0;
  let lastProgress = startedMs;
  let checking = false;
  const deadlineMs = label === 'fuzz' ? startedMs + timeLimitMs : Infinity;
  const lane = async () => {
    while (issued < total && Date.now() < deadlineMs) {
      if (server.exitInfo && !checking) {
        checking = true;
        await onServerExit(grpc, httpFuzzer);
        checking = false;
      }
      const category = categories[rng.weighted(weights)];
      issued++;
      // A burst of streams is many inputs at once.
      const sent = (await send(category, grpc, httpFuzzer)) ?? 1;
      issued += sent - 1;
      if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        const sent = grpc.findings.summary().total;
        const rate = Math.round(sent / ((Date.now() - startedMs) / 1000));
        const rss = server.exitInfo ? 'exited' : `${Math.round(procRssBytes(server.pid) / 2 ** 20)} MB`;
        console.log(`${label}: ${sent}/${total} inputs, ${rate}/s, server RSS ${rss}, findings ${JSON.stringify(grpc.findings.counts)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (server.exitInfo) await onServerExit(grpc, httpFuzzer);
  const seconds = (Date.now() - startedMs) / 1000;
  console.log(`${label}: ${grpc.findings.summary().total} inputs in ${round(seconds)} s`);
  return { startedMs, seconds };
}

function send(category, grpc, httpFuzzer) {
  switch (category) {
    case 'proto':
      return grpc.structured();
    case 'mutated':
      return grpc.mutated();
    case 'framing':
      return grpc.framing();
    case 'raw': {
      const method = rng.pick(methods);
      const bytes = generateRequestBytes(method, rng, pools) ?? Buffer.alloc(0);
      // Tracked like the other inputs, so that a crash saves the connection's bytes too.
      const record = { category: 'raw', path: method.path };
      grpc.inFlight.add(record);
      return rawConnection(port, rng, method.path, frame(bytes.subarray(0, 1000)), (payload) => (record.body = payload)).then(({ closedByServer }) => {
        grpc.inFlight.delete(record);
        grpc.findings.count('raw', closedByServer ? 'closed-by-server' : 'read-bound');
      });
    }
    default:
      return httpFuzzer.next();
  }
}

/** A crash: what was in flight is saved as the finding, and the server is started again. */
async function onServerExit(grpc, httpFuzzer) {
  const inFlight = [...grpc.inFlight, ...httpFuzzer.inFlight].slice(0, 400);
  const tail = server.logTail(40);
  crashes.push({ exit: server.exitInfo, at: new Date().toISOString(), logTail: tail });
  grpc.findings.record('crash', tail.split('\n').find((l) => /Error|error/.test(l)) ?? 'exit', { exit: server.exitInfo, logTail: tail, inFlight });
  console.log(`server exited (${JSON.stringify(server.exitInfo)}); starting it again. Log tail:\n${tail}`);
  await startServer();
}

/** RSS after garbage collections (see the header): the median of three settled readings. */
async function settledRss() {
  const readings = [];
  for (let i = 0; i < 3; i++) {
    server.signal('SIGUSR2');
    await sleep(GC_SETTLE_MS);
    server.signal('SIGUSR2');
    await sleep(GC_SETTLE_MS);
    readings.push(procRssBytes(server.pid));
  }
  return readings.sort((a, b) => a - b)[1];
}

/** The servers' error lines ("internal error", "http request failed", anything at error level or above). */
function serverErrorLines() {
  const lines = [];
  for (const child of group.children.filter((c) => c.name.startsWith('server-'))) {
    let text = '';
    try {
      text = readFileSync(child.logPath, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        lines.push(line.slice(0, 500));
        continue;
      }
      if (entry.level >= 50) lines.push(`${entry.msg} ${entry.method ?? entry.path ?? ''}: ${(entry.err?.stack ?? entry.err?.message ?? '').split('\n').slice(0, 3).join(' | ')}`);
    }
  }
  return lines;
}

function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

