/**
 * Visibility SQL for SQLite. Keyword lists are JSON array text read with json_each; Text
 * columns are searched through the FTS5 external-content table
 * `executions_visibility_fts(text01, text02, text03)` that the store keeps in step with
 * triggers (tokenizer `unicode61 remove_diacritics 0`, which query-values.ts textWords mirrors).
 */
import type { SqlDialect } from './sql-dialect.js';

/** GLOB's wildcards, each escaped as a one-character class. */
const globSpecial = /[*?[]/g;

function globPrefix(prefix: string): string {
  return `${prefix.replace(globSpecial, (char) => `[${char}]`)}*`;
}

/** An FTS5 string: double quotes inside are doubled. */
function ftsString(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  param: () => '?',
  bool: (value) => (value ? 1 : 0),
  boolAsInt: (expression) => expression,
  binaryText: (expression) => expression,
  keywordListContains: (column, param) => `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ${param})`,
  // GLOB would read a number element as text; the evaluator only looks at string elements.
  keywordListStartsWith: (column, param) =>
    `EXISTS (SELECT 1 FROM json_each(${column}) WHERE type = 'text' AND value GLOB ${param})`,
  // The column name on the left of MATCH restricts the search to that column.
  textMatch: (column, param) =>
    `rowid IN (SELECT rowid FROM executions_visibility_fts WHERE ${column} MATCH ${param})`,
  textMatchParam: (words) => words.map(ftsString).join(' '),
  // GLOB is case-sensitive, compares code points and can use an index on the column
  // (SQLite's LIKE optimization); a range with prefix + '\uffff' would miss characters above U+FFFF.
  startsWith: (column, param) => `${column} GLOB ${param}`,
  startsWithParam: globPrefix,
};
