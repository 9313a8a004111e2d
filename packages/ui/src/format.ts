/** How times, durations, statuses and payloads read on every page. */
import type { TimeZone } from './settings';

/** An RFC 3339 timestamp (as the API sends them) as `2026-12-03 07:15:02.123`, in local time or UTC. */
export function formatTime(value: string | undefined | null, zone: TimeZone): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const utc = zone === 'utc';
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const y = utc ? date.getUTCFullYear() : date.getFullYear();
  const mo = (utc ? date.getUTCMonth() : date.getMonth()) + 1;
  const d = utc ? date.getUTCDate() : date.getDate();
  const h = utc ? date.getUTCHours() : date.getHours();
  const mi = utc ? date.getUTCMinutes() : date.getMinutes();
  const s = utc ? date.getUTCSeconds() : date.getSeconds();
  const ms = utc ? date.getUTCMilliseconds() : date.getMilliseconds();
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}${utc ? ' UTC' : ''}`;
}

/** `5 minutes ago`, `in 3 seconds`. */
export function formatRelative(value: string | undefined | null, nowMs = Date.now()): string {
  if (!value) return '';
  const ms = new Date(value).getTime() - nowMs;
  if (Number.isNaN(ms)) return '';
  const text = formatDurationMs(Math.abs(ms), 1);
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

/** A protobuf JSON duration (`"1.500s"`) in milliseconds. */
export function durationMs(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** Milliseconds as `1h 2m 3s`, `250ms`; at most `parts` units. */
export function formatDurationMs(ms: number, parts = 2): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const out: string[] = [];
  let rest = ms;
  for (const [name, size] of units) {
    if (out.length >= parts) break;
    const count = Math.floor(rest / size);
    if (count > 0 || out.length > 0) {
      if (count > 0) out.push(`${count}${name}`);
      rest -= count * size;
    }
  }
  if (out.length === 0) return `${(ms / 1000).toFixed(1)}s`;
  return out.join(' ');
}

/** The time between two timestamps, or from `start` to now when `end` is missing. */
export function formatElapsed(start: string | undefined | null, end: string | undefined | null): string {
  if (!start) return '';
  const ms = (end ? new Date(end).getTime() : Date.now()) - new Date(start).getTime();
  return Number.isNaN(ms) ? '' : formatDurationMs(Math.max(0, ms));
}

/** `WORKFLOW_EXECUTION_STATUS_RUNNING` → `Running`; `EVENT_TYPE_TIMER_FIRED` → `TimerFired`. */
export function enumLabel(value: string | undefined | null, prefix: string, joiner = ' '): string {
  if (!value) return '';
  const rest = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return rest
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(joiner);
}

export const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/** The short status name used in list queries: `Running`, `ContinuedAsNew`, `TimedOut`. */
export function statusName(status: string | undefined | null): string {
  return enumLabel(status, STATUS_PREFIX, '');
}

/** Any JSON value (a payload shown as JSON, or a canonical payload) as indented text. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, null, 2);
}
