import { describe, expect, it } from 'vitest';
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
