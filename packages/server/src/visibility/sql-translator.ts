/**
 * A bound query as SQL over `executions_visibility`: the WHERE condition, its parameters
 * and the ORDER BY list, plus the keyset condition that pages through that order.
 *
 * Every predicate is two-valued (never NULL): nullable columns are guarded with
 * `col IS NOT NULL AND …`, so SQL NOT means what the user expects and the in-memory
 * evaluator (memory-evaluator.ts) can give the same answers. The guard is also what lets
 * SQLite use the partial per-slot indexes (`WHERE slot IS NOT NULL`).
 *
 * Sort keys are never NULL either (see sort-keys.ts). The default order's expression is the
 * one the default-order index is built on; keep them identical.
 */
import type { ResolvedAttribute } from './attributes.js';
import type { BoundExpr, BoundQuery, Scalar, SortKey } from './query-binder.js';
import { NULL_SORT_NUMBER_SQL, NULL_SORT_TEXT, sortsAsText } from './sort-keys.js';
import type { SqlDialect } from './sql-dialect.js';

export interface SqlQuery {
  /** The condition without the word WHERE; '' when the query has none. */
  where: string;
  params: unknown[];
  /** The sort list without the words ORDER BY, e.g. `start_time DESC, run_id DESC`. */
  orderBy: string;
}

/**
 * `bound` as SQL; placeholders are numbered from `firstParamIndex` (for dialects that number them).
 *
 * @example
 * const bound = bindQuery(parseQuery(text), { resolve, nowMs: clock.nowMs(), allowGroupBy: false });
 * const { where, params, orderBy } = toSql(bound, sqliteDialect, 2);
 * const keyset = cursor ? keysetCondition(bound.orderBy, cursor, sqliteDialect, 2 + params.length) : undefined;
 * const sql =
 *   `SELECT * FROM executions_visibility WHERE namespace_id = ?` +
 *   (where ? ` AND (${where})` : '') + (keyset ? ` AND (${keyset.sql})` : '') +
 *   ` ORDER BY ${orderBy} LIMIT ?`;
 * // params: [namespaceId, ...params, ...(keyset?.params ?? []), pageSize]; the next cursor is
 * // cursorOf(bound.orderBy, lastRow).
 */
export function toSql(bound: BoundQuery, dialect: SqlDialect, firstParamIndex = 1): SqlQuery {
  const params = new Params(dialect, firstParamIndex);
  const where = bound.where ? predicate(bound.where, dialect, params) : '';
  const orderBy = bound.orderBy.map((key) => `${sortExpression(key.attribute, dialect)} ${key.direction}`).join(', ');
  return { where, params: params.values, orderBy };
}

/**
 * The rows strictly after `cursor` (from memory-evaluator.ts cursorOf) in `orderBy`. Written
 * as `k1 <= ? AND (k1 < ? OR (k1 = ? AND (k2 < ? OR …)))` so the leading range can drive an
 * index on the sort keys.
 */
export function keysetCondition(
  orderBy: readonly SortKey[],
  cursor: readonly unknown[],
  dialect: SqlDialect,
  firstParamIndex: number,
): { sql: string; params: unknown[] } {
  if (cursor.length !== orderBy.length || orderBy.length === 0) {
    throw new Error(`a cursor of ${cursor.length} values does not fit ${orderBy.length} sort keys`);
  }
  const params = new Params(dialect, firstParamIndex);
  const expressions = orderBy.map((key) => sortExpression(key.attribute, dialect));
  const after = (index: number) => (orderBy[index]?.direction === 'DESC' ? '<' : '>');
  const first = `${expressions[0]} ${after(0)}= ${params.raw(cursor[0])}`;
  let sql = '';
  let closing = '';
  for (let index = 0; index < orderBy.length; index++) {
    const strictly = `${expressions[index]} ${after(index)} ${params.raw(cursor[index])}`;
    if (index === orderBy.length - 1) {
      sql += strictly;
      break;
    }
    sql += `(${strictly} OR (${expressions[index]} = ${params.raw(cursor[index])} AND `;
    closing += '))';
  }
  return { sql: `${first} AND ${sql}${closing}`, params: params.values };
}

/** The expression a sort key sorts by; never NULL. */
export function sortExpression(attribute: ResolvedAttribute, dialect: SqlDialect): string {
  const isText = sortsAsText(attribute);
  const value = attribute.type === 'Bool' ? dialect.boolAsInt(attribute.column) : attribute.column;
  const sentinel = isText ? `'${NULL_SORT_TEXT}'` : NULL_SORT_NUMBER_SQL;
  const nonNull = attribute.nullable === false ? value : `COALESCE(${value}, ${sentinel})`;
  return isText ? dialect.binaryText(nonNull) : nonNull;
}

class Params {
  readonly values: unknown[] = [];

  constructor(
    private readonly dialect: SqlDialect,
    private readonly firstIndex: number,
  ) {}

  /** A placeholder for a stored value (booleans in the database's form). */
  add(value: Scalar): string {
    return this.raw(typeof value === 'boolean' ? this.dialect.bool(value) : value);
  }

  /** A placeholder for a value already in the database's form. */
  raw(value: unknown): string {
    this.values.push(value);
    return this.dialect.param(this.firstIndex + this.values.length - 1);
  }
}

function predicate(expr: BoundExpr, dialect: SqlDialect, params: Params): string {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const operator = expr.kind === 'and' ? 'AND' : 'OR';
      return `(${predicate(expr.left, dialect, params)} ${operator} ${predicate(expr.right, dialect, params)})`;
    }
    case 'not':
      return `NOT (${predicate(expr.operand, dialect, params)})`;
    case 'isNull':
      return `${expr.attribute.column} IS NULL`;
    default:
      return guarded(expr.attribute, positive(expr, dialect, params));
  }
}

type Positive = Exclude<BoundExpr, { kind: 'and' | 'or' | 'not' | 'isNull' }>;

function positive(expr: Positive, dialect: SqlDialect, params: Params): string {
  const column = expr.attribute.column;
  switch (expr.kind) {
    case 'compare':
      return `${comparable(expr.attribute, expr.operator, dialect)} ${expr.operator} ${params.add(expr.value)}`;
    case 'in':
      return `${column} IN (${expr.values.map((value) => params.add(value)).join(', ')})`;
    case 'between': {
      const low = params.add(expr.low);
      return `${comparable(expr.attribute, '<', dialect)} BETWEEN ${low} AND ${params.add(expr.high)}`;
    }
    case 'startsWith':
      return dialect.startsWith(column, params.raw(dialect.startsWithParam(expr.prefix)));
    case 'textMatch':
      return dialect.textMatch(column, params.raw(dialect.textMatchParam(expr.words)));
    case 'listContains': {
      const any = expr.values.map((value) => dialect.keywordListContains(column, params.add(value)));
      return any.length === 1 ? (any[0] ?? '') : `(${any.join(' OR ')})`;
    }
    case 'listStartsWith':
      return dialect.keywordListStartsWith(column, params.raw(dialect.startsWithParam(expr.prefix)));
  }
}

/** Keywords are ordered by code point, whatever the database's default collation. */
function comparable(attribute: ResolvedAttribute, operator: string, dialect: SqlDialect): string {
  const ordered = operator !== '=' && sortsAsText(attribute);
  return ordered ? dialect.binaryText(attribute.column) : attribute.column;
}

/** `sql` made false, not NULL, when the column is NULL. */
function guarded(attribute: ResolvedAttribute, sql: string): string {
  return attribute.nullable === false ? sql : `(${attribute.column} IS NOT NULL AND ${sql})`;
}
