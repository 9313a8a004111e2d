/**
 * better-sqlite3 is native code and an optional peer dependency of @endure/server: it is
 * loaded when a SQLite file opens, so a process on the memory store never needs it.
 */
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

export function loadDriver(): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (err) {
    throw new Error(
      "the SQLite store needs the package better-sqlite3 (npm install better-sqlite3), or start the server with store: 'memory'",
      { cause: err },
    );
  }
}
