/**
 * How values look in text output: times (relative, ISO or raw, as `--time-format` asks),
 * durations in Go's style (`1m30s`, as `temporal` prints them), enum names without their
 * prefix (`Completed` for `WORKFLOW_EXECUTION_STATUS_COMPLETED`).
 */
import { optionalTsToMs } from '@endure/common';
import type { TimeFormat } from '../global-options.js';

/** A protobuf Timestamp as decoded by protobufjs (seconds may be a Long). */
export interface TimestampLike {
  seconds?: { toNumber(): number } | number | string | null;
  nanos?: number | null;
}

/** Milliseconds since the epoch of a Timestamp, Date or number; undefined for an unset or zero Timestamp. */
export function toEpochMs(value: TimestampLike | Date | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const ms = optionalTsToMs(value as Parameters<typeof optionalTsToMs>[0]);
  return ms === undefined || ms === 0 ? undefined : ms;
}

/** A time in the chosen format; `''` when unset. `now` is a parameter so tests can fix it. */
export function formatTime(value: TimestampLike | Date | number | null | undefined, format: TimeFormat, now = Date.now()): string {
  const ms = toEpochMs(value);
  if (ms === undefined) return '';
  const date = new Date(ms);
  switch (format) {
    case 'iso':
      return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'raw':
      return date.toISOString();
    case 'relative':
      return formatRelative(ms, now);
  }
}

const RELATIVE_UNITS: [string, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** `3 minutes ago`, `in 2 hours`, `now`: the largest whole unit, like `temporal`'s humanized times. */
export function formatRelative(ms: number, now: number): string {
  const delta = ms - now;
  const abs = Math.abs(delta);
  if (abs < 1000) return 'now';
  for (const [unit, size] of RELATIVE_UNITS) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return delta < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return 'now';
}

/** Milliseconds in Go's duration style: `1h2m3s`, `1.5s`, `250ms`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${trimNumber(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  return `${sign}${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${trimNumber(seconds)}s`;
}

function trimNumber(n: number): string {
  return String(Number(n.toFixed(3)));
}

/** A protobuf Duration as milliseconds, or undefined when unset. */
export function durationMs(value: TimestampLike | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  return optionalTsToMs(value as Parameters<typeof optionalTsToMs>[0]);
}

/**
 * An enum value's short name: `WORKFLOW_EXECUTION_STATUS_COMPLETED` → `Completed`,
 * `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ActivityTaskScheduled`.
 *
 * @param enumObject the generated enum (name → number), e.g. `temporal.api.enums.v1.WorkflowExecutionStatus`
 * @param prefix its value prefix, e.g. `WORKFLOW_EXECUTION_STATUS_`
 */
export function enumShortName(enumObject: Record<string, string | number>, prefix: string, value: number | string | null | undefined): string {
  const name = typeof value === 'string' ? value : Object.keys(enumObject).find((key) => enumObject[key] === value);
  if (name === undefined) return value === null || value === undefined ? '' : String(value);
  return name
    .slice(name.startsWith(prefix) ? prefix.length : 0)
    .toLowerCase()
    .replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The spaces left and right of `text` centred in `width` columns (the smaller half on the left), as `temporal` places titles. */
export function centring(text: string, width: number): [left: number, right: number] {
  const gap = Math.max(0, width - text.length);
  const left = Math.floor(gap / 2);
  return [left, gap - left];
}
