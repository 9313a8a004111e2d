/**
 * A ScheduleSpec as given → Temporal's canonical form, validated: string calendars and cron
 * strings become structured calendars (and `@every` an interval, CRON_TZ the time zone name),
 * every range is checked, and each error names the field path and the value at fault.
 */
import { invalidArgument, type ServiceError } from '../../common/errors.js';
import { durationMs } from '../../common/time.js';
import { calendarToStructured, parseCronString, SpecTextError } from './calendar-text.js';
import {
  COMMENT_LENGTH_MAX, FIELD_ORDER, FIELDS,
  type ICalendarSpec, type IIntervalSpec, type IRange, type IScheduleSpec, type IStructuredCalendarSpec,
} from './fields.js';


/**
 * The spec with only structured calendars, intervals and a time zone name left (Temporal's
 * CanonicalForm). Ranges keep Temporal's compact encoding (end and step 0 when unset).
 */
export function canonicalize(spec: IScheduleSpec, prefix: string): IScheduleSpec {
  if (spec.timezoneData && spec.timezoneData.length > 0) {
    throw invalidArgument(`${prefix}.timezone_data: not supported; name the zone in timezone_name instead`);
  }
  (spec.structuredCalendar ?? []).forEach((c, i) => validateStructured(c, `${prefix}.structured_calendar[${i}]`));
  (spec.excludeStructuredCalendar ?? []).forEach((c, i) =>
    validateStructured(c, `${prefix}.exclude_structured_calendar[${i}]`),
  );
  (spec.interval ?? []).forEach((iv, i) => validateInterval(iv, `${prefix}.interval[${i}]`));

  const structured = [...(spec.structuredCalendar ?? [])];
  const excludes = [...(spec.excludeStructuredCalendar ?? [])];
  const intervals = [...(spec.interval ?? [])];
  (spec.calendar ?? []).forEach((c, i) => structured.push(fromCalendarText(c, `${prefix}.calendar[${i}]`)));
  (spec.excludeCalendar ?? []).forEach((c, i) => excludes.push(fromCalendarText(c, `${prefix}.exclude_calendar[${i}]`)));

  let cronZone: string | undefined;
  (spec.cronString ?? []).forEach((cron, i) => {
    const path = `${prefix}.cron_string[${i}]`;
    const parsed = parseCronText(cron, path);
    // Temporal: all cron strings agree on their zone, including on having none.
    if (cronZone !== undefined && parsed.timeZone !== cronZone) {
      throw invalidArgument(`${path}: "${cron}": time zone "${parsed.timeZone}" conflicts with "${cronZone}" of cron_string[0]`);
    }
    cronZone = parsed.timeZone;
    if (parsed.calendar) structured.push(parsed.calendar);
    if (parsed.interval) intervals.push(parsed.interval);
  });

  let timezoneName = spec.timezoneName ?? '';
  if (cronZone) {
    if (timezoneName !== '' && timezoneName !== cronZone) {
      throw invalidArgument(
        `${prefix}.cron_string: time zone "${cronZone}" conflicts with ${prefix}.timezone_name "${timezoneName}"`,
      );
    }
    timezoneName = cronZone;
  }

  const canonical: IScheduleSpec = {};
  if (structured.length) canonical.structuredCalendar = structured;
  if (intervals.length) canonical.interval = intervals;
  if (excludes.length) canonical.excludeStructuredCalendar = excludes;
  if (spec.startTime) canonical.startTime = spec.startTime;
  if (spec.endTime) canonical.endTime = spec.endTime;
  if (spec.jitter) canonical.jitter = spec.jitter;
  if (timezoneName) canonical.timezoneName = timezoneName;
  return canonical;
}

/** Describe's form (Temporal's CleanSpec): every range with its end and step written out. */
export function cleaned(spec: IScheduleSpec): IScheduleSpec {
  const cleanCalendar = (c: IStructuredCalendarSpec): IStructuredCalendarSpec => {
    const out: IStructuredCalendarSpec = {};
    for (const field of FIELD_ORDER) out[field] = (c[field] ?? []).map(cleanRange);
    if (c.comment) out.comment = c.comment;
    return out;
  };
  const out: IScheduleSpec = { ...spec };
  if (spec.structuredCalendar) out.structuredCalendar = spec.structuredCalendar.map(cleanCalendar);
  if (spec.excludeStructuredCalendar) out.excludeStructuredCalendar = spec.excludeStructuredCalendar.map(cleanCalendar);
  return out;
}

function cleanRange(r: IRange): IRange {
  const start = r.start ?? 0;
  return { start, end: Math.max(r.end ?? 0, start), step: r.step ? r.step : 1 };
}

function fromCalendarText(calendar: ICalendarSpec, path: string): IStructuredCalendarSpec {
  const structured = calendarToStructured(calendar, (field, text, err) =>
    invalidArgument(`${path}.${FIELDS[field].protoName}: "${text}": ${err.message}`),
  );
  checkComment(structured.comment, path);
  return structured;
}

function parseCronText(cron: string, path: string): ReturnType<typeof parseCronString> {
  let parsed: ReturnType<typeof parseCronString>;
  try {
    parsed = parseCronString(cron);
  } catch (err) {
    if (err instanceof SpecTextError) throw invalidArgument(`${path}: "${cron}": ${err.message}`);
    throw err;
  }
  if (parsed.calendar) checkComment(parsed.calendar.comment, path);
  if (parsed.interval) {
    const problem = intervalProblem(parsed.interval);
    if (problem) throw invalidArgument(`${path}: "${cron}": ${problem.field} ${problem.message}`);
  }
  return parsed;
}

function checkComment(comment: string | null | undefined, path: string): void {
  if (comment && comment.length > COMMENT_LENGTH_MAX) {
    throw invalidArgument(`${path}.comment: ${comment.length} characters, more than ${COMMENT_LENGTH_MAX}`);
  }
}

/** Temporal's range rules: start within the field, end 0 or within [start, max], step not negative. */
function validateStructured(calendar: IStructuredCalendarSpec, path: string): void {
  for (const field of FIELD_ORDER) {
    const def = FIELDS[field];
    (calendar[field] ?? []).forEach((range, j) => {
      const at = `${path}.${def.protoName}[${j}]`;
      const start = range.start ?? 0;
      const end = range.end ?? 0;
      if (start < def.min || start > def.max) throw outOfRange(at, start, def.min, def.max);
      if (end !== 0 && (end < start || end > def.max)) {
        if (end > def.max) throw outOfRange(`${at}.end`, end, def.min, def.max);
        throw invalidArgument(`${at}.end: ${end} is before start ${start}`);
      }
      if ((range.step ?? 0) < 0) throw invalidArgument(`${at}.step: ${range.step} is negative`);
    });
  }
  checkComment(calendar.comment, path);
}

function outOfRange(path: string, value: number, min: number, max: number): ServiceError {
  return invalidArgument(`${path}: ${value} is out of range ${min}-${max}`);
}

function validateInterval(interval: IIntervalSpec, path: string): void {
  const problem = intervalProblem(interval);
  if (problem) throw invalidArgument(`${path}.${problem.field}: ${problem.message}`);
}

/** Temporal's interval rules: at least a second, phase in [0, interval). */
function intervalProblem(interval: IIntervalSpec): { field: string; message: string } | null {
  const everyMs = durationMs(interval.interval);
  const phaseMs = durationMs(interval.phase);
  if (everyMs <= 0) return { field: 'interval', message: 'must be positive' };
  if (everyMs < 1000) return { field: 'interval', message: `${everyMs}ms is less than a second` };
  if (phaseMs < 0) return { field: 'phase', message: 'must not be negative' };
  if (phaseMs >= everyMs) return { field: 'phase', message: `${phaseMs / 1000}s is not less than the interval (${everyMs / 1000}s)` };
  return null;
}
