/** API keys in the PostgreSQL store (migration 5): one row per key, the secret only as its hash. */
import type pg from 'pg';
import { ConditionFailedError, type ApiKeyRecord } from '../store.js';

type Row = Record<string, unknown>;

const COLUMNS = 'id, name, secret_hash, permissions, created_ms, expires_ms, revoked';

export async function createApiKey(pool: pg.Pool, key: ApiKeyRecord): Promise<void> {
  const result = await pool.query(
    `INSERT INTO api_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [key.id, key.name, key.secretHash, JSON.stringify(key.permissions), key.createdMs, key.expiresMs, key.revoked],
  );
  if (result.rowCount !== 1) throw new ConditionFailedError(`api key ${key.id} already exists`);
}

/** Named: every authenticated call of a key that is not cached reads it. */
export async function getApiKey(pool: pg.Pool, id: string): Promise<ApiKeyRecord | null> {
  const result = await pool.query<Row>({ name: 'endure_api_key_get', text: `SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, values: [id] });
  const row = result.rows[0];
  return row ? toApiKey(row) : null;
}

export async function listApiKeys(pool: pg.Pool): Promise<ApiKeyRecord[]> {
  const result = await pool.query<Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_ms, id COLLATE "C"`);
  return result.rows.map(toApiKey);
}

export async function revokeApiKey(pool: pg.Pool, id: string): Promise<boolean> {
  const result = await pool.query('UPDATE api_keys SET revoked = true WHERE id = $1', [id]);
  return result.rowCount === 1;
}

function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    secretHash: row.secret_hash as string,
    permissions: row.permissions as string[],
    createdMs: row.created_ms as number,
    expiresMs: (row.expires_ms as number | null) ?? null,
    revoked: row.revoked === true,
  };
}
