/**
 * One server per database file. Two servers on one file would both hand out every task and
 * fire every timer, and each would trust an in-memory view of task queues the other keeps
 * changing; so the second one refuses to start instead.
 *
 * The lock is SQLite's own: in EXCLUSIVE locking mode a connection keeps the file lock it
 * takes until it closes, and the OS drops that lock when the process dies, `kill -9`
 * included, so a restarted server gets the file back at once (no stale lock file to clean
 * up). The cost: no other connection, in this process or another (the `sqlite3` shell
 * included), can open the file while the server runs. See docs/decisions.md.
 */
import type Database from 'better-sqlite3';

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
      `another Endure server is using the database file ${filename} (it holds the file's lock); ` +
        'stop that server, or give this one another database file',
      options,
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * Takes the file's lock for as long as `db` stays open, and switches the file to WAL: the
 * locking mode has to be set before the first WAL access, so that no shared-memory index
 * (which other processes could join) is ever made. Closes `db` when the lock is held elsewhere.
 */
export function takeExclusiveLock(db: Database.Database, filename: string): void {
  // Another holder does not let go while it runs: waiting would only delay the error.
  db.pragma('busy_timeout = 0');
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.pragma('journal_mode = WAL');
    // The first write transaction takes the exclusive lock, and this locking mode keeps it.
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    if (!isBusy(err)) throw err;
    db.close();
    throw new DatabaseInUseError(filename, { cause: err });
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
