/**
 * Visibility on PostgreSQL: a run's row written with its commit, and list and count through
 * the shared SQL translator with the PostgreSQL dialect. VisibilityRecord carries values in
 * the store-neutral form (Bool as 0/1, KeywordList as JSON array text); this file converts
 * them to the columns' `boolean` and `jsonb` and back.
 */
import type pg from 'pg';
import type { VisibilityCount, VisibilityRecord } from '../store.js';
import type { BoundQuery } from '../../visibility/query-binder.js';
import { keysetCondition, toSql } from '../../visibility/sql-translator.js';
import { postgresDialect } from '../../visibility/postgres-dialect.js';
import { CUSTOM_SLOTS, systemAttributeColumns } from '../../visibility/attributes.js';

type Row = Record<string, unknown>;
type Value = string | number | null;

const systemColumns = systemAttributeColumns().filter((a) => a.column !== 'run_id');

/** Every column of `executions_visibility` a VisibilityRecord may set. */
const VISIBILITY_COLUMNS: readonly string[] = [...systemColumns.map((a) => a.column), ...Object.values(CUSTOM_SLOTS).flat()];

const BOOL_COLUMNS = new Set([
  ...systemColumns.filter((a) => a.type === 'Bool').map((a) => a.column),
  ...CUSTOM_SLOTS.Bool,
]);
const JSONB_COLUMNS = new Set([
  ...systemColumns.filter((a) => a.type === 'KeywordList').map((a) => a.column),
  ...CUSTOM_SLOTS.KeywordList,
]);

/** What a list returns of each row (see sqlite-store.ts LISTED_COLUMNS); sort keys are added per query. */
const LISTED_COLUMNS = [
  'namespace_id', 'run_id', 'workflow_id', 'workflow_type', 'task_queue', 'status', 'start_time', 'execution_time',
  'close_time', 'execution_duration', 'history_length', 'history_size_bytes', 'state_transition_count',
  'parent_workflow_id', 'parent_run_id', 'root_workflow_id', 'root_run_id', 'memo', 'search_attributes',
];

/**
 * A run's row as `endure_commit` takes it (commit-functions.ts reads it with
 * `jsonb_populate_record`, which converts each JSON value to its column's type): booleans and
 * keyword lists as JSON values, bytes as bytea hex text.
 */
export function visibilityJson(v: VisibilityRecord): Record<string, unknown> {
  const row: Record<string, unknown> = { namespace_id: v.namespaceId, run_id: v.runId };
  for (const column of VISIBILITY_COLUMNS) row[column] = toColumn(column, v.columns[column] ?? null);
  row.memo = toByteaText(v.memo);
  row.search_attributes = toByteaText(v.searchAttributes);
  return row;
}

function toColumn(column: string, value: Value): unknown {
  if (value === null) return null;
  if (BOOL_COLUMNS.has(column)) return value === 1 || value === '1';
  // KeywordList values arrive as JSON array text.
  if (JSONB_COLUMNS.has(column)) return JSON.parse(String(value)) as unknown;
  return value;
}

function toByteaText(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : `\\x${toBuffer(bytes).toString('hex')}`;
}

function fromColumn(column: string, value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (BOOL_COLUMNS.has(column)) return value === true ? 1 : 0;
  if (JSONB_COLUMNS.has(column)) return JSON.stringify(value);
  return value as Value;
}

export function toBuffer(bytes: Uint8Array): Buffer;
export function toBuffer(bytes: Uint8Array | null): Buffer | null;
export function toBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null) return null;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toVisibilityRecord(row: Row): VisibilityRecord {
  const columns: VisibilityRecord['columns'] = {};
  for (const column of VISIBILITY_COLUMNS) columns[column] = fromColumn(column, row[column]);
  return {
    namespaceId: row.namespace_id as string,
    runId: row.run_id as string,
    columns,
    memo: (row.memo as Buffer | null) ?? null,
    searchAttributes: (row.search_attributes as Buffer | null) ?? null,
  };
}

export async function listVisibility(
  db: pg.Pool,
  namespaceId: string,
  query: BoundQuery,
  after: readonly unknown[] | null,
  limit: number,
): Promise<VisibilityRecord[]> {
  const { where, params, orderBy } = toSql(query, postgresDialect, 2);
  const keyset = after ? keysetCondition(query.orderBy, after, postgresDialect, 2 + params.length) : null;
  const limitParam = 2 + params.length + (keyset?.params.length ?? 0);
  const columns = new Set([...LISTED_COLUMNS, ...query.orderBy.map((key) => key.attribute.column)]);
  const sql =
    `SELECT ${[...columns].join(', ')} FROM executions_visibility WHERE namespace_id = $1` +
    (where ? ` AND (${where})` : '') +
    (keyset ? ` AND (${keyset.sql})` : '') +
    ` ORDER BY ${orderBy} LIMIT $${limitParam}`;
  const values = [namespaceId, ...params, ...(keyset?.params ?? []), limit].map(exactParam);
  const result = await db.query<Row>(sql, values);
  return result.rows.map(toVisibilityRecord);
}

/**
 * A parameter as pg should send it. pg writes a number with String(), which rounds integers
 * past 2^53: the NULL sort sentinel 2^62 in a page cursor would go out as
 * 4611686018427388000, above the sentinel, and the next page would repeat the running runs.
 */
function exactParam(value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) ? BigInt(value).toString() : value;
}

export async function countVisibility(db: pg.Pool, namespaceId: string, query: BoundQuery): Promise<VisibilityCount> {
  const byStatusOnly = query.groupBy.length === 0 || (query.groupBy.length === 1 && query.groupBy[0]!.column === 'status');
  if (query.where === null && byStatusOnly) return countFromCounters(db, namespaceId, query.groupBy.length > 0);
  const { where, params } = toSql(query, postgresDialect, 2);
  const filter = 'FROM executions_visibility WHERE namespace_id = $1' + (where ? ` AND (${where})` : '');
  const columns = query.groupBy.map((a) => a.column);
  if (columns.length === 0) {
    const result = await db.query<{ n: number }>(`SELECT COUNT(*) AS n ${filter}`, [namespaceId, ...params].map(exactParam));
    return { count: result.rows[0]?.n ?? 0, groups: [] };
  }
  const keys = columns.map((c, i) => `${c} AS g${i}`).join(', ');
  const sql =
    `SELECT ${keys}, COUNT(*) AS n ${filter} GROUP BY ${columns.join(', ')} ` +
    `ORDER BY n DESC, ${columns.map((_, i) => `g${i}`).join(', ')}`;
  const result = await db.query<Row>(sql, [namespaceId, ...params].map(exactParam));
  const groups = result.rows.map((r) => ({
    values: columns.map((c, i) => fromColumn(c, r[`g${i}`])),
    count: r.n as number,
  }));
  return { count: groups.reduce((sum, g) => sum + g.count, 0), groups };
}

/** A whole namespace's count from the sharded per-status counters (migration 1's triggers keep them). */
async function countFromCounters(db: pg.Pool, namespaceId: string, grouped: boolean): Promise<VisibilityCount> {
  const result = await db.query<{ status: number; runs: number }>(
    `SELECT status, SUM(runs)::bigint AS runs FROM visibility_status_counts WHERE namespace_id = $1
     GROUP BY status HAVING SUM(runs) > 0 ORDER BY runs DESC, status`,
    [namespaceId],
  );
  const groups = result.rows.map((r) => ({ values: [r.status], count: r.runs }));
  return { count: groups.reduce((sum, g) => sum + g.count, 0), groups: grouped ? groups : [] };
}
