/**
 * A schedule's spec as people read it, from the JSON the server answers (DescribeSchedule and
 * ListSchedules show calendars in the structured form the server canonicalized cron strings
 * into), and the parsing of what the create form accepts for an interval.
 */
import { durationMs, formatDurationMs } from '../../format';

/** One range of a calendar field: `end` missing or below `start` means `start` alone, `step` 0 means 1. */
export interface RangeJson {
  start?: number;
  end?: number;
  step?: number;
}

type CalendarField = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'year' | 'dayOfWeek';

export type StructuredCalendarJson = Partial<Record<CalendarField, RangeJson[]>> & { comment?: string };

export interface IntervalJson {
  interval?: string;
  phase?: string;
}

/** The full range of each field: a range covering it with step 1 reads as "any". */
const FULL: Record<Exclude<CalendarField, 'year'>, [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [0, 6],
};

const MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Temporal accepts 7 for Sunday as well as 0.
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const DATE_LABELS: Array<[CalendarField, string]> = [
  ['dayOfMonth', 'day'],
  ['month', 'month'],
  ['dayOfWeek', 'weekday'],
  ['year', 'year'],
];

/** Times of day listed one by one up to this many; beyond, the fields are shown as ranges. */
const TIMES_LISTED_MAX = 6;

function bounds(r: RangeJson): { start: number; end: number; step: number } {
  const start = r.start ?? 0;
  const end = r.end !== undefined && r.end >= start ? r.end : start;
  return { start, end, step: r.step && r.step > 0 ? r.step : 1 };
}

function valueName(field: CalendarField, value: number): string {
  if (field === 'month') return MONTHS[value] ?? String(value);
  if (field === 'dayOfWeek') return WEEKDAYS[value] ?? String(value);
  return String(value);
}

/** `9,17`, `1-5`, `Mon-Fri`, `10-50/20` (a step after a range); undefined when the field matches any value. */
function fieldText(field: CalendarField, ranges: RangeJson[] | undefined): string | undefined {
  if (!ranges || ranges.length === 0) return field === 'year' ? undefined : 'none';
  const parts = ranges.map((r) => {
    const { start, end, step } = bounds(r);
    const full = field !== 'year' && start === FULL[field][0] && end >= FULL[field][1];
    if (full && step === 1) return '*';
    const range = full ? '*' : start === end ? valueName(field, start) : `${valueName(field, start)}-${valueName(field, end)}`;
    return step > 1 ? `${range}/${step}` : range;
  });
  return parts.includes('*') && parts.length === 1 ? undefined : parts.join(',');
}

/** The single values of a field, or undefined when it has a range or a step. */
function singleValues(ranges: RangeJson[] | undefined): number[] | undefined {
  if (!ranges || ranges.length === 0) return undefined;
  const values: number[] = [];
  for (const r of ranges) {
    const { start, end } = bounds(r);
    if (start !== end) return undefined;
    values.push(start);
  }
  return values;
}

/** `at 09:30, 17:30` when hours, minutes and seconds are a few single values; else their fields. */
function timeText(c: StructuredCalendarJson): string {
  const [hours, minutes, seconds] = [singleValues(c.hour), singleValues(c.minute), singleValues(c.second)];
  if (hours && minutes && seconds && hours.length * minutes.length * seconds.length <= TIMES_LISTED_MAX) {
    const pad = (n: number) => String(n).padStart(2, '0');
    const times = hours.flatMap((h) =>
      minutes.flatMap((m) => seconds.map((s) => `${pad(h)}:${pad(m)}${s === 0 ? '' : `:${pad(s)}`}`)),
    );
    return `at ${times.join(', ')}`;
  }
  const parts = (['hour', 'minute', 'second'] as const).map((f) => `${f} ${fieldText(f, c[f]) ?? '*'}`);
  return parts.join(' ');
}

/** A structured calendar in one line: `at 09:30, 17:30 on weekday Mon (twice on mondays)`. */
export function calendarText(c: StructuredCalendarJson): string {
  const dates = DATE_LABELS.flatMap(([field, label]) => {
    const text = fieldText(field, c[field]);
    return text === undefined ? [] : [`${label} ${text}`];
  });
  const when = `${timeText(c)}${dates.length > 0 ? ` on ${dates.join(', ')}` : ' every day'}`;
  return c.comment ? `${when} (${c.comment})` : when;
}

/** A protobuf JSON duration (`"5400s"`) as `1h 30m`. */
export function durationText(value: string | undefined): string {
  const ms = durationMs(value);
  return ms === undefined ? (value ?? '') : formatDurationMs(ms, 4);
}

/** `every 1h 30m, offset 5m`. */
export function intervalText(i: IntervalJson): string {
  const phase = durationMs(i.phase);
  return `every ${durationText(i.interval)}${phase ? `, offset ${durationText(i.phase)}` : ''}`;
}

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/**
 * An interval as typed in the form (`90s`, `5m`, `1h30m`, `1d 12h`) as a protobuf JSON
 * duration (`"5400s"`), or undefined when it is not one.
 */
export function parseInterval(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^(\d+[dhms])+$/.test(compact)) return undefined;
  let seconds = 0;
  for (const [, count, unit] of compact.matchAll(/(\d+)([dhms])/g)) seconds += Number(count) * UNIT_SECONDS[unit!]!;
  return `${seconds}s`;
}
