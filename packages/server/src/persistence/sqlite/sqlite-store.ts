/**
 * Store on an embedded SQLite file (better-sqlite3). WAL mode; a commit is on disk
 * before the caller acknowledges it (the WAL is fsynced off the main thread,
 * wal-sync.ts), so a kill -9 or a power cut loses nothing that was acknowledged.
 * A file is held by one server at a time (exclusive-lock.ts); other processes may read it meanwhile (backup.ts).
 */
import type Database from 'better-sqlite3';
import {
  ConditionFailedError,
  type CommitResult,
  type CurrentExecutionRecord,
  type ExecutionCommit,
  type ExecutionRecord,
  type HistoryEventRow,
  type NamespaceRecord,
  type Store,
  type TaskQueueTask,
  type TimerTask,
  type VisibilityCount,
  type VisibilityRecord,
  type ApiKeyRecord,
  type ScheduleCommit,
  type ScheduleCommitResult,
  type ScheduleRecord,
} from '../store.js';
import type { BoundQuery } from '../../visibility/query-binder.js';
import { keysetCondition, toSql } from '../../visibility/sql-translator.js';
import { sqliteDialect } from '../../visibility/sqlite-dialect.js';
import { CUSTOM_SLOTS, systemAttributeColumns } from '../../visibility/attributes.js';
import { sqliteMigrations } from './migrations.js';
import { lockDatabaseFile, type DatabaseFileLock } from './exclusive-lock.js';
import { loadDriver } from './driver.js';
import { SqliteSchedules } from './schedules.js';
import { SqliteApiKeys } from './api-keys.js';
import { WalSync } from './wal-sync.js';

type Row = Record<string, unknown>;

/** A commit waiting for the group's transaction: a run's, or a schedule's. */
type PendingCommit =
  | { commit: ExecutionCommit; schedule?: undefined; resolve(result: CommitResult): void; reject(err: Error): void }
  | { schedule: ScheduleCommit; commit?: undefined; resolve(result: ScheduleCommitResult): void; reject(err: Error): void };

/** Every column of `executions_visibility` a VisibilityRecord may set (migration 2): the system attributes' and the slots. */
const VISIBILITY_COLUMNS: readonly string[] = [
  ...systemAttributeColumns()
    .map((a) => a.column)
    .filter((c) => c !== 'run_id'),
  ...Object.values(CUSTOM_SLOTS).flat(),
];

/**
 * What a list returns of each row: what the response shows, not the slot columns of custom
 * attributes (their values go out in `search_attributes`); sort keys are added per query.
 */
const LISTED_COLUMNS = [
  'namespace_id', 'run_id', 'workflow_id', 'workflow_type', 'task_queue', 'status', 'start_time', 'execution_time',
  'close_time', 'execution_duration', 'history_length', 'history_size_bytes', 'state_transition_count',
  'parent_workflow_id', 'parent_run_id', 'root_workflow_id', 'root_run_id', 'memo', 'search_attributes',
];

/** Prepared visibility queries kept (one per distinct query shape; LRU). */
const VISIBILITY_STATEMENTS_MAX = 200;

/** Most execution commits made durable by one fsync. */
const GROUP_COMMIT_BATCH_MAX = 256;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** Held while the store is open; null for an in-memory database, which nobody else can open. */
  private readonly lock: DatabaseFileLock | null;
  private readonly stmts;
  private readonly schedules: SqliteSchedules;
  private readonly apiKeys: SqliteApiKeys;
  private readonly commitTx: (commit: ExecutionCommit) => CommitResult;
  private pending: PendingCommit[] = [];
  private flushScheduled = false;
  private readonly visibilityStatements = new Map<string, Database.Statement>();
  /** Syncs the WAL after commits; null for an in-memory database. */
  private readonly wal: WalSync | null;
  /** Told how many commits each group commit holds (observability/). */
  onGroupCommit: ((commits: number) => void) | null = null;

  /** `filename` null opens a private in-memory database. */
  constructor(filename: string | null) {
    // The lock first: a second server must not even run the migrations on a file in use.
    this.lock = filename === null ? null : lockDatabaseFile(filename);
    let db: Database.Database | undefined;
    try {
      db = new (loadDriver())(filename ?? ':memory:');
      db.pragma('journal_mode = WAL');
      // NORMAL: COMMIT does not fsync on this thread; `wal` does, before anything is acknowledged.
      db.pragma(filename === null ? 'synchronous = FULL' : 'synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      this.db = db;
      this.migrate();
      // The migrations' transactions (and the switch to WAL) on disk before the server starts.
      this.wal = filename === null ? null : new WalSync(`${filename}-wal`);
      this.wal?.syncNow();
    } catch (err) {
      // A store that failed to open must not keep the file: the caller may retry, or fix and restart.
      db?.close();
      this.lock?.release();
      throw err;
    }
    this.stmts = this.prepare();
    this.schedules = new SqliteSchedules(this.db);
    this.apiKeys = new SqliteApiKeys(this.db);
    // Built once: better-sqlite3 makes a new wrapper (and its variants) per transaction() call.
    this.commitTx = this.db.transaction((c: ExecutionCommit) => this.commitOne(c));
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > sqliteMigrations.length) {
      throw new Error(
        `database schema version ${version} is newer than this server knows (${sqliteMigrations.length}); upgrade Endure`,
      );
    }
    for (let v = version; v < sqliteMigrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(sqliteMigrations[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      insertNamespace: db.prepare(
        `INSERT INTO namespaces (id, name, retention_ms, created_ms, state, description, owner_email, data, custom_search_attributes)
         VALUES (@id, @name, @retentionMs, @createdMs, @state, @description, @ownerEmail, @data, @customSearchAttributes)`,
      ),
      updateNamespace: db.prepare(
        `UPDATE namespaces SET name = @name, retention_ms = @retentionMs, state = @state, description = @description,
         owner_email = @ownerEmail, data = @data, custom_search_attributes = @customSearchAttributes WHERE id = @id`,
      ),
      deleteNamespace: db.prepare('DELETE FROM namespaces WHERE id = ?'),
      namespaceByName: db.prepare('SELECT * FROM namespaces WHERE name = ?'),
      listNamespaces: db.prepare('SELECT * FROM namespaces ORDER BY created_ms, name'),
      currentExecution: db.prepare('SELECT * FROM current_executions WHERE namespace_id = ? AND workflow_id = ?'),
      insertCurrent: db.prepare(
        'INSERT INTO current_executions (namespace_id, workflow_id, run_id, status, start_request_id) VALUES (?, ?, ?, ?, ?)',
      ),
      replaceCurrent: db.prepare(
        'UPDATE current_executions SET run_id = ?, status = ?, start_request_id = ? WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?',
      ),
      updateCurrentStatus: db.prepare(
        'UPDATE current_executions SET status = ? WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?',
      ),
      execution: db.prepare('SELECT * FROM executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
      insertExecution: db.prepare(
        `INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue, status, start_time_ms, close_time_ms, db_version, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING`,
      ),
      updateExecution: db.prepare(
        `UPDATE executions SET status = ?, close_time_ms = ?, db_version = db_version + 1, state = ?
         WHERE namespace_id = ? AND workflow_id = ? AND run_id = ? AND db_version = ?`,
      ),
      insertEvent: db.prepare('INSERT INTO history_events (namespace_id, run_id, event_id, data) VALUES (?, ?, ?, ?)'),
      readHistory: db.prepare(
        'SELECT event_id, data FROM history_events WHERE namespace_id = ? AND run_id = ? AND event_id >= ? ORDER BY event_id LIMIT ?',
      ),
      insertTask: db.prepare(
        `INSERT INTO task_queue_tasks (namespace_id, task_queue, kind, workflow_id, run_id, scheduled_event_id, attempt, created_ms)
         VALUES (@namespaceId, @taskQueue, @kind, @workflowId, @runId, @scheduledEventId, @attempt, @createdMs)`,
      ),
      deleteTask: db.prepare('DELETE FROM task_queue_tasks WHERE id = ?'),
      listTasks: db.prepare('SELECT * FROM task_queue_tasks ORDER BY id'),
      insertTimer: db.prepare(
        `INSERT INTO timer_tasks (fire_at_ms, namespace_id, workflow_id, run_id, kind, data)
         VALUES (@fireAtMs, @namespaceId, @workflowId, @runId, @kind, @data)`,
      ),
      deleteTimer: db.prepare('DELETE FROM timer_tasks WHERE id = ?'),
      dueTimers: db.prepare('SELECT * FROM timer_tasks WHERE fire_at_ms <= ? ORDER BY fire_at_ms, id LIMIT ?'),
      nextTimer: db.prepare('SELECT MIN(fire_at_ms) AS next FROM timer_tasks'),
      deleteRunEvents: db.prepare('DELETE FROM history_events WHERE namespace_id = ? AND run_id = ?'),
      deleteRunExecution: db.prepare('DELETE FROM executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
      deleteRunTasks: db.prepare('DELETE FROM task_queue_tasks WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
      deleteRunTimers: db.prepare('DELETE FROM timer_tasks WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
      upsertVisibility: db.prepare(
        `INSERT INTO executions_visibility (namespace_id, run_id, ${VISIBILITY_COLUMNS.join(', ')}, memo, search_attributes)
         VALUES (@namespace_id, @run_id, ${VISIBILITY_COLUMNS.map((c) => `@${c}`).join(', ')}, @memo, @search_attributes)
         ON CONFLICT (namespace_id, run_id) DO UPDATE SET
         ${[...VISIBILITY_COLUMNS, 'memo', 'search_attributes'].map((c) => `${c} = excluded.${c}`).join(', ')}`,
      ),
      namespaceRuns: db.prepare('SELECT workflow_id, run_id FROM executions WHERE namespace_id = ? LIMIT ?'),
      statusCounts: db.prepare('SELECT status, runs FROM visibility_status_counts WHERE namespace_id = ? ORDER BY runs DESC, status'),
      deleteRunVisibility: db.prepare('DELETE FROM executions_visibility WHERE namespace_id = ? AND run_id = ?'),
      deleteCurrentIf: db.prepare('DELETE FROM current_executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?'),
    };
  }

  async close(): Promise<void> {
    while (this.pending.length > 0) this.flush();
    // The last commits' syncs; closing the database then checkpoints (synced by SQLite) and removes the WAL.
    await this.durable(undefined).catch(() => undefined);
    this.wal?.close();
    this.db.close();
    this.lock?.release();
  }

  /** `value` once every change written so far is on disk: how each write below answers. */
  private durable<T>(value: T): Promise<T> {
    if (!this.wal) return Promise.resolve(value);
    return this.wal.durable().then(() => value);
  }

  createNamespace(ns: NamespaceRecord): Promise<void> {
    this.stmts.insertNamespace.run(namespaceParams(ns));
    return this.durable(undefined);
  }

  updateNamespace(ns: NamespaceRecord): Promise<void> {
    const res = this.stmts.updateNamespace.run(namespaceParams(ns));
    if (res.changes !== 1) return Promise.reject(new Error(`namespace ${ns.id} does not exist`));
    return this.durable(undefined);
  }

  deleteNamespace(id: string): Promise<void> {
    this.db.transaction(() => {
      this.schedules.deleteNamespace(id);
      this.stmts.deleteNamespace.run(id);
    })();
    return this.durable(undefined);
  }

  getNamespaceByName(name: string): Promise<NamespaceRecord | null> {
    const row = this.stmts.namespaceByName.get(name) as Row | undefined;
    return Promise.resolve(row ? toNamespace(row) : null);
  }

  listNamespaces(): Promise<NamespaceRecord[]> {
    return Promise.resolve((this.stmts.listNamespaces.all() as Row[]).map(toNamespace));
  }

  getCurrentExecution(namespaceId: string, workflowId: string): Promise<CurrentExecutionRecord | null> {
    const row = this.stmts.currentExecution.get(namespaceId, workflowId) as Row | undefined;
    if (!row) return Promise.resolve(null);
    return Promise.resolve({
      namespaceId,
      workflowId,
      runId: row.run_id as string,
      status: row.status as number,
      startRequestId: row.start_request_id as string,
    });
  }

  getExecution(namespaceId: string, workflowId: string, runId: string): Promise<ExecutionRecord | null> {
    const row = this.stmts.execution.get(namespaceId, workflowId, runId) as Row | undefined;
    if (!row) return Promise.resolve(null);
    return Promise.resolve({
      namespaceId,
      workflowId,
      runId,
      state: row.state as string,
      dbVersion: row.db_version as number,
    });
  }

  /**
   * Group commit: commits that arrive in the same turn of the event loop are
   * written in one SQLite transaction (one fsync), each in its own savepoint so
   * a conflict fails only its own commit. None resolves before all are durable
   * (the WAL synced after the transaction, off this thread: wal-sync.ts).
   */
  commitExecution(commit: ExecutionCommit): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.enqueue({ commit, resolve, reject });
    });
  }

  private enqueue(p: PendingCommit): void {
    this.pending.push(p);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, GROUP_COMMIT_BATCH_MAX);
    if (this.pending.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    this.onGroupCommit?.(batch.length);
    const outcomes: (CommitResult | ScheduleCommitResult | Error)[] = [];
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push(p.commit ? this.commitTx(p.commit) : this.schedules.commit(p.schedule));
          } catch (err) {
            outcomes.push(err instanceof Error ? err : new Error(String(err)));
          }
        }
      })();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const p of batch) p.reject(error);
      return;
    }
    const settle = (syncError: Error | null) =>
      batch.forEach((p, i) => {
        const outcome = syncError ?? outcomes[i]!;
        if (outcome instanceof Error) p.reject(outcome);
        else (p.resolve as (result: CommitResult | ScheduleCommitResult) => void)(outcome);
      });
    if (this.wal) this.wal.afterDurable(settle);
    else settle(null);
  }

  /** One execution's commit, in its own savepoint inside the group's transaction. */
  private commitOne(c: ExecutionCommit): CommitResult {
    const s = this.stmts;
    const { namespaceId: ns, workflowId: wf, runId: run } = c;
    if (c.current) {
      const r = c.current.record;
      if (c.current.expectedRunId === null) {
        if (s.currentExecution.get(ns, wf)) throw new ConditionFailedError(`workflow ${wf} already has a current run`);
        s.insertCurrent.run(ns, wf, r.runId, r.status, r.startRequestId);
      } else {
        const res = s.replaceCurrent.run(r.runId, r.status, r.startRequestId, ns, wf, c.current.expectedRunId);
        if (res.changes !== 1) throw new ConditionFailedError(`current run of ${wf} moved`);
      }
    } else if (c.currentStatus !== undefined) {
      s.updateCurrentStatus.run(c.currentStatus, ns, wf, run);
    }
    let dbVersion: number;
    if (c.expectedDbVersion === null) {
      const res = s.insertExecution.run(
        ns, wf, run, c.summary.workflowType, c.summary.taskQueue, c.summary.status,
        c.summary.startTimeMs, c.summary.closeTimeMs, c.state,
      );
      if (res.changes !== 1) throw new ConditionFailedError(`execution ${wf}/${run} already exists`);
      dbVersion = 1;
    } else {
      const res = s.updateExecution.run(
        c.summary.status, c.summary.closeTimeMs, c.state, ns, wf, run, c.expectedDbVersion,
      );
      if (res.changes !== 1) throw new ConditionFailedError(`execution ${wf}/${run} changed concurrently`);
      dbVersion = c.expectedDbVersion + 1;
    }
    for (const e of c.newEvents) s.insertEvent.run(ns, run, e.eventId, e.data);
    if (c.visibility) s.upsertVisibility.run(visibilityParams(c.visibility));
    for (const id of c.doneTaskQueueTaskIds) s.deleteTask.run(id);
    for (const id of c.doneTimerTaskIds) s.deleteTimer.run(id);
    const taskQueueTasks = c.newTaskQueueTasks.map((t) => ({
      ...t,
      id: Number(s.insertTask.run(t).lastInsertRowid),
    }));
    const timerTasks = c.newTimerTasks.map((t) => ({ ...t, id: Number(s.insertTimer.run(t).lastInsertRowid) }));
    if (!c.newRun) return { dbVersion, taskQueueTasks, timerTasks };
    const next = this.commitOne(c.newRun);
    return {
      dbVersion,
      newRunDbVersion: next.dbVersion,
      taskQueueTasks: [...taskQueueTasks, ...next.taskQueueTasks],
      timerTasks: [...timerTasks, ...next.timerTasks],
    };
  }

  deleteExecution(namespaceId: string, workflowId: string, runId: string): Promise<void> {
    while (this.pending.length > 0) this.flush();
    const s = this.stmts;
    this.db.transaction(() => {
      s.deleteRunEvents.run(namespaceId, runId);
      s.deleteRunVisibility.run(namespaceId, runId);
      s.deleteRunTasks.run(namespaceId, workflowId, runId);
      s.deleteRunTimers.run(namespaceId, workflowId, runId);
      s.deleteCurrentIf.run(namespaceId, workflowId, runId);
      s.deleteRunExecution.run(namespaceId, workflowId, runId);
    })();
    return this.durable(undefined);
  }

  listNamespaceRuns(namespaceId: string, limit: number): Promise<{ workflowId: string; runId: string }[]> {
    const rows = this.stmts.namespaceRuns.all(namespaceId, limit) as Row[];
    return Promise.resolve(rows.map((r) => ({ workflowId: r.workflow_id as string, runId: r.run_id as string })));
  }

  listVisibility(namespaceId: string, query: BoundQuery, after: readonly unknown[] | null, limit: number): Promise<VisibilityRecord[]> {
    const { where, params, orderBy } = toSql(query, sqliteDialect);
    const keyset = after ? keysetCondition(query.orderBy, after, sqliteDialect, 1 + params.length) : null;
    const columns = new Set([...LISTED_COLUMNS, ...query.orderBy.map((key) => key.attribute.column)]);
    const sql =
      `SELECT ${[...columns].join(', ')} FROM executions_visibility WHERE namespace_id = ?` +
      (where ? ` AND (${where})` : '') +
      (keyset ? ` AND (${keyset.sql})` : '') +
      ` ORDER BY ${orderBy} LIMIT ?`;
    const rows = this.visibilityStatement(sql).all(namespaceId, ...params, ...(keyset?.params ?? []), limit) as Row[];
    return Promise.resolve(rows.map(toVisibilityRecord));
  }

  countVisibility(namespaceId: string, query: BoundQuery): Promise<VisibilityCount> {
    const byStatusOnly = query.groupBy.length === 0 || (query.groupBy.length === 1 && query.groupBy[0]!.column === 'status');
    if (query.where === null && byStatusOnly) return Promise.resolve(this.countFromCounters(namespaceId, query.groupBy.length > 0));
    const { where, params } = toSql(query, sqliteDialect);
    const filter = 'FROM executions_visibility WHERE namespace_id = ?' + (where ? ` AND (${where})` : '');
    const columns = query.groupBy.map((a) => a.column);
    if (columns.length === 0) {
      const row = this.visibilityStatement(`SELECT COUNT(*) AS n ${filter}`).get(namespaceId, ...params) as { n: number };
      return Promise.resolve({ count: row.n, groups: [] });
    }
    const keys = columns.map((c, i) => `${c} AS g${i}`).join(', ');
    const sql = `SELECT ${keys}, COUNT(*) AS n ${filter} GROUP BY ${columns.join(', ')} ORDER BY n DESC, ${columns.map((_, i) => `g${i}`).join(', ')}`;
    const rows = this.visibilityStatement(sql).all(namespaceId, ...params) as Row[];
    const groups = rows.map((r) => ({ values: columns.map((_, i) => r[`g${i}`] as string | number | null), count: r.n as number }));
    return Promise.resolve({ count: groups.reduce((sum, g) => sum + g.count, 0), groups });
  }

  /** A whole namespace's count from the per-status counters (migration 2's triggers keep them). */
  private countFromCounters(namespaceId: string, grouped: boolean): VisibilityCount {
    const rows = this.stmts.statusCounts.all(namespaceId) as { status: number; runs: number }[];
    const groups = rows.filter((r) => r.runs > 0).map((r) => ({ values: [r.status], count: r.runs }));
    return { count: groups.reduce((sum, g) => sum + g.count, 0), groups: grouped ? groups : [] };
  }

  private visibilityStatement(sql: string): Database.Statement {
    let stmt = this.visibilityStatements.get(sql);
    if (stmt) {
      this.visibilityStatements.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.visibilityStatements.size >= VISIBILITY_STATEMENTS_MAX) {
        this.visibilityStatements.delete(this.visibilityStatements.keys().next().value as string);
      }
    }
    this.visibilityStatements.set(sql, stmt);
    return stmt;
  }

  readHistory(namespaceId: string, runId: string, fromEventId: number, limit: number): Promise<HistoryEventRow[]> {
    const rows = this.stmts.readHistory.all(namespaceId, runId, fromEventId, limit) as Row[];
    return Promise.resolve(rows.map((r) => ({ eventId: r.event_id as number, data: r.data as Uint8Array })));
  }

  deleteTaskQueueTasks(ids: number[]): Promise<void> {
    this.db.transaction(() => ids.forEach((id) => this.stmts.deleteTask.run(id)))();
    return this.durable(undefined);
  }

  /** In the group commit with the runs' (its own savepoint): schedules firing together share one fsync. */
  commitSchedule(commit: ScheduleCommit): Promise<ScheduleCommitResult> {
    return new Promise((resolve, reject) => {
      this.enqueue({ schedule: commit, resolve, reject });
    });
  }

  getSchedule(namespaceId: string, scheduleId: string): Promise<ScheduleRecord | null> {
    return Promise.resolve(this.schedules.get(namespaceId, scheduleId));
  }

  listSchedules(namespaceId: string, afterScheduleId: string | null, limit: number): Promise<ScheduleRecord[]> {
    return Promise.resolve(this.schedules.list(namespaceId, afterScheduleId, limit));
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return attempt(() => this.apiKeys.create(key)).then((v) => this.durable(v));
  }

  getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return attempt(() => this.apiKeys.get(id));
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return attempt(() => this.apiKeys.list());
  }

  revokeApiKey(id: string): Promise<boolean> {
    return attempt(() => this.apiKeys.revoke(id)).then((v) => this.durable(v));
  }

  deleteTimerTasks(ids: number[]): Promise<void> {
    this.db.transaction(() => ids.forEach((id) => this.stmts.deleteTimer.run(id)))();
    return this.durable(undefined);
  }

  listTaskQueueTasks(): Promise<TaskQueueTask[]> {
    const rows = this.stmts.listTasks.all() as Row[];
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id as number,
        namespaceId: r.namespace_id as string,
        taskQueue: r.task_queue as string,
        kind: r.kind as TaskQueueTask['kind'],
        workflowId: r.workflow_id as string,
        runId: r.run_id as string,
        scheduledEventId: r.scheduled_event_id as number,
        attempt: r.attempt as number,
        createdMs: r.created_ms as number,
      })),
    );
  }

  listDueTimerTasks(untilMs: number, limit: number): Promise<TimerTask[]> {
    const rows = this.stmts.dueTimers.all(untilMs, limit) as Row[];
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id as number,
        fireAtMs: r.fire_at_ms as number,
        namespaceId: r.namespace_id as string,
        workflowId: r.workflow_id as string,
        runId: r.run_id as string,
        kind: r.kind as string,
        data: r.data as string,
      })),
    );
  }

  nextTimerFireMs(): Promise<number | null> {
    const row = this.stmts.nextTimer.get() as { next: number | null };
    return Promise.resolve(row.next);
  }
}

function toNamespace(row: Row): NamespaceRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    retentionMs: row.retention_ms as number,
    createdMs: row.created_ms as number,
    state: row.state as NamespaceRecord['state'],
    description: row.description as string,
    ownerEmail: row.owner_email as string,
    data: JSON.parse(row.data as string) as NamespaceRecord['data'],
    customSearchAttributes: JSON.parse(row.custom_search_attributes as string) as NamespaceRecord['customSearchAttributes'],
  };
}

function namespaceParams(ns: NamespaceRecord): Row {
  return {
    ...ns,
    data: JSON.stringify(ns.data),
    customSearchAttributes: JSON.stringify(ns.customSearchAttributes),
  };
}

function toVisibilityRecord(row: Row): VisibilityRecord {
  const columns: VisibilityRecord['columns'] = {};
  for (const column of VISIBILITY_COLUMNS) columns[column] = (row[column] ?? null) as string | number | null;
  return {
    namespaceId: row.namespace_id as string,
    runId: row.run_id as string,
    columns,
    memo: (row.memo as Uint8Array | null) ?? null,
    searchAttributes: (row.search_attributes as Uint8Array | null) ?? null,
  };
}

function visibilityParams(v: VisibilityRecord): Row {
  const params: Row = { namespace_id: v.namespaceId, run_id: v.runId, memo: v.memo, search_attributes: v.searchAttributes };
  for (const column of VISIBILITY_COLUMNS) params[column] = v.columns[column] ?? null;
  return params;
}

/** A synchronous statement's outcome as a promise: a throw becomes a rejection, as the other stores' are. */
function attempt<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
