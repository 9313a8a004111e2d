/** API keys in the SQLite store (migration 4): one row per key, the secret only as its hash. */
import type Database from 'better-sqlite3';
import { ConditionFailedError, type ApiKeyRecord } from '../store.js';

type Row = Record<string, unknown>;

const COLUMNS = 'id, name, secret_hash, permissions, created_ms, expires_ms, revoked';

export class SqliteApiKeys {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO api_keys (${COLUMNS}) VALUES (@id, @name, @secretHash, @permissions, @createdMs, @expiresMs, @revoked)
         ON CONFLICT DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`),
      list: db.prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_ms, id`),
      revoke: db.prepare('UPDATE api_keys SET revoked = 1 WHERE id = ?'),
    };
  }

  create(key: ApiKeyRecord): void {
    const params = { ...key, permissions: JSON.stringify(key.permissions), revoked: key.revoked ? 1 : 0 };
    if (this.stmts.insert.run(params).changes !== 1) throw new ConditionFailedError(`api key ${key.id} already exists`);
  }

  get(id: string): ApiKeyRecord | null {
    const row = this.stmts.get.get(id) as Row | undefined;
    return row ? toApiKey(row) : null;
  }

  list(): ApiKeyRecord[] {
    return (this.stmts.list.all() as Row[]).map(toApiKey);
  }

  revoke(id: string): boolean {
    return this.stmts.revoke.run(id).changes === 1;
  }
}

function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    secretHash: row.secret_hash as string,
    permissions: JSON.parse(row.permissions as string) as string[],
    createdMs: row.created_ms as number,
    expiresMs: (row.expires_ms as number | null) ?? null,
    revoked: row.revoked === 1,
  };
}
