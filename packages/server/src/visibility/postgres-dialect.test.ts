/**
 * The PostgreSQL translation as text (no PostgreSQL in these tests): numbered placeholders
 * from the caller's index, jsonb keyword lists, full-text search, LIKE prefixes with escaped
 * wildcards, booleans as booleans, and keyword sorts in code-point (C) order.
 */
import { describe, expect, it } from 'vitest';
import { bindQuery, type BoundQuery } from './query-binder.js';
import { parseQuery } from './query-parser.js';
import { postgresDialect } from './postgres-dialect.js';
import { keysetCondition, toSql } from './sql-translator.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { NOW_MS, testResolver } from './test-fixtures.js';

function bind(query: string): BoundQuery {
  return bindQuery(parseQuery(query), { resolve: testResolver, nowMs: NOW_MS, allowGroupBy: false });
}

describe('postgresDialect', () => {
  it('numbers placeholders from the first index and keeps values in order', () => {
    const sql = toSql(bind("WorkflowType = 'A' AND ExecutionStatus IN ('Running', 'Failed') AND HistoryLength > 3"), postgresDialect, 3);
    expect(sql.where).toBe('((workflow_type = $3 AND status IN ($4, $5)) AND history_length > $6)');
    expect(sql.params).toEqual(['A', 1, 3, 3]);
    expect(sql.orderBy).toBe('COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id COLLATE "C" DESC');
  });

  it('guards nullable columns so that NOT matches rows without the attribute', () => {
    const sql = toSql(bind("CustomKeywordField != 'a' AND CloseTime IS NOT NULL"), postgresDialect);
    expect(sql.where).toBe('(NOT ((keyword01 IS NOT NULL AND keyword01 = $1)) AND NOT (close_time IS NULL))');
  });

  it('searches keyword lists in jsonb and Text with the simple text-search configuration', () => {
    const list = toSql(bind("CustomKeywordListField IN ('a', 'b')"), postgresDialect);
    expect(list.where).toBe(
      '(keyword_list01 IS NOT NULL AND (COALESCE(keyword_list01 @> jsonb_build_array($1::text), false) OR ' +
        'COALESCE(keyword_list01 @> jsonb_build_array($2::text), false)))',
    );
    const prefix = toSql(bind("BuildIds STARTS_WITH 'v1_'"), postgresDialect);
    expect(prefix.where).toBe(
      '(build_ids IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(build_ids) AS element(value) ' +
        'WHERE element.value LIKE $1))',
    );
    expect(prefix.params).toEqual(['v1\\_%']);
    const text = toSql(bind("CustomTextField = 'Quick fox'"), postgresDialect);
    expect(text.where).toBe(
      "(text01 IS NOT NULL AND to_tsvector('simple', coalesce(text01, '')) @@ plainto_tsquery('simple', $1))",
    );
    expect(text.params).toEqual(['quick fox']);
  });

  it('escapes LIKE wildcards in prefixes and passes booleans as booleans', () => {
    const sql = toSql(bind("WorkflowId STARTS_WITH '50%_\\\\x' AND CustomBoolField = true"), postgresDialect);
    expect(sql.where).toBe('(workflow_id LIKE $1 AND (bool01 IS NOT NULL AND bool01 = $2))');
    expect(sql.params).toEqual(['50\\%\\_\\\\x%', true]);
  });

  it('sorts keywords in C collation and booleans as integers, NULLs coalesced', () => {
    const sql = toSql(bind("CustomKeywordField > 'm' ORDER BY CustomKeywordField DESC, CustomBoolField"), postgresDialect);
    expect(sql.where).toBe('(keyword01 IS NOT NULL AND keyword01 COLLATE "C" > $1)');
    expect(sql.orderBy).toBe(
      `COALESCE(keyword01, '') COLLATE "C" DESC, COALESCE((bool01)::int, 4611686018427387904) ASC, run_id COLLATE "C" ASC`,
    );
  });

  it('writes the keyset condition after a cursor with numbered placeholders', () => {
    const bound = bind('ORDER BY StartTime DESC');
    const keyset = keysetCondition(bound.orderBy, [1000, 'run-9'], postgresDialect, 4);
    expect(keyset.sql).toBe('start_time <= $4 AND (start_time < $5 OR (start_time = $6 AND run_id COLLATE "C" < $7))');
    expect(keyset.params).toEqual([1000, 1000, 1000, 'run-9']);
  });
});

describe('sqliteDialect', () => {
  it('writes prefixes as GLOB patterns with wildcards escaped', () => {
    const sql = toSql(bind("WorkflowId STARTS_WITH 'a*b?[c]'"), sqliteDialect);
    expect(sql.where).toBe('workflow_id GLOB ?');
    expect(sql.params).toEqual(['a[*]b[?][[]c]*']);
  });

  it('quotes full-text words as FTS5 strings restricted to the column', () => {
    const sql = toSql(bind("CustomStringField = 'Hello world'"), sqliteDialect);
    expect(sql.where).toBe(
      '(text02 IS NOT NULL AND rowid IN (SELECT rowid FROM executions_visibility_fts WHERE text02 MATCH ?))',
    );
    expect(sql.params).toEqual(['"hello" "world"']);
    expect(sqliteDialect.textMatchParam(['say"hi'])).toBe('"say""hi"');
  });

  it('refuses a cursor that does not fit the sort keys', () => {
    expect(() => keysetCondition(bind('').orderBy, [1], sqliteDialect, 1)).toThrow(/does not fit/);
  });
});
