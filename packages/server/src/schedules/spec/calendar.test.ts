/**
 * The calendar search against its definition: for random calendars in zones with daylight saving
 * (whole-hour and half-hour changes, east and west of UTC), started around each change, the next
 * time found field by field equals the first second that matches when checked one by one.
 */
import { describe, expect, it } from 'vitest';
import { parseRanges } from './calendar-text.js';
import { CompiledCalendar } from './calendar.js';
import { FIELDS, type IStructuredCalendarSpec } from './fields.js';
import { loadTimeZone } from './time-zone.js';
import { iso, ms } from './spec-fixtures.test-support.js';

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, options: readonly T[]): T {
  return options[Math.floor(rand() * options.length)]!;
}

const CHANGES: [zone: string, isoInstant: string][] = [
  ['America/New_York', '2024-03-10T07:00:00Z'],
  ['America/New_York', '2024-11-03T06:00:00Z'],
  ['Europe/Berlin', '2024-03-31T01:00:00Z'],
  ['Europe/Berlin', '2024-10-27T01:00:00Z'],
  ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
  ['Australia/Lord_Howe', '2024-10-05T15:30:00Z'],
  ['America/Sao_Paulo', '2018-11-04T03:00:00Z'], // changed at midnight: 00:00-00:59 did not exist
  ['UTC', '2024-06-01T00:00:00Z'],
];

function bruteForceNext(calendar: CompiledCalendar, afterMs: number, windowMs: number): number | null {
  for (let t = Math.floor(afterMs / 1000) * 1000 + 1000; t <= afterMs + windowMs; t += 1000) {
    if (calendar.matches(t)) return t;
  }
  return null;
}

describe('calendar search', () => {
  it('equals a second-by-second search around daylight saving changes', () => {
    const rand = random(14);
    for (let round = 0; round < 48; round++) {
      const [zoneName, change] = CHANGES[round % CHANGES.length]!;
      const zone = loadTimeZone(zoneName)!;
      const text = {
        second: pick(rand, ['0', '0,30', '*/20', '59']),
        minute: pick(rand, ['0', '*/15', '30', '0-10', '*/7', '*']),
        hour: pick(rand, ['*', '0-3', '1', '2', '1,2', '*/2', '0', '23,0,1']),
      };
      const spec: IStructuredCalendarSpec = {
        second: parseRanges(text.second, FIELDS.second),
        minute: parseRanges(text.minute, FIELDS.minute),
        hour: parseRanges(text.hour, FIELDS.hour),
        dayOfMonth: parseRanges('*', FIELDS.dayOfMonth),
        month: parseRanges('*', FIELDS.month),
        dayOfWeek: parseRanges('*', FIELDS.dayOfWeek),
      };
      const calendar = new CompiledCalendar(spec, zone);
      const start = ms(change) + Math.floor((rand() - 0.6) * 4 * 3_600_000);
      let after = start;
      for (let step = 0; step < 6; step++) {
        const expected = bruteForceNext(calendar, after, 2 * 86_400_000);
        const got = calendar.next(after);
        const what = `${zoneName} ${JSON.stringify(text)} after ${iso(after)}`;
        expect(got === null ? null : iso(got), what).toBe(expected === null ? null : iso(expected));
        if (got === null) break;
        after = got + Math.floor(rand() * 3) * 1000 - 1000; // sometimes just before, sometimes on the time found
      }
    }
  });

  it('a run of matching times ends no earlier than matchingRunEnd says (what exclusions skip)', () => {
    const rand = random(41);
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const [zoneName, change] = CHANGES[round % CHANGES.length]!;
      const text = {
        second: pick(rand, ['*', '*', '0-29']),
        minute: pick(rand, ['*', '*', '0-44']),
        hour: pick(rand, ['*', '0-2', '1', '2', '22-23,0-3']),
        dayOfWeek: pick(rand, ['*', 'Sat,Sun', 'Sun']),
      };
      const calendar = new CompiledCalendar({
        second: parseRanges(text.second, FIELDS.second),
        minute: parseRanges(text.minute, FIELDS.minute),
        hour: parseRanges(text.hour, FIELDS.hour),
        dayOfMonth: parseRanges('*', FIELDS.dayOfMonth),
        month: parseRanges('*', FIELDS.month),
        dayOfWeek: parseRanges(text.dayOfWeek, FIELDS.dayOfWeek),
      }, loadTimeZone(zoneName)!);
      const start = calendar.next(ms(change) - Math.floor(rand() * 6 * 3_600_000));
      if (start === null || start > ms(change) + 86_400_000) continue;
      const end = calendar.matchingRunEnd(start);
      expect(end).toBeGreaterThan(start);
      for (let t = start; t < end; t += 1000) {
        if (!calendar.matches(t)) throw new Error(`${zoneName} ${JSON.stringify(text)}: ${iso(t)} in the run ${iso(start)}..${iso(end)} does not match`);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('matches a time only in the zone it is written for', () => {
    const nine = new CompiledCalendar(
      { second: [{ start: 0 }], minute: [{ start: 0 }], hour: [{ start: 9 }], dayOfMonth: [{ start: 1, end: 31 }],
        month: [{ start: 1, end: 12 }], dayOfWeek: [{ start: 0, end: 6 }] },
      loadTimeZone('Asia/Tokyo')!,
    );
    expect(nine.matches(ms('2024-06-01T00:00:00Z'))).toBe(true);
    expect(nine.matches(ms('2024-06-01T09:00:00Z'))).toBe(false);
  });
});
