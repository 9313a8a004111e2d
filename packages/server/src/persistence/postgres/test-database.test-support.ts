/**
 * Throwaway PostgreSQL databases for tests: each test file (or run of the store contract)
 * gets its own `endure_test_<random>` database on the local server, dropped afterwards, so
 * tests running in parallel never see each other's rows. The server is the one every
 * machine of this project runs (127.0.0.1:5432, trust auth); ENDURE_TEST_POSTGRES_URL names
 * another, as a URL of a database to connect to for CREATE and DROP DATABASE.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.ENDURE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `endure_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Empties every table of the store's schema (ids start again at 1), keeping the schema. */
export async function emptyTestDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version'`,
    );
    if (tables.rows.length === 0) return;
    await client.query(`TRUNCATE ${tables.rows.map((t) => t.tablename).join(', ')} RESTART IDENTITY`);
  } finally {
    await client.end();
  }
}
