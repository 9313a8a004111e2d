/**
 * Store on PostgreSQL through a pool of `pg` connections. Each execution commit is one
 * transaction on one pooled connection (READ COMMITTED): the writes that guard it are
 * conditional — the current-run pointer `UPDATE … WHERE run_id = expected`, the run
 * `UPDATE … WHERE db_version = expected`, new rows `INSERT … ON CONFLICT DO NOTHING` — and a
 * guard that matches no row rolls the whole commit back with ConditionFailedError. Under READ
 * COMMITTED a guarded UPDATE that waited for a concurrent writer re-reads the row it waited
 * for, so of two writers at one version exactly one wins, whichever node they run on.
 * Commits are durable when acknowledged (PostgreSQL's `synchronous_commit`, on by default).
 */
import type pg from 'pg';
import {
  ConditionFailedError,
  type ClusterStore,
  type CommitResult,
  type CurrentExecutionRecord,
  type ExecutionCommit,
  type ExecutionRecord,
  type HistoryEventRow,
  type NamespaceRecord,
  type NewTaskQueueTask,
  type NewTimerTask,
  type Store,
  type TaskQueueTask,
  type TimerTask,
  type VisibilityCount,
  type VisibilityRecord,
} from '../store.js';
import type { BoundQuery } from '../../visibility/query-binder.js';
import { createPool, inTransaction, waitForDatabase, type ConnectRetry } from './connection.js';
import { migrate } from './migrations.js';
import { PostgresClusterStore } from './cluster-store.js';
import { countVisibility, listVisibility, toBuffer, upsertVisibility } from './visibility.js';

type Row = Record<string, unknown>;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** How long to wait for a database that is not up yet, and where to say so. */
  connectRetry: ConnectRetry;
  /** Told when an idle pooled connection fails (the pool replaces it). */
  onConnectionError: (err: Error) => void;
}

const TASK_COLUMNS = 'id, namespace_id, task_queue, kind, workflow_id, run_id, scheduled_event_id, attempt, created_ms';
const TIMER_COLUMNS = 'id, fire_at_ms, namespace_id, workflow_id, run_id, kind, data';

export class PostgresStore implements Store {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects (waiting for the database as `connectRetry` allows) and brings the schema up to date. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = createPool(options.url, options.onConnectionError);
    try {
      await waitForDatabase(pool, options.url, options.connectRetry);
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The queries several nodes need (cluster/), on this store's pool. */
  clusterStore(): ClusterStore {
    return new PostgresClusterStore(this.pool);
  }

  async createNamespace(ns: NamespaceRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO namespaces (id, name, retention_ms, created_ms, state, description, owner_email, data, custom_search_attributes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      namespaceParams(ns),
    );
  }

  async updateNamespace(ns: NamespaceRecord): Promise<void> {
    const result = await this.pool.query(
      `UPDATE namespaces SET name = $2, retention_ms = $3, created_ms = $4, state = $5, description = $6, owner_email = $7,
       data = $8, custom_search_attributes = $9 WHERE id = $1`,
      namespaceParams(ns),
    );
    if (result.rowCount !== 1) throw new Error(`namespace ${ns.id} does not exist`);
  }

  async deleteNamespace(id: string): Promise<void> {
    await this.pool.query('DELETE FROM namespaces WHERE id = $1', [id]);
  }

  async getNamespaceByName(name: string): Promise<NamespaceRecord | null> {
    const result = await this.pool.query<Row>('SELECT * FROM namespaces WHERE name = $1', [name]);
    const row = result.rows[0];
    return row ? toNamespace(row) : null;
  }

  async listNamespaces(): Promise<NamespaceRecord[]> {
    const result = await this.pool.query<Row>('SELECT * FROM namespaces ORDER BY created_ms, name COLLATE "C"');
    return result.rows.map(toNamespace);
  }

  async getCurrentExecution(namespaceId: string, workflowId: string): Promise<CurrentExecutionRecord | null> {
    const result = await this.pool.query<Row>(
      'SELECT run_id, status, start_request_id FROM current_executions WHERE namespace_id = $1 AND workflow_id = $2',
      [namespaceId, workflowId],
    );
    const row = result.rows[0];
    if (!row) return null;
    return {
      namespaceId,
      workflowId,
      runId: row.run_id as string,
      status: row.status as number,
      startRequestId: row.start_request_id as string,
    };
  }

  async getExecution(namespaceId: string, workflowId: string, runId: string): Promise<ExecutionRecord | null> {
    const result = await this.pool.query<Row>(
      'SELECT state, db_version FROM executions WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = $3',
      [namespaceId, workflowId, runId],
    );
    const row = result.rows[0];
    if (!row) return null;
    return { namespaceId, workflowId, runId, state: row.state as string, dbVersion: row.db_version as number };
  }

  commitExecution(commit: ExecutionCommit): Promise<CommitResult> {
    return inTransaction(this.pool, (client) => commitOne(client, commit));
  }

  async deleteExecution(namespaceId: string, workflowId: string, runId: string): Promise<void> {
    const run = [namespaceId, workflowId, runId];
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM history_events WHERE namespace_id = $1 AND run_id = $2', [namespaceId, runId]);
      await client.query('DELETE FROM executions_visibility WHERE namespace_id = $1 AND run_id = $2', [namespaceId, runId]);
      await client.query('DELETE FROM task_queue_tasks WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = $3', run);
      await client.query('DELETE FROM timer_tasks WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = $3', run);
      await client.query('DELETE FROM current_executions WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = $3', run);
      await client.query('DELETE FROM executions WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = $3', run);
    });
  }

  async listNamespaceRuns(namespaceId: string, limit: number): Promise<{ workflowId: string; runId: string }[]> {
    const result = await this.pool.query<Row>('SELECT workflow_id, run_id FROM executions WHERE namespace_id = $1 LIMIT $2', [
      namespaceId,
      limit,
    ]);
    return result.rows.map((r) => ({ workflowId: r.workflow_id as string, runId: r.run_id as string }));
  }

  listVisibility(namespaceId: string, query: BoundQuery, after: readonly unknown[] | null, limit: number): Promise<VisibilityRecord[]> {
    return listVisibility(this.pool, namespaceId, query, after, limit);
  }

  countVisibility(namespaceId: string, query: BoundQuery): Promise<VisibilityCount> {
    return countVisibility(this.pool, namespaceId, query);
  }

  async readHistory(namespaceId: string, runId: string, fromEventId: number, limit: number): Promise<HistoryEventRow[]> {
    const result = await this.pool.query<Row>(
      `SELECT event_id, data FROM history_events WHERE namespace_id = $1 AND run_id = $2 AND event_id >= $3
       ORDER BY event_id LIMIT $4`,
      [namespaceId, runId, fromEventId, limit],
    );
    return result.rows.map((r) => ({ eventId: r.event_id as number, data: r.data as Buffer }));
  }

  async deleteTaskQueueTasks(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.pool.query('DELETE FROM task_queue_tasks WHERE id = ANY($1::bigint[])', [ids]);
  }

  async deleteTimerTasks(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.pool.query('DELETE FROM timer_tasks WHERE id = ANY($1::bigint[])', [ids]);
  }

  async listTaskQueueTasks(): Promise<TaskQueueTask[]> {
    const result = await this.pool.query<Row>(`SELECT ${TASK_COLUMNS} FROM task_queue_tasks ORDER BY id`);
    return result.rows.map(toTask);
  }

  async listDueTimerTasks(untilMs: number, limit: number): Promise<TimerTask[]> {
    const result = await this.pool.query<Row>(
      `SELECT ${TIMER_COLUMNS} FROM timer_tasks WHERE fire_at_ms <= $1 ORDER BY fire_at_ms, id LIMIT $2`,
      [untilMs, limit],
    );
    return result.rows.map(toTimer);
  }

  async nextTimerFireMs(): Promise<number | null> {
    const result = await this.pool.query<{ next: number | null }>('SELECT MIN(fire_at_ms) AS next FROM timer_tasks');
    return result.rows[0]?.next ?? null;
  }
}

/**
 * Creates or upgrades the Endure schema in the PostgreSQL database at `url` (which must
 * exist), as a server does when it starts; for upgrading ahead of a start
 * (`endure server migrate`). Fails at once when the database cannot be reached.
 *
 * @example
 * const { from, to } = await migratePostgresSchema('postgres://endure@db:5432/endure');
 * console.log(from === to ? `schema at version ${to}` : `schema upgraded from ${from} to ${to}`);
 */
export async function migratePostgresSchema(url: string): Promise<{ from: number; to: number }> {
  const pool = createPool(url, () => undefined);
  try {
    await waitForDatabase(pool, url, { retryMs: 0, onRetry: () => undefined });
    const client = await pool.connect();
    try {
      return await migrate(client);
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

/** One execution's writes (and its chained new run's) inside the caller's transaction. */
async function commitOne(client: pg.ClientBase, c: ExecutionCommit): Promise<CommitResult> {
  await writeCurrentPointer(client, c);
  const dbVersion = await writeExecution(client, c);
  if (c.newEvents.length > 0) {
    await client.query(
      `INSERT INTO history_events (namespace_id, run_id, event_id, data)
       SELECT $1, $2, event_id, data FROM unnest($3::bigint[], $4::bytea[]) AS e(event_id, data)`,
      [c.namespaceId, c.runId, c.newEvents.map((e) => e.eventId), c.newEvents.map((e) => toBuffer(e.data))],
    );
  }
  if (c.visibility) await upsertVisibility(client, c.visibility);
  if (c.doneTaskQueueTaskIds.length > 0) {
    await client.query('DELETE FROM task_queue_tasks WHERE id = ANY($1::bigint[])', [c.doneTaskQueueTaskIds]);
  }
  if (c.doneTimerTaskIds.length > 0) {
    await client.query('DELETE FROM timer_tasks WHERE id = ANY($1::bigint[])', [c.doneTimerTaskIds]);
  }
  const taskQueueTasks = await insertTasks(client, c.newTaskQueueTasks);
  const timerTasks = await insertTimers(client, c.newTimerTasks);
  if (!c.newRun) return { dbVersion, taskQueueTasks, timerTasks };
  const next = await commitOne(client, c.newRun);
  return {
    dbVersion,
    newRunDbVersion: next.dbVersion,
    taskQueueTasks: [...taskQueueTasks, ...next.taskQueueTasks],
    timerTasks: [...timerTasks, ...next.timerTasks],
  };
}

async function writeCurrentPointer(client: pg.ClientBase, c: ExecutionCommit): Promise<void> {
  const { namespaceId: ns, workflowId: wf } = c;
  if (c.current) {
    const r = c.current.record;
    if (c.current.expectedRunId === null) {
      const result = await client.query(
        `INSERT INTO current_executions (namespace_id, workflow_id, run_id, status, start_request_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [ns, wf, r.runId, r.status, r.startRequestId],
      );
      if (result.rowCount !== 1) throw new ConditionFailedError(`workflow ${wf} already has a current run`);
    } else {
      const result = await client.query(
        `UPDATE current_executions SET run_id = $1, status = $2, start_request_id = $3
         WHERE namespace_id = $4 AND workflow_id = $5 AND run_id = $6`,
        [r.runId, r.status, r.startRequestId, ns, wf, c.current.expectedRunId],
      );
      if (result.rowCount !== 1) throw new ConditionFailedError(`current run of ${wf} moved`);
    }
  } else if (c.currentStatus !== undefined) {
    await client.query('UPDATE current_executions SET status = $1 WHERE namespace_id = $2 AND workflow_id = $3 AND run_id = $4', [
      c.currentStatus,
      ns,
      wf,
      c.runId,
    ]);
  }
}

/** Writes the run's state and summary; returns its new version. */
async function writeExecution(client: pg.ClientBase, c: ExecutionCommit): Promise<number> {
  const { namespaceId: ns, workflowId: wf, runId: run, summary: s } = c;
  if (c.expectedDbVersion === null) {
    const result = await client.query(
      `INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue, status, start_time_ms, close_time_ms, db_version, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) ON CONFLICT DO NOTHING`,
      [ns, wf, run, s.workflowType, s.taskQueue, s.status, s.startTimeMs, s.closeTimeMs, c.state],
    );
    if (result.rowCount !== 1) throw new ConditionFailedError(`execution ${wf}/${run} already exists`);
    return 1;
  }
  const result = await client.query(
    `UPDATE executions SET status = $1, close_time_ms = $2, db_version = db_version + 1, state = $3
     WHERE namespace_id = $4 AND workflow_id = $5 AND run_id = $6 AND db_version = $7`,
    [s.status, s.closeTimeMs, c.state, ns, wf, run, c.expectedDbVersion],
  );
  if (result.rowCount !== 1) throw new ConditionFailedError(`execution ${wf}/${run} changed concurrently`);
  return c.expectedDbVersion + 1;
}

/**
 * Rows of `tasks` inserted in order, with the ids their `BIGSERIAL` gave them. A multi-row
 * VALUES list is inserted (and numbered) in its written order, and RETURNING follows it.
 */
async function insertTasks(client: pg.ClientBase, tasks: readonly NewTaskQueueTask[]): Promise<TaskQueueTask[]> {
  if (tasks.length === 0) return [];
  const values = tasks.flatMap((t) => [
    t.namespaceId, t.taskQueue, t.kind, t.workflowId, t.runId, t.scheduledEventId, t.attempt, t.createdMs,
  ]);
  const result = await client.query<{ id: number }>(
    `INSERT INTO task_queue_tasks (namespace_id, task_queue, kind, workflow_id, run_id, scheduled_event_id, attempt, created_ms)
     VALUES ${placeholders(tasks.length, 8)} RETURNING id`,
    values,
  );
  return tasks.map((t, i) => ({ ...t, id: idAt(result.rows, i) }));
}

async function insertTimers(client: pg.ClientBase, timers: readonly NewTimerTask[]): Promise<TimerTask[]> {
  if (timers.length === 0) return [];
  const values = timers.flatMap((t) => [t.fireAtMs, t.namespaceId, t.workflowId, t.runId, t.kind, t.data]);
  const result = await client.query<{ id: number }>(
    `INSERT INTO timer_tasks (fire_at_ms, namespace_id, workflow_id, run_id, kind, data)
     VALUES ${placeholders(timers.length, 6)} RETURNING id`,
    values,
  );
  return timers.map((t, i) => ({ ...t, id: idAt(result.rows, i) }));
}

function idAt(rows: readonly { id: number }[], index: number): number {
  const row = rows[index];
  if (row === undefined) throw new Error(`INSERT … RETURNING gave ${rows.length} ids, fewer than its rows`);
  return row.id;
}

/** `($1, $2), ($3, $4)` for 2 rows of 2 columns. */
function placeholders(rows: number, columns: number): string {
  return Array.from({ length: rows }, (_, r) =>
    `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`,
  ).join(', ');
}

function toTask(r: Row): TaskQueueTask {
  return {
    id: r.id as number,
    namespaceId: r.namespace_id as string,
    taskQueue: r.task_queue as string,
    kind: r.kind as TaskQueueTask['kind'],
    workflowId: r.workflow_id as string,
    runId: r.run_id as string,
    scheduledEventId: r.scheduled_event_id as number,
    attempt: r.attempt as number,
    createdMs: r.created_ms as number,
  };
}

function toTimer(r: Row): TimerTask {
  return {
    id: r.id as number,
    fireAtMs: r.fire_at_ms as number,
    namespaceId: r.namespace_id as string,
    workflowId: r.workflow_id as string,
    runId: r.run_id as string,
    kind: r.kind as string,
    data: r.data as string,
  };
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
    data: row.data as NamespaceRecord['data'],
    customSearchAttributes: row.custom_search_attributes as NamespaceRecord['customSearchAttributes'],
  };
}

function namespaceParams(ns: NamespaceRecord): unknown[] {
  return [
    ns.id, ns.name, ns.retentionMs, ns.createdMs, ns.state, ns.description, ns.ownerEmail,
    JSON.stringify(ns.data), JSON.stringify(ns.customSearchAttributes),
  ];
}
