/**
 * The backup's consistency under writes from another connection, made deterministic: the
 * writer commits a row between every two steps of the copy (in the progress callback). The copy
 * must finish and hold exactly the rows of the moment it started, which it can only do by
 * reading one snapshot throughout (without it, SQLite restarts a copy whose source changed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupSqliteDatabase } from './backup.js';
import { loadDriver } from './driver.js';
import { SqliteStore } from './sqlite-store.js';

/** About 2 MB of rows: a few hundred pages, so that a 10-page step makes many steps. */
const FILLER_ROWS = 500;
const FILLER_ROW_BYTES = 4000;
const STEP_PAGES = 10;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'endure-backup-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function rowCount(db: Database.Database): number {
  return (db.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
}

describe('backupSqliteDatabase', () => {
  it('copies one snapshot, finishing while another connection commits between every two steps', async () => {
    const from = join(dir, 'endure.db');
    const store = new SqliteStore(from);
    const writer = new (loadDriver())(from);
    try {
      writer.pragma('busy_timeout = 5000');
      writer.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)');
      const insert = writer.prepare('INSERT INTO filler (data) VALUES (?)');
      writer.transaction(() => {
        for (let i = 0; i < FILLER_ROWS; i++) insert.run(Buffer.alloc(FILLER_ROW_BYTES));
      })();

      let steps = 0;
      const summary = await backupSqliteDatabase({
        from,
        to: join(dir, 'backup.db'),
        stepPages: STEP_PAGES,
        onProgress: () => {
          steps++;
          // A step count far past the file's pages means the copy keeps restarting.
          if (steps > 1000) throw new Error('the copy keeps restarting');
          insert.run(Buffer.alloc(FILLER_ROW_BYTES));
        },
      });

      expect(steps).toBeGreaterThan(summary.pages / STEP_PAGES - 1);
      expect(rowCount(writer)).toBe(FILLER_ROWS + steps);
      const copy = new (loadDriver())(summary.to, { readonly: true });
      try {
        expect(rowCount(copy)).toBe(FILLER_ROWS);
      } finally {
        copy.close();
      }
    } finally {
      writer.close();
      await store.close();
    }
  });
});
