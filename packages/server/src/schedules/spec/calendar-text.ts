/**
 * The text forms of a schedule spec, compiled to the structured form the way Temporal's server
 * does: the deprecated string CalendarSpec ("9-17/2", "Mon-Fri", names, "*"), cron strings of 5,
 * 6 or 7 fields with `CRON_TZ=` / `TZ=` prefixes, `#` comments and `@daily`-style shorthands,
 * and `@every <duration>[/<phase>]`, which becomes an interval.
 *
 * Errors are SpecTextError with a message about the text alone; the caller adds the field path.
 */
import { CRON_DESCRIPTORS } from '../../history/cron.js';
import { msToDuration } from '../../common/time.js';
import {
  FIELDS, type CalendarField, type FieldDef, type ICalendarSpec, type IIntervalSpec, type IRange, type IStructuredCalendarSpec,
} from './fields.js';

export class SpecTextError extends Error {
  override readonly name = 'SpecTextError';
}

/** The value after which day of week wraps: the string form takes 7 for Sunday as cron does. */
const SUNDAY_AS_SEVEN = 7;

/**
 * The ranges of one field's text. An empty text takes the field's default; `*` for the year is
 * no range at all (every year), as Temporal writes it.
 */
export function parseRanges(text: string, def: FieldDef): IRange[] {
  const trimmed = text.trim();
  const source = trimmed === '' ? def.textDefault : trimmed;
  if (def.field === 'year' && source === '*') return [];
  const ranges: IRange[] = [];
  for (const part of source.split(',')) ranges.push(...parsePart(part, def));
  return ranges;
}

function parsePart(part: string, def: FieldDef): IRange[] {
  const max = def.field === 'dayOfWeek' ? SUNDAY_AS_SEVEN : def.max;
  const slashes = part.split('/');
  if (slashes.length > 2) throw new SpecTextError(`"${part}" has more than one "/"`);
  const [body = '', stepText] = slashes;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
      throw new SpecTextError(`step "${stepText}" in "${part}" is not a positive integer`);
    }
    step = Number(stepText);
  }
  let start = def.min;
  let end = max;
  if (body !== '*') {
    const ends = body.split('-');
    if (ends.length > 2) throw new SpecTextError(`"${body}" has more than one "-"`);
    const [first = '', last] = ends;
    start = parseValue(first, def, max);
    if (last !== undefined) {
      end = parseValue(last, def, max);
      if (end < start) throw new SpecTextError(`"${body}" ends before it starts`);
    } else if (stepText === undefined) {
      end = start; // "x/y" runs from x to the field's end; a lone "x" is x alone
    }
  }
  return def.field === 'dayOfWeek' ? foldSunday(start, end, step) : [compactRange(start, end, step)];
}

/**
 * Day of week 7 is Sunday (0). "1-7" and "0-7" become 0-6; a progression that reaches 7 on its
 * step ("3-7", "1-7/2") gets a separate 0. (Temporal's own folding leaves "1-7" as 1-6, missing
 * Sunday; we keep the cron meaning.)
 */
function foldSunday(start: number, end: number, step: number): IRange[] {
  if (end < SUNDAY_AS_SEVEN) return [compactRange(start, end, step)];
  const reachesSeven = (SUNDAY_AS_SEVEN - start) % step === 0;
  if (!reachesSeven) return [compactRange(start, SUNDAY_AS_SEVEN - 1, step)];
  if (step === 1 && start <= 1) return [compactRange(0, SUNDAY_AS_SEVEN - 1, 1)];
  if (start === SUNDAY_AS_SEVEN) return [compactRange(0, 0, 1)];
  return [compactRange(0, 0, 1), compactRange(start, SUNDAY_AS_SEVEN - 1, step)];
}

/** Temporal leaves end and step at 0 when they say nothing (end = start, step = 1). */
function compactRange(start: number, end: number, step: number): IRange {
  const range: IRange = { start };
  if (end !== start) range.end = end;
  if (step !== 1) range.step = step;
  return range;
}

function parseValue(text: string, def: FieldDef, max: number): number {
  const byName = valueOfName(text, def);
  if (byName !== null) return byName;
  if (!/^\d+$/.test(text)) {
    const what = def.names ? 'a number or a name' : 'a number';
    throw new SpecTextError(`"${text}" is not ${what}`);
  }
  const value = Number(text);
  if (value < def.min || value > max) throw new SpecTextError(`${def.label} ${value} is out of range ${def.min}-${max}`);
  return value;
}

/** Month names from three letters, day names from two, any case (Temporal's rule). */
function valueOfName(text: string, def: FieldDef): number | null {
  if (!def.names || text.length < (def.namePrefixMin ?? 1)) return null;
  const lower = text.toLowerCase();
  const index = def.names.findIndex((name) => name.startsWith(lower));
  if (index < 0) return null;
  return def.field === 'month' ? index + 1 : index;
}

/** The string CalendarSpec as a StructuredCalendarSpec; `fieldError` names the field that failed. */
export function calendarToStructured(
  calendar: ICalendarSpec,
  fieldError: (field: CalendarField, text: string, err: SpecTextError) => Error,
): IStructuredCalendarSpec {
  const structured: IStructuredCalendarSpec = {};
  for (const field of ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'year', 'dayOfWeek'] as const) {
    const text = calendar[field] ?? '';
    try {
      structured[field] = parseRanges(text, FIELDS[field]);
    } catch (err) {
      if (err instanceof SpecTextError) throw fieldError(field, text, err);
      throw err;
    }
  }
  if (calendar.comment) structured.comment = calendar.comment;
  return structured;
}

export interface ParsedCron {
  calendar?: IStructuredCalendarSpec;
  interval?: IIntervalSpec;
  /** The CRON_TZ= / TZ= zone, '' when the string has none. */
  timeZone: string;
}


/** Which CalendarSpec field each cron field fills, by field count (Temporal's layout). */
const CRON_LAYOUTS: Record<number, readonly CalendarField[]> = {
  5: ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'],
  6: ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek', 'year'],
  7: ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek', 'year'],
};

export function parseCronString(cron: string): ParsedCron {
  let rest = cron.trim();
  let timeZone = '';
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    if (space < 0) throw new SpecTextError('has a time zone but no fields');
    timeZone = rest.slice(rest.indexOf('=') + 1, space);
    rest = rest.slice(space + 1);
  }
  const hash = rest.indexOf('#');
  const comment = hash < 0 ? '' : rest.slice(hash + 1).trim();
  rest = (hash < 0 ? rest : rest.slice(0, hash)).trim();

  if (rest.startsWith('@every')) return { interval: parseEvery(rest), timeZone: '' };
  rest = CRON_DESCRIPTORS[rest] ?? rest;

  const parts = rest.split(/\s+/).filter((p) => p !== '');
  const layout = CRON_LAYOUTS[parts.length];
  if (!layout) throw new SpecTextError(`has ${parts.length} fields, not 5, 6 or 7`);
  const calendar: ICalendarSpec = { comment };
  layout.forEach((field, i) => {
    calendar[field] = parts[i];
  });
  const structured = calendarToStructured(calendar, (field, _text, err) => {
    const label = FIELDS[field].label;
    return new SpecTextError(err.message.startsWith(`${label} `) ? err.message : `${label} ${err.message}`);
  });
  return { calendar: structured, timeZone };
}

/** `@every 90m` or `@every 14h/3h`: an interval with an optional phase. */
function parseEvery(text: string): IIntervalSpec {
  const space = text.indexOf(' ');
  if (space < 0) throw new SpecTextError('has no interval after @every');
  const [everyText = '', phaseText] = text.slice(space + 1).trim().split('/', 2);
  const everyMs = parseDurationMs(everyText);
  if (phaseText === undefined) return { interval: msToDuration(everyMs) };
  return { interval: msToDuration(everyMs), phase: msToDuration(parseDurationMs(phaseText)) };
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000,
};

/**
 * A Go duration ("1h30m", "1.5h", "90s") with Temporal's extra unit "d" (24 hours), in
 * milliseconds. A bare "0" is zero, as in Go.
 */
export function parseDurationMs(text: string): number {
  const match = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h|d))+|0)$/.exec(text);
  if (!match) throw new SpecTextError(`"${text}" is not a duration (like 90s, 15m, 1h30m, 2d)`);
  let ms = 0;
  for (const [, amount = '', unit = ''] of (match[2] ?? '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/g)) {
    ms += Number(amount) * (UNIT_MS[unit] ?? 0);
  }
  return match[1] === '-' ? -ms : ms;
}
