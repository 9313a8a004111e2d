/**
 * One server per database file. Two servers on one file would both hand out every task and
 * fire every timer, and each would trust an in-memory view of task queues the other keeps
 * changing; so the second one refuses to start instead.
 *
 * The lock is SQLite's own, taken on a side file (`<database>.lock`) rather than on the
 * database: a connection in EXCLUSIVE locking mode keeps the file lock it takes until it
 * closes, and the OS drops that lock when the process dies, `kill -9` included, so a
 * restarted server gets the file back at once (no stale lock to clean up). Locking the side
 * file instead of the database leaves the database itself in ordinary WAL mode, so that
 * other processes can read it while the server runs: `endure server backup` copies it
 * online, and the `sqlite3` shell can look at it. See docs/decisions.md.
 */
import type Database from 'better-sqlite3';
import { loadDriver } from './driver.js';

/**
 * The database file is held by another server (or another program that locked it):
 * `EndureServer.start` rejects with it.
 *
 * @example
 * ```ts
 * try {
 *   await EndureServer.start({ dbFilename: 'endure.db' });
 * } catch (err) {
 *   if (err instanceof DatabaseInUseError) console.error(`${err.filename} is in use`);
 * }
 * ```
 */
export class DatabaseInUseError extends Error {
  constructor(
    /** The database file that is in use. */
    readonly filename: string,
    options?: ErrorOptions,
  ) {
    super(
      `another Endure server is using the database file ${filename} (it holds the lock on ${lockFilenameOf(filename)}); ` +
        'stop that server, or give this one another database file',
      options,
    );
    this.name = 'DatabaseInUseError';
  }
}

/** A held lock on a database file; `release` lets the next server have it. */
export interface DatabaseFileLock {
  release(): void;
}

/** The side file whose lock stands for the database's. */
export function lockFilenameOf(filename: string): string {
  return `${filename}.lock`;
}

/**
 * Takes the lock of the database `filename` for as long as the returned lock is not
 * released (or the process lives). Throws `DatabaseInUseError` when it is held elsewhere.
 */
export function lockDatabaseFile(filename: string): DatabaseFileLock {
  const lockDb: Database.Database = new (loadDriver())(lockFilenameOf(filename));
  try {
    // Another holder does not let go while it runs: waiting would only delay the error.
    lockDb.pragma('busy_timeout = 0');
    lockDb.pragma('locking_mode = EXCLUSIVE');
    // The file holds no data: a journal in memory leaves a killed server nothing on disk but the file.
    // (Not OFF: better-sqlite3's defensive mode refuses it.)
    lockDb.pragma('journal_mode = MEMORY');
    // Nothing here needs to reach the disk either: without this, taking the lock on a new file
    // waited for an fsync (5–20 ms of every start on a fresh database).
    lockDb.pragma('synchronous = OFF');
    // BEGIN EXCLUSIVE takes the exclusive lock, and this locking mode keeps it after COMMIT.
    lockDb.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    lockDb.close();
    if (isBusy(err)) throw new DatabaseInUseError(filename, { cause: err });
    throw err;
  }
  return { release: () => lockDb.close() };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
