/**
 * Test support for the visibility query module: the SQLite DDL of `executions_visibility`
 * (what the store's migration should create; copied there, never imported by it), a
 * resolver with Temporal's pre-registered custom attributes, and deterministic varied rows.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import { makeResolver, type AttributeResolver } from './attributes.js';
import type { VisibilityRow } from './memory-evaluator.js';

/**
 * The table, its FTS5 external-content table and the indexes the queries need. The
 * expression `COALESCE(close_time, 4611686018427387904)` must stay identical to
 * sql-translator.ts sortExpression for CloseTime, or SQLite sorts instead of using the index.
 * `id` is the rowid the FTS index refers to; an explicit INTEGER PRIMARY KEY because VACUUM
 * may renumber the rowids of any other table. Write rows with INSERT … ON CONFLICT
 * (namespace_id, run_id) DO UPDATE, not INSERT OR REPLACE: a REPLACE deletes without firing
 * the delete trigger, leaving stale words in the FTS index.
 */
export const VISIBILITY_DDL = `
CREATE TABLE executions_visibility (
  id INTEGER PRIMARY KEY,
  namespace_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  workflow_type TEXT NOT NULL,
  task_queue TEXT NOT NULL,
  status INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  close_time INTEGER,
  execution_time INTEGER NOT NULL,
  execution_duration INTEGER,
  history_length INTEGER NOT NULL,
  history_size_bytes INTEGER NOT NULL,
  state_transition_count INTEGER NOT NULL,
  parent_workflow_id TEXT,
  parent_run_id TEXT,
  root_workflow_id TEXT,
  root_run_id TEXT,
  temporal_change_version TEXT,
  build_ids TEXT,
  binary_checksums TEXT,
  batcher_user TEXT,
  temporal_scheduled_by_id TEXT,
  temporal_scheduled_start_time INTEGER,
  temporal_schedule_paused INTEGER,
  temporal_pause_info TEXT,
  bool01 INTEGER, bool02 INTEGER, bool03 INTEGER,
  datetime01 INTEGER, datetime02 INTEGER, datetime03 INTEGER,
  double01 REAL, double02 REAL, double03 REAL,
  int01 INTEGER, int02 INTEGER, int03 INTEGER,
  keyword01 TEXT, keyword02 TEXT, keyword03 TEXT, keyword04 TEXT, keyword05 TEXT,
  keyword06 TEXT, keyword07 TEXT, keyword08 TEXT, keyword09 TEXT, keyword10 TEXT,
  text01 TEXT, text02 TEXT, text03 TEXT,
  keyword_list01 TEXT, keyword_list02 TEXT, keyword_list03 TEXT,
  memo BLOB,
  search_attributes BLOB,
  UNIQUE (namespace_id, run_id)
);
CREATE VIRTUAL TABLE executions_visibility_fts USING fts5(
  text01, text02, text03,
  content = 'executions_visibility', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER executions_visibility_fts_insert AFTER INSERT ON executions_visibility BEGIN
  INSERT INTO executions_visibility_fts (rowid, text01, text02, text03)
    VALUES (new.rowid, new.text01, new.text02, new.text03);
END;
CREATE TRIGGER executions_visibility_fts_delete AFTER DELETE ON executions_visibility BEGIN
  INSERT INTO executions_visibility_fts (executions_visibility_fts, rowid, text01, text02, text03)
    VALUES ('delete', old.rowid, old.text01, old.text02, old.text03);
END;
CREATE TRIGGER executions_visibility_fts_update AFTER UPDATE OF text01, text02, text03 ON executions_visibility BEGIN
  INSERT INTO executions_visibility_fts (executions_visibility_fts, rowid, text01, text02, text03)
    VALUES ('delete', old.rowid, old.text01, old.text02, old.text03);
  INSERT INTO executions_visibility_fts (rowid, text01, text02, text03)
    VALUES (new.rowid, new.text01, new.text02, new.text03);
END;
CREATE INDEX executions_visibility_by_default_order ON executions_visibility
  (namespace_id, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
CREATE INDEX executions_visibility_by_status ON executions_visibility
  (namespace_id, status, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
CREATE INDEX executions_visibility_by_type_status_start ON executions_visibility
  (namespace_id, workflow_type, status, start_time DESC, run_id DESC);
CREATE INDEX executions_visibility_by_workflow_id ON executions_visibility
  (namespace_id, workflow_id, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC);
CREATE INDEX executions_visibility_by_bool01 ON executions_visibility
  (namespace_id, bool01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE bool01 IS NOT NULL;
CREATE INDEX executions_visibility_by_bool02 ON executions_visibility
  (namespace_id, bool02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE bool02 IS NOT NULL;
CREATE INDEX executions_visibility_by_bool03 ON executions_visibility
  (namespace_id, bool03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE bool03 IS NOT NULL;
CREATE INDEX executions_visibility_by_datetime01 ON executions_visibility
  (namespace_id, datetime01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE datetime01 IS NOT NULL;
CREATE INDEX executions_visibility_by_datetime02 ON executions_visibility
  (namespace_id, datetime02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE datetime02 IS NOT NULL;
CREATE INDEX executions_visibility_by_datetime03 ON executions_visibility
  (namespace_id, datetime03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE datetime03 IS NOT NULL;
CREATE INDEX executions_visibility_by_double01 ON executions_visibility
  (namespace_id, double01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE double01 IS NOT NULL;
CREATE INDEX executions_visibility_by_double02 ON executions_visibility
  (namespace_id, double02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE double02 IS NOT NULL;
CREATE INDEX executions_visibility_by_double03 ON executions_visibility
  (namespace_id, double03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE double03 IS NOT NULL;
CREATE INDEX executions_visibility_by_int01 ON executions_visibility
  (namespace_id, int01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE int01 IS NOT NULL;
CREATE INDEX executions_visibility_by_int02 ON executions_visibility
  (namespace_id, int02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE int02 IS NOT NULL;
CREATE INDEX executions_visibility_by_int03 ON executions_visibility
  (namespace_id, int03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE int03 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword01 ON executions_visibility
  (namespace_id, keyword01, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword01 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword02 ON executions_visibility
  (namespace_id, keyword02, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword02 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword03 ON executions_visibility
  (namespace_id, keyword03, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword03 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword04 ON executions_visibility
  (namespace_id, keyword04, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword04 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword05 ON executions_visibility
  (namespace_id, keyword05, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword05 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword06 ON executions_visibility
  (namespace_id, keyword06, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword06 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword07 ON executions_visibility
  (namespace_id, keyword07, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword07 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword08 ON executions_visibility
  (namespace_id, keyword08, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword08 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword09 ON executions_visibility
  (namespace_id, keyword09, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword09 IS NOT NULL;
CREATE INDEX executions_visibility_by_keyword10 ON executions_visibility
  (namespace_id, keyword10, COALESCE(close_time, 4611686018427387904) DESC, start_time DESC, run_id DESC)
  WHERE keyword10 IS NOT NULL;
`;

export const NAMESPACE_ID = 'ns-1';
export const OTHER_NAMESPACE_ID = 'ns-2';
export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

const customAttributes = new Map<string, { type: SearchAttributeType; column: string }>([
  ['CustomKeywordField', { type: 'Keyword', column: 'keyword01' }],
  ['CustomTextField', { type: 'Text', column: 'text01' }],
  ['CustomStringField', { type: 'Text', column: 'text02' }],
  ['CustomIntField', { type: 'Int', column: 'int01' }],
  ['CustomDoubleField', { type: 'Double', column: 'double01' }],
  ['CustomBoolField', { type: 'Bool', column: 'bool01' }],
  ['CustomDatetimeField', { type: 'Datetime', column: 'datetime01' }],
  ['CustomKeywordListField', { type: 'KeywordList', column: 'keyword_list01' }],
]);

/** System attributes plus Temporal's dev-server custom attributes (and one KeywordList). */
export const testResolver: AttributeResolver = makeResolver(customAttributes);

/** A small deterministic generator (mulberry32) of numbers in [0, 1), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const keywords = [
  ...['alpha', 'Alpha', 'alpha*beta', 'a?c', '[x]', '100%_done', 'é-accent', 'zeta'],
  // Above U+FFFF and in the private-use area: UTF-16 and UTF-8 order these two differently.
  ...['\u{1F600}smile', '\uE000private', ''],
];
const texts = [
  'The quick brown fox',
  'quick FOX jumps',
  'lazy dog, sleeping',
  'Café au lait',
  'order #42 shipped_today',
  'fox',
];
const lists = ['["v1","v2"]', '["v2"]', '[]', '["build-1.0","build-2.0"]', '["alpha*beta"]'];

/** `count` rows of NAMESPACE_ID with ties, NULLs and awkward strings, plus a few of another namespace. */
export function sampleRows(count: number, seed = 7): VisibilityRow[] {
  const next = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const maybe = <T>(value: T): T | null => (next() < 0.3 ? null : value);
  const rows: VisibilityRow[] = [];
  for (let index = 0; index < count + 3; index++) {
    const status = pick([1, 1, 2, 2, 3, 4, 5, 6, 7]);
    // Coarse times so that sort keys tie and the run_id tie-breaker matters.
    const startTime = NOW_MS - pick([1, 2, 3, 5, 8]) * 3_600_000;
    const closeTime = status === 1 ? null : startTime + pick([1, 2, 3]) * 60_000;
    rows.push({
      namespace_id: index < count ? NAMESPACE_ID : OTHER_NAMESPACE_ID,
      run_id: `run-${String(Math.floor(next() * 1e6)).padStart(6, '0')}-${index}`,
      workflow_id: `wf-${index % 17}`,
      workflow_type: pick(['OrderWorkflow', 'PaymentWorkflow', 'order-workflow']),
      task_queue: pick(['tq-a', 'tq-b']),
      status,
      start_time: startTime,
      close_time: closeTime,
      execution_time: startTime + pick([0, 1000]),
      execution_duration: closeTime === null ? null : (closeTime - startTime) * 1_000_000,
      history_length: pick([3, 11, 42, 1000]),
      history_size_bytes: pick([100, 2048, 65536]),
      state_transition_count: pick([1, 5, 9]),
      parent_workflow_id: maybe(pick(['parent-1', 'parent-2'])),
      parent_run_id: null,
      root_workflow_id: maybe('root-1'),
      root_run_id: null,
      temporal_change_version: maybe(pick(['["change-1"]', '["change-1","change-2"]'])),
      build_ids: maybe(pick(lists)),
      binary_checksums: null,
      batcher_user: maybe(pick(['admin', 'ops'])),
      temporal_scheduled_by_id: maybe(pick(['sched-1', 'sched-2'])),
      temporal_scheduled_start_time: maybe(startTime - 1000),
      temporal_schedule_paused: maybe(pick([0, 1])),
      temporal_pause_info: null,
      keyword01: maybe(pick(keywords)),
      keyword02: maybe(pick(keywords)),
      text01: maybe(pick(texts)),
      text02: maybe(pick(texts)),
      int01: maybe(pick([-5, 0, 7, 42, 1_000_000])),
      double01: maybe(pick([-1.5, 0, 0.25, 3.75, 1e10])),
      bool01: maybe(pick([0, 1])),
      datetime01: maybe(NOW_MS - pick([0, 1, 24, 24 * 8]) * 3_600_000),
      keyword_list01: maybe(pick(lists)),
    });
  }
  return rows;
}
