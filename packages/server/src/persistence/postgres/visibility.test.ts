/**
 * The visibility translation run on PostgreSQL through the store, against the in-memory
 * evaluator: the same varied rows and the same table of filters and orders as the SQLite
 * check (visibility/sql-translator.test.ts) give the same runs in the same order, and keyset
 * pages put together give the same sequence as one query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './test-database.test-support.js';
import { PostgresStore } from './postgres-store.js';
import { visibilityJson } from './visibility.js';
import { compareRows, cursorOf, matches } from '../../visibility/memory-evaluator.js';
import { bindQuery, type BoundQuery } from '../../visibility/query-binder.js';
import { parseQuery } from '../../visibility/query-parser.js';
import {
  NAMESPACE_ID,
  NOW_MS,
  sampleRows,
  seededRandom,
  testResolver,
  TRANSLATION_ORDERS,
  TRANSLATION_QUERIES,
} from '../../visibility/visibility-fixtures.test-support.js';

const ROW_COUNT = 50;
const PAGE_SIZE = 7;
const rows = sampleRows(ROW_COUNT);
let database: TestDatabase;
let store: PostgresStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await PostgresStore.open({ url: database.url, connectRetry: { retryMs: 0, onRetry: () => undefined }, onConnectionError: () => undefined });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const row of rows) {
      const { namespace_id: namespaceId, run_id: runId, ...columns } = row;
      // The row as a commit writes it (commit-functions.ts), without the run it belongs to.
      const json = visibilityJson({ namespaceId: String(namespaceId), runId: String(runId), columns, memo: null, searchAttributes: null });
      await client.query('INSERT INTO executions_visibility SELECT * FROM jsonb_populate_record(NULL::executions_visibility, $1)', [
        JSON.stringify(json),
      ]);
    }
  } finally {
    await client.end();
  }
});

afterAll(async () => {
  await store.close();
  await database.drop();
});

function bind(query: string): BoundQuery {
  return bindQuery(parseQuery(query), { resolve: testResolver, nowMs: NOW_MS, allowGroupBy: false });
}

async function sqlRunIds(bound: BoundQuery): Promise<string[]> {
  return (await store.listVisibility(NAMESPACE_ID, bound, null, 1000)).map((record) => record.runId);
}

function memoryRunIds(bound: BoundQuery): string[] {
  return rows
    .filter((row) => row['namespace_id'] === NAMESPACE_ID && matches(bound.where, row))
    .sort((a, b) => compareRows(bound.orderBy, a, b))
    .map((row) => String(row['run_id']));
}

describe('PostgreSQL translation', () => {
  it.each(TRANSLATION_QUERIES)('returns the rows the evaluator returns, in the same order: %s', async (query) => {
    const bound = bind(query);
    expect(await sqlRunIds(bound)).toEqual(memoryRunIds(bound));
  });

  it('agrees with the evaluator on random combinations of those queries', async () => {
    const atoms = TRANSLATION_QUERIES.filter((query) => query.trim() !== '');
    const next = seededRandom(13);
    const pick = (length: number) => Math.floor(next() * length);
    const combine = (depth: number): string => {
      const choice = depth === 0 ? 0 : pick(4);
      if (choice === 0) return `(${atoms[pick(atoms.length)] ?? ''})`;
      if (choice === 1) return `NOT ${combine(depth - 1)}`;
      return `(${combine(depth - 1)} ${choice === 2 ? 'AND' : 'OR'} ${combine(depth - 1)})`;
    };
    for (let round = 0; round < 100; round++) {
      const query = combine(3);
      const bound = bind(query);
      expect(await sqlRunIds(bound), query).toEqual(memoryRunIds(bound));
    }
  });

  const pagedQueries = ['', "ExecutionStatus != 'Running'", 'CustomIntField IS NOT NULL'];
  it.each(TRANSLATION_ORDERS.flatMap((order) => pagedQueries.map((query) => `${query} ${order}`)))(
    'orders like the evaluator and pages in the same sequence: %s',
    async (query) => {
      const bound = bind(query);
      const full = await sqlRunIds(bound);
      expect(full).toEqual(memoryRunIds(bound));
      const paged: string[] = [];
      let cursor: unknown[] | null = null;
      for (let pages = 0; pages <= ROW_COUNT; pages++) {
        const page = await store.listVisibility(NAMESPACE_ID, bound, cursor, PAGE_SIZE);
        paged.push(...page.map((record) => record.runId));
        const last = page[page.length - 1];
        if (page.length < PAGE_SIZE || !last) break;
        cursor = cursorOf(bound.orderBy, { ...last.columns, run_id: last.runId });
      }
      expect(paged).toEqual(full);
    },
  );
});
