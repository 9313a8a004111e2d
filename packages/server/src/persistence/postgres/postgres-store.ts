/**
 * Store on PostgreSQL through a pool of `pg` connections. Execution commits are group
 * committed (commit-batcher.ts): a batch is one statement, `endure_commit`, in which each
 * commit is a subtransaction (READ COMMITTED) whose writes that guard it are conditional —
 * the current-run pointer `UPDATE … WHERE run_id = expected`, the run
 * `UPDATE … WHERE db_version = expected`, new rows `INSERT … ON CONFLICT DO NOTHING` — and a
 * guard that matches no row rolls that commit back alone with ConditionFailedError. Under READ
 * COMMITTED a guarded UPDATE that waited for a concurrent writer re-reads the row it waited
 * for, so of two writers at one version exactly one wins, whichever node they run on.
 * Commits are durable when acknowledged (PostgreSQL's `synchronous_commit`, on by default).
 */
import type pg from 'pg';
import {
  type ClusterStore,
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
import { createPool, inTransaction, waitForDatabase, type ConnectRetry } from './connection.js';
import { migrate } from './migrations.js';
import { PostgresClusterStore } from './cluster-store.js';
import { toTask, toTimer } from './rows.js';
import { countVisibility, listVisibility } from './visibility.js';
import { CommitBatcher } from './commit-batcher.js';
import { commitSchedule, deleteNamespaceSchedules, getSchedule, listSchedules } from './schedules.js';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from './api-keys.js';

type Row = Record<string, unknown>;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** How long to wait for a database that is not up yet, and where to say so. */
  connectRetry: ConnectRetry;
  /** Connections kept open at most (default 10). */
  poolSize?: number;
  /** Told when an idle pooled connection fails (the pool replaces it). */
  onConnectionError: (err: Error) => void;
}

/**
 * Commit batches running at once. Two keep commits flowing while one batch waits on a row
 * another node holds; more split the load into smaller batches that wait on each other's
 * visibility counters (W1 was slower with 4 than with 1 or 2, see bench/README.md).
 */
const COMMIT_BATCHES_IN_FLIGHT_MAX = 2;

const TASK_COLUMNS = 'id, namespace_id, task_queue, kind, workflow_id, run_id, scheduled_event_id, attempt, created_ms';
const TIMER_COLUMNS = 'id, fire_at_ms, namespace_id, workflow_id, run_id, kind, data';

/*
 * The queries of the hot path (a workflow task reads history; timers are polled) are named:
 * pg prepares a named query once per connection, so PostgreSQL parses and plans it once.
 */
export class PostgresStore implements Store {
  private readonly commits: CommitBatcher;

  private constructor(private readonly pool: pg.Pool) {
    this.commits = new CommitBatcher(pool, COMMIT_BATCHES_IN_FLIGHT_MAX);
  }

  /** Told how many commits each group commit holds (observability/). */
  set onGroupCommit(observer: ((commits: number) => void) | null) {
    this.commits.onBatch = observer;
  }

  /** Connects (waiting for the database as `connectRetry` allows) and brings the schema up to date. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = createPool(options.url, options.onConnectionError, options.poolSize);
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
    await inTransaction(this.pool, async (client) => {
      await deleteNamespaceSchedules(client, id);
      await client.query('DELETE FROM namespaces WHERE id = $1', [id]);
    });
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
    const result = await this.pool.query<Row>({
      name: 'endure_current_execution',
      text: 'SELECT run_id, status, start_request_id FROM current_executions WHERE namespace_id = $1 AND workflow_id = $2',
      values: [namespaceId, workflowId],
    });
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
    const result = await this.pool.query<Row>({
      name: 'endure_execution',
      text: 'SELECT state, db_version FROM executions WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = $3',
      values: [namespaceId, workflowId, runId],
    });
    const row = result.rows[0];
    if (!row) return null;
    return { namespaceId, workflowId, runId, state: row.state as string, dbVersion: row.db_version as number };
  }

  commitExecution(commit: ExecutionCommit): Promise<CommitResult> {
    return this.commits.commit(commit);
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
    const result = await this.pool.query<Row>({
      name: 'endure_read_history',
      text: `SELECT event_id, data FROM history_events WHERE namespace_id = $1 AND run_id = $2 AND event_id >= $3
       ORDER BY event_id LIMIT $4`,
      values: [namespaceId, runId, fromEventId, limit],
    });
    return result.rows.map((r) => ({ eventId: r.event_id as number, data: r.data as Buffer }));
  }

  async deleteTaskQueueTasks(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.pool.query('DELETE FROM task_queue_tasks WHERE id = ANY($1::bigint[])', [ids]);
  }

  commitSchedule(commit: ScheduleCommit): Promise<ScheduleCommitResult> {
    return commitSchedule(this.pool, commit);
  }

  getSchedule(namespaceId: string, scheduleId: string): Promise<ScheduleRecord | null> {
    return getSchedule(this.pool, namespaceId, scheduleId);
  }

  listSchedules(namespaceId: string, afterScheduleId: string | null, limit: number): Promise<ScheduleRecord[]> {
    return listSchedules(this.pool, namespaceId, afterScheduleId, limit);
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return createApiKey(this.pool, key);
  }

  getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return getApiKey(this.pool, id);
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return listApiKeys(this.pool);
  }

  revokeApiKey(id: string): Promise<boolean> {
    return revokeApiKey(this.pool, id);
  }

  async deleteTimerTasks(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.pool.query('DELETE FROM timer_tasks WHERE id = ANY($1::bigint[])', [ids]);
  }

  async listTaskQueueTasks(): Promise<TaskQueueTask[]> {
    const result = await this.pool.query<Row>(`SELECT ${TASK_COLUMNS} FROM task_queue_tasks ORDER BY id`);
    return result.rows.map(toTask);
  }

  async listDueTimerTasks(untilMs: number, limit: number): Promise<TimerTask[]> {
    const result = await this.pool.query<Row>({
      name: 'endure_due_timers',
      text: `SELECT ${TIMER_COLUMNS} FROM timer_tasks WHERE fire_at_ms <= $1 ORDER BY fire_at_ms, id LIMIT $2`,
      values: [untilMs, limit],
    });
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
