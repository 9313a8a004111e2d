/**
 * Visibility SQL for PostgreSQL, expecting keyword lists in `jsonb` columns, booleans in
 * `boolean` columns and times as `bigint` ms. Text columns are searched with the `simple`
 * text-search configuration (a GIN index on `to_tsvector('simple', coalesce(col, ''))`
 * serves it). Prefix search uses LIKE, which can use a btree index only when the column
 * has C collation or the index is built with `text_pattern_ops`.
 */
import type { SqlDialect } from './sql-dialect.js';

/** LIKE's wildcards and its default escape character. */
const likeSpecial = /[\\%_]/g;

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  param: (index) => `$${index}`,
  bool: (value) => value,
  boolAsInt: (expression) => `(${expression})::int`,
  // The in-memory evaluator orders strings by code point, which only the C collation matches.
  binaryText: (expression) => `${expression} COLLATE "C"`,
  keywordListContains: (column, param) => `COALESCE(${column} @> jsonb_build_array(${param}::text), false)`,
  keywordListStartsWith: (column, param) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${column}) AS element(value) WHERE element.value LIKE ${param})`,
  textMatch: (column, param) => `to_tsvector('simple', coalesce(${column}, '')) @@ plainto_tsquery('simple', ${param})`,
  textMatchParam: (words) => words.join(' '),
  startsWith: (column, param) => `${column} LIKE ${param}`,
  startsWithParam: (prefix) => `${prefix.replace(likeSpecial, (char) => `\\${char}`)}%`,
};
