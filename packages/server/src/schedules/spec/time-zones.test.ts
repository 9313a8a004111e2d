/**
 * Calendars in a time zone, across daylight saving changes, as Temporal does it: the wall clock
 * is matched literally, so a time skipped by spring-forward does not fire that day, and a time
 * that occurs twice at fall-back fires twice.
 */
import { describe, expect, it } from 'vitest';
import { CompiledSpec } from './compiled-spec.js';
import { iso, ms, nominals, SEED, seconds } from './spec-fixtures.test-support.js';

/** Every time from `fromIso` up to each expected time must lead to that time (Temporal's check, strided). */
function expectSequenceFromEverySecond(cron: string, fromIso: string, expected: string[]): void {
  const spec = CompiledSpec.compile({ cronString: [cron] }, SEED);
  let from = ms(fromIso);
  for (const want of expected) {
    const wantMs = ms(want);
    // A 7-second stride reaches every second of the minute over 7 minutes, at a seventh of the cost.
    for (let t = from; t < wantMs; t += 7000) {
      const got = spec.next(t);
      if (got === null || got.nominalMs !== wantMs) {
        throw new Error(`after ${iso(t)}: expected ${want}, got ${got === null ? 'null' : iso(got.nominalMs)}`);
      }
    }
    from = wantMs;
  }
}

describe('time zones', () => {
  it('timezone_name places the calendar on that wall clock; an interval stays on UTC', () => {
    const spec = { cronString: ['0 9 * * *'], timezoneName: 'Asia/Kolkata' };
    expect(nominals(spec, '2024-01-01T00:00:00Z', 2)).toEqual(['2024-01-01T03:30:00.000Z', '2024-01-02T03:30:00.000Z']);
    const every = { cronString: ['CRON_TZ=Asia/Kolkata @every 1h'] };
    expect(nominals(every, '2024-01-01T00:10:00Z', 1)).toEqual(['2024-01-01T01:00:00.000Z']);
  });

  it('CRON_TZ= and TZ= prefixes set the zone', () => {
    expect(nominals({ cronString: ['CRON_TZ=Europe/Berlin 0 9 * * *'] }, '2024-01-01T00:00:00Z', 1)).toEqual([
      '2024-01-01T08:00:00.000Z',
    ]);
    expect(nominals({ cronString: ['TZ=America/New_York 0 9 * * *'] }, '2024-07-01T00:00:00Z', 1)).toEqual([
      '2024-07-01T13:00:00.000Z',
    ]);
  });
});

describe('America/New_York', () => {
  it('spring forward: 02:30 does not exist on 10 March 2024, so that day has no action', () => {
    expect(nominals({ cronString: ['CRON_TZ=America/New_York 30 2 * * *'] }, '2024-03-09T05:00:00Z', 3)).toEqual([
      '2024-03-09T07:30:00.000Z', // 02:30 EST
      '2024-03-11T06:30:00.000Z', // 02:30 EDT, the next day
      '2024-03-12T06:30:00.000Z',
    ]);
  });

  it('fall back: 01:30 occurs twice on 3 November 2024, and fires at both', () => {
    expect(nominals({ cronString: ['CRON_TZ=America/New_York 30 1 * * *'] }, '2024-11-02T04:00:00Z', 4)).toEqual([
      '2024-11-02T05:30:00.000Z', // 01:30 EDT
      '2024-11-03T05:30:00.000Z', // 01:30 EDT
      '2024-11-03T06:30:00.000Z', // 01:30 EST, an hour later
      '2024-11-04T06:30:00.000Z', // 01:30 EST
    ]);
  });

  it('an hourly schedule acts every real hour through both changes', () => {
    const hourly = { cronString: ['0 * * * *'], timezoneName: 'America/New_York' };
    expect(nominals(hourly, '2024-03-10T05:00:00Z', 3)).toEqual([
      '2024-03-10T06:00:00.000Z', // 01:00 EST
      '2024-03-10T07:00:00.000Z', // 03:00 EDT
      '2024-03-10T08:00:00.000Z',
    ]);
    expect(nominals(hourly, '2024-11-03T04:00:00Z', 3)).toEqual([
      '2024-11-03T05:00:00.000Z', // 01:00 EDT
      '2024-11-03T06:00:00.000Z', // 01:00 EST
      '2024-11-03T07:00:00.000Z', // 02:00 EST
    ]);
  });

  it('every second before each action leads to it (Temporal\'s US/Pacific sequences)', () => {
    expectSequenceFromEverySecond('CRON_TZ=US/Pacific 33 33 2 * * * *', '2022-03-12T04:00:00Z', [
      '2022-03-12T10:33:33Z', // 02:33:33 PST
      '2022-03-14T09:33:33Z', // 13 March has no 02:33:33
    ]);
    expectSequenceFromEverySecond('CRON_TZ=US/Pacific 33 33,44 1 * * * *', '2021-11-07T07:15:15Z', [
      '2021-11-07T08:33:33Z', // 01:33:33 PDT
      '2021-11-07T08:44:33Z',
      '2021-11-07T09:33:33Z', // 01:33:33 PST
      '2021-11-07T09:44:33Z',
      '2021-11-08T09:33:33Z',
    ]);
  });
});

describe('Europe/Berlin (east of UTC)', () => {
  it('spring forward: 02:30 does not exist on 31 March 2024', () => {
    expect(nominals({ cronString: ['30 2 * * *'], timezoneName: 'Europe/Berlin' }, '2024-03-30T00:00:00Z', 2)).toEqual([
      '2024-03-30T01:30:00.000Z', // 02:30 CET
      '2024-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('fall back: 02:30 occurs twice on 27 October 2024, and fires at both; 01:30 only once', () => {
    expect(nominals({ cronString: ['30 2 * * *'], timezoneName: 'Europe/Berlin' }, '2024-10-26T00:00:00Z', 4)).toEqual([
      '2024-10-26T00:30:00.000Z', // 02:30 CEST
      '2024-10-27T00:30:00.000Z', // 02:30 CEST
      '2024-10-27T01:30:00.000Z', // 02:30 CET
      '2024-10-28T01:30:00.000Z', // 02:30 CET
    ]);
    expect(nominals({ cronString: ['30 1 * * *'], timezoneName: 'Europe/Berlin' }, '2024-10-26T12:00:00Z', 2)).toEqual([
      '2024-10-26T23:30:00.000Z', // 01:30 CEST on the 27th
      '2024-10-28T00:30:00.000Z', // 01:30 CET
    ]);
  });

  it('every second through the repeated hour leads to the right action', () => {
    expectSequenceFromEverySecond('CRON_TZ=Europe/Berlin 0 15,45 2 * * * *', '2024-10-26T23:00:00Z', [
      '2024-10-27T00:15:00Z',
      '2024-10-27T00:45:00Z',
      '2024-10-27T01:15:00Z',
      '2024-10-27T01:45:00Z',
      '2024-10-28T01:15:00Z',
    ]);
  });
});

describe('half-hour changes (Australia/Lord_Howe moves by 30 minutes)', () => {
  it('skips only the 30 missing minutes, and repeats only the 30 repeated ones', () => {
    // 2024-10-06 02:00 → 02:30 (+10:30 → +11); 2024-04-07 02:00 → 01:30 (+11 → +10:30).
    const spec = { cronString: ['*/15 1-3 * * *'], timezoneName: 'Australia/Lord_Howe' };
    expect(nominals(spec, '2024-10-05T14:20:00Z', 5)).toEqual([
      '2024-10-05T14:30:00.000Z', // 01:00 +10:30
      '2024-10-05T14:45:00.000Z',
      '2024-10-05T15:00:00.000Z',
      '2024-10-05T15:15:00.000Z', // 01:45
      '2024-10-05T15:30:00.000Z', // 02:30 +11 (02:00 and 02:15 do not exist)
    ]);
    expect(nominals(spec, '2024-04-06T14:20:00Z', 5)).toEqual([
      '2024-04-06T14:30:00.000Z', // 01:30 +11
      '2024-04-06T14:45:00.000Z', // 01:45 +11
      '2024-04-06T15:00:00.000Z', // 01:30 +10:30, the second time round
      '2024-04-06T15:15:00.000Z', // 01:45 +10:30
      '2024-04-06T15:30:00.000Z', // 02:00 +10:30
    ]);
  });
});

describe('jitter with a time zone', () => {
  it('stays within the gap to the following action across the change', () => {
    const spec = CompiledSpec.compile({ cronString: ['CRON_TZ=America/New_York 30 1 * * *'], jitter: seconds(24 * 3600) }, SEED);
    const first = spec.next(ms('2024-11-03T05:30:00Z'))!; // the second 01:30 (EST)
    expect(iso(first.nominalMs)).toBe('2024-11-03T06:30:00.000Z');
    expect(first.actualMs).toBeLessThan(ms('2024-11-04T06:30:00Z'));
  });
});
