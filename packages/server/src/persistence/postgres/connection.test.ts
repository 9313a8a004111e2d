/**
 * The pool under a database restart seen from one connection: a connection that dies inside a
 * transaction (PostgreSQL ending it between two queries) fails that transaction with an error
 * the server answers UNAVAILABLE (retried by the SDKs), and neither crashes the process nor
 * keeps the pool from serving the next transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { isStoreUnavailable } from '../store.js';
import { createPool, inTransaction } from './connection.js';
import { createTestDatabase, type TestDatabase } from './test-database.test-support.js';

const endBoundMs = 10_000;

let database: TestDatabase;
let pool: pg.Pool;
const idleErrors: Error[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, (err) => idleErrors.push(err));
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe('a pooled connection ended by PostgreSQL inside a transaction', () => {
  it('fails the transaction as unavailable, without crashing, and the pool serves the next one', async () => {
    const failure = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // Not events.once: it would listen to 'error' too, hiding what this test is about.
      const ended = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the connection did not end within ${endBoundMs} ms`)), endBoundMs);
        client.once('end', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await terminateBackend(rows[0]!.pid);
      await ended;
      await client.query('SELECT 1');
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(isStoreUnavailable(failure), String(failure)).toBe(true);

    const { rows } = await inTransaction(pool, (client) => client.query<{ one: number }>('SELECT 1 AS one'));
    expect(rows).toEqual([{ one: 1 }]);
  });
});
