/**
 * Schedules in the PostgreSQL store (migration 4): a schedule's row and its timer rows in one
 * plain transaction on a pooled connection. Not the group commit's `endure_commit`: a schedule
 * commits about once per action, far less often than runs, and its own transaction keeps the
 * execution commit function unchanged.
 *
 * The guard is the schedule's row, written first (READ COMMITTED): `INSERT … ON CONFLICT DO
 * NOTHING` on create, `UPDATE`/`DELETE … WHERE db_version = expected` otherwise. A writer that
 * waited for a concurrent one re-reads the row it waited for, so of two writers at one version
 * (two nodes, or a stale conflict token) exactly one wins; the other writes nothing and gets
 * ConditionFailedError. Taking the schedule's row before any timer row also keeps two commits of
 * one schedule from deadlocking on its timer rows.
 */
import type pg from 'pg';
import {
  ConditionFailedError,
  SCHEDULE_TIMER_RUN_ID,
  type ScheduleCommit,
  type ScheduleCommitResult,
  type ScheduleRecord,
  type TimerTask,
} from '../store.js';
import { inTransaction } from './connection.js';

type Row = Record<string, unknown>;

/** PostgreSQL's deadlock_detected: the transaction it hit wrote nothing, and the caller reloads and retries. */
const DEADLOCK_SQLSTATE = '40P01';
/** unique_violation: a schedule created by someone else meanwhile (kept as a guard; ON CONFLICT catches it first). */
const UNIQUE_VIOLATION_SQLSTATE = '23505';

/**
 * The schedules' run id as an SQL literal, not a parameter: only a literal lets the planner
 * use the partial index `timer_tasks_of_schedules` (migration 4, `WHERE run_id = ''`).
 */
const SCHEDULE_RUN_ID_LITERAL = `'${SCHEDULE_TIMER_RUN_ID.replaceAll("'", "''")}'`;

const SCHEDULE_COLUMNS = 'namespace_id, schedule_id, state, db_version';

export async function commitSchedule(pool: pg.Pool, c: ScheduleCommit): Promise<ScheduleCommitResult> {
  try {
    return await inTransaction(pool, (client) => commitInTransaction(client, c));
  } catch (err) {
    const code = sqlstate(err);
    if (code === DEADLOCK_SQLSTATE || code === UNIQUE_VIOLATION_SQLSTATE) {
      throw new ConditionFailedError(`schedule ${c.scheduleId}: ${err instanceof Error ? err.message : String(err)}`);
    }
    throw err;
  }
}

export async function getSchedule(pool: pg.Pool, namespaceId: string, scheduleId: string): Promise<ScheduleRecord | null> {
  const result = await pool.query<Row>({
    name: 'endure_schedule_get',
    text: `SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE namespace_id = $1 AND schedule_id = $2`,
    values: [namespaceId, scheduleId],
  });
  const row = result.rows[0];
  return row ? toSchedule(row) : null;
}

/** Keyset pages on the primary key, whose ids are in C collation (see migration 4). */
export async function listSchedules(
  pool: pg.Pool,
  namespaceId: string,
  afterScheduleId: string | null,
  limit: number,
): Promise<ScheduleRecord[]> {
  const rowsMax = Math.max(limit, 0);
  const result =
    afterScheduleId === null
      ? await pool.query<Row>({
          name: 'endure_schedule_list_first',
          text: `SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE namespace_id = $1 ORDER BY schedule_id LIMIT $2`,
          values: [namespaceId, rowsMax],
        })
      : await pool.query<Row>({
          name: 'endure_schedule_list_after',
          text: `SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE namespace_id = $1 AND schedule_id > $2
           ORDER BY schedule_id LIMIT $3`,
          values: [namespaceId, afterScheduleId, rowsMax],
        });
  return result.rows.map(toSchedule);
}

/** A namespace's schedules and their timer rows, inside the caller's transaction. */
export async function deleteNamespaceSchedules(client: pg.ClientBase, namespaceId: string): Promise<void> {
  await client.query(`DELETE FROM timer_tasks WHERE namespace_id = $1 AND run_id = ${SCHEDULE_RUN_ID_LITERAL}`, [namespaceId]);
  await client.query('DELETE FROM schedules WHERE namespace_id = $1', [namespaceId]);
}

async function commitInTransaction(client: pg.ClientBase, c: ScheduleCommit): Promise<ScheduleCommitResult> {
  if (!(await writeRow(client, c))) {
    const reason = c.expectedDbVersion === null ? 'already exists' : 'changed concurrently';
    throw new ConditionFailedError(`schedule ${c.scheduleId} ${reason}`);
  }
  if (c.doneTimerTaskIds.length > 0) {
    await client.query({
      name: 'endure_schedule_done_timers',
      text: 'DELETE FROM timer_tasks WHERE id = ANY($1::bigint[])',
      values: [c.doneTimerTaskIds],
    });
  }
  if (c.state === null) {
    await client.query({
      name: 'endure_schedule_delete_timers',
      text: `DELETE FROM timer_tasks WHERE namespace_id = $1 AND workflow_id = $2 AND run_id = ${SCHEDULE_RUN_ID_LITERAL}`,
      values: [c.namespaceId, c.scheduleId],
    });
  }
  // One row at a time: each id is known to belong to its timer, in the order given (a schedule
  // adds one or two timers per commit).
  const timerTasks: TimerTask[] = [];
  for (const t of c.newTimerTasks) {
    const result = await client.query<{ id: number }>({
      name: 'endure_schedule_insert_timer',
      text: `INSERT INTO timer_tasks (fire_at_ms, namespace_id, workflow_id, run_id, kind, data)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      values: [t.fireAtMs, t.namespaceId, t.workflowId, t.runId, t.kind, t.data],
    });
    const id = result.rows[0]?.id;
    if (id === undefined) throw new Error('INSERT INTO timer_tasks … RETURNING id gave no id');
    timerTasks.push({ ...t, id });
  }
  return { dbVersion: c.state === null ? 0 : (c.expectedDbVersion ?? 0) + 1, timerTasks };
}

/** Creates, updates or deletes the schedule's row under its guard; false when the guard fails. */
async function writeRow(client: pg.ClientBase, c: ScheduleCommit): Promise<boolean> {
  const { namespaceId: ns, scheduleId: id, expectedDbVersion: expected } = c;
  if (expected === null) {
    if (c.state === null) {
      // Deleting a schedule that must not exist writes no row; the guard still holds.
      const found = await client.query('SELECT 1 FROM schedules WHERE namespace_id = $1 AND schedule_id = $2', [ns, id]);
      return found.rowCount === 0;
    }
    const inserted = await client.query({
      name: 'endure_schedule_insert',
      text: `INSERT INTO schedules (${SCHEDULE_COLUMNS}) VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING`,
      values: [ns, id, c.state],
    });
    return inserted.rowCount === 1;
  }
  if (c.state === null) {
    const deleted = await client.query({
      name: 'endure_schedule_delete',
      text: 'DELETE FROM schedules WHERE namespace_id = $1 AND schedule_id = $2 AND db_version = $3',
      values: [ns, id, expected],
    });
    return deleted.rowCount === 1;
  }
  const updated = await client.query({
    name: 'endure_schedule_update',
    text: 'UPDATE schedules SET state = $4, db_version = db_version + 1 WHERE namespace_id = $1 AND schedule_id = $2 AND db_version = $3',
    values: [ns, id, expected, c.state],
  });
  return updated.rowCount === 1;
}

function sqlstate(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function toSchedule(row: Row): ScheduleRecord {
  return {
    namespaceId: row.namespace_id as string,
    scheduleId: row.schedule_id as string,
    state: row.state as string,
    dbVersion: row.db_version as number,
  };
}
