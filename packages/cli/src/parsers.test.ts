import { describe, expect, it } from 'vitest';
import { parseJson } from './payload-input.js';
import { parseDurationMs, parsePositiveInt, parseTimestamp } from './parsers.js';

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['2d', 172_800_000],
  ])('reads %s as Go does', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '30', 's', '1x', '1h 30m', '-5s'])('refuses "%s" (a unit on every part is required)', (text) => {
    expect(() => parseDurationMs(text)).toThrow(/Expected a duration with units/);
  });
});

describe('parsePositiveInt and parseTimestamp', () => {
  it('accept what they promise and refuse the rest', () => {
    expect(parsePositiveInt('12')).toBe(12);
    expect(() => parsePositiveInt('0')).toThrow(/positive integer/);
    expect(() => parsePositiveInt('1.5')).toThrow(/positive integer/);
    expect(parseTimestamp('2024-05-01T10:00:00Z').toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(() => parseTimestamp('yesterday')).toThrow(/RFC 3339/);
  });
});

describe('parseJson', () => {
  it.each([
    ['{"a": 1,\n "b" 2}', 'line 2, column 6 (position 14): Unexpected number'],
    ['{"a": 1, "b": }', "line 1, column 15 (position 14): Unexpected token '}'"],
    ['[1, 2', 'line 1, column 6 (position 5): Expected \',\' or \']\' after array element'],
    ['', 'line 1, column 1 (position 0): Unexpected end of JSON input'],
  ])('says where %j broke', (text, where) => {
    expect(() => parseJson(text, '--input #1')).toThrow(`--input #1 is not valid JSON at ${where}`);
  });

  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, "x", null]}', '--input #1')).toEqual({ a: [1, 'x', null] });
  });
});
