/**
 * What only the PostgreSQL store has (the shared contract is in ../store.test.ts): schema
 * migrations, several servers migrating one database at once, a database written by a newer
 * Endure, and a database that is not up (or not there) when the server starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresStore } from './postgres-store.js';
import { migrate, postgresMigrations, schemaVersion } from './migrations.js';
import { createTestDatabase, type TestDatabase } from './test-database.test-support.js';
import { waitForDatabase } from './connection.js';

const noRetry = { retryMs: 0, onRetry: () => undefined };

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL schema migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('creates the schema in an empty database, once, even when several servers start on it together', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => withClient(database.url, (client) => migrate(client))),
    );
    const latest = postgresMigrations.length;
    // One of them did the work; the others found it done.
    expect(results.filter((r) => r.from === 0)).toHaveLength(1);
    expect(results.every((r) => r.to === latest)).toBe(true);
    expect(await withClient(database.url, (client) => schemaVersion(client))).toBe(latest);
    const store = await PostgresStore.open({ url: database.url, connectRetry: noRetry, onConnectionError: () => undefined });
    await store.close();
  });

  it('refuses a database whose schema is newer than this server knows, naming both versions', async () => {
    await withClient(database.url, (client) => migrate(client));
    const newer = postgresMigrations.length + 1;
    await withClient(database.url, (client) => client.query('UPDATE schema_version SET version = $1', [newer]));
    try {
      await expect(PostgresStore.open({ url: database.url, connectRetry: noRetry, onConnectionError: () => undefined })).rejects.toThrow(
        `database schema version ${newer} is newer than this server knows (${postgresMigrations.length}); upgrade Endure`,
      );
    } finally {
      await withClient(database.url, (client) => client.query('UPDATE schema_version SET version = $1', [postgresMigrations.length]));
    }
  });
});

describe('PostgreSQL that is not there', () => {
  it('retries a refused connection with growing waits, then fails naming the address', async () => {
    // Nothing listens on port 1.
    const url = 'postgres://postgres:secret@127.0.0.1:1/endure';
    const waits: number[] = [];
    const messages: string[] = [];
    const pool = new pg.Pool({ connectionString: url });
    let nowMs = 0;
    try {
      const failure = waitForDatabase(pool, url, {
        retryMs: 3_000,
        onRetry: (message, waitMs) => {
          messages.push(message);
          waits.push(waitMs);
        },
        // No real waiting: a wait moves a fake clock on.
        clock: {
          nowMs: () => nowMs,
          sleep: (ms) => {
            nowMs += ms;
            return Promise.resolve();
          },
        },
      });
      await expect(failure).rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*ECONNREFUSED/);
      // 250 + 500 + 1000 = 1750 ms waited; the rest of the 3 s budget, then no more.
      expect(waits).toEqual([250, 500, 1000, 1250]);
      await expect(failure).rejects.toThrow(/gave up after 5 attempts in 3000 ms/);
      expect(messages[0]).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(postgres:\/\/postgres@127\.0\.0\.1:1\/endure\)/);
      expect(messages.join('\n')).not.toContain('secret');
    } finally {
      await pool.end();
    }
  });

  it('fails at once, without retrying, for a database that does not exist', async () => {
    const url = 'postgres://postgres@127.0.0.1:5432/endure_no_such_database';
    const retries: string[] = [];
    const open = PostgresStore.open({ url, connectRetry: { retryMs: 60_000, onRetry: (m) => retries.push(m) }, onConnectionError: () => undefined });
    await expect(open).rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:5432 .*endure_no_such_database.*does not exist/);
    expect(retries).toEqual([]);
  });
});
