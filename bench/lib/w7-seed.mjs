#!/usr/bin/env node
/**
 * W7's seeder: `node bench/lib/w7-seed.mjs --db FILE --params JSON --template JSON`, run
 * while no server holds FILE. Copies the two template runs the real server wrote (a closed
 * one and an open one) into `runs` runs through the store's own `commitExecution`, with
 * `inFlight` commits outstanding so its group commit batches them, and each run's
 * visibility row built by the server's `visibilityRecordOf`. Then asks SQLite for the plans
 * of W7's queries (the SQL the server makes of them). Reports on stdout (lib/child.mjs).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { emit, exitReporting, exitWithParent } from './child.mjs';
import { repoRoot } from './paths.mjs';
import { round } from './stats.mjs';
import { countQueries, customerName, firstPageQueries, pagingQueries, regionName, workflowTypeName } from './w7-queries.mjs';

const { values: opts } = parseArgs({ options: { db: { type: 'string' }, params: { type: 'string' }, template: { type: 'string' } } });
const params = JSON.parse(opts.params);
const template = JSON.parse(opts.template);
const serverDist = `${repoRoot}/packages/server/dist`;
const { SqliteStore } = await import(`${serverDist}/persistence/sqlite/sqlite-store.js`);
const { visibilityRecordOf } = await import(`${serverDist}/visibility/visibility-record.js`);
const { compileQuery } = await import(`${serverDist}/visibility/compile-query.js`);
const { keysetCondition, toSql } = await import(`${serverDist}/visibility/sql-translator.js`);
const { sqliteDialect } = await import(`${serverDist}/visibility/sqlite-dialect.js`);
const { temporal } = await import(`${serverDist}/common/proto.js`);
const Database = createRequire(import.meta.url)('better-sqlite3');

const RUNS_MAX = 9_999_999; // ids are w7-NNNNNNN, as wide as the template's
const DAY_MS = 86_400_000;
const PROGRESS_EVERY = 100_000;
const STATUS = { running: 1, completed: 2 };

exitWithParent();
try {
  if (!(Number.isInteger(params.runs) && params.runs > 0 && params.runs <= RUNS_MAX)) throw new Error(`runs must be in 1..${RUNS_MAX}`);
  const templates = readTemplates(opts.db);
  const seeded = await seed(opts.db, templates);
  emit({ event: 'result', ...seeded, bytesPerRunByPart: bytesByPart(opts.db, params.runs), plans: explainPlans(opts.db, templates.ns) });
  exitReporting(0);
} catch (err) {
  process.stderr.write(`seeder failed: ${err?.stack ?? err}\n`);
  exitReporting(1);
}

/** The template runs' state, history and stored search attributes, read before the store opens the file. */
function readTemplates(file) {
  const db = new Database(file, { readonly: true });
  try {
    const one = (kind) => {
      const { workflowId, runId } = template[kind];
      const row = db.prepare('SELECT namespace_id, state FROM executions WHERE workflow_id = ? AND run_id = ?').get(workflowId, runId);
      if (!row) throw new Error(`template run ${workflowId}/${runId} is not in ${file}`);
      const events = db.prepare('SELECT event_id, data FROM history_events WHERE run_id = ? ORDER BY event_id').all(runId);
      return { workflowId, runId, namespaceId: row.namespace_id, state: JSON.parse(row.state), events: events.map((e) => ({ eventId: e.event_id, data: e.data })) };
    };
    const closed = one('closed');
    const running = one('running');
    const nsRow = db.prepare('SELECT * FROM namespaces WHERE id = ?').get(closed.namespaceId);
    const ns = { ...nsRow, customSearchAttributes: JSON.parse(nsRow.custom_search_attributes) };
    return { closed, running, ns, fields: temporal.api.common.v1.SearchAttributes.decode(Buffer.from(closed.state.searchAttributes, 'base64')).indexedFields };
  } finally {
    db.close();
  }
}

async function seed(file, templates) {
  const store = new SqliteStore(file);
  // Seeding only: no fsync per group commit (measured 740 → 1,040 runs/s at 10k). What W7
  // measures is the queries, on a server that reopens the file with its own durable settings.
  store.db.pragma('synchronous = OFF');
  const random = mulberry32(7);
  const nowMs = Date.now();
  const spanMs = params.days * DAY_MS;
  const payload = { closed: 0, running: 0 };
  let closedRuns = 0;
  const t0 = performance.now();
  const deadline = Date.now() + 10 * 60_000 + params.runs * 2;
  try {
    for (let first = 0; first < params.runs; first += params.inFlight) {
      if (Date.now() > deadline) throw new Error(`seeding passed its bound at ${first} runs`);
      const commits = [];
      for (let i = first; i < Math.min(params.runs, first + params.inFlight); i++) {
        const closed = random() * 100 < params.closedPercent;
        const startTimeMs = Math.round(nowMs - spanMs + (i / params.runs) * spanMs);
        const commit = runCommit(templates, i, closed, startTimeMs, random);
        payload[closed ? 'closed' : 'running'] += payloadBytes(commit);
        if (closed) closedRuns++;
        commits.push(store.commitExecution(commit));
      }
      await Promise.all(commits);
      const done = Math.min(params.runs, first + params.inFlight);
      if (done % PROGRESS_EVERY < params.inFlight) emit({ event: 'progress', runs: done, runsPerSec: round(done / ((performance.now() - t0) / 1000)) });
    }
  } finally {
    await store.close();
  }
  const seedMs = performance.now() - t0;
  return {
    seededRuns: params.runs,
    closedRuns,
    seedMs: round(seedMs),
    seedRunsPerSec: round((params.runs / seedMs) * 1000),
    eventsPerClosedRun: templates.closed.events.length,
    eventsPerRunningRun: templates.running.events.length,
    stateBytes: { closed: JSON.stringify(templates.closed.state).length, running: JSON.stringify(templates.running.state).length },
    closedPayloadShare: round(payload.closed / (payload.closed + payload.running), 4),
  };
}

/** One new run copied from the closed or the open template, with its own ids, times, type and attributes. */
function runCommit(templates, i, closed, startTimeMs, random) {
  const t = closed ? templates.closed : templates.running;
  const workflowId = `w7-${String(i).padStart(7, '0')}`;
  const runId = randomUUID();
  const closeTimeMs = closed ? startTimeMs + 1000 + Math.floor(random() * 60_000) : null;
  const state = {
    ...t.state,
    workflowId,
    runId,
    firstExecutionRunId: runId,
    workflowType: workflowTypeName(Math.floor(random() * params.workflowTypes)),
    status: closed ? STATUS.completed : STATUS.running,
    startTimeMs,
    executionTimeMs: startTimeMs,
    closeTimeMs,
    startRequestId: randomUUID(),
    root: t.state.root ? { workflowId, runId } : null,
    searchAttributes: searchAttributesOf(templates.fields, random),
  };
  return {
    namespaceId: t.namespaceId,
    workflowId,
    runId,
    expectedDbVersion: null,
    state: JSON.stringify(state),
    summary: { workflowType: state.workflowType, taskQueue: state.taskQueue, status: state.status, startTimeMs, closeTimeMs },
    newEvents: t.events.map((e) => ({ eventId: e.eventId, data: withIds(e.data, t, workflowId, runId) })),
    current: { record: { namespaceId: t.namespaceId, workflowId, runId, status: state.status, startRequestId: state.startRequestId }, expectedRunId: null },
    newTaskQueueTasks: [],
    doneTaskQueueTaskIds: [],
    newTimerTasks: [],
    doneTimerTaskIds: [],
    visibility: visibilityRecordOf(state, templates.ns),
  };
}

/** The template's stored attributes (same payload metadata) with this run's values. */
function searchAttributesOf(fields, random) {
  const values = {
    CustomKeywordField: customerName(Math.floor(random() * params.customers)),
    CustomIntField: Math.floor(random() * 1000),
    Region: regionName(Math.floor(random() * params.regions)),
  };
  const indexedFields = {};
  for (const [name, payload] of Object.entries(fields)) {
    indexedFields[name] = { metadata: payload.metadata, data: Buffer.from(JSON.stringify(values[name] ?? JSON.parse(Buffer.from(payload.data).toString()))) };
  }
  return Buffer.from(temporal.api.common.v1.SearchAttributes.encode({ indexedFields }).finish()).toString('base64');
}

/** Event bytes with the template's ids replaced by the run's (same widths, so protobuf lengths hold). */
function withIds(data, t, workflowId, runId) {
  const out = Buffer.from(data);
  for (const [from, to] of [[t.runId, runId], [t.workflowId, workflowId]]) {
    const needle = Buffer.from(from);
    for (let at = out.indexOf(needle); at >= 0; at = out.indexOf(needle, at + needle.length)) out.write(to, at, 'latin1');
  }
  return out;
}

function payloadBytes(c) {
  const visibility = JSON.stringify(c.visibility.columns).length + (c.visibility.searchAttributes?.length ?? 0);
  return c.state.length + c.newEvents.reduce((sum, e) => sum + e.data.length, 0) + visibility;
}

/** EXPLAIN QUERY PLAN of each W7 query as the server's store runs it (first page, and a later page). */
function explainPlans(file, ns) {
  const db = new Database(file, { readonly: true });
  try {
    const plans = {};
    const plan = (sql, args) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((r) => r.detail);
    const listSql = (text, withCursor) => {
      const compiled = compileQuery(text, ns, Date.now(), false);
      const { where, params: args, orderBy } = toSql(compiled.bound, sqliteDialect);
      const base = `SELECT * FROM executions_visibility WHERE namespace_id = ?${where ? ` AND (${where})` : ''}`;
      if (!withCursor) return { sql: `${base} ORDER BY ${orderBy} LIMIT ?`, args: [ns.id, ...args, 100] };
      const row = db.prepare(`${base} ORDER BY ${orderBy} LIMIT 1`).get(ns.id, ...args);
      const keyset = keysetCondition(compiled.bound.orderBy, compiled.cursorOf(row), sqliteDialect, 2 + args.length);
      return { sql: `${base} AND (${keyset.sql}) ORDER BY ${orderBy} LIMIT ?`, args: [ns.id, ...args, ...keyset.params, 100] };
    };
    for (const [name, query] of Object.entries(firstPageQueries)) {
      const { sql, args } = listSql(query(0, params), false);
      plans[name] = { sql, plan: plan(sql, args) };
    }
    for (const [name, query] of Object.entries(pagingQueries)) {
      const { sql, args } = listSql(query, true);
      plans[`paging.${name}`] = { sql, plan: plan(sql, args) };
    }
    for (const [name, query] of Object.entries(countQueries)) {
      const compiled = compileQuery(query, ns, Date.now(), true);
      const { where, params: args } = toSql(compiled.bound, sqliteDialect);
      const groupBy = compiled.bound.groupBy.map((a) => a.column);
      const filter = `FROM executions_visibility WHERE namespace_id = ?${where ? ` AND (${where})` : ''}`;
      const keys = groupBy.map((c, i) => `${c} AS g${i}`).join(', ');
      const sql = groupBy.length ? `SELECT ${keys}, COUNT(*) AS n ${filter} GROUP BY ${groupBy.join(', ')} ORDER BY n DESC` : `SELECT COUNT(*) AS n ${filter}`;
      plans[name] = { sql, plan: plan(sql, [ns.id, ...args]) };
    }
    return plans;
  } finally {
    db.close();
  }
}

/**
 * Where the bytes are (SQLite's dbstat, pages of each table and index), per seeded run: the
 * history, the execution rows, the visibility row and its indexes, and the rest.
 */
function bytesByPart(file, runs) {
  const db = new Database(file, { readonly: true });
  try {
    const parts = { history: 0, executions: 0, visibilityTable: 0, visibilityIndexes: 0, other: 0 };
    for (const { name, bytes } of db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all()) parts[partOf(name)] += bytes;
    return Object.fromEntries(Object.entries(parts).map(([part, bytes]) => [part, Math.round(bytes / runs)]));
  } finally {
    db.close();
  }
}

function partOf(name) {
  if (name === 'history_events') return 'history';
  if (name === 'executions_visibility') return 'visibilityTable';
  if (name.startsWith('ev_') || name === 'sqlite_autoindex_executions_visibility_1') return 'visibilityIndexes';
  if (/^(executions|current_executions|sqlite_autoindex_(current_)?executions_1|executions_by_start)$/.test(name)) return 'executions';
  return 'other';
}

/** A small seeded PRNG: the same parameters give the same store. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
