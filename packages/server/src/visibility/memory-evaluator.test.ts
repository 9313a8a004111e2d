/**
 * What a user sees from the evaluator (and, through sql-translator.test.ts, from SQL):
 * negations match executions that lack the attribute, NOT is plain negation, and the
 * default order lists running executions first, then newest.
 */
import { describe, expect, it } from 'vitest';
import { compareRows, cursorOf, isAfterCursor, matches, type VisibilityRow } from './memory-evaluator.js';
import { bindQuery, type BoundQuery } from './query-binder.js';
import { parseQuery } from './query-parser.js';
import { NULL_SORT_NUMBER } from './sort-keys.js';
import { NOW_MS, testResolver } from './test-fixtures.js';

function bind(query: string): BoundQuery {
  return bindQuery(parseQuery(query), { resolve: testResolver, nowMs: NOW_MS, allowGroupBy: false });
}

function row(runId: string, fields: VisibilityRow = {}): VisibilityRow {
  return { run_id: runId, start_time: 1000, close_time: null, keyword01: null, text01: null, keyword_list01: null, ...fields };
}

const tagged = row('tagged', { keyword01: 'a', text01: 'Hello, World', keyword_list01: '["x","y"]' });
const other = row('other', { keyword01: 'b', text01: 'goodbye', keyword_list01: '[]' });
const bare = row('bare');

function matching(query: string): string[] {
  const { where } = bind(query);
  return [tagged, other, bare].filter((candidate) => matches(where, candidate)).map((match) => String(match['run_id']));
}

describe('matches', () => {
  it('matches every row when the query has no condition', () => {
    expect(matching('')).toEqual(['tagged', 'other', 'bare']);
  });

  it('lets negations match rows without the attribute, as Temporal does', () => {
    expect(matching("CustomKeywordField = 'a'")).toEqual(['tagged']);
    expect(matching("CustomKeywordField != 'a'")).toEqual(['other', 'bare']);
    expect(matching("CustomKeywordField NOT IN ('a', 'b')")).toEqual(['bare']);
    expect(matching("CustomKeywordField NOT STARTS_WITH 'a'")).toEqual(['other', 'bare']);
    expect(matching("CustomKeywordField > 'a'")).toEqual(['other']);
    expect(matching("NOT CustomKeywordField > 'a'")).toEqual(['tagged', 'bare']);
  });

  it('searches Text by words in any order and case, and keyword lists by element', () => {
    expect(matching("CustomTextField = 'world hello'")).toEqual(['tagged']);
    expect(matching("CustomTextField = 'hello there'")).toEqual([]);
    expect(matching("CustomTextField != 'WORLD'")).toEqual(['other', 'bare']);
    expect(matching("CustomKeywordListField = 'y'")).toEqual(['tagged']);
    expect(matching("CustomKeywordListField NOT IN ('x')")).toEqual(['other', 'bare']);
    expect(matching('CustomKeywordListField IS NULL')).toEqual(['bare']);
  });
});

describe('order', () => {
  const running = row('r-1', { start_time: 10 });
  const closedLate = row('c-2', { start_time: 5, close_time: 50 });
  const closedEarly = row('c-3', { start_time: 20, close_time: 30 });
  const closedEarlyToo = row('c-4', { start_time: 20, close_time: 30 });

  it('lists running executions first, then the most recently closed, ties broken by run id', () => {
    const { orderBy } = bind('');
    const sorted = [closedEarly, running, closedEarlyToo, closedLate].sort((a, b) => compareRows(orderBy, a, b));
    expect(sorted.map((sortedRow) => sortedRow['run_id'])).toEqual(['r-1', 'c-2', 'c-4', 'c-3']);
    expect(cursorOf(orderBy, running)).toEqual([NULL_SORT_NUMBER, 10, 'r-1']);
  });

  it('places rows after a cursor as the keyset condition does', () => {
    const { orderBy } = bind('ORDER BY StartTime');
    const cursor = cursorOf(orderBy, closedEarlyToo);
    expect(isAfterCursor(orderBy, closedEarly, cursor)).toBe(false);
    expect(isAfterCursor(orderBy, closedEarlyToo, cursor)).toBe(false);
    expect(isAfterCursor(orderBy, row('c-5', { start_time: 20 }), cursor)).toBe(true);
    expect(isAfterCursor(orderBy, running, cursor)).toBe(false);
  });
});
