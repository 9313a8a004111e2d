/**
 * A list or count query of one namespace, ready for a store: parsed, bound against the
 * namespace's system and custom attributes, with the helpers the frontend needs for page
 * tokens. QueryError (with the position) is what the caller turns into INVALID_ARGUMENT.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import type { NamespaceRecord } from '../persistence/store.js';
import { makeResolver } from './attributes.js';
import { cursorOf, isCursorFor, type VisibilityRow } from './memory-evaluator.js';
import { bindQuery, type BoundQuery } from './query-binder.js';
import { parseQuery } from './query-parser.js';

export interface CompiledQuery {
  bound: BoundQuery;
  /** The sort key of a row: a page token carries the last row's. */
  cursorOf(row: VisibilityRow): (string | number)[];
  /** Whether a cursor read back from a client's page token fits this query's order. */
  isCursor(value: unknown): value is (string | number)[];
}

export function compileQuery(text: string, ns: NamespaceRecord, nowMs: number, allowGroupBy: boolean): CompiledQuery {
  const custom = new Map(
    Object.entries(ns.customSearchAttributes).map(([name, a]) => [name, { type: a.type as SearchAttributeType, column: a.column }]),
  );
  const bound = bindQuery(parseQuery(text), { resolve: makeResolver(custom), nowMs, allowGroupBy });
  return {
    bound,
    cursorOf: (row) => cursorOf(bound.orderBy, row),
    isCursor: (value): value is (string | number)[] => isCursorFor(bound.orderBy, value),
  };
}
