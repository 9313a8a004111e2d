/**
 * The spec as DescribeSchedule shows it (Temporal's canonical form, ranges written out), the text
 * forms it comes from (cron 5/6/7 fields, shorthands, @every, names, comments), and every invalid
 * input answered INVALID_ARGUMENT naming the field path and the value.
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../common/errors.js';
import { Status } from '../../common/grpc-status.js';
import { durationMs } from '../../common/time.js';
import { CompiledSpec } from './compiled-spec.js';
import type { IScheduleSpec } from './fields.js';
import { nominals, SEED, seconds } from './spec-fixtures.test-support.js';

const EVERY = (start: number, end: number) => [{ start, end, step: 1 }];
const ONE = (value: number) => [{ start: value, end: value, step: 1 }];

function canonical(spec: IScheduleSpec): IScheduleSpec {
  return CompiledSpec.compile(spec, SEED).canonical;
}

function errorOf(spec: IScheduleSpec, prefix?: string): ServiceError {
  try {
    CompiledSpec.compile(spec, SEED, prefix);
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('expected the spec to be rejected');
}

describe('canonical form', () => {
  it('an empty spec stays empty', () => {
    expect(canonical({})).toEqual({});
  });

  it('a string calendar becomes a structured one with Temporal\'s defaults, ranges written out', () => {
    expect(canonical({ calendar: [{ hour: '5,7', minute: '23', comment: 'twice a day' }] })).toEqual({
      structuredCalendar: [{
        second: ONE(0),
        minute: ONE(23),
        hour: [...ONE(5), ...ONE(7)],
        dayOfMonth: EVERY(1, 31),
        month: EVERY(1, 12),
        year: [],
        dayOfWeek: EVERY(0, 6),
        comment: 'twice a day',
      }],
    });
  });

  it('steps, names and Sunday as 7', () => {
    const [cal] = canonical({ calendar: [{ hour: '9-17/2', dayOfWeek: 'Mon-Fri', month: 'jan,Sept-Dec/2', year: '2025-2030/5' }] })
      .structuredCalendar!;
    expect(cal!.hour).toEqual([{ start: 9, end: 17, step: 2 }]);
    expect(cal!.dayOfWeek).toEqual([{ start: 1, end: 5, step: 1 }]);
    expect(cal!.month).toEqual([...ONE(1), { start: 9, end: 12, step: 2 }]);
    expect(cal!.year).toEqual([{ start: 2025, end: 2030, step: 5 }]);
    expect(canonical({ calendar: [{ dayOfWeek: '7' }] }).structuredCalendar![0]!.dayOfWeek).toEqual(ONE(0));
    expect(canonical({ calendar: [{ dayOfWeek: 'Fri-7' }] }).structuredCalendar![0]!.dayOfWeek).toEqual([
      ...ONE(0),
      { start: 5, end: 6, step: 1 },
    ]);
    expect(canonical({ calendar: [{ dayOfWeek: '1-7' }] }).structuredCalendar![0]!.dayOfWeek).toEqual(EVERY(0, 6));
    expect(canonical({ calendar: [{ minute: '*/15' }] }).structuredCalendar![0]!.minute).toEqual([{ start: 0, end: 59, step: 15 }]);
    expect(canonical({ calendar: [{ minute: '5/15' }] }).structuredCalendar![0]!.minute).toEqual([{ start: 5, end: 59, step: 15 }]);
  });

  it('cron strings: 5 fields (minute … day of week), 6 (+ year), 7 (second first, + year)', () => {
    const five = canonical({ cronString: ['30 9 * * Mon'] }).structuredCalendar![0]!;
    expect([five.second, five.minute, five.hour, five.dayOfWeek, five.year]).toEqual([ONE(0), ONE(30), ONE(9), ONE(1), []]);
    const six = canonical({ cronString: ['30 9 1 6 * 2030'] }).structuredCalendar![0]!;
    expect([six.second, six.minute, six.dayOfMonth, six.month, six.year]).toEqual([ONE(0), ONE(30), ONE(1), ONE(6), ONE(2030)]);
    const seven = canonical({ cronString: ['15 30 9 * * * *'] }).structuredCalendar![0]!;
    expect([seven.second, seven.minute, seven.hour, seven.year]).toEqual([ONE(15), ONE(30), ONE(9), []]);
  });

  it('shorthands, comments and time zone prefixes', () => {
    const daily = canonical({ cronString: ['CRON_TZ=Europe/London @daily # nightly export'] });
    expect(daily.timezoneName).toBe('Europe/London');
    expect(daily.structuredCalendar![0]).toMatchObject({ hour: ONE(0), minute: ONE(0), comment: 'nightly export' });
    const expectations: Record<string, string> = {
      '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
      '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
    };
    for (const [shorthand, fields] of Object.entries(expectations)) {
      expect(canonical({ cronString: [shorthand] }), shorthand).toEqual(canonical({ cronString: [fields] }));
    }
    expect(canonical({ cronString: ['TZ=Asia/Tokyo 0 9 * * *'] }).timezoneName).toBe('Asia/Tokyo');
    expect(canonical({ cronString: ['CRON_TZ=Europe/London 0 9 * * *'], timezoneName: 'Europe/London' }).timezoneName).toBe('Europe/London');
  });

  it('@every becomes an interval, with its phase', () => {
    const spec = canonical({ cronString: ['@every 43h'] });
    expect(spec.structuredCalendar).toBeUndefined();
    expect(spec.interval!.map((iv) => durationMs(iv.interval))).toEqual([43 * 3600_000]);
    const phased = canonical({ cronString: ['@every 14h/3h'] }).interval![0]!;
    expect([durationMs(phased.interval), durationMs(phased.phase)]).toEqual([14 * 3600_000, 3 * 3600_000]);
    expect(durationMs(canonical({ cronString: ['@every 1h30m'] }).interval![0]!.interval)).toBe(90 * 60_000);
    expect(durationMs(canonical({ cronString: ['@every 2d'] }).interval![0]!.interval)).toBe(48 * 3600_000);
  });

  it('keeps start, end, jitter, exclusions (string ones converted) and given structured calendars', () => {
    const startTime = seconds(1_700_000_000);
    const spec = canonical({
      structuredCalendar: [{ second: [{ start: 0 }], minute: [{ start: 5 }], hour: [{ start: 1, end: 3 }], dayOfMonth: [{ start: 1, end: 31 }], month: [{ start: 1, end: 12 }], dayOfWeek: [{ start: 0, end: 6 }] }],
      excludeCalendar: [{ dayOfWeek: 'Sat,Sun', hour: '*', minute: '*', second: '*' }],
      startTime,
      jitter: seconds(30),
    });
    expect(spec.structuredCalendar![0]!.minute).toEqual(ONE(5));
    expect(spec.structuredCalendar![0]!.hour).toEqual(EVERY(1, 3));
    expect(spec.excludeStructuredCalendar![0]!.dayOfWeek).toEqual([...ONE(6), ...ONE(0)]);
    expect(spec.startTime).toEqual(startTime);
    expect(durationMs(spec.jitter)).toBe(30_000);
    expect(spec.calendar).toBeUndefined();
    expect(spec.excludeCalendar).toBeUndefined();
  });

  it('the canonical form compiles to the same times as the spec it came from', () => {
    const original = { cronString: ['CRON_TZ=America/New_York 0 */6 * * Mon-Fri # quarter days'], calendar: [{ hour: '12', minute: '30' }] };
    const compiled = CompiledSpec.compile(original, SEED);
    expect(nominals(compiled.canonical, '2024-11-01T00:00:00Z', 20)).toEqual(nominals(original, '2024-11-01T00:00:00Z', 20));
    expect(CompiledSpec.compile(compiled.canonical, SEED).canonical).toEqual(compiled.canonical);
  });
});

describe('equivalent forms act at the same times', () => {
  const from = '2024-02-27T00:00:00Z';
  const structured: IScheduleSpec = {
    structuredCalendar: [{
      second: ONE(0), minute: [{ start: 0, end: 59, step: 30 }], hour: [{ start: 9, end: 17 }],
      dayOfMonth: EVERY(1, 31), month: EVERY(1, 12), dayOfWeek: EVERY(1, 5),
    }],
  };

  it('cron (5, 6 and 7 fields), string calendar and structured calendar', () => {
    const expected = nominals(structured, from, 60);
    expect(expected).toHaveLength(60);
    expect(nominals({ cronString: ['*/30 9-17 * * 1-5'] }, from, 60)).toEqual(expected);
    expect(nominals({ cronString: ['0,30 9-17 * * Mon-Fri *'] }, from, 60)).toEqual(expected);
    expect(nominals({ cronString: ['0 */30 9-17 * * mon-fri *'] }, from, 60)).toEqual(expected);
    expect(nominals({ calendar: [{ minute: '*/30', hour: '9-17', dayOfWeek: 'Monday-Friday' }] }, from, 60)).toEqual(expected);
  });

  it('@every and an interval spec', () => {
    const interval = { interval: [{ interval: seconds(14 * 3600), phase: seconds(3 * 3600) }] };
    expect(nominals({ cronString: ['@every 14h/3h'] }, from, 10)).toEqual(nominals(interval, from, 10));
  });
});

describe('invalid specs answer INVALID_ARGUMENT naming the field and the value', () => {
  const cases: [string, IScheduleSpec, string][] = [
    ['cron minute out of range', { cronString: ['61 * * * *'] },
      'schedule.spec.cron_string[0]: "61 * * * *": minute 61 is out of range 0-59'],
    ['cron field count', { cronString: ['0 * * *'] }, 'schedule.spec.cron_string[0]: "0 * * *": has 4 fields, not 5, 6 or 7'],
    ['cron day name', { cronString: ['* * 1 * 0', '0 9 * * Funday'] },
      'schedule.spec.cron_string[1]: "0 9 * * Funday": day of week "Funday" is not a number or a name'],
    ['cron range backwards', { cronString: ['0 17-9 * * *'] }, 'schedule.spec.cron_string[0]: "0 17-9 * * *": hour "17-9" ends before it starts'],
    ['cron step', { cronString: ['*/0 * * * *'] }, 'schedule.spec.cron_string[0]: "*/0 * * * *": minute step "0" in "*/0" is not a positive integer'],
    ['cron year before 2000', { cronString: ['0 0 1 1 * 1999'] }, 'schedule.spec.cron_string[0]: "0 0 1 1 * 1999": year 1999 is out of range 2000-2100'],
    ['cron zone without fields', { cronString: ['CRON_TZ=UTC'] }, 'schedule.spec.cron_string[0]: "CRON_TZ=UTC": has a time zone but no fields'],
    ['@every zero', { cronString: ['@every 0s'] }, 'schedule.spec.cron_string[0]: "@every 0s": interval must be positive'],
    ['@every garbage', { cronString: ['@every soon'] },
      'schedule.spec.cron_string[0]: "@every soon": "soon" is not a duration (like 90s, 15m, 1h30m, 2d)'],
    ['@every phase too big', { cronString: ['@every 1h/2h'] },
      'schedule.spec.cron_string[0]: "@every 1h/2h": phase 7200s is not less than the interval (3600s)'],
    ['cron zones disagree', { cronString: ['CRON_TZ=Europe/London 0 9 * * *', '0 9 * * *'] },
      'schedule.spec.cron_string[1]: "0 9 * * *": time zone "" conflicts with "Europe/London" of cron_string[0]'],
    ['cron zone against timezone_name', { cronString: ['CRON_TZ=America/New_York 0 9 * * *'], timezoneName: 'Europe/London' },
      'schedule.spec.cron_string: time zone "America/New_York" conflicts with schedule.spec.timezone_name "Europe/London"'],
    ['structured day 32', { structuredCalendar: [{}, { dayOfMonth: [{ start: 32 }] }] },
      'schedule.spec.structured_calendar[1].day_of_month[0]: 32 is out of range 1-31'],
    ['structured end past max', { structuredCalendar: [{ hour: [{ start: 0, end: 24 }] }] },
      'schedule.spec.structured_calendar[0].hour[0].end: 24 is out of range 0-23'],
    ['structured end before start', { structuredCalendar: [{ hour: [{ start: 16, end: 12 }] }] },
      'schedule.spec.structured_calendar[0].hour[0].end: 12 is before start 16'],
    ['structured negative step', { structuredCalendar: [{ second: [{ start: 30, end: 40, step: -3 }] }] },
      'schedule.spec.structured_calendar[0].second[0].step: -3 is negative'],
    ['structured day of week 7', { structuredCalendar: [{ dayOfWeek: [{ start: 7 }] }] },
      'schedule.spec.structured_calendar[0].day_of_week[0]: 7 is out of range 0-6'],
    ['structured year', { structuredCalendar: [{ year: [{ start: 1999 }] }] },
      'schedule.spec.structured_calendar[0].year[0]: 1999 is out of range 2000-2100'],
    ['exclusion month', { excludeStructuredCalendar: [{ month: [{ start: 13 }] }] },
      'schedule.spec.exclude_structured_calendar[0].month[0]: 13 is out of range 1-12'],
    ['long comment', { structuredCalendar: [{ comment: 'x'.repeat(201) }] },
      'schedule.spec.structured_calendar[0].comment: 201 characters, more than 200'],
    ['string calendar hour', { calendar: [{ hour: '25' }] }, 'schedule.spec.calendar[0].hour: "25": hour 25 is out of range 0-23'],
    ['string calendar month name', { calendar: [{ month: 'Ja' }] }, 'schedule.spec.calendar[0].month: "Ja": "Ja" is not a number or a name'],
    ['string exclusion', { excludeCalendar: [{ second: '1/2/3' }] }, 'schedule.spec.exclude_calendar[0].second: "1/2/3": "1/2/3" has more than one "/"'],
    ['interval zero', { interval: [{ interval: seconds(0) }] }, 'schedule.spec.interval[0].interval: must be positive'],
    ['interval missing', { interval: [{}] }, 'schedule.spec.interval[0].interval: must be positive'],
    ['interval negative', { interval: [{ interval: seconds(-60) }] }, 'schedule.spec.interval[0].interval: must be positive'],
    ['interval under a second', { interval: [{ interval: { ...seconds(0), nanos: 500_000_000 } }] },
      'schedule.spec.interval[0].interval: 500ms is less than a second'],
    ['phase not less than interval', { interval: [{ interval: seconds(3 * 3600), phase: seconds(4 * 3600) }] },
      'schedule.spec.interval[0].phase: 14400s is not less than the interval (10800s)'],
    ['unknown zone', { timezoneName: 'Mars/Base' }, 'schedule.spec.timezone_name: unknown time zone "Mars/Base"'],
    ['unknown cron zone', { cronString: ['CRON_TZ=Mars/Base 0 9 * * *'] }, 'schedule.spec.cron_string: unknown time zone "Mars/Base"'],
    ['zone data', { timezoneData: new Uint8Array([84, 90, 105, 102]) },
      'schedule.spec.timezone_data: not supported; name the zone in timezone_name instead'],
  ];

  it.each(cases)('%s', (_name, spec, message) => {
    const err = errorOf(spec);
    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.message).toBe(message);
  });

  it('paths start at the given prefix', () => {
    expect(errorOf({ cronString: ['61 * * * *'] }, 'request.schedule.spec').message).toMatch(/^request\.schedule\.spec\.cron_string\[0\]: /);
  });
});
