/**
 * What differs between the databases visibility runs on, and nothing else: placeholders,
 * booleans, JSON keyword lists, full-text search, prefix search and sort collation. The
 * SQL translator (sql-translator.ts) writes everything else once for both.
 */
export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** The placeholder for the 1-based parameter `index`: `?` or `$3`. */
  param(index: number): string;
  /** A boolean as the database stores it. */
  bool(value: boolean): unknown;
  /** A boolean column as 0/1, for sorting. */
  boolAsInt(expression: string): string;
  /** A text expression compared by code point (the in-memory evaluator's order). */
  binaryText(expression: string): string;
  /** True when the keyword list in `column` holds the string in `param`; false (never NULL) for a NULL list. */
  keywordListContains(column: string, param: string): string;
  /** True when an element of the keyword list starts with the prefix in `param` (from startsWithParam). */
  keywordListStartsWith(column: string, param: string): string;
  /** True when the text in `column` holds every word in `param` (from textMatchParam). */
  textMatch(column: string, param: string): string;
  /** The parameter for textMatch, from words already split and lower-cased (query-values.ts textWords). */
  textMatchParam(words: readonly string[]): unknown;
  /** True when `column` starts with the prefix in `param` (from startsWithParam). */
  startsWith(column: string, param: string): string;
  startsWithParam(prefix: string): unknown;
}
