/**
 * Every Duration and Timestamp of a decoded request checked against protobuf's ranges
 * (Durations within ±10,000 years, Timestamps from 0001-01-01 to 9999-12-31, nanos below a
 * second and of the seconds' sign), as Temporal's frontend does: a value outside them cannot
 * be printed as JSON or as a Date, and once stored in history it broke every later HTTP read
 * of that workflow (INTERNAL). Refused here, once for every RPC, naming the field.
 */
import { invalidArgument } from '../common/errors.js';

const DURATION_SECONDS_MAX = 315_576_000_000;
const TIMESTAMP_SECONDS_MIN = -62_135_596_800;
const TIMESTAMP_SECONDS_MAX = 253_402_300_799;
const NANOS_PER_SECOND = 1_000_000_000;

interface Reflected {
  $type?: { fullName: string };
  [field: string]: unknown;
}

interface SecondsNanos {
  seconds?: unknown;
  nanos?: number | null;
}

/** `message`, unchanged; throws INVALID_ARGUMENT naming the first out-of-range time value. */
export function checkTimeRanges<T>(message: T): T {
  visit(message, '');
  return message;
}

function visit(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(item, `${path}[${i}]`));
    return;
  }
  const typeName = (value as Reflected).$type?.fullName;
  if (typeName === '.google.protobuf.Duration') return checkDuration(value, path);
  if (typeName === '.google.protobuf.Timestamp') return checkTimestamp(value, path);
  // Messages and map fields (plain objects); a Long has no nested messages but is cheap to pass through.
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'object' && field !== null) visit(field, path ? `${path}.${snake(key)}` : snake(key));
  }
}

function checkDuration(d: SecondsNanos, path: string): void {
  const seconds = Number(d.seconds ?? 0);
  const nanos = d.nanos ?? 0;
  const signsDiffer = (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0);
  if (Math.abs(seconds) > DURATION_SECONDS_MAX || Math.abs(nanos) >= NANOS_PER_SECOND || signsDiffer) {
    throw invalidArgument(`${path} is not a valid duration (seconds ${String(d.seconds)}, nanos ${nanos}): at most 10,000 years, nanos of the seconds' sign and below one second`);
  }
}

function checkTimestamp(t: SecondsNanos, path: string): void {
  const seconds = Number(t.seconds ?? 0);
  const nanos = t.nanos ?? 0;
  if (seconds < TIMESTAMP_SECONDS_MIN || seconds > TIMESTAMP_SECONDS_MAX || nanos < 0 || nanos >= NANOS_PER_SECOND) {
    throw invalidArgument(`${path} is not a valid time (seconds ${String(t.seconds)}, nanos ${nanos}): 0001-01-01 to 9999-12-31 expected`);
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
