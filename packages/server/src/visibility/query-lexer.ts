/**
 * Tokenizer for Temporal's list filter language. Hand-written so that every error can
 * point at the character that is wrong; keywords are recognized case-insensitively here
 * and attribute names keep their case.
 */
import { QueryError } from './query-error.js';

/** Longer queries are refused before any work is done. */
export const QUERY_LENGTH_MAX = 16_384;

export type Keyword =
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'IN'
  | 'BETWEEN'
  | 'STARTS_WITH'
  | 'IS'
  | 'NULL'
  | 'ORDER'
  | 'GROUP'
  | 'BY'
  | 'ASC'
  | 'DESC'
  | 'TRUE'
  | 'FALSE';

const keywords: ReadonlySet<string> = new Set<Keyword>([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'STARTS_WITH',
  'IS',
  'NULL',
  'ORDER',
  'GROUP',
  'BY',
  'ASC',
  'DESC',
  'TRUE',
  'FALSE',
]);

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Token = { position: number; text: string } & (
  | { kind: 'keyword'; keyword: Keyword }
  | { kind: 'name'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'operator'; operator: Operator }
  | { kind: 'punctuation'; char: '(' | ')' | ',' }
  | { kind: 'end' }
);

const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_]/;
const digit = /[0-9]/;
const numberToken = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const escapes: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
};

/** The tokens of `text`, ending with one `end` token. */
export function tokenize(text: string): Token[] {
  if (text.length > QUERY_LENGTH_MAX) {
    throw QueryError.syntax(QUERY_LENGTH_MAX, `the query is longer than ${QUERY_LENGTH_MAX} characters`);
  }
  const tokens: Token[] = [];
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text.charAt(at))) at++;
    if (at >= text.length) break;
    const token = readToken(text, at);
    tokens.push(token);
    at += token.text.length;
  }
  tokens.push({ kind: 'end', position: text.length, text: '' });
  return tokens;
}

function readToken(text: string, at: number): Token {
  const char = text.charAt(at);
  const next = text.charAt(at + 1);
  if (char === '(' || char === ')' || char === ',') return { kind: 'punctuation', char, position: at, text: char };
  if (char === "'" || char === '"') return readString(text, at, char);
  if (char === '`') return readQuotedName(text, at);
  if (digit.test(char) || (char === '-' && digit.test(next))) return readNumber(text, at);
  if (identifierStart.test(char)) return readWord(text, at);
  const operator = readOperator(char, next);
  if (operator) return { kind: 'operator', operator: operator.operator, position: at, text: operator.text };
  throw QueryError.syntax(at, `unexpected character '${char}'`);
}

function readOperator(char: string, next: string): { operator: Operator; text: string } | undefined {
  const two = char + next;
  if (two === '!=' || two === '<>') return { operator: '!=', text: two };
  if (two === '<=' || two === '>=') return { operator: two, text: two };
  if (char === '=' || char === '<' || char === '>') return { operator: char, text: char };
  return undefined;
}

function readWord(text: string, at: number): Token {
  let end = at + 1;
  while (end < text.length && identifierPart.test(text.charAt(end))) end++;
  const word = text.slice(at, end);
  const upper = word.toUpperCase();
  if (keywords.has(upper)) return { kind: 'keyword', keyword: upper as Keyword, position: at, text: word };
  return { kind: 'name', name: word, position: at, text: word };
}

function readQuotedName(text: string, at: number): Token {
  let name = '';
  let end = at + 1;
  for (;;) {
    const close = text.indexOf('`', end);
    if (close < 0) throw QueryError.syntax(at, 'unterminated quoted name');
    name += text.slice(end, close);
    // A doubled backquote stands for one backquote inside the name.
    if (text.charAt(close + 1) !== '`') {
      end = close + 1;
      break;
    }
    name += '`';
    end = close + 2;
  }
  if (name.trim() === '') throw QueryError.syntax(at, 'empty quoted name');
  return { kind: 'name', name, position: at, text: text.slice(at, end) };
}

function readString(text: string, at: number, quote: string): Token {
  let value = '';
  let end = at + 1;
  for (;;) {
    if (end >= text.length) throw QueryError.syntax(at, 'unterminated string');
    const char = text.charAt(end);
    if (char === '\\') {
      const escaped = escapes[text.charAt(end + 1)];
      if (escaped === undefined) throw QueryError.syntax(end, `unknown escape '\\${text.charAt(end + 1)}' in string`);
      value += escaped;
      end += 2;
    } else if (char === quote && text.charAt(end + 1) === quote) {
      value += quote;
      end += 2;
    } else if (char === quote) {
      end++;
      break;
    } else {
      value += char;
      end++;
    }
  }
  return { kind: 'string', value, position: at, text: text.slice(at, end) };
}

function readNumber(text: string, at: number): Token {
  numberToken.lastIndex = at;
  const match = numberToken.exec(text);
  if (!match) throw QueryError.syntax(at, 'invalid number');
  const number = match[0];
  if (identifierPart.test(text.charAt(at + number.length))) {
    throw QueryError.syntax(at, `invalid number '${number}${text.charAt(at + number.length)}'`);
  }
  return { kind: 'number', value: Number(number), position: at, text: number };
}
