/**
 * From embedded to PostgreSQL: copies a dev server's SQLite file, table by table, into a
 * PostgreSQL database, so that its workflows go on running on a server started there
 * (`endure server migrate-data`).
 *
 * It copies rows, not records through the Store interface: a run's or a schedule's mutable
 * state, its `db_version`, the ids of its task and timer rows (which the state names) and a
 * run's visibility row must arrive exactly as they were, and the interface has no way to write
 * a run or a schedule at a given version or a task with a given id. The two schemas are the
 * same table for table (postgres/migrations.ts); each value is converted by the type of its
 * target column, read from PostgreSQL's catalog, and a source column the target lacks fails
 * the copy loudly.
 *
 * Safety: the file's lock (sqlite/exclusive-lock.ts) is held for the whole copy, so a running
 * server makes it refuse and no server can start on the file meanwhile; the target must be
 * empty and stays locked against writers until the one transaction of the copy commits, after
 * the row counts of both sides were compared. A failure leaves the target as it was.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { addressOf, createPool, describeUrl, waitForDatabase } from './postgres/connection.js';
import { migrate } from './postgres/migrations.js';
import { DatabaseInUseError, lockDatabaseFile, type DatabaseFileLock } from './sqlite/exclusive-lock.js';
import { sqliteMigrations } from './sqlite/migrations.js';

/** The tables copied, parents first. `visibility_status_counts` is not: the target's triggers rebuild it. */
export const MIGRATED_TABLES = [
  'namespaces',
  'executions',
  'current_executions',
  'history_events',
  'task_queue_tasks',
  'timer_tasks',
  'executions_visibility',
  'schedules',
  'api_keys',
] as const;
export type MigratedTable = (typeof MIGRATED_TABLES)[number];

/** Source columns that are SQLite's business only: the rowid the full-text index points at. */
const SQLITE_ONLY_COLUMNS: Partial<Record<MigratedTable, readonly string[]>> = {
  executions_visibility: ['id'],
};

/** Tables whose `id` comes from a sequence that must continue after the copied ids. */
const SEQUENCED_TABLES: readonly MigratedTable[] = ['task_queue_tasks', 'timer_tasks'];

/** Most rows, and about the most bytes, sent in one INSERT. */
const BATCH_ROWS_MAX = 1_000;
const BATCH_BYTES_MAX = 8 * 1024 * 1024;
/** A progress line per tenth of a table, and at most one per this many rows. */
const PROGRESS_ROWS_MIN = 10_000;

export interface MigrateDataOptions {
  /** The dev server's SQLite database file. */
  sqliteFilename: string;
  /** `postgres://user:password@host:port/database`; the database must exist. */
  postgresUrl: string;
  /** Told what is happening, a line at a time. */
  onProgress?: (line: string) => void;
}

export interface MigrateDataSummary {
  /** Rows copied per table, as counted on both sides. */
  rows: Record<MigratedTable, number>;
  sqliteSchemaVersion: number;
  postgresSchemaVersion: number;
  durationMs: number;
}

/**
 * A migration refused or failed for a reason the user can fix (a missing or foreign file, a
 * file in use, an unreachable or non-empty target); the message is one line saying which.
 */
export class MigrateDataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrateDataError';
  }
}

/**
 * Copies every namespace, run, current-run pointer, history event, task, timer, visibility row
 * and schedule of the SQLite file into the (empty) PostgreSQL database, creating its schema first.
 *
 * @example
 * const summary = await migrateData({
 *   sqliteFilename: 'dev.db',
 *   postgresUrl: 'postgres://endure@db:5432/endure',
 *   onProgress: (line) => console.log(line),
 * });
 * console.log(`${summary.rows.executions} runs copied`);
 */
export async function migrateData(options: MigrateDataOptions): Promise<MigrateDataSummary> {
  const startedMs = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const source = openSource(options.sqliteFilename, progress);
  try {
    const pool = createPool(options.postgresUrl, () => undefined);
    try {
      const client = await connectTarget(pool, options.postgresUrl);
      try {
        const { to } = await migrate(client);
        progress(`${describeUrl(options.postgresUrl)}: schema at version ${to}`);
        const rows = await copyAll(source.db, client, options.postgresUrl, progress);
        return { rows, sqliteSchemaVersion: source.version, postgresSchemaVersion: to, durationMs: Date.now() - startedMs };
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  } finally {
    source.db.close();
    source.lock.release();
  }
}

/** Opens the file with its lock held, its schema brought up to this code's version. */
function openSource(
  filename: string,
  progress: (line: string) => void,
): { db: Database.Database; version: number; lock: DatabaseFileLock } {
  if (!existsSync(filename)) throw new MigrateDataError(`the SQLite file ${filename} does not exist`);
  if (!statSync(filename).isFile()) throw new MigrateDataError(`${filename} is not a file`);
  let lock: DatabaseFileLock | undefined;
  let db: Database.Database | undefined;
  try {
    lock = lockDatabaseFile(filename);
    const opened = new (loadDriver())(filename, { fileMustExist: true });
    db = opened;
    const version = opened.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw new MigrateDataError(`${filename} is an SQLite file but holds no Endure database (schema version 0)`);
    if (version > sqliteMigrations.length) {
      throw new MigrateDataError(
        `${filename} has schema version ${version}, newer than this Endure knows (${sqliteMigrations.length}); upgrade Endure`,
      );
    }
    // As a server starting on the file would, so that the columns match the target's.
    for (let v = version; v < sqliteMigrations.length; v++) {
      opened.transaction(() => {
        opened.exec(sqliteMigrations[v]!);
        opened.pragma(`user_version = ${v + 1}`);
      })();
    }
    if (version < sqliteMigrations.length) progress(`${filename}: schema upgraded from version ${version} to ${sqliteMigrations.length}`);
    return { db: opened, version: sqliteMigrations.length, lock };
  } catch (err) {
    if (db?.open) db.close();
    lock?.release();
    if (err instanceof MigrateDataError) throw err;
    if (err instanceof DatabaseInUseError) {
      throw new MigrateDataError(
        `the SQLite file ${filename} is in use by a running Endure server (it holds the file's lock); stop that server, then migrate`,
        { cause: err },
      );
    }
    const code = sqliteCode(err);
    if (code === 'SQLITE_NOTADB') throw new MigrateDataError(`${filename} is not an SQLite database`, { cause: err });
    if (code?.startsWith('SQLITE_')) throw new MigrateDataError(`cannot open the SQLite file ${filename}: ${messageOf(err)}`, { cause: err });
    throw err;
  }
}

async function connectTarget(pool: pg.Pool, url: string): Promise<pg.PoolClient> {
  try {
    await waitForDatabase(pool, url, { retryMs: 0, onRetry: () => undefined });
    return await pool.connect();
  } catch (err) {
    throw new MigrateDataError(err instanceof Error ? err.message : `cannot connect to PostgreSQL at ${addressOf(url)}`, {
      cause: err,
    });
  }
}

/** The whole copy in one transaction on `client`: nothing of it is visible, or all of it. */
async function copyAll(
  source: Database.Database,
  client: pg.ClientBase,
  url: string,
  progress: (line: string) => void,
): Promise<Record<MigratedTable, number>> {
  const rows = {} as Record<MigratedTable, number>;
  await client.query('BEGIN');
  try {
    // Readers may look; a server starting meanwhile waits for the commit to write its namespaces.
    await client.query(`LOCK TABLE ${MIGRATED_TABLES.join(', ')} IN EXCLUSIVE MODE`);
    await refuseUnlessEmpty(client, url);
    for (const table of MIGRATED_TABLES) rows[table] = await copyTable(source, client, table, progress);
    for (const table of SEQUENCED_TABLES) await continueSequence(source, client, table);
    await verifyCounts(client, rows);
  } catch (err) {
    // The copy's error is the one to report; a rollback that fails means the connection (and
    // with it the transaction) is gone already.
    await client.query('ROLLBACK').catch(() => undefined);
    if (err instanceof MigrateDataError) throw err;
    throw new MigrateDataError(`the copy failed and was rolled back, the target is as it was: ${messageOf(err)}`, { cause: err });
  }
  try {
    await client.query('COMMIT');
  } catch (err) {
    // A connection lost during COMMIT leaves the outcome unknown; running again finds out.
    throw new MigrateDataError(
      `the commit of the copy failed, so it may or may not have landed (${messageOf(err)}); run migrate-data again: ` +
        'it copies if the target is still empty and refuses if it is not',
      { cause: err },
    );
  }
  return rows;
}

async function refuseUnlessEmpty(client: pg.ClientBase, url: string): Promise<void> {
  const held: string[] = [];
  for (const table of MIGRATED_TABLES) {
    const result = await client.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${table}`);
    const n = result.rows[0]?.n ?? 0;
    if (n > 0) held.push(`${n} ${table}`);
  }
  if (held.length === 0) return;
  throw new MigrateDataError(
    `the PostgreSQL database ${describeUrl(url)} already holds Endure data (${held.join(', ')}); ` +
      'migrate-data copies into an empty database only: create a new database (CREATE DATABASE …) and pass its URL, ' +
      'or drop this one and create it again to start over',
  );
}

interface ColumnPlan {
  name: string;
  /** PostgreSQL's element type name (`int8`, `text`, `bool`, `jsonb`, `bytea`, …). */
  pgType: string;
}

/** The columns to copy: every source column, each with its target type. */
async function planColumns(source: Database.Database, client: pg.ClientBase, table: MigratedTable): Promise<ColumnPlan[]> {
  const sourceColumns = (source.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  const result = await client.query<{ column_name: string; udt_name: string }>(
    `SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  const targetTypes = new Map(result.rows.map((r) => [r.column_name, r.udt_name]));
  const skipped = SQLITE_ONLY_COLUMNS[table] ?? [];
  const plan: ColumnPlan[] = [];
  for (const name of sourceColumns) {
    if (skipped.includes(name)) continue;
    const pgType = targetTypes.get(name);
    // Both schemas come from this code: a column only one side has is a bug, and copying the
    // rest would lose its values silently.
    if (pgType === undefined) throw new Error(`column ${table}.${name} of the SQLite schema has no place in the PostgreSQL schema`);
    plan.push({ name, pgType });
  }
  return plan;
}

async function copyTable(
  source: Database.Database,
  client: pg.ClientBase,
  table: MigratedTable,
  progress: (line: string) => void,
): Promise<number> {
  const columns = await planColumns(source, client, table);
  const total = (source.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const names = columns.map((c) => c.name).join(', ');
  const insert =
    `INSERT INTO ${table} (${names}) ` +
    `SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ')})`;
  const progressEvery = Math.max(PROGRESS_ROWS_MIN, Math.ceil(total / 10));
  let copied = 0;
  let batch: unknown[][] = columns.map(() => []);
  let batchRows = 0;
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batchRows === 0) return;
    await client.query(insert, batch);
    copied += batchRows;
    if (Math.floor(copied / progressEvery) > Math.floor((copied - batchRows) / progressEvery) && copied < total) {
      progress(`${table}: ${copied} of ${total} rows`);
    }
    batch = columns.map(() => []);
    batchRows = 0;
    batchBytes = 0;
  };
  // Nothing else runs on the SQLite connection while this iterator is open (the driver forbids it).
  for (const row of source.prepare(`SELECT ${names} FROM ${table}`).raw().iterate() as Iterable<unknown[]>) {
    columns.forEach((column, i) => {
      const value = toTarget(column, row[i]);
      batch[i]!.push(value);
      batchBytes += sizeOf(value);
    });
    batchRows++;
    if (batchRows >= BATCH_ROWS_MAX || batchBytes >= BATCH_BYTES_MAX) await flush();
  }
  await flush();
  progress(`${table}: ${copied} ${copied === 1 ? 'row' : 'rows'} copied`);
  return copied;
}

/** A SQLite value as the target column takes it. */
function toTarget(column: ColumnPlan, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // SQLite keeps booleans as 0/1. Everything else maps as it is: integers and reals to numbers,
  // JSON text to jsonb (which parses it), blobs (Buffers) to bytea.
  if (column.pgType === 'bool') return value === 1 || value === 1n || value === '1';
  return value;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Buffer.isBuffer(value)) return value.byteLength;
  return 8;
}

/**
 * Sets the target's id sequence past every id the file ever handed out (SQLite's
 * AUTOINCREMENT counter, which may be past the last row), so a new row never takes an id a
 * run's state still names.
 */
async function continueSequence(source: Database.Database, client: pg.ClientBase, table: MigratedTable): Promise<void> {
  const counter = source.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined;
  const maxId = (source.prepare(`SELECT MAX(id) AS id FROM ${table}`).get() as { id: number | null }).id ?? 0;
  const last = Math.max(counter?.seq ?? 0, maxId);
  if (last === 0) return;
  await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2, true)`, [table, last]);
}

/** Counts every table on the target (and the status counters the triggers kept) against the copy's. */
async function verifyCounts(client: pg.ClientBase, rows: Record<MigratedTable, number>): Promise<void> {
  const mismatches: string[] = [];
  for (const table of MIGRATED_TABLES) {
    const result = await client.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${table}`);
    const n = result.rows[0]?.n ?? 0;
    if (n !== rows[table]) mismatches.push(`${table}: ${rows[table]} in SQLite, ${n} in PostgreSQL`);
  }
  const counters = await client.query<{ n: number | null }>('SELECT SUM(runs)::bigint AS n FROM visibility_status_counts');
  const counted = counters.rows[0]?.n ?? 0;
  if (counted !== rows.executions_visibility) {
    mismatches.push(`visibility status counters: ${counted}, for ${rows.executions_visibility} visibility rows`);
  }
  if (mismatches.length > 0) throw new Error(`row counts differ between the file and the copy: ${mismatches.join('; ')}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function loadDriver(): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (err) {
    throw new MigrateDataError('migrate-data reads the SQLite file with the package better-sqlite3: npm install better-sqlite3', {
      cause: err,
    });
  }
}
