/**
 * Schedules in the SQLite store (migration 3): a schedule's row and its timer rows written in
 * one transaction, so a schedule never points at a next action whose timer row is missing, and
 * a stale writer (an old conflict token, a second owner) changes nothing.
 */
import type Database from 'better-sqlite3';
import {
  ConditionFailedError,
  SCHEDULE_TIMER_RUN_ID,
  type ScheduleCommit,
  type ScheduleCommitResult,
  type ScheduleRecord,
  type TimerTask,
} from '../store.js';

type Row = Record<string, unknown>;

/**
 * The schedules' run id as an SQL literal, not a parameter: only a literal lets SQLite use the
 * partial index `timer_tasks_of_schedules` (migration 3, `WHERE run_id = ''`).
 */
const SCHEDULE_RUN_ID_LITERAL = `'${SCHEDULE_TIMER_RUN_ID.replaceAll("'", "''")}'`;

export class SqliteSchedules {
  private readonly stmts;
  private readonly commitTx: (commit: ScheduleCommit) => ScheduleCommitResult;

  constructor(db: Database.Database) {
    this.stmts = prepare(db);
    this.commitTx = db.transaction((c: ScheduleCommit) => this.commitInTransaction(c));
  }

  commit(c: ScheduleCommit): ScheduleCommitResult {
    return this.commitTx(c);
  }

  get(namespaceId: string, scheduleId: string): ScheduleRecord | null {
    const row = this.stmts.get.get(namespaceId, scheduleId) as Row | undefined;
    return row ? toSchedule(row) : null;
  }

  list(namespaceId: string, afterScheduleId: string | null, limit: number): ScheduleRecord[] {
    const rows =
      afterScheduleId === null
        ? this.stmts.listFirst.all(namespaceId, Math.max(limit, 0))
        : this.stmts.listAfter.all(namespaceId, afterScheduleId, Math.max(limit, 0));
    return (rows as Row[]).map(toSchedule);
  }

  /** A namespace's schedules and their timer rows; runs inside the caller's transaction. */
  deleteNamespace(namespaceId: string): void {
    this.stmts.deleteNamespaceTimers.run(namespaceId);
    this.stmts.deleteNamespaceSchedules.run(namespaceId);
  }

  /** The schedule's row first: a commit refused by its guard has written nothing yet. */
  private commitInTransaction(c: ScheduleCommit): ScheduleCommitResult {
    const s = this.stmts;
    if (!this.writeRow(c)) {
      const reason = c.expectedDbVersion === null ? 'already exists' : 'changed concurrently';
      throw new ConditionFailedError(`schedule ${c.scheduleId} ${reason}`);
    }
    for (const timerId of c.doneTimerTaskIds) s.deleteTimer.run(timerId);
    if (c.state === null) s.deleteScheduleTimers.run(c.namespaceId, c.scheduleId);
    const timerTasks: TimerTask[] = c.newTimerTasks.map((t) => ({ ...t, id: Number(s.insertTimer.run(t).lastInsertRowid) }));
    return { dbVersion: c.state === null ? 0 : (c.expectedDbVersion ?? 0) + 1, timerTasks };
  }

  /** Creates, updates or deletes the schedule's row under its guard; false when the guard fails. */
  private writeRow(c: ScheduleCommit): boolean {
    const s = this.stmts;
    const { namespaceId: ns, scheduleId: id, expectedDbVersion: expected } = c;
    if (expected === null) {
      // Deleting a schedule that must not exist writes no row; the guard still holds.
      if (c.state === null) return s.exists.get(ns, id) === undefined;
      return s.insert.run(ns, id, c.state).changes === 1;
    }
    if (c.state === null) return s.delete.run(ns, id, expected).changes === 1;
    return s.update.run(c.state, ns, id, expected).changes === 1;
  }
}

function prepare(db: Database.Database) {
  const columns = 'namespace_id, schedule_id, state, db_version';
  return {
    get: db.prepare(`SELECT ${columns} FROM schedules WHERE namespace_id = ? AND schedule_id = ?`),
    exists: db.prepare('SELECT 1 FROM schedules WHERE namespace_id = ? AND schedule_id = ?'),
    listFirst: db.prepare(`SELECT ${columns} FROM schedules WHERE namespace_id = ? ORDER BY schedule_id LIMIT ?`),
    listAfter: db.prepare(
      `SELECT ${columns} FROM schedules WHERE namespace_id = ? AND schedule_id > ? ORDER BY schedule_id LIMIT ?`,
    ),
    insert: db.prepare(
      'INSERT INTO schedules (namespace_id, schedule_id, state, db_version) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING',
    ),
    update: db.prepare(
      'UPDATE schedules SET state = ?, db_version = db_version + 1 WHERE namespace_id = ? AND schedule_id = ? AND db_version = ?',
    ),
    delete: db.prepare('DELETE FROM schedules WHERE namespace_id = ? AND schedule_id = ? AND db_version = ?'),
    insertTimer: db.prepare(
      `INSERT INTO timer_tasks (fire_at_ms, namespace_id, workflow_id, run_id, kind, data)
       VALUES (@fireAtMs, @namespaceId, @workflowId, @runId, @kind, @data)`,
    ),
    deleteTimer: db.prepare('DELETE FROM timer_tasks WHERE id = ?'),
    deleteScheduleTimers: db.prepare(
      `DELETE FROM timer_tasks WHERE namespace_id = ? AND workflow_id = ? AND run_id = ${SCHEDULE_RUN_ID_LITERAL}`,
    ),
    deleteNamespaceTimers: db.prepare(`DELETE FROM timer_tasks WHERE namespace_id = ? AND run_id = ${SCHEDULE_RUN_ID_LITERAL}`),
    deleteNamespaceSchedules: db.prepare('DELETE FROM schedules WHERE namespace_id = ?'),
  };
}

function toSchedule(row: Row): ScheduleRecord {
  return {
    namespaceId: row.namespace_id as string,
    scheduleId: row.schedule_id as string,
    state: row.state as string,
    dbVersion: row.db_version as number,
  };
}
