/**
 * Binding a parsed query to a namespace's attributes: every name resolved to its column,
 * every literal coerced to the stored representation, every operator checked against the
 * attribute's type, and the sort order made complete. The result is what both the SQL
 * translator and the in-memory evaluator read, so both answer the same question.
 *
 * Negated predicates (`!=`, NOT IN, NOT BETWEEN, NOT STARTS_WITH, IS NOT NULL) are bound as
 * `not` around the positive one. Every positive predicate is false on NULL, so a negated
 * one matches rows that lack the attribute, as Temporal's Elasticsearch visibility does.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import { systemAttribute, type AttributeResolver, type ResolvedAttribute } from './attributes.js';
import { QueryError } from './query-error.js';
import type { Expr, Literal, NameRef, OrderKey, ParsedQuery } from './query-parser.js';
import {
  boolValue,
  datetimeValue,
  doubleValue,
  durationValue,
  executionStatusValue,
  intValue,
  TEXT_WORDS_MAX,
  textWords,
} from './query-values.js';

/** A value as stored: strings, numbers (times in ms, durations in ns, statuses as enum numbers), bools. */
export type Scalar = string | number | boolean;

export type BoundExpr =
  | { kind: 'and' | 'or'; left: BoundExpr; right: BoundExpr }
  | { kind: 'not'; operand: BoundExpr }
  | { kind: 'compare'; attribute: ResolvedAttribute; operator: '=' | '<' | '<=' | '>' | '>='; value: Scalar }
  | { kind: 'in'; attribute: ResolvedAttribute; values: Scalar[] }
  | { kind: 'between'; attribute: ResolvedAttribute; low: Scalar; high: Scalar }
  | { kind: 'startsWith'; attribute: ResolvedAttribute; prefix: string }
  | { kind: 'isNull'; attribute: ResolvedAttribute }
  /** Every word appears in the text, in any order (Text `=`). */
  | { kind: 'textMatch'; attribute: ResolvedAttribute; words: string[] }
  /** The list holds at least one of the values (KeywordList `=` and IN). */
  | { kind: 'listContains'; attribute: ResolvedAttribute; values: string[] }
  /** Some element of the list starts with the prefix. */
  | { kind: 'listStartsWith'; attribute: ResolvedAttribute; prefix: string };

export interface SortKey {
  attribute: ResolvedAttribute;
  direction: 'ASC' | 'DESC';
}

export interface BoundQuery {
  /** Null matches every execution. */
  where: BoundExpr | null;
  /** Complete and deterministic: always ends with RunId, unique within a namespace. */
  orderBy: SortKey[];
  groupBy: ResolvedAttribute[];
}

export interface BindOptions {
  resolve: AttributeResolver;
  /** What `now` means in relative times such as `now-1h`. */
  nowMs: number;
  /** Only CountWorkflowExecutions may group. */
  allowGroupBy: boolean;
}

/**
 * The default order: running executions first, then the most recently closed, then the
 * most recently started. The SQLite index `executions_visibility_by_default_order` is
 * built on exactly this order.
 */
export function defaultOrder(): SortKey[] {
  return [
    { attribute: systemAttribute('CloseTime'), direction: 'DESC' },
    { attribute: systemAttribute('StartTime'), direction: 'DESC' },
    { attribute: systemAttribute('RunId'), direction: 'DESC' },
  ];
}

/** Binds `parsed` for one namespace; throws QueryError for unknown names and misfit values or operators. */
export function bindQuery(parsed: ParsedQuery, options: BindOptions): BoundQuery {
  const binder = new Binder(options);
  return {
    where: parsed.where && binder.expr(parsed.where),
    orderBy: binder.orderBy(parsed.orderBy),
    groupBy: binder.groupBy(parsed.groupBy),
  };
}

type OperatorClass = 'eq' | 'range' | 'in' | 'between' | 'startsWith' | 'isNull';

const operatorsByType: Readonly<Record<SearchAttributeType, readonly OperatorClass[]>> = {
  Keyword: ['eq', 'range', 'in', 'between', 'startsWith', 'isNull'],
  Int: ['eq', 'range', 'in', 'between', 'isNull'],
  Double: ['eq', 'range', 'in', 'between', 'isNull'],
  Datetime: ['eq', 'range', 'in', 'between', 'isNull'],
  Bool: ['eq', 'isNull'],
  Text: ['eq', 'isNull'],
  KeywordList: ['eq', 'in', 'startsWith', 'isNull'],
};
const statusOperators: readonly OperatorClass[] = ['eq', 'in'];

class Binder {
  constructor(private readonly options: BindOptions) {}

  expr(expr: Expr): BoundExpr {
    switch (expr.kind) {
      case 'and':
      case 'or':
        return { kind: expr.kind, left: this.expr(expr.left), right: this.expr(expr.right) };
      case 'not':
        return { kind: 'not', operand: this.expr(expr.operand) };
      case 'compare': {
        const negated = expr.operator === '!=';
        const operatorClass = expr.operator === '=' || negated ? 'eq' : 'range';
        const attribute = this.attribute(expr.attribute, operatorClass, expr.operator);
        const operator = expr.operator === '!=' ? '=' : expr.operator;
        return negate(negated, this.compare(attribute, operator, expr.value));
      }
      case 'in': {
        const attribute = this.attribute(expr.attribute, 'in', expr.negated ? 'NOT IN' : 'IN');
        return negate(expr.negated, this.in(attribute, expr.values));
      }
      case 'between': {
        const attribute = this.attribute(expr.attribute, 'between', expr.negated ? 'NOT BETWEEN' : 'BETWEEN');
        const low = this.value(attribute, expr.low);
        const high = this.value(attribute, expr.high);
        return negate(expr.negated, { kind: 'between', attribute, low, high });
      }
      case 'startsWith': {
        const operator = expr.negated ? 'NOT STARTS_WITH' : 'STARTS_WITH';
        const attribute = this.attribute(expr.attribute, 'startsWith', operator);
        const prefix = this.string(attribute, expr.value);
        const kind = attribute.type === 'KeywordList' ? 'listStartsWith' : 'startsWith';
        return negate(expr.negated, { kind, attribute, prefix });
      }
      case 'isNull': {
        const attribute = this.attribute(expr.attribute, 'isNull', expr.negated ? 'IS NOT NULL' : 'IS NULL');
        return negate(expr.negated, { kind: 'isNull', attribute });
      }
    }
  }

  private compare(attribute: ResolvedAttribute, operator: '=' | '<' | '<=' | '>' | '>=', literal: Literal): BoundExpr {
    if (attribute.type === 'Text') return { kind: 'textMatch', attribute, words: this.words(attribute, literal) };
    if (attribute.type === 'KeywordList') {
      return { kind: 'listContains', attribute, values: [this.string(attribute, literal)] };
    }
    return { kind: 'compare', attribute, operator, value: this.value(attribute, literal) };
  }

  private in(attribute: ResolvedAttribute, literals: Literal[]): BoundExpr {
    if (attribute.type === 'KeywordList') {
      return { kind: 'listContains', attribute, values: literals.map((literal) => this.string(attribute, literal)) };
    }
    return { kind: 'in', attribute, values: literals.map((literal) => this.value(attribute, literal)) };
  }

  private attribute(ref: NameRef, operatorClass: OperatorClass, operator: string): ResolvedAttribute {
    const attribute = this.resolve(ref);
    const allowed = attribute.special === 'ExecutionStatus' ? statusOperators : operatorsByType[attribute.type];
    if (!allowed.includes(operatorClass)) {
      throw new QueryError(
        `operator '${operator}' is not supported for ${attribute.type} attribute '${attribute.name}'`,
        ref.position,
      );
    }
    return attribute;
  }

  private resolve(ref: NameRef): ResolvedAttribute {
    const attribute = this.options.resolve(ref.name);
    if (!attribute) throw new QueryError(`unknown search attribute '${ref.name}'`, ref.position);
    return attribute;
  }

  private value(attribute: ResolvedAttribute, literal: Literal): Scalar {
    const value = coerce(attribute, literal.value, this.options.nowMs);
    if (value === undefined) throw invalidValue(attribute, literal);
    return value;
  }

  private string(attribute: ResolvedAttribute, literal: Literal): string {
    if (typeof literal.value !== 'string') throw invalidValue(attribute, literal);
    return literal.value;
  }

  private words(attribute: ResolvedAttribute, literal: Literal): string[] {
    const words = textWords(this.string(attribute, literal));
    if (words.length === 0 || words.length > TEXT_WORDS_MAX) {
      throw new QueryError(
        `value '${String(literal.value)}' for Text attribute '${attribute.name}' ` +
          `must have 1 to ${TEXT_WORDS_MAX} words`,
        literal.position,
      );
    }
    return words;
  }

  orderBy(keys: OrderKey[]): SortKey[] {
    if (keys.length === 0) return defaultOrder();
    const sortKeys: SortKey[] = [];
    for (const key of keys) {
      const attribute = this.resolve(key.attribute);
      if (!attribute.sortable) {
        throw new QueryError(
          `cannot ORDER BY ${attribute.type} attribute '${attribute.name}': it is not sortable`,
          key.attribute.position,
        );
      }
      if (sortKeys.some((sortKey) => sortKey.attribute.column === attribute.column)) {
        throw new QueryError(`attribute '${attribute.name}' appears twice in ORDER BY`, key.attribute.position);
      }
      sortKeys.push({ attribute, direction: key.direction });
    }
    const last = sortKeys[sortKeys.length - 1];
    const runId = systemAttribute('RunId');
    if (last && !sortKeys.some((sortKey) => sortKey.attribute.column === runId.column)) {
      sortKeys.push({ attribute: runId, direction: last.direction });
    }
    return sortKeys;
  }

  groupBy(names: NameRef[]): ResolvedAttribute[] {
    const first = names[0];
    if (first && !this.options.allowGroupBy) {
      throw new QueryError('GROUP BY is only supported when counting workflow executions', first.position);
    }
    const second = names[1];
    if (second) throw new QueryError('GROUP BY takes a single attribute', second.position);
    return names.map((name) => {
      const attribute = this.resolve(name);
      if (attribute.special !== 'ExecutionStatus') {
        throw new QueryError(`GROUP BY is only supported for ExecutionStatus, not '${name.name}'`, name.position);
      }
      return attribute;
    });
  }
}

function negate(negated: boolean, expr: BoundExpr): BoundExpr {
  return negated ? { kind: 'not', operand: expr } : expr;
}

function coerce(attribute: ResolvedAttribute, value: string | number | boolean, nowMs: number): Scalar | undefined {
  if (attribute.special === 'ExecutionStatus') return executionStatusValue(value);
  if (attribute.special === 'ExecutionDuration') return durationValue(value);
  switch (attribute.type) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      return typeof value === 'string' ? value : undefined;
    case 'Int':
      return intValue(value);
    case 'Double':
      return doubleValue(value);
    case 'Bool':
      return boolValue(value);
    case 'Datetime':
      return datetimeValue(value, nowMs);
  }
}

function invalidValue(attribute: ResolvedAttribute, literal: Literal): QueryError {
  return new QueryError(
    `invalid value '${String(literal.value)}' for ${attribute.type} attribute '${attribute.name}'`,
    literal.position,
  );
}
