/**
 * Connections to PostgreSQL: the pool every store query goes through, transactions on one
 * pooled client, and the wait for a database that is not up yet (a server started beside its
 * database, or before it, retries with backoff for a bounded time and says so in its log).
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * The PostgreSQL driver, loaded on the first connection: a server on SQLite never needs it,
 * and loading it costs tens of milliseconds of every start. Required rather than imported so
 * that pools are still made synchronously (the cluster bus makes one in its constructor).
 */
export function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

/** Connections one server keeps open at most, unless configured (`postgresPoolSize`). */
export const POOL_SIZE_DEFAULT = 10;

/** The first wait after a failed connection, doubled after each failure up to the cap. */
const CONNECT_BACKOFF_FIRST_MS = 250;
const CONNECT_BACKOFF_MAX_MS = 5_000;

/**
 * `bigint` columns (times in ms, ids, versions, counts) as JavaScript numbers, not strings.
 * Every value the store writes is a safe integer; one that is not means another program
 * wrote the row, and reading it as a rounded number would corrupt it silently.
 */
function typeParsers(driver: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === driver.types.builtins.INT8) return parseSafeInteger;
      return driver.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`bigint ${text} read from PostgreSQL is not a safe JavaScript integer`);
  return value;
}

/** `url` without its password, for logs and errors: `postgres://user@host:port/database`. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable PostgreSQL URL)';
  }
}

/** The `host:port` a URL names (defaults as libpq's), for error messages. */
export function addressOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return describeUrl(url);
  }
}

export function createPool(url: string, onIdleError: (err: Error) => void, size = POOL_SIZE_DEFAULT): pg.Pool {
  const driver = loadPg();
  const pool = new driver.Pool({ connectionString: url, max: size, types: typeParsers(driver) });
  // An idle client whose connection dies (a database restart) emits this; without a listener
  // the process would crash. The pool drops the client and opens a new one on demand.
  pool.on('error', onIdleError);
  // A client checked out of the pool (inside a transaction) has no listener of the pool's: its
  // connection dying between two queries (a restart, pg_terminate_backend) would emit 'error'
  // unheard and crash the process. Heard here, the error surfaces instead as the failure of the
  // client's next query, and inTransaction discards the client.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Runs `fn` in one transaction on one pooled client: committed when it returns, rolled back
 * when it throws (the error is rethrown). A client whose rollback failed is discarded, not
 * returned to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

export interface ConnectRetry {
  /** How long to keep trying before giving up; 0 tries once. */
  retryMs: number;
  /** Told about every failed attempt that will be retried. */
  onRetry(message: string, waitMs: number): void;
  /** For tests: the time and a wait on it. Default: the system clock and a timer. */
  clock?: { nowMs(): number; sleep(ms: number): Promise<void> };
}

const realTime = {
  nowMs: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** Errors that mean "not up yet": worth waiting for. Others (bad password, no such database) are not. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P03', '53300'].includes(code)
  );
}

/**
 * Waits until the pool can open a connection, retrying transient failures with doubling
 * backoff for at most `retry.retryMs`. The error names the address, and the cause.
 */
export async function waitForDatabase(pool: pg.Pool, url: string, retry: ConnectRetry): Promise<void> {
  const clock = retry.clock ?? realTime;
  const startedMs = clock.nowMs();
  let waitMs = CONNECT_BACKOFF_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await pool.connect();
      client.release();
      return;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const message = `cannot connect to PostgreSQL at ${addressOf(url)} (${describeUrl(url)}): ${reason}`;
      const elapsedMs = clock.nowMs() - startedMs;
      const leftMs = retry.retryMs - elapsedMs;
      if (!isTransient(err) || leftMs <= 0) {
        const tried = attempt > 1 ? ` (gave up after ${attempt} attempts in ${elapsedMs} ms)` : '';
        throw new Error(message + tried, { cause: err });
      }
      const delayMs = Math.min(waitMs, leftMs);
      retry.onRetry(`${message}; retrying in ${delayMs} ms (attempt ${attempt}, giving up ${Math.round(leftMs)} ms from now)`, delayMs);
      await clock.sleep(delayMs);
      waitMs = Math.min(waitMs * 2, CONNECT_BACKOFF_MAX_MS);
    }
  }
}
