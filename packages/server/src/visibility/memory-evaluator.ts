/**
 * The in-memory twin of sql-translator.ts: whether a row matches a bound query, and where
 * it sorts. The memory store lists with it, and the SQLite tests check that both give the
 * same rows in the same order, so the two must change together.
 */
import type { ResolvedAttribute } from './attributes.js';
import type { BoundExpr, Scalar, SortKey } from './query-binder.js';
import { textWords } from './query-values.js';
import { NULL_SORT_NUMBER, NULL_SORT_TEXT, sortsAsText } from './sort-keys.js';

/**
 * One row of `executions_visibility`, keyed by column name: keyword lists as JSON array
 * text, bools as 0/1, times in ms, execution_duration in ns.
 */
export type VisibilityRow = Record<string, string | number | null>;

/** Whether `row` satisfies `where` (null matches every row), exactly as the SQL would answer. */
export function matches(where: BoundExpr | null, row: VisibilityRow): boolean {
  return where === null || evaluate(where, row);
}

/** Negative when `a` comes before `b` in `orderBy`. */
export function compareRows(orderBy: readonly SortKey[], a: VisibilityRow, b: VisibilityRow): number {
  return compareCursors(orderBy, cursorOf(orderBy, a), cursorOf(orderBy, b));
}

/** The sort-key values of `row`, with NULLs replaced as the SQL sort expressions replace them. */
export function cursorOf(orderBy: readonly SortKey[], row: VisibilityRow): (string | number)[] {
  return orderBy.map((key) => sortValue(key.attribute, row[key.attribute.column] ?? null));
}

/**
 * Whether `value` can be a cursor for `orderBy`: one value per key, numbers for numeric
 * keys and strings for keyword keys. Cursors come back from clients inside page tokens,
 * so check one with this before handing it to keysetCondition or isAfterCursor.
 */
export function isCursorFor(orderBy: readonly SortKey[], value: unknown): value is (string | number)[] {
  if (!Array.isArray(value) || value.length !== orderBy.length) return false;
  return orderBy.every((key, index) => {
    const element: unknown = value[index];
    return sortsAsText(key.attribute) ? typeof element === 'string' : Number.isFinite(element);
  });
}

/** Whether `row` comes strictly after `cursor` in `orderBy` (the keyset condition in memory). */
export function isAfterCursor(orderBy: readonly SortKey[], row: VisibilityRow, cursor: readonly unknown[]): boolean {
  return compareCursors(orderBy, cursorOf(orderBy, row), cursor) > 0;
}

function compareCursors(orderBy: readonly SortKey[], a: readonly unknown[], b: readonly unknown[]): number {
  for (const [index, key] of orderBy.entries()) {
    const order = compareValues(a[index], b[index]);
    if (order !== 0) return key.direction === 'DESC' ? -order : order;
  }
  return 0;
}

function sortValue(attribute: ResolvedAttribute, value: string | number | null): string | number {
  if (value !== null) return value;
  return sortsAsText(attribute) ? NULL_SORT_TEXT : NULL_SORT_NUMBER;
}

function evaluate(expr: BoundExpr, row: VisibilityRow): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, row) && evaluate(expr.right, row);
    case 'or':
      return evaluate(expr.left, row) || evaluate(expr.right, row);
    case 'not':
      return !evaluate(expr.operand, row);
    case 'isNull':
      return (row[expr.attribute.column] ?? null) === null;
    default: {
      const value = row[expr.attribute.column] ?? null;
      // Every other predicate is false on NULL, as the guarded SQL is.
      return value !== null && positive(expr, value);
    }
  }
}

type Positive = Exclude<BoundExpr, { kind: 'and' | 'or' | 'not' | 'isNull' }>;

function positive(expr: Positive, value: string | number): boolean {
  switch (expr.kind) {
    case 'compare':
      return compareWith(expr.operator, compareValues(value, stored(expr.value)));
    case 'in':
      return expr.values.some((candidate) => compareValues(value, stored(candidate)) === 0);
    case 'between':
      return compareValues(value, stored(expr.low)) >= 0 && compareValues(value, stored(expr.high)) <= 0;
    case 'startsWith':
      return typeof value === 'string' && value.startsWith(expr.prefix);
    case 'textMatch': {
      const words = new Set(textWords(String(value)));
      return expr.words.every((word) => words.has(word));
    }
    case 'listContains':
      return keywordList(value).some((element) => expr.values.includes(element));
    case 'listStartsWith':
      return keywordList(value).some((element) => element.startsWith(expr.prefix));
  }
}

function compareWith(operator: '=' | '<' | '<=' | '>' | '>=', order: number): boolean {
  switch (operator) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function stored(value: Scalar): string | number {
  return typeof value === 'boolean' ? Number(value) : value;
}

/** SQLite's order: numbers before text, numbers by value, text by code point (BINARY collation). */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'number' && typeof b === 'string') return -1;
  if (typeof a === 'string' && typeof b === 'number') return 1;
  throw new Error(`cannot compare ${typeof a} with ${typeof b} in a visibility row`);
}

/**
 * UTF-16 puts surrogates (U+D800–U+DFFF) below U+E000–U+FFFF, but UTF-8 bytes, which
 * SQLite compares, order by code point; shifting the two ranges at the first difference
 * gives code-point order.
 */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** The elements of a keyword list column; anything but a JSON array of strings is a broken row. */
function keywordList(value: string | number): string[] {
  const parsed: unknown = JSON.parse(String(value));
  if (!Array.isArray(parsed)) throw new Error(`keyword list column holds ${String(value)}`);
  return parsed.filter((element): element is string => typeof element === 'string');
}
