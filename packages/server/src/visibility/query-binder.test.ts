/**
 * Binding queries to attributes: values coerced to what is stored, operators checked per
 * type, the order completed, and each mistake reported with the attribute it concerns.
 */
import { describe, expect, it } from 'vitest';
import { systemAttributeColumns, CUSTOM_SLOTS } from './attributes.js';
import { bindQuery, type BoundExpr, type BoundQuery } from './query-binder.js';
import { QueryError } from './query-error.js';
import { parseQuery } from './query-parser.js';
import { NOW_MS, testResolver } from './test-fixtures.js';

function bind(query: string, allowGroupBy = false): BoundQuery {
  return bindQuery(parseQuery(query), { resolve: testResolver, nowMs: NOW_MS, allowGroupBy });
}

function where(query: string): BoundExpr | null {
  return bind(query).where;
}

/** The single value a one-predicate query compares with. */
function valueOf(query: string): unknown {
  const expr = where(query);
  if (expr?.kind === 'compare') return expr.value;
  throw new Error(`'${query}' is not a comparison`);
}

function errorOf(query: string, allowGroupBy = false): { message: string; position: number } {
  try {
    bind(query, allowGroupBy);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    return { message: error.message, position: error.position };
  }
  throw new Error(`'${query}' bound`);
}

const HOUR_MS = 3_600_000;

describe('bindQuery values', () => {
  it.each([
    ["StartTime = '2024-01-02T03:04:05Z'", Date.UTC(2024, 0, 2, 3, 4, 5)],
    ["StartTime = '2024-01-02t03:04:05z'", Date.UTC(2024, 0, 2, 3, 4, 5)],
    ["StartTime = '2024-01-02T03:04:05.123+02:00'", Date.UTC(2024, 0, 2, 1, 4, 5, 123)],
    ["StartTime = '2024-01-02T03:04:05.123456789-01:30'", Date.UTC(2024, 0, 2, 4, 34, 5, 123)],
    ["StartTime = '2024-01-02'", Date.UTC(2024, 0, 2)],
    ["StartTime = '2024-02-29'", Date.UTC(2024, 1, 29)],
    ["StartTime = 'now'", NOW_MS],
    ["StartTime = 'now-1h'", NOW_MS - HOUR_MS],
    ["StartTime = 'now+30m'", NOW_MS + 30 * 60_000],
    ["StartTime = 'now-7d'", NOW_MS - 7 * 24 * HOUR_MS],
    ["StartTime = 'now-2w'", NOW_MS - 14 * 24 * HOUR_MS],
    ["StartTime = 'now-1500ms'", NOW_MS - 1500],
    ["StartTime = 'now-1d+2h'", NOW_MS - 22 * HOUR_MS],
    ["CustomDatetimeField = 'now-10s'", NOW_MS - 10_000],
  ])('reads the time in %s as ms since the epoch', (query, expected) => {
    expect(valueOf(query)).toBe(expected);
  });

  it.each([
    ["ExecutionDuration = '1h30m'", 5_400e9],
    ["ExecutionDuration = '250ms'", 250e6],
    ["ExecutionDuration = '2s'", 2e9],
    ["ExecutionDuration = '1.5h'", 5_400e9],
    ["ExecutionDuration = '1m0.5s'", 60.5e9],
    ["ExecutionDuration = '10us'", 10_000],
    ["ExecutionDuration = '3ns'", 3],
    ["ExecutionDuration = '0'", 0],
    ["ExecutionDuration = '-2s'", -2e9],
    ['ExecutionDuration = 1000', 1000],
    ["ExecutionDuration = '1000'", 1000],
  ])('reads the duration in %s as nanoseconds', (query, expected) => {
    expect(valueOf(query)).toBe(expected);
  });

  it.each([
    ["ExecutionStatus = 'Running'", 1],
    ["ExecutionStatus = 'completed'", 2],
    ["ExecutionStatus = 'FAILED'", 3],
    ["ExecutionStatus = 'Canceled'", 4],
    ["ExecutionStatus = 'Terminated'", 5],
    ["ExecutionStatus = 'ContinuedAsNew'", 6],
    ["ExecutionStatus = 'TimedOut'", 7],
    ['ExecutionStatus = 3', 3],
  ])('reads the status in %s as its enum number', (query, expected) => {
    expect(valueOf(query)).toBe(expected);
  });

  it.each([
    ['CustomIntField = 42', 42],
    ['CustomIntField = -7', -7],
    ["CustomIntField = '42'", 42],
    ['CustomDoubleField = 2.5', 2.5],
    ['CustomDoubleField = 3', 3],
    ["CustomDoubleField = '-1.5e3'", -1500],
    ['CustomBoolField = true', true],
    ['CustomBoolField = FALSE', false],
    ["CustomBoolField = 'True'", true],
    ["CustomKeywordField = 'x y'", 'x y'],
    ["WorkflowId = ''", ''],
  ])('coerces the value in %s', (query, expected) => {
    expect(valueOf(query)).toBe(expected);
  });

  it.each([
    ["CustomIntField = 'abc'", "invalid value 'abc' for Int attribute 'CustomIntField'", 17],
    ['CustomIntField = 1.5', "invalid value '1.5' for Int attribute 'CustomIntField'", 17],
    ['CustomIntField = true', "invalid value 'true' for Int attribute 'CustomIntField'", 17],
    ['CustomIntField = 1e300', "invalid value '1e+300' for Int attribute 'CustomIntField'", 17],
    ["CustomDoubleField = 'x'", "invalid value 'x' for Double attribute 'CustomDoubleField'", 20],
    ["CustomBoolField = 'yes'", "invalid value 'yes' for Bool attribute 'CustomBoolField'", 18],
    ['CustomBoolField = 1', "invalid value '1' for Bool attribute 'CustomBoolField'", 18],
    ["StartTime > 'yesterday'", "invalid value 'yesterday' for Datetime attribute 'StartTime'", 12],
    ["StartTime > '2024-02-30'", "invalid value '2024-02-30' for Datetime attribute 'StartTime'", 12],
    ["StartTime > '2024-01-02T25:00:00Z'", "invalid value '2024-01-02T25:00:00Z' for Datetime attribute 'StartTime'", 12],
    ["StartTime > '2024-01-02T03:04:05'", "invalid value '2024-01-02T03:04:05' for Datetime attribute 'StartTime'", 12],
    ["StartTime > 'now-1y'", "invalid value 'now-1y' for Datetime attribute 'StartTime'", 12],
    ['StartTime > 1700000000000', "invalid value '1700000000000' for Datetime attribute 'StartTime'", 12],
    ['WorkflowId = 5', "invalid value '5' for Keyword attribute 'WorkflowId'", 13],
    ["ExecutionStatus = 'Sleeping'", "invalid value 'Sleeping' for Keyword attribute 'ExecutionStatus'", 18],
    ['ExecutionStatus = 9', "invalid value '9' for Keyword attribute 'ExecutionStatus'", 18],
    ["ExecutionDuration > '5 minutes'", "invalid value '5 minutes' for Int attribute 'ExecutionDuration'", 20],
    ["ExecutionDuration > '5d'", "invalid value '5d' for Int attribute 'ExecutionDuration'", 20],
    ["CustomTextField = 5", "invalid value '5' for Text attribute 'CustomTextField'", 18],
    ["CustomKeywordListField = 5", "invalid value '5' for KeywordList attribute 'CustomKeywordListField'", 25],
    ["CustomKeywordField STARTS_WITH 5", "invalid value '5' for Keyword attribute 'CustomKeywordField'", 31],
    ["CustomIntField IN (1, 'x')", "invalid value 'x' for Int attribute 'CustomIntField'", 22],
    ["CustomIntField BETWEEN 1 AND 'x'", "invalid value 'x' for Int attribute 'CustomIntField'", 29],
    ["CustomTextField = '  --  '", "value '  --  ' for Text attribute 'CustomTextField' must have 1 to 64 words", 18],
  ])('rejects %s', (query, message, position) => {
    expect(errorOf(query)).toEqual({ message, position });
  });
});

describe('bindQuery predicates', () => {
  it('names unknown attributes, case-sensitively', () => {
    expect(errorOf("WorkflowId = 'a' AND Foo = 1")).toEqual({ message: "unknown search attribute 'Foo'", position: 21 });
    expect(errorOf("workflowId = 'a'")).toEqual({ message: "unknown search attribute 'workflowId'", position: 0 });
    expect(errorOf('ORDER BY Nope').message).toBe("unknown search attribute 'Nope'");
  });

  it.each([
    ["CustomTextField > 'a'", '>', 'Text', 'CustomTextField'],
    ["CustomTextField IN ('a')", 'IN', 'Text', 'CustomTextField'],
    ["CustomTextField STARTS_WITH 'a'", 'STARTS_WITH', 'Text', 'CustomTextField'],
    ['CustomBoolField > false', '>', 'Bool', 'CustomBoolField'],
    ['CustomBoolField IN (true)', 'IN', 'Bool', 'CustomBoolField'],
    ['CustomBoolField NOT BETWEEN false AND true', 'NOT BETWEEN', 'Bool', 'CustomBoolField'],
    ["CustomKeywordListField < 'a'", '<', 'KeywordList', 'CustomKeywordListField'],
    ["CustomKeywordListField BETWEEN 'a' AND 'b'", 'BETWEEN', 'KeywordList', 'CustomKeywordListField'],
    ["CustomIntField STARTS_WITH '1'", 'STARTS_WITH', 'Int', 'CustomIntField'],
    ["StartTime NOT STARTS_WITH '2024'", 'NOT STARTS_WITH', 'Datetime', 'StartTime'],
    ["ExecutionStatus > 'Running'", '>', 'Keyword', 'ExecutionStatus'],
    ["ExecutionStatus STARTS_WITH 'Run'", 'STARTS_WITH', 'Keyword', 'ExecutionStatus'],
    ['ExecutionStatus IS NULL', 'IS NULL', 'Keyword', 'ExecutionStatus'],
    ["ExecutionStatus BETWEEN 1 AND 2", 'BETWEEN', 'Keyword', 'ExecutionStatus'],
  ])('refuses %s', (query, operator, type, name) => {
    expect(errorOf(query)).toEqual({
      message: `operator '${operator}' is not supported for ${type} attribute '${name}'`,
      position: 0,
    });
  });

  it('binds each negated form as NOT around the positive predicate', () => {
    const negations: [string, string][] = [
      ["WorkflowId != 'a'", "WorkflowId = 'a'"],
      ["WorkflowId NOT IN ('a', 'b')", "WorkflowId IN ('a', 'b')"],
      ['HistoryLength NOT BETWEEN 1 AND 2', 'HistoryLength BETWEEN 1 AND 2'],
      ["WorkflowId NOT STARTS_WITH 'a'", "WorkflowId STARTS_WITH 'a'"],
      ['CloseTime IS NOT NULL', 'CloseTime IS NULL'],
      ["CustomTextField != 'a'", "CustomTextField = 'a'"],
      ["CustomKeywordListField != 'a'", "CustomKeywordListField = 'a'"],
    ];
    for (const [negated, positive] of negations) {
      expect(where(negated)).toEqual({ kind: 'not', operand: where(positive) });
    }
  });

  it('searches Text for its lower-cased words and keyword lists for any of the values', () => {
    expect(where("CustomTextField = 'Quick, BROWN fox!'")).toMatchObject({
      kind: 'textMatch',
      words: ['quick', 'brown', 'fox'],
    });
    expect(where("CustomKeywordListField = 'a'")).toMatchObject({ kind: 'listContains', values: ['a'] });
    expect(where("CustomKeywordListField IN ('a', 'b')")).toMatchObject({ kind: 'listContains', values: ['a', 'b'] });
    expect(where("BuildIds STARTS_WITH 'v1.'")).toMatchObject({ kind: 'listStartsWith', prefix: 'v1.' });
  });

  it('resolves every attribute through the resolver, once per reference', () => {
    const bound = where("CustomKeywordField = 'a' OR CustomIntField IN (1, 2)");
    expect(bound).toMatchObject({
      kind: 'or',
      left: { kind: 'compare', attribute: { column: 'keyword01' } },
      right: { kind: 'in', attribute: { column: 'int01' }, values: [1, 2] },
    });
  });
});

describe('bindQuery order', () => {
  const keys = (query: string) => bind(query).orderBy.map((key) => `${key.attribute.column} ${key.direction}`);

  it('orders running executions first, then by close and start time, newest first, by default', () => {
    expect(keys('')).toEqual(['close_time DESC', 'start_time DESC', 'run_id DESC']);
    expect(keys("WorkflowId = 'a'")).toEqual(['close_time DESC', 'start_time DESC', 'run_id DESC']);
  });

  it('completes a user order with RunId in the direction of its last key', () => {
    expect(keys('ORDER BY StartTime DESC')).toEqual(['start_time DESC', 'run_id DESC']);
    expect(keys('ORDER BY StartTime DESC, CustomKeywordField')).toEqual([
      'start_time DESC',
      'keyword01 ASC',
      'run_id ASC',
    ]);
    expect(keys('ORDER BY RunId DESC, StartTime')).toEqual(['run_id DESC', 'start_time ASC']);
  });

  it('refuses to sort on Text and KeywordList attributes, or on one attribute twice', () => {
    expect(errorOf("WorkflowId = 'a' ORDER BY CustomTextField")).toEqual({
      message: "cannot ORDER BY Text attribute 'CustomTextField': it is not sortable",
      position: 26,
    });
    expect(errorOf('ORDER BY BuildIds').message).toBe(
      "cannot ORDER BY KeywordList attribute 'BuildIds': it is not sortable",
    );
    expect(errorOf('ORDER BY StartTime, StartTime DESC')).toEqual({
      message: "attribute 'StartTime' appears twice in ORDER BY",
      position: 20,
    });
  });
});

describe('bindQuery GROUP BY', () => {
  it('groups by ExecutionStatus when the caller counts', () => {
    expect(bind("WorkflowType = 'x' GROUP BY ExecutionStatus", true).groupBy.map((attribute) => attribute.column)).toEqual([
      'status',
    ]);
    expect(bind("WorkflowType = 'x'", true).groupBy).toEqual([]);
  });

  it('refuses GROUP BY when listing, on other attributes, and on more than one', () => {
    expect(errorOf('GROUP BY ExecutionStatus')).toEqual({
      message: 'GROUP BY is only supported when counting workflow executions',
      position: 9,
    });
    expect(errorOf('GROUP BY WorkflowType', true)).toEqual({
      message: "GROUP BY is only supported for ExecutionStatus, not 'WorkflowType'",
      position: 9,
    });
    expect(errorOf('GROUP BY ExecutionStatus, WorkflowType', true)).toEqual({
      message: 'GROUP BY takes a single attribute',
      position: 26,
    });
  });
});

describe('attributes', () => {
  it('lists the system columns, sortable unless Text or KeywordList, and the custom slots', () => {
    const columns = systemAttributeColumns();
    expect(columns).toHaveLength(24);
    expect(columns.find((attribute) => attribute.name === 'ExecutionStatus')).toMatchObject({
      column: 'status',
      special: 'ExecutionStatus',
      sortable: true,
    });
    expect(columns.find((attribute) => attribute.name === 'BuildIds')).toMatchObject({ sortable: false });
    expect(CUSTOM_SLOTS.Keyword).toHaveLength(10);
    expect(CUSTOM_SLOTS.KeywordList).toEqual(['keyword_list01', 'keyword_list02', 'keyword_list03']);
  });
});
