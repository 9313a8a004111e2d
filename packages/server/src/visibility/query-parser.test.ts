/** The list filter language as users write it: every construct parses, and every mistake names its position. */
import { describe, expect, it } from 'vitest';
import { QueryError } from './query-error.js';
import { QUERY_LENGTH_MAX } from './query-lexer.js';
import {
  parseQuery,
  QUERY_CONDITIONS_MAX,
  QUERY_DEPTH_MAX,
  QUERY_VALUES_MAX,
  type Expr,
} from './query-parser.js';

/** A compact rendering of a condition, to compare trees at a glance. */
function show(expr: Expr | null): string {
  if (expr === null) return '';
  const not = (negated: boolean) => (negated ? 'NOT ' : '');
  switch (expr.kind) {
    case 'and':
    case 'or':
      return `(${show(expr.left)} ${expr.kind.toUpperCase()} ${show(expr.right)})`;
    case 'not':
      return `NOT ${show(expr.operand)}`;
    case 'compare':
      return `${expr.attribute.name} ${expr.operator} ${JSON.stringify(expr.value.value)}`;
    case 'in':
      return `${expr.attribute.name} ${not(expr.negated)}IN ${JSON.stringify(expr.values.map((value) => value.value))}`;
    case 'between':
      return `${expr.attribute.name} ${not(expr.negated)}BETWEEN ${JSON.stringify(expr.low.value)} AND ${JSON.stringify(expr.high.value)}`;
    case 'startsWith':
      return `${expr.attribute.name} ${not(expr.negated)}STARTS_WITH ${JSON.stringify(expr.value.value)}`;
    case 'isNull':
      return `${expr.attribute.name} IS ${not(expr.negated)}NULL`;
  }
}

function where(query: string): string {
  return show(parseQuery(query).where);
}

function errorOf(query: string): { message: string; position: number } {
  try {
    parseQuery(query);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    return { message: error.message, position: error.position };
  }
  throw new Error(`'${query}' parsed`);
}

describe('parseQuery', () => {
  it('reads an empty or blank query as no condition and no order', () => {
    for (const query of ['', '   ', '\n\t']) {
      expect(parseQuery(query)).toEqual({ where: null, groupBy: [], orderBy: [] });
    }
  });

  it.each([
    ["WorkflowId = 'a'", 'WorkflowId = "a"'],
    ["WorkflowId != 'a'", 'WorkflowId != "a"'],
    ["WorkflowId <> 'a'", 'WorkflowId != "a"'],
    ['HistoryLength > 5', 'HistoryLength > 5'],
    ['HistoryLength >= 5', 'HistoryLength >= 5'],
    ['HistoryLength < -5', 'HistoryLength < -5'],
    ['HistoryLength <= 2.5', 'HistoryLength <= 2.5'],
    ['HistoryLength<=2.5e3', 'HistoryLength <= 2500'],
    ["ExecutionStatus IN ('Running', 'Failed')", 'ExecutionStatus IN ["Running","Failed"]'],
    ['ExecutionStatus not in (1)', 'ExecutionStatus NOT IN [1]'],
    ["StartTime BETWEEN 'now-1h' AND 'now'", 'StartTime BETWEEN "now-1h" AND "now"'],
    ['StartTime NOT BETWEEN 1 AND 2', 'StartTime NOT BETWEEN 1 AND 2'],
    ["WorkflowType STARTS_WITH 'Ord'", 'WorkflowType STARTS_WITH "Ord"'],
    ["WorkflowType not starts_with 'Ord'", 'WorkflowType NOT STARTS_WITH "Ord"'],
    ['CloseTime IS NULL', 'CloseTime IS NULL'],
    ['CloseTime is not null', 'CloseTime IS NOT NULL'],
    ['CustomBoolField = TRUE', 'CustomBoolField = true'],
    ['CustomBoolField = false', 'CustomBoolField = false'],
    ['`Custom Field` = 1', 'Custom Field = 1'],
    ['`Order` = 1', 'Order = 1'],
    ['`a``b` = 1', 'a`b = 1'],
    ['custom_field_2 = 1', 'custom_field_2 = 1'],
  ])('parses the predicate %s', (query, expected) => {
    expect(where(query)).toBe(expected);
  });

  it.each([
    ["a = 'it''s'", "it's"],
    ["a = 'it\\'s'", "it's"],
    ['a = "say \\"hi\\""', 'say "hi"'],
    ['a = "say ""hi"""', 'say "hi"'],
    ["a = 'back\\\\slash'", 'back\\slash'],
    ["a = 'tab\\tnew\\nline'", 'tab\tnew\nline'],
    ["a = ''", ''],
    ["a = 'über ✓ 😀'", 'über ✓ 😀'],
  ])('reads the string literal in %s', (query, expected) => {
    const parsed = parseQuery(query).where;
    expect(parsed?.kind === 'compare' && parsed.value.value).toBe(expected);
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    expect(where('a = 1 OR b = 2 AND c = 3')).toBe('(a = 1 OR (b = 2 AND c = 3))');
    expect(where('a = 1 AND b = 2 OR c = 3')).toBe('((a = 1 AND b = 2) OR c = 3)');
    expect(where('NOT a = 1 AND b = 2')).toBe('(NOT a = 1 AND b = 2)');
    expect(where('NOT (a = 1 OR b = 2)')).toBe('NOT (a = 1 OR b = 2)');
    expect(where('a = 1 and (b = 2 or c = 3) And not not d is null')).toBe(
      '((a = 1 AND (b = 2 OR c = 3)) AND NOT NOT d IS NULL)',
    );
    expect(where('a = 1 OR b = 2 OR c = 3')).toBe('((a = 1 OR b = 2) OR c = 3)');
  });

  it('reads ORDER BY keys with their directions, ascending by default', () => {
    const parsed = parseQuery("WorkflowType = 'x' order by StartTime desc, `Custom Field`, RunId ASC");
    expect(parsed.orderBy.map((key) => [key.attribute.name, key.direction])).toEqual([
      ['StartTime', 'DESC'],
      ['Custom Field', 'ASC'],
      ['RunId', 'ASC'],
    ]);
    expect(parseQuery('ORDER BY CloseTime').where).toBeNull();
  });

  it('reads GROUP BY before ORDER BY, with or without a condition', () => {
    expect(parseQuery('GROUP BY ExecutionStatus').groupBy.map((name) => name.name)).toEqual(['ExecutionStatus']);
    const parsed = parseQuery("WorkflowType = 'x' GROUP BY ExecutionStatus ORDER BY StartTime");
    expect(parsed.groupBy.map((name) => name.name)).toEqual(['ExecutionStatus']);
    expect(parsed.orderBy.map((key) => key.attribute.name)).toEqual(['StartTime']);
  });

  it('records where each part starts', () => {
    const parsed = parseQuery("  WorkflowId = 'a' AND NOT HistoryLength IN (1, 2) ORDER BY StartTime");
    const expr = parsed.where;
    if (expr?.kind !== 'and' || expr.right.kind !== 'not' || expr.right.operand.kind !== 'in') {
      throw new Error('unexpected tree');
    }
    expect(expr.position).toBe(2);
    expect(expr.right.position).toBe(23);
    expect(expr.right.operand.attribute.position).toBe(27);
    expect(expr.right.operand.values.map((value) => value.position)).toEqual([45, 48]);
    expect(parsed.orderBy[0]?.attribute.position).toBe(60);
  });

  it.each([
    ['a =', 3, "expected a value after '='"],
    ["WorkflowType = 'x' AND StartTime > ", 35, "expected a value after '>'"],
    ['a = 1 b = 2', 6, "expected AND, OR, GROUP BY, ORDER BY or end of query, found 'b'"],
    ['(a = 1', 6, "expected ')' to close the parenthesis"],
    ['a = 1)', 5, "expected AND, OR, GROUP BY, ORDER BY or end of query, found ')'"],
    ['a IN ()', 6, "expected a value after '('"],
    ['a IN 1', 5, "expected '(' after IN"],
    ['a IN (1, 2', 10, "expected ')' to close the IN list"],
    ['a IN (1,', 8, "expected a value after ','"],
    ['a BETWEEN 1', 11, 'expected AND in BETWEEN … AND …'],
    ['a BETWEEN 1 AND', 15, "expected a value after 'AND'"],
    ['a STARTS_WITH', 13, "expected a value after 'STARTS_WITH'"],
    ['a IS 5', 5, "expected NULL after 'IS'"],
    ['a IS NOT 5', 9, "expected NULL after 'IS NOT'"],
    ['a = NULL', 4, 'NULL can only be used in IS NULL or IS NOT NULL'],
    ['a IN (NULL)', 6, 'NULL can only be used in IS NULL or IS NOT NULL'],
    ['= 1', 0, "expected an attribute name in a condition, found '='"],
    ['a = 1 AND', 9, 'expected an attribute name in a condition, found end of query'],
    ['a = 1 AND Between = 2', 10, "expected an attribute name in a condition, found keyword 'Between' (quote a name in backquotes)"],
    ['a 1', 2, "expected an operator after 'a', found '1'"],
    ['a', 1, "expected an operator after 'a', found end of query"],
    ['a NOT = 1', 6, "expected IN, BETWEEN or STARTS_WITH after 'NOT', found '='"],
    ['a == 1', 3, "expected a value after '='"],
    ["a = 'abc", 4, 'unterminated string'],
    ['a = "abc\\"', 4, 'unterminated string'],
    ["a = 'x\\q'", 6, "unknown escape '\\q' in string"],
    ['`abc = 1', 0, 'unterminated quoted name'],
    ['`` = 1', 0, 'empty quoted name'],
    ['a = 1x', 4, "invalid number '1x'"],
    ['a # 1', 2, "unexpected character '#'"],
    ['a = 1 ORDER BY', 14, 'expected an attribute name in ORDER BY, found end of query'],
    ['a = 1 ORDER StartTime', 12, 'expected BY after ORDER'],
    ['ORDER BY a, ', 12, 'expected an attribute name in ORDER BY, found end of query'],
    ['ORDER BY a DESC b', 16, "expected end of query, found 'b'"],
    ['ORDER BY a GROUP BY b', 11, "expected end of query, found 'GROUP'"],
    ['GROUP BY', 8, 'expected an attribute name in GROUP BY, found end of query'],
  ])('rejects %j at position %i: %s', (query, position, detail) => {
    expect(errorOf(query)).toEqual({ message: `invalid query at position ${position}: ${detail}`, position });
  });

  it('throws QueryError, an Error', () => {
    expect(() => parseQuery('a =')).toThrow(QueryError);
    expect(() => parseQuery('a =')).toThrow(Error);
  });

  it('limits the query length, its nesting, conditions, values and keys', () => {
    expect(errorOf(`a = '${'x'.repeat(QUERY_LENGTH_MAX)}'`).message).toMatch(/longer than 16384 characters/);
    const nested = `${'('.repeat(QUERY_DEPTH_MAX + 1)}a = 1${')'.repeat(QUERY_DEPTH_MAX + 1)}`;
    expect(errorOf(nested).message).toMatch(/nests deeper than 64 levels/);
    expect(where(`${'NOT '.repeat(QUERY_DEPTH_MAX - 1)}a = 1`)).toMatch(/^NOT NOT/);
    const values = Array.from({ length: QUERY_VALUES_MAX }, (_, index) => index).join(', ');
    expect(parseQuery(`a IN (${values})`).where).not.toBeNull();
    expect(errorOf(`a IN (${values}) OR b = 1`)).toEqual({
      message: 'invalid query at position 4903: the query has more than 1000 values',
      position: 4903,
    });
    const conditions = Array.from({ length: QUERY_CONDITIONS_MAX }, () => 'a = 1').join(' OR ');
    expect(parseQuery(conditions).where).not.toBeNull();
    expect(errorOf(`${conditions} OR b = 1`).message).toMatch(/more than 256 conditions/);
    expect(errorOf('ORDER BY a, b, c, d, e, f, g, h, i').message).toMatch(/at most 8 keys/);
  });
});
