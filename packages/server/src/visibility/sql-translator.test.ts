/**
 * The SQL translation run on SQLite against the in-memory evaluator: for a table of
 * queries over the same varied rows, both return the same executions in the same order,
 * keyset paging returns the same sequence as one full query, and the key queries are
 * served by an index without a sort.
 */
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_SLOTS, systemAttributeColumns } from './attributes.js';
import { compareRows, cursorOf, isAfterCursor, isCursorFor, matches, type VisibilityRow } from './memory-evaluator.js';
import { bindQuery, type BoundQuery } from './query-binder.js';
import { textWords } from './query-values.js';
import { parseQuery } from './query-parser.js';
import { keysetCondition, toSql } from './sql-translator.js';
import { sqliteDialect } from './sqlite-dialect.js';
import {
  NAMESPACE_ID,
  NOW_MS,
  sampleRows,
  seededRandom,
  testResolver,
  TRANSLATION_ORDERS as orders,
  TRANSLATION_QUERIES as queries,
  VISIBILITY_DDL,
} from './visibility-fixtures.test-support.js';

const ROW_COUNT = 50;
const PAGE_SIZE = 7;
const rows = sampleRows(ROW_COUNT);
let db: Database.Database;

beforeAll(() => {
  const open = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  db = new open(':memory:');
  db.exec(VISIBILITY_DDL);
  const columns = Object.keys(rows[0] ?? {});
  const insert = db.prepare(
    `INSERT INTO executions_visibility (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`,
  );
  for (const row of rows) insert.run(row);
});

afterAll(() => db.close());

function bind(query: string): BoundQuery {
  return bindQuery(parseQuery(query), { resolve: testResolver, nowMs: NOW_MS, allowGroupBy: false });
}

function selectSql(bound: BoundQuery, cursor?: readonly unknown[]): { sql: string; params: unknown[] } {
  const { where, params, orderBy } = toSql(bound, sqliteDialect, 2);
  const conditions = ['namespace_id = ?'];
  if (where) conditions.push(`(${where})`);
  const keyset = cursor && keysetCondition(bound.orderBy, cursor, sqliteDialect, 2 + params.length);
  if (keyset) conditions.push(`(${keyset.sql})`);
  return {
    sql: `SELECT * FROM executions_visibility WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy}`,
    params: [NAMESPACE_ID, ...params, ...(keyset?.params ?? [])],
  };
}

function sqlRunIds(bound: BoundQuery): string[] {
  const { sql, params } = selectSql(bound);
  return db.prepare<unknown[], VisibilityRow>(sql).all(...params).map((row) => String(row['run_id']));
}

function memoryRows(bound: BoundQuery): VisibilityRow[] {
  return rows
    .filter((row) => row['namespace_id'] === NAMESPACE_ID && matches(bound.where, row))
    .sort((a, b) => compareRows(bound.orderBy, a, b));
}

describe('SQLite translation', () => {
  it('the sample rows make the queries discriminate', () => {
    const counts = queries.map((query) => memoryRows(bind(query)).length);
    const partial = counts.filter((count) => count > 0 && count < ROW_COUNT);
    expect(partial.length).toBeGreaterThan(queries.length * 0.75);
  });

  it.each(queries)('returns the rows the evaluator returns, in the same order: %s', (query) => {
    const bound = bind(query);
    expect(sqlRunIds(bound)).toEqual(memoryRows(bound).map((row) => row['run_id']));
  });

  it('agrees with the evaluator on random combinations of the queries above', () => {
    const atoms = queries.filter((query) => query.trim() !== '');
    const next = seededRandom(11);
    const pick = (length: number) => Math.floor(next() * length);
    const combine = (depth: number): string => {
      const choice = depth === 0 ? 0 : pick(4);
      if (choice === 0) return `(${atoms[pick(atoms.length)] ?? ''})`;
      if (choice === 1) return `NOT ${combine(depth - 1)}`;
      return `(${combine(depth - 1)} ${choice === 2 ? 'AND' : 'OR'} ${combine(depth - 1)})`;
    };
    for (let round = 0; round < 200; round++) {
      const query = combine(3);
      const bound = bind(query);
      expect(sqlRunIds(bound), query).toEqual(memoryRows(bound).map((row) => row['run_id']));
    }
  });

  it.each(orders)('orders like the evaluator: %s', (order) => {
    const bound = bind(`CustomIntField != 7 ${order}`);
    expect(sqlRunIds(bound)).toEqual(memoryRows(bound).map((row) => row['run_id']));
  });

  const pagedQueries = ['', "ExecutionStatus != 'Running'", 'CustomIntField IS NOT NULL'];
  it.each(orders.flatMap((order) => pagedQueries.map((query) => `${query} ${order}`)))(
    'pages with a keyset in the same sequence as one query: %s',
    (query) => {
      const bound = bind(query);
      const full = sqlRunIds(bound);
      const paged: string[] = [];
      let cursor: unknown[] | undefined;
      for (let pages = 0; pages <= ROW_COUNT; pages++) {
        const { sql, params } = selectSql(bound, cursor);
        const page = db.prepare<unknown[], VisibilityRow>(`${sql} LIMIT ${PAGE_SIZE}`).all(...params);
        paged.push(...page.map((row) => String(row['run_id'])));
        const last = page[page.length - 1];
        if (page.length < PAGE_SIZE || !last) break;
        cursor = cursorOf(bound.orderBy, last);
        expect(isCursorFor(bound.orderBy, JSON.parse(JSON.stringify(cursor)))).toBe(true);
        expect(isAfterCursor(bound.orderBy, last, cursor)).toBe(false);
      }
      expect(paged).toEqual(full);
      const inMemory = memoryRows(bound);
      const middle = inMemory[PAGE_SIZE];
      if (middle) {
        const cursorInMemory = cursorOf(bound.orderBy, middle);
        const after = inMemory.filter((row) => isAfterCursor(bound.orderBy, row, cursorInMemory));
        expect(after).toEqual(inMemory.slice(PAGE_SIZE + 1));
      }
    },
  );
});

describe('SQLite limits', () => {
  it('runs the largest query the parser accepts', () => {
    const conditions = Array.from({ length: 128 }, (_, index) => `(CustomIntField = ${index} AND NOT WorkflowId = 'x')`);
    const bound = bind(conditions.join(' OR '));
    expect(sqlRunIds(bound)).toEqual(memoryRows(bound).map((row) => row['run_id']));
  });

  it('tells cursors that fit the sort keys from ones that do not', () => {
    const { orderBy } = bind('ORDER BY CustomKeywordField, StartTime');
    expect(isCursorFor(orderBy, ['a', 1, 'run'])).toBe(true);
    expect(isCursorFor(orderBy, ['a', '1', 'run'])).toBe(false);
    expect(isCursorFor(orderBy, ['a', 1])).toBe(false);
    expect(isCursorFor(orderBy, { 0: 'a' })).toBe(false);
    expect(isCursorFor(orderBy, ['a', null, 'run'])).toBe(false);
  });
});

describe('SQLite query plans', () => {
  /** The plan of a query's first page, or of a later page (after the first sample row) when `paged`. */
  function plan(query: string, paged = false): string {
    const bound = bind(query);
    const { sql, params } = selectSql(bound, paged ? cursorOf(bound.orderBy, rows[0] ?? {}) : undefined);
    const steps = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql} LIMIT 10`).all(...params);
    return steps.map((step) => step.detail).join('\n');
  }

  it('serves type and status ordered by start time from an index, without a sort', () => {
    const detail = plan("WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' ORDER BY StartTime DESC");
    expect(detail).toContain('USING INDEX ev_type_status_start');
    expect(detail).not.toContain('TEMP B-TREE');
  });

  it('serves a custom keyword in the default order from its partial index, without a sort', () => {
    const detail = plan("CustomKeywordField = 'alpha'");
    expect(detail).toContain('USING INDEX ev_keyword01');
    expect(detail).not.toContain('TEMP B-TREE');
  });

  it('pages the key queries from the same indexes, without a sort', () => {
    const typeAndStatus = plan("WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 2 ORDER BY StartTime DESC", true);
    expect(typeAndStatus).toContain('USING INDEX ev_type_status_start');
    expect(typeAndStatus).not.toContain('TEMP B-TREE');
    const keyword = plan("CustomKeywordField = 'alpha'", true);
    expect(keyword).toContain('USING INDEX ev_keyword01');
    expect(keyword).not.toContain('TEMP B-TREE');
    const all = plan('', true);
    expect(all).toMatch(/USING INDEX ev_default \(namespace_id=\? AND <expr><\?\)/);
  });

  it('counts by status from an index, without a sort', () => {
    const bound = bindQuery(parseQuery('GROUP BY ExecutionStatus'), {
      resolve: testResolver,
      nowMs: NOW_MS,
      allowGroupBy: true,
    });
    const group = bound.groupBy[0]?.column ?? '';
    const steps = db
      .prepare<[], { detail: string }>(
        `EXPLAIN QUERY PLAN SELECT ${group}, COUNT(*) FROM executions_visibility WHERE namespace_id = 'ns-1' ` +
          `GROUP BY ${group}`,
      )
      .all();
    const detail = steps.map((step) => step.detail).join('\n');
    expect(detail).toContain('USING COVERING INDEX ev_status');
    expect(detail).not.toContain('TEMP B-TREE');
  });

  it('finds keyword prefixes through an index range', () => {
    expect(plan("WorkflowId STARTS_WITH 'wf-1'")).toMatch(/workflow_id>\? AND workflow_id<\?/);
  });

  it('serves the default order and status filters from indexes, without a sort', () => {
    expect(plan('')).toContain('USING INDEX ev_default');
    expect(plan("ExecutionStatus = 'Running'")).toContain('USING INDEX ev_status');
    expect(plan("WorkflowId = 'wf-1'")).toContain('USING INDEX ev_workflow_id');
    for (const query of ['', "ExecutionStatus = 'Running'", "WorkflowId = 'wf-1'"]) {
      expect(plan(query)).not.toContain('TEMP B-TREE');
    }
  });
});

describe('SQLite schema fixture', () => {
  it('has a column for every system attribute and every custom slot', () => {
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(executions_visibility)').all();
    const expected = [
      ...systemAttributeColumns().map((attribute) => attribute.column),
      ...Object.values(CUSTOM_SLOTS).flat(),
    ];
    expect(columns.map((column) => column.name)).toEqual(expect.arrayContaining(expected));
    expect(columns).toHaveLength(expected.length + 4);
  });

  it('keeps full-text search right through updates, upserts, deletes and VACUUM', () => {
    const open = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
    const scratch = new open(':memory:');
    try {
      scratch.exec(VISIBILITY_DDL);
      const columns = Object.keys(rows[0] ?? {});
      const upsert = scratch.prepare(
        `INSERT INTO executions_visibility (${columns.join(', ')}) ` +
          `VALUES (${columns.map((column) => `@${column}`).join(', ')}) ` +
          `ON CONFLICT (namespace_id, run_id) DO UPDATE SET text01 = excluded.text01`,
      );
      const local = rows.map((row) => ({ ...row }));
      for (const row of local) upsert.run(row);
      // Delete early rows so that VACUUM has rowids to renumber, then change texts both ways.
      const deleted = local.splice(0, 5);
      for (const row of deleted) {
        scratch.prepare('DELETE FROM executions_visibility WHERE run_id = ?').run(row['run_id']);
      }
      for (const row of local.slice(0, 10)) {
        row['text01'] = 'replaced words';
        upsert.run(row);
      }
      const updated = local[10];
      if (updated) {
        updated['text01'] = 'updated in place';
        const update = scratch.prepare('UPDATE executions_visibility SET text01 = ? WHERE run_id = ?');
        update.run('updated in place', updated['run_id']);
      }
      scratch.exec('VACUUM');
      for (const query of ["CustomTextField = 'replaced'", "CustomTextField = 'fox'", "CustomTextField = 'place'"]) {
        const bound = bind(query);
        const { sql, params } = selectSql(bound);
        const found = scratch.prepare<unknown[], VisibilityRow>(sql).all(...params).map((row) => row['run_id']);
        const expected = local
          .filter((row) => row['namespace_id'] === NAMESPACE_ID && matches(bound.where, row))
          .sort((a, b) => compareRows(bound.orderBy, a, b))
          .map((row) => row['run_id']);
        expect(found, query).toEqual(expected);
        expect(found.length, query).toBeGreaterThan(0);
      }
      scratch.exec("INSERT INTO executions_visibility_fts (executions_visibility_fts) VALUES ('integrity-check')");
    } finally {
      scratch.close();
    }
  });

  it('splits text into words as the FTS5 tokenizer does', () => {
    const texts = [
      "don't stop_me now-or never",
      'price: $5.99 (approx.) 100%',
      'ÉCOLE École école ecole',
      'emoji 😀smile ✓ check',
      'tab\tseparated\nlines',
      'CamelCase snake_case kebab-case a1b2',
      'Ünïcödé straße ΣΊΣΥΦΟΣ İstanbul ǅemal',
    ];
    const probe = new (createRequire(import.meta.url)('better-sqlite3') as typeof Database)(':memory:');
    try {
      probe.exec("CREATE VIRTUAL TABLE words USING fts5(body, tokenize = 'unicode61 remove_diacritics 0')");
      probe.exec("CREATE VIRTUAL TABLE words_vocab USING fts5vocab(words, 'instance')");
      const insert = probe.prepare<[string]>('INSERT INTO words (body) VALUES (?)');
      for (const text of texts) insert.run(text);
      const tokens = probe
        .prepare<[], { doc: number; term: string }>('SELECT doc, term FROM words_vocab ORDER BY doc, offset')
        .all();
      texts.forEach((text, index) => {
        const fts = tokens.filter((token) => token.doc === index + 1).map((token) => token.term);
        expect(textWords(text)).toEqual(fts);
      });
    } finally {
      probe.close();
    }
  });
});
