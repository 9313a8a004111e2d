/**
 * Recursive-descent parser for Temporal's list filter language: a WHERE-like condition,
 * then optional GROUP BY and ORDER BY. It only checks the shape; which attributes exist
 * and which values fit them is the binder's job (query-binder.ts).
 *
 * Grammar (keywords case-insensitive; NOT binds tighter than AND, AND than OR):
 *   query     := [or] [GROUP BY name {, name}] [ORDER BY name [ASC|DESC] {, …}]
 *   or        := and {OR and}
 *   and       := not {AND not}
 *   not       := NOT not | '(' or ')' | predicate
 *   predicate := name ( op value | [NOT] IN '(' value {, value} ')' | [NOT] BETWEEN value AND value
 *                     | [NOT] STARTS_WITH value | IS [NOT] NULL )
 */
import { QueryError } from './query-error.js';
import { tokenize, type Keyword, type Operator, type Token } from './query-lexer.js';

/** Deeper nesting of NOT and parentheses is refused (the parser recurses). */
export const QUERY_DEPTH_MAX = 64;
/**
 * Most conditions in a query. SQLite refuses expressions nested deeper than 1000, and a
 * chain of ORs nests one level per condition.
 */
export const QUERY_CONDITIONS_MAX = 256;
/** Most values in a query, all IN lists together (each is one SQL parameter). */
export const QUERY_VALUES_MAX = 1_000;
/** Most ORDER BY or GROUP BY keys. */
export const QUERY_KEYS_MAX = 8;

export interface NameRef {
  name: string;
  position: number;
}

export interface Literal {
  value: string | number | boolean;
  /** The literal as written, for error messages. */
  text: string;
  position: number;
}

export type Expr = { position: number } & (
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'compare'; attribute: NameRef; operator: Operator; value: Literal }
  | { kind: 'in'; attribute: NameRef; negated: boolean; values: Literal[] }
  | { kind: 'between'; attribute: NameRef; negated: boolean; low: Literal; high: Literal }
  | { kind: 'startsWith'; attribute: NameRef; negated: boolean; value: Literal }
  | { kind: 'isNull'; attribute: NameRef; negated: boolean }
);

export interface OrderKey {
  attribute: NameRef;
  direction: 'ASC' | 'DESC';
}

export interface ParsedQuery {
  /** Null when the query has no condition (it matches every execution). */
  where: Expr | null;
  groupBy: NameRef[];
  orderBy: OrderKey[];
}

/** Parses `text`; throws QueryError naming the position of the first thing that is wrong. */
export function parseQuery(text: string): ParsedQuery {
  return new Parser(tokenize(text)).query();
}

class Parser {
  private at = 0;
  private depth = 0;
  private conditions = 0;
  private values = 0;

  constructor(private readonly tokens: Token[]) {}

  query(): ParsedQuery {
    const startsClause = this.isKeyword('GROUP') || this.isKeyword('ORDER') || this.peek().kind === 'end';
    const where = startsClause ? null : this.or();
    const groupBy = this.acceptClause('GROUP') ? this.list(() => this.name('GROUP BY')) : [];
    const orderBy = this.acceptClause('ORDER') ? this.list(() => this.orderKey()) : [];
    const last = this.peek();
    if (last.kind !== 'end') {
      const expected = where && groupBy.length + orderBy.length === 0 ? 'AND, OR, GROUP BY, ORDER BY or ' : '';
      throw QueryError.syntax(last.position, `expected ${expected}end of query, found ${describe(last)}`);
    }
    return { where, groupBy, orderBy };
  }

  private or(): Expr {
    let left = this.and();
    while (this.acceptKeyword('OR')) {
      left = { kind: 'or', left, right: this.and(), position: left.position };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.acceptKeyword('AND')) {
      left = { kind: 'and', left, right: this.not(), position: left.position };
    }
    return left;
  }

  private not(): Expr {
    const token = this.peek();
    if (++this.depth > QUERY_DEPTH_MAX) {
      throw QueryError.syntax(token.position, `the query nests deeper than ${QUERY_DEPTH_MAX} levels`);
    }
    try {
      if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.not(), position: token.position };
      if (this.acceptPunctuation('(')) {
        const inner = this.or();
        this.expectPunctuation(')', 'to close the parenthesis');
        return inner;
      }
      return this.predicate();
    } finally {
      this.depth--;
    }
  }

  private predicate(): Expr {
    const attribute = this.name('a condition');
    if (++this.conditions > QUERY_CONDITIONS_MAX) {
      throw QueryError.syntax(attribute.position, `the query has more than ${QUERY_CONDITIONS_MAX} conditions`);
    }
    const position = attribute.position;
    const token = this.next();
    if (token.kind === 'operator') {
      return { kind: 'compare', attribute, operator: token.operator, value: this.value(token.text), position };
    }
    if (token.kind === 'keyword' && token.keyword === 'IS') {
      const negated = this.acceptKeyword('NOT');
      if (!this.acceptKeyword('NULL')) this.fail(`expected NULL after '${negated ? 'IS NOT' : 'IS'}'`);
      return { kind: 'isNull', attribute, negated, position };
    }
    const negated = token.kind === 'keyword' && token.keyword === 'NOT';
    const operator = negated ? this.next() : token;
    if (operator.kind === 'keyword' && operator.keyword === 'IN') {
      return { kind: 'in', attribute, negated, values: this.inValues(), position };
    }
    if (operator.kind === 'keyword' && operator.keyword === 'BETWEEN') {
      const low = this.value('BETWEEN');
      if (!this.acceptKeyword('AND')) this.fail('expected AND in BETWEEN … AND …');
      return { kind: 'between', attribute, negated, low, high: this.value('AND'), position };
    }
    if (operator.kind === 'keyword' && operator.keyword === 'STARTS_WITH') {
      return { kind: 'startsWith', attribute, negated, value: this.value('STARTS_WITH'), position };
    }
    const expected = negated ? "IN, BETWEEN or STARTS_WITH after 'NOT'" : `an operator after '${attribute.name}'`;
    throw QueryError.syntax(operator.position, `expected ${expected}, found ${describe(operator)}`);
  }

  private inValues(): Literal[] {
    this.expectPunctuation('(', 'after IN');
    const values = [this.value('(')];
    while (this.acceptPunctuation(',')) values.push(this.value(','));
    this.expectPunctuation(')', 'to close the IN list');
    return values;
  }

  private orderKey(): OrderKey {
    const attribute = this.name('ORDER BY');
    if (this.acceptKeyword('DESC')) return { attribute, direction: 'DESC' };
    this.acceptKeyword('ASC');
    return { attribute, direction: 'ASC' };
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.acceptPunctuation(',')) {
      if (items.length >= QUERY_KEYS_MAX) this.fail(`at most ${QUERY_KEYS_MAX} keys are allowed`);
      items.push(item());
    }
    return items;
  }

  private value(after: string): Literal {
    const token = this.peek();
    if (++this.values > QUERY_VALUES_MAX) this.fail(`the query has more than ${QUERY_VALUES_MAX} values`);
    if (token.kind === 'string' || token.kind === 'number') {
      this.at++;
      return { value: token.value, text: token.text, position: token.position };
    }
    if (token.kind === 'keyword' && (token.keyword === 'TRUE' || token.keyword === 'FALSE')) {
      this.at++;
      return { value: token.keyword === 'TRUE', text: token.text, position: token.position };
    }
    if (token.kind === 'keyword' && token.keyword === 'NULL') {
      this.fail('NULL can only be used in IS NULL or IS NOT NULL');
    }
    return this.fail(`expected a value after '${after}'`);
  }

  private name(context: string): NameRef {
    const token = this.peek();
    if (token.kind === 'keyword') {
      this.fail(`expected an attribute name in ${context}, found keyword '${token.text}' (quote a name in backquotes)`);
    }
    if (token.kind !== 'name') this.fail(`expected an attribute name in ${context}, found ${describe(token)}`);
    this.at++;
    return { name: token.name, position: token.position };
  }

  private acceptClause(keyword: 'GROUP' | 'ORDER'): boolean {
    if (!this.acceptKeyword(keyword)) return false;
    if (!this.acceptKeyword('BY')) this.fail(`expected BY after ${keyword}`);
    return true;
  }

  private isKeyword(keyword: Keyword): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.keyword === keyword;
  }

  private acceptKeyword(keyword: Keyword): boolean {
    if (!this.isKeyword(keyword)) return false;
    this.at++;
    return true;
  }

  private acceptPunctuation(char: '(' | ')' | ','): boolean {
    const token = this.peek();
    if (token.kind !== 'punctuation' || token.char !== char) return false;
    this.at++;
    return true;
  }

  private expectPunctuation(char: '(' | ')', why: string): void {
    if (!this.acceptPunctuation(char)) this.fail(`expected '${char}' ${why}`);
  }

  private peek(): Token {
    const token = this.tokens[this.at];
    if (!token) throw new Error('parser read past the end token');
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private fail(detail: string): never {
    throw QueryError.syntax(this.peek().position, detail);
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of query' : `'${token.text}'`;
}
