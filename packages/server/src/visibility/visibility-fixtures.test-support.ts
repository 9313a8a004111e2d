/**
 * Test support for the visibility query module: the SQLite schema (the store's migrations), a
 * resolver with Temporal's pre-registered custom attributes, and deterministic varied rows.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import { makeResolver, type AttributeResolver } from './attributes.js';
import type { VisibilityRow } from './memory-evaluator.js';
import { sqliteMigrations } from '../persistence/sqlite/migrations.js';

/**
 * The schema the tests run on: the store's own migrations (persistence/sqlite/migrations.ts),
 * so SQL results, FTS upkeep and query plans are checked against the real table, triggers and
 * indexes. Their `COALESCE(close_time, 4611686018427387904)` must stay identical to
 * sql-translator.ts sortExpression for CloseTime, or SQLite sorts instead of using the index.
 */
export const VISIBILITY_DDL = sqliteMigrations.join(';\n');

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

/** Filters whose SQL translation must agree with the in-memory evaluator (sql-translator.test.ts, postgres/visibility.test.ts). */
export const TRANSLATION_QUERIES: readonly string[] = [
  '',
  '   ',
  "WorkflowId = 'wf-3'",
  "WorkflowId != 'wf-3'",
  "WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running'",
  "ExecutionStatus = 'completed' OR ExecutionStatus = 3",
  "ExecutionStatus IN ('Failed', 'Canceled', 'TimedOut')",
  "ExecutionStatus NOT IN ('Running')",
  "ExecutionStatus != 'Running'",
  "WorkflowType STARTS_WITH 'Order'",
  "WorkflowType NOT STARTS_WITH 'Order'",
  "WorkflowType > 'Order' AND WorkflowType <= 'PaymentWorkflow'",
  "TaskQueue IN ('tq-a')",
  "StartTime > '2026-01-15T08:30:00Z'",
  "StartTime BETWEEN 'now-4h' AND 'now-1h'",
  "StartTime NOT BETWEEN 'now-4h' AND 'now-1h'",
  "CloseTime IS NULL",
  "CloseTime IS NOT NULL AND CloseTime < 'now-3h'",
  "CloseTime != '2026-01-15T10:01:00Z'",
  "ExecutionDuration > '90s'",
  "ExecutionDuration <= 120000000000",
  "ExecutionDuration = '2m'",
  'HistoryLength >= 42 AND HistorySizeBytes < 65536',
  'HistoryLength IN (3, 1000)',
  'StateTransitionCount BETWEEN 2 AND 9',
  "ParentWorkflowId = 'parent-1'",
  "ParentWorkflowId != 'parent-1'",
  'ParentWorkflowId IS NULL',
  "RootWorkflowId IS NOT NULL AND BatcherUser IN ('ops')",
  "TemporalChangeVersion = 'change-2'",
  "TemporalChangeVersion != 'change-2'",
  "BuildIds IN ('v1', 'build-2.0')",
  "BuildIds NOT IN ('v2')",
  "BuildIds STARTS_WITH 'build-'",
  "BuildIds NOT STARTS_WITH 'v'",
  "BuildIds = 'alpha*beta'",
  'TemporalSchedulePaused = true',
  'TemporalSchedulePaused != TRUE',
  "TemporalScheduledStartTime < 'now-2h'",
  "CustomKeywordField = 'alpha'",
  "CustomKeywordField != 'alpha'",
  "CustomKeywordField = ''",
  "CustomKeywordField STARTS_WITH 'alpha*'",
  "CustomKeywordField STARTS_WITH 'a?'",
  "CustomKeywordField STARTS_WITH '['",
  "CustomKeywordField STARTS_WITH '100%'",
  "CustomKeywordField STARTS_WITH ''",
  "CustomKeywordField > 'zeta'",
  "CustomKeywordField >= '\uE000'",
  "CustomKeywordField < 'a'",
  "CustomKeywordField NOT IN ('alpha', 'Alpha', 'zeta')",
  "CustomKeywordField BETWEEN 'A' AND 'b'",
  "CustomTextField = 'fox'",
  "CustomTextField = 'FOX quick'",
  "CustomTextField != 'fox'",
  "CustomTextField = 'shipped'",
  "CustomTextField = 'café'",
  "CustomTextField = 'cafe'",
  "CustomStringField = 'dog' OR CustomTextField = 'lait'",
  'CustomIntField > 0',
  'CustomIntField != 7',
  "CustomIntField = '42'",
  'CustomIntField BETWEEN -5 AND 7',
  'CustomDoubleField < 0.3',
  'CustomDoubleField >= 1e10',
  'CustomDoubleField NOT BETWEEN 0 AND 1',
  'CustomBoolField = false',
  "CustomBoolField != 'true'",
  'CustomBoolField IS NULL',
  "CustomDatetimeField >= 'now-1d'",
  "CustomDatetimeField = '2026-01-15T12:00:00Z'",
  "CustomDatetimeField < '2026-01-15'",
  "CustomKeywordListField = 'v2'",
  "CustomKeywordListField NOT IN ('v1', 'v2')",
  'CustomKeywordListField IS NULL',
  "NOT (CustomKeywordField = 'alpha' OR CustomIntField > 0)",
  "NOT CustomKeywordField = 'alpha' AND NOT CustomIntField > 0",
  "NOT (CustomTextField = 'fox') AND NOT (CustomKeywordListField = 'v2')",
  "NOT (CloseTime > 'now-3h') OR NOT NOT (CustomBoolField = true)",
  "(ExecutionStatus = 'Running' OR CustomIntField < 10) AND NOT (TaskQueue = 'tq-b' AND CustomDoubleField IS NOT NULL)",
  "ExecutionStatus = 'Running' OR ExecutionStatus = 'Failed' AND TaskQueue = 'tq-a'",
];

/** Sort orders checked the same way. */
export const TRANSLATION_ORDERS: readonly string[] = [
  '',
  'ORDER BY StartTime DESC',
  'ORDER BY StartTime',
  'ORDER BY CloseTime ASC, WorkflowId DESC',
  'ORDER BY CustomKeywordField',
  'ORDER BY CustomKeywordField DESC, CustomIntField ASC',
  'ORDER BY CustomBoolField DESC, ExecutionStatus',
  'ORDER BY ExecutionDuration, CustomDoubleField DESC',
  'ORDER BY RunId',
];
