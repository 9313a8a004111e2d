/**
 * An online backup of a SQLite database file, for `endure server backup`: a consistent copy of
 * the file as it stood at one instant, taken while a server keeps writing to it.
 *
 * It runs in its own process (the CLI's), beside the server, on a read-only connection: the
 * server's lock is on a side file (exclusive-lock.ts), and WAL mode lets a reader see the last
 * committed state without stopping the writer. The copy is SQLite's backup API, in steps so
 * that progress can be told; one read transaction is held across all the steps, so every page
 * comes from the same snapshot. (Without it each step would take a new snapshot, and SQLite
 * would restart the copy from the first page whenever the server wrote between two steps,
 * which under load is always.) The cost of holding the snapshot: the server's checkpoints
 * cannot pass it, so its WAL file grows for as long as the copy takes.
 *
 * The copy is written beside its destination under a temporary name, checked, and renamed into
 * place, so that the destination is never a half-written file.
 */
import { accessSync, constants as fsConstants, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { loadDriver } from './driver.js';
import { sqliteMigrations } from './migrations.js';

/** Pages copied per step: 1,000 pages of 4 KiB is 4 MB between two progress reports. */
const BACKUP_STEP_PAGES = 1000;

export interface SqliteBackupOptions {
  /** The database file, in use by a server or not. */
  from: string;
  /** The file to write; it must not exist unless `force`. */
  to: string;
  /** Replace `to` if it exists. */
  force?: boolean;
  /** Told after each step how far the copy is. */
  onProgress?: (progress: SqliteBackupProgress) => void;
  /** Pages copied per step (default 1,000: 4 MB of 4 KiB pages between two progress reports). */
  stepPages?: number;
}

export interface SqliteBackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface SqliteBackupSummary {
  /** The absolute path of the backup. */
  to: string;
  pages: number;
  bytes: number;
  /** The Endure schema version of the database (and of the backup). */
  schemaVersion: number;
  durationMs: number;
}

/** A backup refused or failed for a reason the user can fix; the message is one line saying which. */
export class SqliteBackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SqliteBackupError';
  }
}

/**
 * Copies the Endure database `from` to `to`, online: a server may be running on `from`.
 *
 * @example
 * const summary = await backupSqliteDatabase({ from: 'dev.db', to: 'dev-backup.db' });
 * console.log(`${summary.pages} pages, ${summary.bytes} bytes in ${summary.durationMs} ms`);
 */
export async function backupSqliteDatabase(options: SqliteBackupOptions): Promise<SqliteBackupSummary> {
  const startedMs = Date.now();
  const from = resolve(options.from);
  const to = resolve(options.to);
  checkDestination(from, to, options.force ?? false);
  const source = openSource(from);
  const partial = join(dirname(to), `.${basename(to)}.partial-${process.pid}`);
  try {
    const schemaVersion = checkEndureSchema(source, from);
    // The snapshot every step reads from (see the header): a read transaction starts at the first read.
    source.exec('BEGIN');
    source.prepare('SELECT count(*) FROM sqlite_schema').get();
    const result = await source.backup(partial, {
      progress: (progress) => {
        options.onProgress?.(progress);
        return options.stepPages ?? BACKUP_STEP_PAGES;
      },
    });
    source.exec('COMMIT');
    checkCopy(partial, to);
    renameSync(partial, to);
    return { to, pages: result.totalPages, bytes: statSync(to).size, schemaVersion, durationMs: Date.now() - startedMs };
  } catch (err) {
    removeWithSideFiles(partial);
    if (err instanceof SqliteBackupError) throw err;
    throw new SqliteBackupError(`the backup of ${from} failed: ${messageOf(err)}`, { cause: err });
  } finally {
    source.close();
  }
}

function checkDestination(from: string, to: string, force: boolean): void {
  if (to === from) throw new SqliteBackupError(`the backup would overwrite the database itself (${to}); give another file`);
  if (existsSync(to)) {
    if (!statSync(to).isFile()) throw new SqliteBackupError(`${to} exists and is not a file`);
    if (!force) throw new SqliteBackupError(`${to} already exists; pass --force to replace it`);
  }
  const dir = dirname(to);
  if (!existsSync(dir)) throw new SqliteBackupError(`cannot write the backup: the folder ${dir} does not exist`);
  try {
    accessSync(dir, fsConstants.W_OK);
  } catch (err) {
    throw new SqliteBackupError(`cannot write the backup: the folder ${dir} is not writable`, { cause: err });
  }
}

function openSource(filename: string): Database.Database {
  if (!existsSync(filename)) throw new SqliteBackupError(`no such database: ${filename} does not exist`);
  if (!statSync(filename).isFile()) throw new SqliteBackupError(`${filename} is not a file`);
  try {
    const db = new (loadDriver())(filename, { readonly: true, fileMustExist: true });
    // A server's commit holds the WAL write lock only briefly; a reader seldom waits at all.
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw new SqliteBackupError(`cannot open ${filename}: ${messageOf(err)}`, { cause: err });
  }
}

/** The schema version, after checking that this is an Endure database this code knows. */
function checkEndureSchema(db: Database.Database, filename: string): number {
  let version: number;
  let hasExecutions: boolean;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    hasExecutions = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'executions'").get() !== undefined;
  } catch (err) {
    if (sqliteCode(err) === 'SQLITE_NOTADB') throw new SqliteBackupError(`${filename} is not an SQLite database`, { cause: err });
    throw err;
  }
  if (version === 0 || !hasExecutions) {
    throw new SqliteBackupError(`${filename} is an SQLite file but not an Endure database (no Endure schema in it)`);
  }
  if (version > sqliteMigrations.length) {
    throw new SqliteBackupError(
      `${filename} has schema version ${version}, newer than this Endure knows (${sqliteMigrations.length}); back it up with that version`,
    );
  }
  return version;
}

/** Reads the whole copy back (SQLite's quick_check) before it takes the destination's name. */
function checkCopy(partial: string, to: string): void {
  const copy = new (loadDriver())(partial, { fileMustExist: true });
  try {
    const result = copy.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new SqliteBackupError(`the copy failed its check (${String(result)}); ${to} was left as it was`);
    // The copy keeps the source's WAL mode; fold anything in its WAL into the file, which is then the whole backup.
    copy.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    copy.close();
  }
}

function removeWithSideFiles(filename: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(filename + suffix, { force: true });
}

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
