/**
 * Turning the literals of a query into the values stored in `executions_visibility`:
 * times as ms since the epoch (RFC 3339 or Elasticsearch-style `now-1h`), durations as
 * nanoseconds (Go syntax, as Temporal accepts), execution statuses as their enum numbers.
 * Each function returns undefined for a value that does not fit; the binder words the error.
 */

/** The names queries use for `temporal.api.enums.v1.WorkflowExecutionStatus` 1…7 (stable proto numbers). */
const STATUS_NAMES = ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'] as const;
const statusByName: ReadonlyMap<string, number> = new Map(STATUS_NAMES.map((name, i) => [name.toLowerCase(), i + 1]));
const STATUS_MAX = STATUS_NAMES.length;

/** The name a status code has in queries and in count groups (`'Running'`), or undefined. */
export function executionStatusName(code: number): string | undefined {
  return STATUS_NAMES[code - 1];
}

export function executionStatusValue(value: string | number | boolean): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 1 && value <= STATUS_MAX ? value : undefined;
  }
  if (typeof value === 'string') return statusByName.get(value.toLowerCase());
  return undefined;
}

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2}))?$/;
const relativeTime = /^now((?:[+-]\d{1,9}(?:ms|s|m|h|d|w))*)$/;
const relativeStep = /([+-])(\d+)(ms|s|m|h|d|w)/g;
const msPerUnit: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A Datetime literal as ms since the epoch; relative times (`now-7d`) count from `nowMs`. */
export function datetimeValue(value: string | number | boolean, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const relative = relativeTime.exec(value);
  if (relative) return nowMs + relativeOffsetMs(relative[1] ?? '');
  const match = rfc3339.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetMs = zoneOffsetMs(match[8]);
  if (offsetMs === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const midnightMs = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2024-02-31 over to March; a round trip catches impossible dates.
  if (new Date(midnightMs).getUTCDate() !== day || new Date(midnightMs).getUTCMonth() !== month - 1) return undefined;
  const fractionMs = Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000);
  return midnightMs + ((hour * 60 + minute) * 60 + second) * 1000 + fractionMs - offsetMs;
}

function relativeOffsetMs(steps: string): number {
  let offsetMs = 0;
  for (const [, sign, amount, unit] of steps.matchAll(relativeStep)) {
    offsetMs += (sign === '-' ? -1 : 1) * Number(amount) * (msPerUnit[unit ?? ''] ?? 0);
  }
  return offsetMs;
}

function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

const nsPerUnit: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const durationStep = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
const DURATION_STEPS_MAX = 16;

/** An ExecutionDuration literal as integer nanoseconds: a number, or Go syntax such as `1h30m`. */
export function durationValue(value: string | number | boolean): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^-?\d+$/.test(value)) return Number(value);
  const negative = value.startsWith('-');
  const body = negative || value.startsWith('+') ? value.slice(1) : value;
  if (body === '0') return 0;
  let total = 0;
  let at = 0;
  for (let steps = 0; at < body.length; steps++) {
    durationStep.lastIndex = at;
    const step = durationStep.exec(body);
    if (!step || steps >= DURATION_STEPS_MAX) return undefined;
    total += Number(step[1]) * (nsPerUnit[step[2] ?? ''] ?? 0);
    at = durationStep.lastIndex;
  }
  if (at === 0) return undefined;
  return Math.round(negative ? -total : total);
}

/** An Int literal: an integer, or a string holding one. */
export function intValue(value: string | number | boolean): number | undefined {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

/** A Double literal: a number, or a string holding one. */
export function doubleValue(value: string | number | boolean): number | undefined {
  const number = typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** A Bool literal: true/false, bare or quoted, any case. */
export function boolValue(value: string | number | boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** Most words a Text condition may search for. */
export const TEXT_WORDS_MAX = 64;
const wordPattern = /[\p{L}\p{N}\p{Co}]+/gu;

/**
 * The lower-cased words of a Text value, split as SQLite FTS5's `unicode61` tokenizer
 * (without diacritic removal) splits them: letters, digits and private-use characters
 * form words, everything else separates them.
 */
export function textWords(text: string): string[] {
  return Array.from(text.matchAll(wordPattern), ([word]) => lowerCaseEach(word));
}

/** FTS5 folds case one character at a time; String.toLowerCase would also apply Greek final sigma. */
function lowerCaseEach(word: string): string {
  let lower = '';
  for (const char of word) {
    const folded = char.toLowerCase();
    // A character whose lower case is longer (İ → i̇) is left as FTS5 leaves it.
    lower += [...folded].length === 1 ? folded : char;
  }
  return lower;
}
