/**
 * Makes the write-ahead log durable off the main thread.
 *
 * With `synchronous = FULL` SQLite calls fsync inside COMMIT, and better-sqlite3 runs COMMIT on
 * the event loop's thread: the whole server stood still for every fsync (about a third of its
 * time under load, bench/README.md "What we tried"). Instead the store runs with
 * `synchronous = NORMAL`, where a WAL-mode commit writes its frames to the WAL file without
 * syncing (SQLite still syncs the WAL before and the database after every checkpoint), and asks
 * this class to `fdatasync` the WAL file on libuv's thread pool. A commit is acknowledged only
 * when a sync that began after its frames were written has finished: the same guarantee as
 * FULL. Syncs do not overlap: commits that finish while one runs share the next one (a second
 * group commit, on top of the one in a transaction).
 *
 * Why that is enough: a WAL commit writes only to the WAL file (its header and frames, in
 * order); the database file is written only by checkpoints, which SQLite syncs itself at
 * NORMAL. After a crash, recovery replays the WAL's valid frames from the start, so everything
 * written before a finished sync is replayed.
 *
 * One difference remains: between a commit and its sync, other readers on this connection can
 * see the change (say, a poll that reads a task row); only a power cut or OS crash in those
 * few milliseconds could take it back. A `kill -9` loses nothing: written data is in the OS's
 * page cache. Nothing is *acknowledged* before it is on disk.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';

type Done = (err: Error | null) => void;

export class WalSync {
  /**
   * Opened once: SQLite removes the WAL file only when the last connection to the database closes
   * (after checkpointing everything in it), and the store keeps its connection open until it has
   * closed this; after a checkpoint SQLite rewrites the same file from its start.
   */
  private readonly fd: number;
  /** Callbacks of commits written since the running sync began; they need the next one. */
  private waiting: Done[] = [];
  private syncing = false;
  /** A failed fsync leaves the file's state unknown (PostgreSQL stops on it too): every later commit is refused. */
  private failure: Error | null = null;
  private closeWhenIdle = false;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'r+');
  }

  /** Calls `done` once everything written to the WAL before this call is on disk. */
  afterDurable(done: Done): void {
    if (this.failure) {
      queueMicrotask(() => done(this.failure));
      return;
    }
    this.waiting.push(done);
    if (!this.syncing) this.startSync();
  }

  /** The same as a promise. */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => this.afterDurable((err) => (err ? reject(err) : resolve())));
  }

  /** Syncs at once on this thread: at open, after the migrations. */
  syncNow(): void {
    fdatasyncSync(this.fd);
  }

  /** Closes the file once the running sync (if any) has finished. */
  close(): void {
    if (this.syncing) this.closeWhenIdle = true;
    else closeSync(this.fd);
  }

  private startSync(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.syncing = true;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) {
        this.fail(batch, err);
        return;
      }
      for (const done of batch) done(null);
      if (this.closeWhenIdle) closeSync(this.fd);
      else if (this.waiting.length > 0) this.startSync();
    });
  }

  private fail(batch: Done[], err: unknown): void {
    this.syncing = false;
    this.failure = new Error(`could not make the database's write-ahead log ${this.path} durable (fsync failed); restart the server`, {
      cause: err,
    });
    for (const done of [...batch, ...this.waiting]) done(this.failure);
    this.waiting = [];
    if (this.closeWhenIdle) closeSync(this.fd);
  }
}
