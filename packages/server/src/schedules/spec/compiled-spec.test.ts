/**
 * When a schedule acts: intervals with phase, calendars, cron strings, their union, exclusions,
 * start and end time, jitter, and ListScheduleMatchingTimes' bounds. Sequences follow Temporal's
 * own spec tests where they exist.
 */
import { describe, expect, it } from 'vitest';
import { CompiledSpec } from './compiled-spec.js';
import { at, iso, ms, nominals, SEED, seconds, walk } from './spec-fixtures.test-support.js';

const HOUR = 3600;

describe('interval specs', () => {
  it('fire at epoch + n·interval, the first strictly after the given time', () => {
    expect(nominals({ interval: [{ interval: seconds(90 * 60) }] }, '2022-03-23T12:53:02.009Z', 4)).toEqual([
      '2022-03-23T13:30:00.000Z',
      '2022-03-23T15:00:00.000Z',
      '2022-03-23T16:30:00.000Z',
      '2022-03-23T18:00:00.000Z',
    ]);
  });

  it('shift by their phase', () => {
    const spec = { interval: [{ interval: seconds(90 * 60), phase: seconds(5 * 60 + 44) }] };
    expect(nominals(spec, '2022-03-23T12:53:02.009Z', 3)).toEqual([
      '2022-03-23T13:35:44.000Z',
      '2022-03-23T15:05:44.000Z',
      '2022-03-23T16:35:44.000Z',
    ]);
  });

  it('merge when there are several', () => {
    const spec = {
      interval: [
        { interval: seconds(90 * 60), phase: seconds(5 * 60 + 44) },
        { interval: seconds(157 * 60), phase: seconds(22 * 60 + 11) },
      ],
    };
    expect(nominals(spec, '2022-03-23T12:53:02.009Z', 6)).toEqual([
      '2022-03-23T13:35:44.000Z',
      '2022-03-23T15:05:44.000Z',
      '2022-03-23T15:26:11.000Z',
      '2022-03-23T16:35:44.000Z',
      '2022-03-23T18:03:11.000Z',
      '2022-03-23T18:05:44.000Z',
    ]);
  });

  it('an action time is never repeated: asking after it gives the following one', () => {
    const spec = CompiledSpec.compile({ interval: [{ interval: seconds(60) }] }, SEED);
    expect(iso(spec.next(ms('2024-01-01T00:01:00Z'))!.nominalMs)).toBe('2024-01-01T00:02:00.000Z');
    expect(iso(spec.next(ms('2024-01-01T00:00:59.999Z'))!.nominalMs)).toBe('2024-01-01T00:01:00.000Z');
  });
});

describe('calendar specs', () => {
  it('string calendars fill Temporal defaults: second 0, minute 0, hour 0, other fields every value', () => {
    expect(nominals({ calendar: [{ hour: '5,7', minute: '23' }] }, '2022-03-23T03:00:00Z', 4)).toEqual([
      '2022-03-23T05:23:00.000Z',
      '2022-03-23T07:23:00.000Z',
      '2022-03-24T05:23:00.000Z',
      '2022-03-24T07:23:00.000Z',
    ]);
  });

  it('structured calendars take ranges with steps; an empty year is every year', () => {
    const spec = {
      structuredCalendar: [{
        second: [{ start: 0 }],
        minute: [{ start: 0, end: 59, step: 20 }],
        hour: [{ start: 9, end: 17, step: 4 }],
        dayOfMonth: [{ start: 1, end: 31 }],
        month: [{ start: 1, end: 12 }],
        dayOfWeek: [{ start: 1, end: 5 }],
        comment: 'working hours',
      }],
    };
    // Friday 2024-03-01 16:59 → 17:00, 17:20, 17:40, then Monday 09:00 (the weekend is skipped).
    expect(nominals(spec, '2024-03-01T16:59:00Z', 5)).toEqual([
      '2024-03-01T17:00:00.000Z',
      '2024-03-01T17:20:00.000Z',
      '2024-03-01T17:40:00.000Z',
      '2024-03-04T09:00:00.000Z',
      '2024-03-04T09:20:00.000Z',
    ]);
  });

  it('a structured field left empty matches nothing (only the year defaults to all)', () => {
    const spec = CompiledSpec.compile({ structuredCalendar: [{ hour: [{ start: 9 }] }] }, SEED);
    expect(spec.next(ms('2024-01-01T00:00:00Z'))).toBeNull();
  });

  it('day of month and day of week must both match (no cron "or" rule)', () => {
    // Friday the 13th at noon.
    expect(nominals({ cronString: ['0 12 13 * Fri'] }, '2024-01-01T00:00:00Z', 3)).toEqual([
      '2024-09-13T12:00:00.000Z',
      '2024-12-13T12:00:00.000Z',
      '2025-06-13T12:00:00.000Z',
    ]);
  });

  it('the 31st only in months that have one, 29 February only in leap years', () => {
    expect(nominals({ cronString: ['0 0 31 * *'] }, '2024-01-31T00:00:00Z', 3)).toEqual([
      '2024-03-31T00:00:00.000Z',
      '2024-05-31T00:00:00.000Z',
      '2024-07-31T00:00:00.000Z',
    ]);
    expect(nominals({ cronString: ['0 0 29 2 *'] }, '2024-03-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
  });

  it('a calendar limited to past years has no next time; nothing is answered after 2100', () => {
    const once = CompiledSpec.compile({ calendar: [{ hour: '13', minute: '55', dayOfMonth: '7', month: '4', year: '2022' }] }, SEED);
    expect(iso(once.next(ms('2022-03-23T11:00:00Z'))!.actualMs)).toBe('2022-04-07T13:55:00.000Z');
    expect(once.next(ms('2022-04-07T13:55:00Z'))).toBeNull();
    const yearly = CompiledSpec.compile({ cronString: ['@yearly'] }, SEED);
    expect(iso(yearly.next(ms('2099-06-01T00:00:00Z'))!.nominalMs)).toBe('2100-01-01T00:00:00.000Z');
    expect(yearly.next(ms('2100-01-01T00:00:00Z'))).toBeNull();
    expect(CompiledSpec.compile({ interval: [{ interval: seconds(HOUR) }] }, SEED).next(ms('2100-12-31T23:30:00Z'))).toBeNull();
  });

  it('calendars, cron strings and intervals of one spec act at the union of their times', () => {
    const spec = {
      calendar: [{ hour: '5,7', minute: '23' }],
      cronString: ['55 11,13 * * *'],
      interval: [{ interval: seconds(90 * 60), phase: seconds(7 * 60) }],
    };
    expect(nominals(spec, '2022-03-23T07:00:00Z', 7)).toEqual([
      '2022-03-23T07:23:00.000Z',
      '2022-03-23T07:37:00.000Z',
      '2022-03-23T09:07:00.000Z',
      '2022-03-23T10:37:00.000Z',
      '2022-03-23T11:55:00.000Z',
      '2022-03-23T12:07:00.000Z',
      '2022-03-23T13:37:00.000Z',
    ]);
  });

  it('an empty spec never acts', () => {
    expect(CompiledSpec.compile({}, SEED).next(ms('2024-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('exclusions', () => {
  it('skip the times an exclusion calendar matches', () => {
    const spec = {
      interval: [{ interval: seconds(90 * 60) }],
      excludeCalendar: [{ hour: '12-14', minute: '*', second: '*' }],
    };
    expect(nominals(spec, '2022-03-23T08:00:00Z', 4)).toEqual([
      '2022-03-23T09:00:00.000Z',
      '2022-03-23T10:30:00.000Z',
      '2022-03-23T15:00:00.000Z',
      '2022-03-23T16:30:00.000Z',
    ]);
  });

  it('structured exclusions: weekday mornings without public holidays', () => {
    const spec = {
      cronString: ['0 9 * * Mon-Fri'],
      excludeStructuredCalendar: [{
        second: [{ start: 0, end: 59 }], minute: [{ start: 0, end: 59 }], hour: [{ start: 0, end: 23 }],
        dayOfMonth: [{ start: 25, end: 26 }], month: [{ start: 12 }], dayOfWeek: [{ start: 0, end: 6 }],
      }],
    };
    expect(nominals(spec, '2024-12-24T10:00:00Z', 2)).toEqual(['2024-12-27T09:00:00.000Z', '2024-12-30T09:00:00.000Z']);
  });

  it('long excluded runs are skipped quickly: a weekend off an every-second schedule, in UTC and New York', () => {
    const weekend = { dayOfWeek: 'Sat,Sun', hour: '*', minute: '*', second: '*' };
    const started = performance.now();
    expect(nominals({ cronString: ['* * * * * * *'], excludeCalendar: [weekend] }, '2024-11-01T23:59:58Z', 2)).toEqual([
      '2024-11-01T23:59:59.000Z',
      '2024-11-04T00:00:00.000Z',
    ]);
    expect(
      nominals({ cronString: ['CRON_TZ=America/New_York * * * * * * *'], excludeCalendar: [weekend] }, '2024-11-01T23:59:58-04:00', 2),
    ).toEqual(['2024-11-02T03:59:59.000Z', '2024-11-04T05:00:00.000Z']); // Monday 00:00 EST, after the fall-back weekend
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an excluded month in a zone with daylight saving is skipped (a day at a time, not a second)', () => {
    const spec = { cronString: ['CRON_TZ=America/New_York 0 12 * * *'], excludeCalendar: [{ month: 'Dec', hour: '*', minute: '*', second: '*' }] };
    expect(nominals(spec, '2024-11-30T00:00:00Z', 2)).toEqual(['2024-11-30T17:00:00.000Z', '2025-01-01T17:00:00.000Z']);
    const everySecond = { cronString: ['CRON_TZ=Europe/Berlin * * * * * * *'], excludeCalendar: [{ month: 'Oct', hour: '*', minute: '*', second: '*' }] };
    expect(nominals(everySecond, '2024-09-30T21:59:58Z', 2)).toEqual(['2024-09-30T21:59:59.000Z', '2024-10-31T23:00:00.000Z']);
  });

  it('an excluded hour stays excluded both times round at fall-back', () => {
    const spec = { cronString: ['* * * * *'], timezoneName: 'America/New_York', excludeCalendar: [{ hour: '1', minute: '*', second: '*' }] };
    expect(nominals(spec, '2024-11-03T04:58:00Z', 2)).toEqual([
      '2024-11-03T04:59:00.000Z', // 00:59 EDT
      '2024-11-03T07:00:00.000Z', // 02:00 EST: both 01:00-01:59 are skipped
    ]);
  });

  it('a spec whose every time is excluded has no next time', () => {
    const spec = CompiledSpec.compile(
      { interval: [{ interval: seconds(7 * 24 * HOUR) }], excludeCalendar: [{ second: '*', minute: '*', hour: '*' }] },
      SEED,
    );
    expect(spec.next(ms('2022-03-23T12:53:02Z'))).toBeNull();
  });
});

describe('start and end time', () => {
  it('nothing before start_time; start_time itself can match', () => {
    const spec = { interval: [{ interval: seconds(90 * 60) }], startTime: at('2022-03-23T12:00:00Z') };
    expect(nominals(spec, '2022-03-23T08:00:00Z', 3)).toEqual([
      '2022-03-23T12:00:00.000Z',
      '2022-03-23T13:30:00.000Z',
      '2022-03-23T15:00:00.000Z',
    ]);
  });

  it('asking after a time past start_time still answers strictly after it', () => {
    const spec = { interval: [{ interval: seconds(HOUR) }], startTime: at('2022-03-23T12:00:00.456Z') };
    expect(nominals(spec, '2022-03-23T12:00:00.123Z', 1)).toEqual(['2022-03-23T13:00:00.000Z']);
  });

  it('nothing after end_time (inclusive)', () => {
    const spec = { interval: [{ interval: seconds(90 * 60) }], endTime: at('2022-03-23T13:30:00Z') };
    expect(nominals(spec, '2022-03-23T11:00:00Z', 5)).toEqual(['2022-03-23T12:00:00.000Z', '2022-03-23T13:30:00.000Z']);
  });
});

describe('jitter', () => {
  const hourly = { cronString: ['0 * * * *'], jitter: seconds(15 * 60) };

  it('delays each action by less than the jitter, the same amount for the same seed and time', () => {
    const first = walk(hourly, '2024-05-01T00:00:00Z', 48);
    expect(first).toHaveLength(48);
    for (const t of first) {
      expect(t.actualMs - t.nominalMs).toBeGreaterThanOrEqual(0);
      expect(t.actualMs - t.nominalMs).toBeLessThan(15 * 60_000);
    }
    expect(first.map((t) => t.nominalMs % 3_600_000)).toEqual(first.map(() => 0));
    expect(walk(CompiledSpec.compile(hourly, SEED), '2024-05-01T00:00:00Z', 48)).toEqual(first);
    // Asking again from any point before an action gives the same instant (a retried tick).
    const again = CompiledSpec.compile(hourly, SEED).next(first[10]!.nominalMs - 1);
    expect(again).toEqual(first[10]);
  });

  it('differs between schedules (the seed) and spreads over the window', () => {
    const delays = (seed: string) =>
      walk(CompiledSpec.compile(hourly, seed), '2024-05-01T00:00:00Z', 48).map((t) => t.actualMs - t.nominalMs);
    const a = delays('default/a');
    expect(delays('default/b')).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(40);
    expect(Math.max(...a)).toBeGreaterThan(7 * 60_000);
  });

  it('never reaches the following nominal time, even when the jitter is longer than the gap', () => {
    const spec = CompiledSpec.compile({ interval: [{ interval: seconds(90 * 60) }], jitter: seconds(24 * HOUR) }, SEED);
    const times = walk(spec, '2022-03-23T11:00:00Z', 20);
    expect(times).toHaveLength(20);
    times.forEach((t, i) => {
      expect(t.nominalMs).toBe(ms('2022-03-23T12:00:00Z') + i * 90 * 60_000);
      expect(t.actualMs - t.nominalMs).toBeLessThan(90 * 60_000);
    });
  });

  it('a last action takes the whole jitter window', () => {
    const spec = CompiledSpec.compile(
      { calendar: [{ hour: '13', minute: '55', dayOfMonth: '7', month: '4', year: '2022' }], jitter: seconds(HOUR) },
      SEED,
    );
    const t = spec.next(ms('2022-03-23T11:00:00Z'))!;
    expect(iso(t.nominalMs)).toBe('2022-04-07T13:55:00.000Z');
    expect(t.actualMs - t.nominalMs).toBeLessThan(HOUR * 1000);
  });
});

describe('matchingTimes (ListScheduleMatchingTimes)', () => {
  it('answers actual times in (start, end]', () => {
    const spec = CompiledSpec.compile({ cronString: ['0 * * * *'] }, SEED);
    expect(spec.matchingTimes(ms('2024-01-01T10:00:00Z'), ms('2024-01-01T13:00:00Z')).map(iso)).toEqual([
      '2024-01-01T11:00:00.000Z',
      '2024-01-01T12:00:00.000Z',
      '2024-01-01T13:00:00.000Z',
    ]);
  });

  it('stops at the limit, and at 1000 whatever the limit asked', () => {
    const spec = CompiledSpec.compile({ cronString: ['* * * * *'] }, SEED);
    expect(spec.matchingTimes(ms('2024-01-01T00:00:00Z'), ms('2024-02-01T00:00:00Z'), 5)).toHaveLength(5);
    expect(spec.matchingTimes(ms('2024-01-01T00:00:00Z'), ms('2024-02-01T00:00:00Z'), 5000)).toHaveLength(1000);
  });

  it('with jitter, lists the jittered times', () => {
    const spec = CompiledSpec.compile({ cronString: ['0 * * * *'], jitter: seconds(600) }, SEED);
    const times = spec.matchingTimes(ms('2024-01-01T00:00:00Z'), ms('2024-01-01T05:00:00Z'));
    expect(times).toEqual(walk(spec, '2024-01-01T00:00:00Z', 5).map((t) => t.actualMs).filter((t) => t <= ms('2024-01-01T05:00:00Z')));
  });
});

describe('cost', () => {
  it('a next time is found by jumping field by field, not second by second', () => {
    const spec = CompiledSpec.compile({ cronString: ['CRON_TZ=America/New_York 0 0 29 2 *'] }, SEED);
    expect(iso(spec.next(ms('2024-03-01T00:00:00Z'))!.nominalMs)).toBe('2028-02-29T05:00:00.000Z');
    const started = performance.now();
    for (let i = 0; i < 2000; i++) spec.next(ms('2024-03-01T00:00:00Z') + i * 1000);
    // 2000 calls; generous bound so a slow CI machine passes, while a per-second walk (years) never would.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
