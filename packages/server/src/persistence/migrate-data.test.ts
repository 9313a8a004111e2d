/**
 * migrate-data at the store level: what a SQLite store holds, a PostgreSQL store opened on the
 * copy answers the same (runs at their versions, pointers, events, task and timer rows with
 * their ids, visibility with every attribute type, schedules at their versions with their timer
 * rows), new rows continue after the copied ids;
 * a file left by a killed server copies whole; a copy that fails midway keeps nothing; and
 * every refusal (file missing, not SQLite, in use; target unreachable or not empty) leaves the
 * target untouched with a one-line reason.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCHEDULE_TIMER_RUN_ID, type ExecutionCommit, type NamespaceRecord, type Store, type VisibilityRecord } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { createTestDatabase, type TestDatabase } from './postgres/test-database.test-support.js';
import { MigrateDataError, migrateData } from './migrate-data.js';
import { makeResolver } from '../visibility/attributes.js';
import { bindQuery } from '../visibility/query-binder.js';
import { parseQuery } from '../visibility/query-parser.js';
import type { SearchAttributeType } from '../common/search-attribute-types.js';

const RUNNING = 1;
const COMPLETED = 2;
const NS = 'ns-1';

const customAttributes: NamespaceRecord['customSearchAttributes'] = {
  Customer: { type: 'Keyword', column: 'keyword01' },
  Notes: { type: 'Text', column: 'text01' },
  Rush: { type: 'Bool', column: 'bool01' },
  Tags: { type: 'KeywordList', column: 'keyword_list01' },
  Amount: { type: 'Double', column: 'double01' },
  Items: { type: 'Int', column: 'int01' },
  DueAt: { type: 'Datetime', column: 'datetime01' },
};

const namespace: NamespaceRecord = {
  id: NS,
  name: 'orders',
  retentionMs: 86_400_000,
  createdMs: 10,
  state: 1,
  description: 'the orders team',
  ownerEmail: 'orders@example.com',
  data: { team: 'orders' },
  customSearchAttributes: customAttributes,
};

let dir: string;
let database: TestDatabase;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'endure-migrate-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

let fileCount = 0;
function newFilename(): string {
  return join(dir, `dev-${++fileCount}.db`);
}

function openPostgres(url: string): Promise<PostgresStore> {
  return PostgresStore.open({ url, connectRetry: { retryMs: 0, onRetry() {} }, onConnectionError() {} });
}

function visibilityRow(runId: string, workflowId: string, status: number, custom: VisibilityRecord['columns']): VisibilityRecord {
  return {
    namespaceId: NS,
    runId,
    memo: Uint8Array.of(10, 3, 1, 2, 3),
    searchAttributes: Uint8Array.of(7, 7, 7),
    columns: {
      workflow_id: workflowId, workflow_type: 'order', task_queue: 'tq', status, start_time: 1_000, execution_time: 1_000,
      close_time: status === RUNNING ? null : 2_000, execution_duration: status === RUNNING ? null : 1_000_000_000,
      history_length: 3, history_size_bytes: 99, state_transition_count: 2, ...custom,
    },
  };
}

function startCommit(workflowId: string, runId: string, visibility: VisibilityRecord): ExecutionCommit {
  return {
    namespaceId: NS,
    workflowId,
    runId,
    expectedDbVersion: null,
    state: JSON.stringify({ runId, step: 'started' }),
    summary: { workflowType: 'order', taskQueue: 'tq', status: RUNNING, startTimeMs: 1_000, closeTimeMs: null },
    newEvents: [1, 2, 3].map((eventId) => ({ eventId, data: Uint8Array.of(eventId, 0, 255) })),
    current: { record: { namespaceId: NS, workflowId, runId, status: RUNNING, startRequestId: `req-${runId}` }, expectedRunId: null },
    newTaskQueueTasks: [{ namespaceId: NS, taskQueue: 'tq', kind: 'workflow', workflowId, runId, scheduledEventId: 2, attempt: 1, createdMs: 5 }],
    doneTaskQueueTaskIds: [],
    newTimerTasks: [{ fireAtMs: 50_000, namespaceId: NS, workflowId, runId, kind: 'user-timer', data: '{"timerId":"1"}' }],
    doneTimerTaskIds: [],
    visibility,
  };
}

/**
 * A dev database: one namespace, a running run with a task and a timer, a completed one, a run
 * moved on a few versions, a schedule moved on once with its next timer.
 */
async function fillSqlite(filename: string): Promise<void> {
  const store = new SqliteStore(filename);
  try {
    await store.createNamespace(namespace);
    await store.createApiKey({
      id: 'k1', name: 'ci', secretHash: 'ab'.repeat(32), permissions: ['default:write'], createdMs: 1000, expiresMs: 9000, revoked: true,
    });
    await store.commitExecution(
      startCommit('wf-a', 'run-a', visibilityRow('run-a', 'wf-a', RUNNING, {
        keyword01: 'acme', text01: 'rush order for the fair', bool01: 1, keyword_list01: '["red","blue"]',
        double01: 12.5, int01: 3, datetime01: 1_700_000_000_000,
      })),
    );
    const b = await store.commitExecution(startCommit('wf-b', 'run-b', visibilityRow('run-b', 'wf-b', RUNNING, { bool01: 0 })));
    // run-b: its task and timer done, then completed: versions 2 and 3, and an id gap in both sequences.
    const done: ExecutionCommit = {
      ...startCommit('wf-b', 'run-b', visibilityRow('run-b', 'wf-b', COMPLETED, { bool01: 0, keyword01: 'globex' })),
      expectedDbVersion: b.dbVersion,
      current: undefined,
      currentStatus: COMPLETED,
      state: JSON.stringify({ runId: 'run-b', step: 'completed' }),
      summary: { workflowType: 'order', taskQueue: 'tq', status: COMPLETED, startTimeMs: 1_000, closeTimeMs: 2_000 },
      newEvents: [{ eventId: 4, data: Uint8Array.of(4) }],
      newTaskQueueTasks: [],
      newTimerTasks: [],
      doneTaskQueueTaskIds: b.taskQueueTasks.map((t) => t.id),
      doneTimerTaskIds: b.timerTasks.map((t) => t.id),
    };
    await store.commitExecution(done);
    const tick = { namespaceId: NS, workflowId: 'nightly', runId: SCHEDULE_TIMER_RUN_ID, kind: 'schedule_tick', data: '{}' };
    const created = await store.commitSchedule({
      namespaceId: NS, scheduleId: 'nightly', expectedDbVersion: null, state: JSON.stringify({ actions: 0 }),
      newTimerTasks: [{ ...tick, fireAtMs: 60_000 }], doneTimerTaskIds: [],
    });
    await store.commitSchedule({
      namespaceId: NS, scheduleId: 'nightly', expectedDbVersion: created.dbVersion, state: JSON.stringify({ actions: 1 }),
      newTimerTasks: [{ ...tick, fireAtMs: 120_000 }], doneTimerTaskIds: created.timerTasks.map((t) => t.id),
    });
  } finally {
    await store.close();
  }
}

function query(text: string, allowGroupBy = false) {
  const custom = new Map(
    Object.entries(customAttributes).map(([name, a]) => [name, { type: a.type as SearchAttributeType, column: a.column }]),
  );
  return bindQuery(parseQuery(text), { resolve: makeResolver(custom), nowMs: 0, allowGroupBy });
}

/** What a server reads of a store, for comparing two of them. */
async function snapshot(store: Store) {
  const list = async (text: string) => (await store.listVisibility(NS, query(text), null, 10)).map((r) => r.runId);
  return {
    namespaces: await store.listNamespaces(),
    current: [await store.getCurrentExecution(NS, 'wf-a'), await store.getCurrentExecution(NS, 'wf-b')],
    runs: [await store.getExecution(NS, 'wf-a', 'run-a'), await store.getExecution(NS, 'wf-b', 'run-b')],
    history: [await store.readHistory(NS, 'run-a', 1, 100), await store.readHistory(NS, 'run-b', 1, 100)].map((events) =>
      events.map((e) => ({ eventId: e.eventId, data: [...e.data] })),
    ),
    tasks: await store.listTaskQueueTasks(),
    timers: await store.listDueTimerTasks(Number.MAX_SAFE_INTEGER, 100),
    visibility: (await store.listVisibility(NS, query(''), null, 10)).map((r) => ({
      ...r, memo: r.memo && [...r.memo], searchAttributes: r.searchAttributes && [...r.searchAttributes],
    })),
    lists: {
      rush: await list('Rush = true'),
      notRush: await list('Rush = false'),
      tags: await list("Tags = 'blue'"),
      notes: await list("Notes = 'fair'"),
      customer: await list("Customer = 'globex'"),
      amount: await list('Amount > 10 AND Items = 3'),
      due: await list("DueAt > '2023-01-01T00:00:00Z'"),
      closed: await list("ExecutionStatus = 'Completed'"),
    },
    counts: await store.countVisibility(NS, query('GROUP BY ExecutionStatus', true)),
    schedules: await store.listSchedules(NS, null, 10),
    apiKeys: await store.listApiKeys(),
  };
}

describe('migrateData', () => {
  it('copies a SQLite database into PostgreSQL so that the PostgreSQL store answers every read the same', async () => {
    const filename = newFilename();
    await fillSqlite(filename);
    const lines: string[] = [];
    const summary = await migrateData({ sqliteFilename: filename, postgresUrl: database.url, onProgress: (l) => lines.push(l) });
    expect(summary.rows).toEqual({
      namespaces: 1, executions: 2, current_executions: 2, history_events: 7, task_queue_tasks: 1, timer_tasks: 2, executions_visibility: 2,
      schedules: 1, api_keys: 1,
    });
    expect(lines).toContain('executions: 2 rows copied');

    const sqlite = new SqliteStore(filename);
    const before = await snapshot(sqlite);
    await sqlite.close();
    const postgres = await openPostgres(database.url);
    try {
      const after = await snapshot(postgres);
      expect(after).toEqual(before);
      // The snapshot is not vacuous: the values it compares are there.
      expect(before.runs.map((r) => r?.dbVersion)).toEqual([1, 2]);
      expect(before.schedules).toEqual([{ namespaceId: NS, scheduleId: 'nightly', state: '{"actions":1}', dbVersion: 2 }]);
      expect(before.timers.map((t) => t.workflowId)).toEqual(['wf-a', 'nightly']);
      expect(before.apiKeys.map((k) => [k.id, k.permissions, k.revoked])).toEqual([['k1', ['default:write'], true]]);
      expect(before.lists).toEqual({
        rush: ['run-a'], notRush: ['run-b'], tags: ['run-a'], notes: ['run-a'], customer: ['run-b'], amount: ['run-a'],
        due: ['run-a'], closed: ['run-b'],
      });
      expect(after.counts).toEqual({ count: 2, groups: [{ values: [RUNNING], count: 1 }, { values: [COMPLETED], count: 1 }] });

      // A new run's task and timer take ids after every id the file handed out (run-b's and the
      // schedule's first timer were deleted).
      const next = await postgres.commitExecution(startCommit('wf-c', 'run-c', visibilityRow('run-c', 'wf-c', RUNNING, {})));
      expect(next.taskQueueTasks[0]!.id).toBeGreaterThan(2);
      expect(next.timerTasks[0]!.id).toBeGreaterThan(4);
      // The schedule goes on from its copied version.
      const moved = await postgres.commitSchedule({
        namespaceId: NS, scheduleId: 'nightly', expectedDbVersion: 2, state: '{"actions":2}', newTimerTasks: [],
        doneTimerTaskIds: before.timers.filter((t) => t.workflowId === 'nightly').map((t) => t.id),
      });
      expect(moved.dbVersion).toBe(3);
    } finally {
      await postgres.close();
    }
  });

  it('copies a file left by a killed server, whose last commits are only in its write-ahead log', async () => {
    const filename = newFilename();
    const store = new SqliteStore(filename);
    const crashed = newFilename();
    try {
      await store.createNamespace(namespace);
      await store.commitExecution(startCommit('wf-a', 'run-a', visibilityRow('run-a', 'wf-a', RUNNING, {})));
      // The files as a kill -9 leaves them: the server still had them open, nothing checkpointed.
      copyFileSync(filename, crashed);
      copyFileSync(`${filename}-wal`, `${crashed}-wal`);
    } finally {
      await store.close();
    }
    expect(statSync(`${crashed}-wal`).size).toBeGreaterThan(0);
    const summary = await migrateData({ sqliteFilename: crashed, postgresUrl: database.url });
    expect(summary.rows).toMatchObject({ namespaces: 1, executions: 1, history_events: 3, task_queue_tasks: 1, timer_tasks: 1 });
  });

  it('refuses a target that already holds data, saying how to start over, and leaves it as it was', async () => {
    const filename = newFilename();
    await fillSqlite(filename);
    await migrateData({ sqliteFilename: filename, postgresUrl: database.url });
    const error = await migrateData({ sqliteFilename: filename, postgresUrl: database.url }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrateDataError);
    expect((error as Error).message).toMatch(
      /^the PostgreSQL database postgres:\/\/postgres@127\.0\.0\.1:5432\/endure_test_\w+ already holds Endure data \(1 namespaces, 2 executions, .*\); migrate-data copies into an empty database only: create a new database/,
    );
    const postgres = await openPostgres(database.url);
    try {
      expect(await postgres.listTaskQueueTasks()).toHaveLength(1);
    } finally {
      await postgres.close();
    }
  });

  it('keeps nothing of a copy that fails midway (a value PostgreSQL refuses in the last table)', async () => {
    const filename = newFilename();
    await fillSqlite(filename);
    const db = new (createRequire(import.meta.url)('better-sqlite3') as typeof Database)(filename);
    db.prepare(`UPDATE executions_visibility SET temporal_pause_info = 'not json' WHERE run_id = 'run-b'`).run();
    db.close();
    await expect(migrateData({ sqliteFilename: filename, postgresUrl: database.url })).rejects.toThrow(
      /^the copy failed and was rolled back, the target is as it was: invalid input syntax for type json/,
    );
    const postgres = await openPostgres(database.url);
    try {
      expect(await postgres.listNamespaces()).toEqual([]);
      expect(await postgres.listTaskQueueTasks()).toEqual([]);
    } finally {
      await postgres.close();
    }
  });

  it('refuses a file a running server holds', async () => {
    const filename = newFilename();
    await fillSqlite(filename);
    const running = new SqliteStore(filename);
    try {
      await expect(migrateData({ sqliteFilename: filename, postgresUrl: database.url })).rejects.toThrow(
        `the SQLite file ${filename} is in use by a running Endure server (it holds the file's lock); stop that server, then migrate`,
      );
    } finally {
      await running.close();
    }
    const postgres = await openPostgres(database.url);
    try {
      expect(await postgres.listNamespaces()).toEqual([]);
    } finally {
      await postgres.close();
    }
  });

  it('refuses a missing file, a file that is not SQLite, and an SQLite file without Endure data', async () => {
    const missing = join(dir, 'nope.db');
    await expect(migrateData({ sqliteFilename: missing, postgresUrl: database.url })).rejects.toThrow(
      new MigrateDataError(`the SQLite file ${missing} does not exist`),
    );
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'these are not the rows you are looking for\n'.repeat(100));
    await expect(migrateData({ sqliteFilename: text, postgresUrl: database.url })).rejects.toThrow(
      new MigrateDataError(`${text} is not an SQLite database`),
    );
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    await expect(migrateData({ sqliteFilename: empty, postgresUrl: database.url })).rejects.toThrow(
      new MigrateDataError(`${empty} is an SQLite file but holds no Endure database (schema version 0)`),
    );
  });

  it('refuses an unreachable PostgreSQL, naming its address', async () => {
    const filename = newFilename();
    await fillSqlite(filename);
    const error = await migrateData({ sqliteFilename: filename, postgresUrl: 'postgres://postgres@127.0.0.1:1/endure' }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(MigrateDataError);
    expect((error as Error).message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(postgres:\/\/postgres@127\.0\.0\.1:1\/endure\): .*ECONNREFUSED/);
  });
});
