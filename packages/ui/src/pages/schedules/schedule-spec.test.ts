import { describe, expect, it } from 'vitest';
import { calendarText, durationText, intervalText, parseInterval } from './schedule-spec';

// Calendars as the server canonicalizes them (zero values are left out of protobuf JSON).
const everyDayAtNoon = {
  second: [{ step: 1 }],
  minute: [{ step: 1 }],
  hour: [{ start: 12, end: 12, step: 1 }],
  dayOfMonth: [{ start: 1, end: 31, step: 1 }],
  month: [{ start: 1, end: 12, step: 1 }],
  dayOfWeek: [{ end: 6, step: 1 }],
};

describe('schedule specs as text', () => {
  it('reads a daily time, a few times on chosen days, and a comment', () => {
    expect(calendarText(everyDayAtNoon)).toBe('at 12:00 every day');
    expect(
      calendarText({
        ...everyDayAtNoon,
        minute: [{ start: 30, end: 30 }],
        hour: [{ start: 9 }, { start: 17 }],
        dayOfWeek: [{ start: 1, end: 5 }],
        comment: 'twice on workdays',
      }),
    ).toBe('at 09:30, 17:30 on weekday Mon-Fri (twice on workdays)');
  });

  it('shows steps, months and years as ranges', () => {
    expect(
      calendarText({
        ...everyDayAtNoon,
        minute: [{ start: 0, end: 59, step: 15 }],
        hour: [{ start: 8, end: 18 }],
        month: [{ start: 1 }, { start: 7 }],
        year: [{ start: 2027 }],
      }),
    ).toBe('hour 8-18 minute */15 second 0 on month Jan,Jul, year 2027');
  });

  it('reads intervals and durations', () => {
    expect(intervalText({ interval: '5400s', phase: '300s' })).toBe('every 1h 30m, offset 5m');
    expect(intervalText({ interval: '30s' })).toBe('every 30s');
    expect(durationText('86400s')).toBe('1d');
  });

  it('parses the intervals the form accepts', () => {
    expect(parseInterval('90s')).toBe('90s');
    expect(parseInterval('1h 30m')).toBe('5400s');
    expect(parseInterval('1d')).toBe('86400s');
    expect(parseInterval('0 * * * *')).toBeUndefined();
    expect(parseInterval('5')).toBeUndefined();
  });
});
