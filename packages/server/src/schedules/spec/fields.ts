/**
 * The seven calendar fields of a schedule spec: their proto names (for error paths), the values
 * each accepts, and the defaults Temporal gives an empty field of the string CalendarSpec form.
 */
import type proto from '@temporalio/proto';

// The schedule messages as the server's proto handles (common/proto.ts) define them.
export type IScheduleSpec = proto.temporal.api.schedule.v1.IScheduleSpec;
export type IIntervalSpec = proto.temporal.api.schedule.v1.IIntervalSpec;
export type IRange = proto.temporal.api.schedule.v1.IRange;
export type IStructuredCalendarSpec = proto.temporal.api.schedule.v1.IStructuredCalendarSpec;
export type ICalendarSpec = proto.temporal.api.schedule.v1.ICalendarSpec;

export type CalendarField = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'year' | 'dayOfWeek';

/** Temporal's calendar years: earlier years are rejected, later ones never match. */
export const CALENDAR_YEAR_MIN = 2000;
export const CALENDAR_YEAR_MAX = 2100;
/** Temporal's limit on a calendar's free-form comment. */
export const COMMENT_LENGTH_MAX = 200;

export interface FieldDef {
  readonly field: CalendarField;
  /** The field's name in the proto (snake case), as error paths print it. */
  readonly protoName: string;
  /** The name cron errors use ("minute 61 is out of range 0-59"). */
  readonly label: string;
  readonly min: number;
  /** The largest value of a structured range; the string form also takes 7 for Sunday. */
  readonly max: number;
  /** What an empty field of the string form means. */
  readonly textDefault: string;
  readonly names?: readonly string[];
  /** Shortest accepted prefix of a name ("Jan", "Mo"). */
  readonly namePrefixMin?: number;
}

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
] as const;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export const FIELDS: Record<CalendarField, FieldDef> = {
  second: { field: 'second', protoName: 'second', label: 'second', min: 0, max: 59, textDefault: '0' },
  minute: { field: 'minute', protoName: 'minute', label: 'minute', min: 0, max: 59, textDefault: '0' },
  hour: { field: 'hour', protoName: 'hour', label: 'hour', min: 0, max: 23, textDefault: '0' },
  dayOfMonth: {
    field: 'dayOfMonth', protoName: 'day_of_month', label: 'day of month', min: 1, max: 31, textDefault: '*',
  },
  month: {
    field: 'month', protoName: 'month', label: 'month', min: 1, max: 12, textDefault: '*',
    names: MONTH_NAMES, namePrefixMin: 3,
  },
  year: {
    field: 'year', protoName: 'year', label: 'year', min: CALENDAR_YEAR_MIN, max: CALENDAR_YEAR_MAX, textDefault: '*',
  },
  dayOfWeek: {
    field: 'dayOfWeek', protoName: 'day_of_week', label: 'day of week', min: 0, max: 6, textDefault: '*',
    names: DAY_NAMES, namePrefixMin: 2,
  },
};

/** Field order of Temporal's validation and of a canonical StructuredCalendarSpec. */
export const FIELD_ORDER: readonly CalendarField[] = [
  'second', 'minute', 'hour', 'dayOfMonth', 'month', 'year', 'dayOfWeek',
];
