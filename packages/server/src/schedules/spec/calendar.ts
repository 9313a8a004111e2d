/**
 * One compiled StructuredCalendarSpec: "does this instant match" and "the first matching instant
 * after t", in the spec's time zone.
 *
 * Matching is on the literal wall clock, as Temporal documents it: a wall time skipped by a
 * spring-forward change does not fire that day, and a wall time that occurs twice at a fall-back
 * change fires twice (once per instant). The search walks the fields from year down to second,
 * jumping to the next allowed value of each (never second by second), on wall times; the time
 * zone is consulted only to turn the wall time found into instants.
 */
import { assert } from '../../common/errors.js';
import { CALENDAR_YEAR_MAX, FIELDS, type CalendarField, type IRange, type IStructuredCalendarSpec } from './fields.js';
import type { TimeZone } from './time-zone.js';

/** The allowed values of one field, answering "the first allowed value ≥ v" in one lookup. */
class FieldValues {
  /** nextFrom[v - min]: the first allowed value ≥ v, or -1. */
  private readonly nextFrom: Int16Array;

  constructor(
    private readonly min: number,
    max: number,
    ranges: readonly IRange[],
  ) {
    const allowed = new Uint8Array(max - min + 1);
    for (const range of ranges) {
      const start = range.start ?? 0;
      const end = Math.max(range.end ?? 0, start);
      const step = Math.max(range.step ?? 0, 1);
      for (let v = start; v <= end; v += step) if (v >= min && v <= max) allowed[v - min] = 1;
    }
    this.nextFrom = new Int16Array(allowed.length);
    let next = -1;
    for (let i = allowed.length - 1; i >= 0; i--) {
      if (allowed[i]) next = i + min;
      this.nextFrom[i] = next;
    }
  }

  /** Every value of the field is allowed. */
  get isFull(): boolean {
    return this.nextFrom.every((next, i) => next === i + this.min);
  }

  get isEmpty(): boolean {
    return this.nextFrom.length === 0 || this.nextFrom[0] === -1;
  }

  /** The first allowed value ≥ v, or null. */
  next(v: number): number | null {
    const i = Math.max(v, this.min) - this.min;
    if (i >= this.nextFrom.length) return null;
    const found = this.nextFrom[i] ?? -1;
    return found < 0 ? null : found;
  }

  has(v: number): boolean {
    return this.next(v) === v;
  }
}

/** Years are open-ended below the spec range: an empty list means every year (Temporal's rule). */
const YEAR_FLOOR = 1970;

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function wallFields(wallMs: number): Wall {
  const date = new Date(wallMs);
  return {
    y: date.getUTCFullYear(), mo: date.getUTCMonth() + 1, d: date.getUTCDate(),
    h: date.getUTCHours(), mi: date.getUTCMinutes(), s: date.getUTCSeconds(),
  };
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function weekday(y: number, mo: number, d: number): number {
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
}

/** Zone transitions crossed while looking for one next time: a couple at most in practice. */
const ZONE_TURNS_MAX = 16;

/**
 * The smallest wall-clock unit a calendar does not match in full, from the second up: a matching
 * time stays matched at least until that unit changes (the day counts day of month and of week).
 */
type RunUnit = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';

export class CompiledCalendar {
  private readonly fields: Record<CalendarField, FieldValues>;
  /** A field (other than year) with no value matches nothing, so neither does the calendar. */
  private readonly matchesNothing: boolean;
  private readonly runUnit: RunUnit;

  constructor(
    spec: IStructuredCalendarSpec,
    private readonly zone: TimeZone,
  ) {
    const values = (field: CalendarField): FieldValues => {
      const def = FIELDS[field];
      return new FieldValues(def.min, def.max, spec[field] ?? []);
    };
    const years = spec.year?.length
      ? values('year')
      : new FieldValues(YEAR_FLOOR, CALENDAR_YEAR_MAX, [{ start: YEAR_FLOOR, end: CALENDAR_YEAR_MAX }]);
    this.fields = {
      second: values('second'), minute: values('minute'), hour: values('hour'),
      dayOfMonth: values('dayOfMonth'), month: values('month'), dayOfWeek: values('dayOfWeek'), year: years,
    };
    this.matchesNothing = Object.values(this.fields).some((f) => f.isEmpty);
    const full = (field: CalendarField) => (spec[field] ?? []).length > 0 && this.fields[field].isFull;
    if (!full('second')) this.runUnit = 'second';
    else if (!full('minute')) this.runUnit = 'minute';
    else if (!full('hour')) this.runUnit = 'hour';
    else if (!full('dayOfMonth') || !full('dayOfWeek')) this.runUnit = 'day';
    else if (!full('month')) this.runUnit = 'month';
    else this.runUnit = 'year';
  }

  /**
   * For a matching instant: an instant after it up to which every instant matches too, so an
   * exclusion can be skipped in one step instead of second by second (a weekend excluded from
   * an every-second schedule is 172,800 seconds).
   */
  matchingRunEnd(instantMs: number): number {
    if (this.runUnit === 'second') return instantMs + 1000;
    const fixed = this.zone.fixedOffsetMs;
    // With daylight saving, jump at most to the next day, so at most one zone change lies within.
    const unit = fixed === null && (this.runUnit === 'month' || this.runUnit === 'year') ? 'day' : this.runUnit;
    const offset = fixed ?? this.zone.offsetMs(instantMs);
    const { y, mo, d, h, mi } = wallFields(instantMs + offset);
    const endWall = {
      minute: () => Date.UTC(y, mo - 1, d, h, mi + 1),
      hour: () => Date.UTC(y, mo - 1, d, h + 1),
      day: () => Date.UTC(y, mo - 1, d + 1),
      month: () => Date.UTC(y, mo),
      year: () => Date.UTC(y + 1, 0),
    }[unit]();
    const end = endWall - offset;
    if (fixed !== null || this.zone.offsetMs(end - 1000) === offset) return end;
    // The zone changes before the end of the unit: the wall clock rises steadily up to the change.
    return this.zone.transitionIn(instantMs, end - 1000);
  }

  matches(instantMs: number): boolean {
    const { y, mo, d, h, mi, s } = wallFields(instantMs + this.zone.offsetMs(instantMs));
    const f = this.fields;
    return f.year.has(y) && f.month.has(mo) && f.dayOfMonth.has(d) && f.dayOfWeek.has(weekday(y, mo, d))
      && f.hour.has(h) && f.minute.has(mi) && f.second.has(s);
  }

  /** The first matching instant strictly after `afterMs` (to the second), or null. */
  next(afterMs: number): number | null {
    if (this.matchesNothing) return null;
    let from = Math.floor(afterMs / 1000) * 1000 + 1000;
    const fixed = this.zone.fixedOffsetMs;
    if (fixed !== null) {
      const wall = this.nextWall(from + fixed);
      return wall === null ? null : wall - fixed;
    }
    for (let turn = 0; turn < ZONE_TURNS_MAX; turn++) {
      const offset = this.zone.offsetMs(from);
      const fromWall = from + offset;
      const copies = this.zone.instantsOf(fromWall);
      const second = copies[1];
      if (second !== undefined && copies[0] === from) {
        // `from` is in the first pass of a repeated hour: finish that pass, then go on from the
        // change, where the wall clock steps back and the same wall times come round again.
        const change = this.zone.transitionIn(from, second);
        const wall = this.nextWall(fromWall);
        if (wall !== null && wall - offset < change) return wall - offset;
        from = change;
        continue;
      }
      const wall = this.nextWall(fromWall);
      if (wall === null) return null;
      const instant = this.zone.instantsOf(wall).find((t) => t >= from);
      if (instant !== undefined) return instant;
      // The wall time found was skipped by a spring-forward change: go on from the change.
      const before = this.zone.offsetMs(wall - 86_400_000);
      const after = this.zone.offsetMs(wall + 86_400_000);
      from = this.zone.transitionIn(wall - after, wall - before);
    }
    assert(false, `calendar search crossed more than ${ZONE_TURNS_MAX} zone changes in ${this.zone.name}`);
  }

  /** The first matching wall time ≥ wallMs, field by field from the year down; null past 2100. */
  private nextWall(wallMs: number): number | null {
    const f = this.fields;
    let { y, mo, d, h, mi, s } = wallFields(wallMs);
    for (;;) {
      const year = f.year.next(y);
      if (year === null) return null;
      if (year !== y) [y, mo, d, h, mi, s] = [year, 1, 1, 0, 0, 0];

      const month = f.month.next(mo);
      if (month === null) {
        [y, mo, d, h, mi, s] = [y + 1, 1, 1, 0, 0, 0];
        continue;
      }
      if (month !== mo) [mo, d, h, mi, s] = [month, 1, 0, 0, 0];

      const day = this.nextDay(y, mo, d);
      if (day === null) {
        [mo, d, h, mi, s] = [mo + 1, 1, 0, 0, 0];
        continue;
      }
      if (day !== d) [d, h, mi, s] = [day, 0, 0, 0];

      const hour = f.hour.next(h);
      if (hour === null) {
        [d, h, mi, s] = [d + 1, 0, 0, 0];
        continue;
      }
      if (hour !== h) [h, mi, s] = [hour, 0, 0];

      const minute = f.minute.next(mi);
      if (minute === null) {
        [h, mi, s] = [h + 1, 0, 0];
        continue;
      }
      if (minute !== mi) [mi, s] = [minute, 0];

      const secondValue = f.second.next(s);
      if (secondValue === null) {
        [mi, s] = [mi + 1, 0];
        continue;
      }
      return Date.UTC(y, mo - 1, d, h, mi, secondValue);
    }
  }

  /** The first day ≥ d of the month matching both day of month and day of week (both must, as in Temporal). */
  private nextDay(y: number, mo: number, d: number): number | null {
    const last = daysInMonth(y, mo);
    for (let day = this.fields.dayOfMonth.next(d); day !== null && day <= last; day = this.fields.dayOfMonth.next(day + 1)) {
      if (this.fields.dayOfWeek.has(weekday(y, mo, day))) return day;
    }
    return null;
  }
}
