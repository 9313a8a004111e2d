/**
 * Durations and timestamps: conversion between the SDK's `Duration` (milliseconds or an
 * `ms`-formatted string) and the protobuf `{ seconds, nanos }` messages. Int64 `seconds` may be a
 * `Long` (protobufjs), a plain number or a decimal string; all are accepted.
 */
import Long from 'long';
import ms from 'ms';
import type { StringValue } from 'ms';
import { ValueError } from './errors.js';

export type { StringValue } from 'ms';

/**
 * A duration: a number of milliseconds, or a string accepted by the
 * {@link https://www.npmjs.com/package/ms | ms} package such as `'1 minute'`, `'2h'` or `'500ms'`.
 *
 * @example
 * ```ts
 * const timeout: Duration = '30 seconds'; // or 30_000
 * ```
 */
export type Duration = StringValue | number;

/** An Int64 as protobufjs or JSON may deliver it. */
type Int64Like = Long | number | string;

/**
 * A protobuf `Timestamp` or `Duration` message: `seconds` since the epoch (or in the span) plus
 * `nanos`.
 */
export interface Timestamp {
  /** Whole seconds. */
  seconds?: Int64Like | null;
  /** Nanoseconds, 0 to 999,999,999. */
  nanos?: number | null;
}

const NANOS_PER_MS = 1_000_000;
const MS_PER_SECOND = 1000;

/**
 * Milliseconds in a timestamp (lossy above 2^53 ms).
 *
 * @throws TypeError when `ts` is null or undefined.
 * @example
 * ```ts
 * tsToMs({ seconds: Long.fromNumber(1), nanos: 500_000_000 }); // 1500
 * ```
 */
export function tsToMs(ts: Timestamp | null | undefined): number {
  if (ts == null) throw new TypeError(`Expected timestamp, got ${String(ts)}`);
  const seconds = Long.fromValue(ts.seconds ?? 0);
  return seconds
    .mul(MS_PER_SECOND)
    .add(Math.floor((ts.nanos ?? 0) / NANOS_PER_MS))
    .toNumber();
}

/**
 * Like {@link tsToMs}, but `undefined` for a missing timestamp.
 *
 * @example
 * ```ts
 * optionalTsToMs(null); // undefined
 * ```
 */
export function optionalTsToMs(ts: Timestamp | null | undefined): number | undefined {
  return ts == null ? undefined : tsToMs(ts);
}

/**
 * Like {@link tsToMs}, with an error naming the missing field.
 *
 * @example
 * ```ts
 * requiredTsToMs(event.eventTime, 'eventTime');
 * ```
 */
export function requiredTsToMs(ts: Timestamp | null | undefined, fieldName: string): number {
  if (ts == null) throw new TypeError(`Expected ${fieldName} to be a timestamp, got ${String(ts)}`);
  return tsToMs(ts);
}

/**
 * A timestamp for a number of milliseconds; `nanos` is always in [0, 1e9).
 *
 * @throws {@link ValueError} for a non-finite number.
 * @example
 * ```ts
 * msNumberToTs(1500); // { seconds: Long(1), nanos: 500_000_000 }
 * ```
 */
export function msNumberToTs(millis: number): { seconds: Long; nanos: number } {
  if (!Number.isFinite(millis)) throw new ValueError(`Invalid millis ${millis}`);
  let seconds = Math.floor(millis / MS_PER_SECOND);
  let nanos = Math.round((millis - seconds * MS_PER_SECOND) * NANOS_PER_MS);
  if (nanos >= MS_PER_SECOND * NANOS_PER_MS) {
    seconds += 1;
    nanos -= MS_PER_SECOND * NANOS_PER_MS;
  }
  return { seconds: Long.fromNumber(seconds), nanos };
}

/**
 * A timestamp for a {@link Duration}.
 *
 * @throws {@link ValueError} for a string `ms` cannot parse.
 * @example
 * ```ts
 * msToTs('1 minute'); // { seconds: Long(60), nanos: 0 }
 * ```
 */
export function msToTs(duration: Duration): { seconds: Long; nanos: number } {
  return msNumberToTs(msToNumber(duration));
}

/**
 * Like {@link msToTs}, but `undefined` for a missing duration.
 *
 * @example
 * ```ts
 * msOptionalToTs(options.heartbeatTimeout);
 * ```
 */
export function msOptionalToTs(duration: Duration | null | undefined): { seconds: Long; nanos: number } | undefined {
  return duration == null ? undefined : msToTs(duration);
}

/**
 * Milliseconds in a {@link Duration}.
 *
 * @throws {@link ValueError} for a string `ms` cannot parse or a `NaN`.
 * @example
 * ```ts
 * msToNumber('2s'); // 2000
 * msToNumber(250); // 250
 * ```
 */
export function msToNumber(duration: Duration): number {
  if (typeof duration === 'number') {
    if (Number.isNaN(duration)) throw new ValueError('Invalid duration: NaN');
    return duration;
  }
  let millis: number | undefined;
  try {
    millis = ms(duration);
  } catch (err) {
    throw new ValueError(`Invalid duration string: '${String(duration)}'`, err);
  }
  if (typeof millis !== 'number' || Number.isNaN(millis)) {
    throw new ValueError(`Invalid duration string: '${String(duration)}'`);
  }
  return millis;
}

/**
 * Like {@link msToNumber}, but `undefined` for a missing duration.
 *
 * @example
 * ```ts
 * msOptionalToNumber(undefined); // undefined
 * ```
 */
export function msOptionalToNumber(duration: Duration | null | undefined): number | undefined {
  return duration == null ? undefined : msToNumber(duration);
}

/**
 * The `Date` of a timestamp.
 *
 * @example
 * ```ts
 * tsToDate(event.eventTime!);
 * ```
 */
export function tsToDate(ts: Timestamp): Date {
  return new Date(tsToMs(ts));
}

/**
 * Like {@link tsToDate}, with an error naming the missing field.
 *
 * @example
 * ```ts
 * requiredTsToDate(info.startTime, 'startTime');
 * ```
 */
export function requiredTsToDate(ts: Timestamp | null | undefined, fieldName: string): Date {
  return new Date(requiredTsToMs(ts, fieldName));
}

/**
 * Like {@link tsToDate}, but `undefined` for a missing timestamp.
 *
 * @example
 * ```ts
 * optionalTsToDate(info.closeTime);
 * ```
 */
export function optionalTsToDate(ts: Timestamp | null | undefined): Date | undefined {
  return ts == null ? undefined : new Date(tsToMs(ts));
}

/**
 * The timestamp of a `Date`, `undefined` for a missing date.
 *
 * @example
 * ```ts
 * optionalDateToTs(new Date(0)); // { seconds: Long(0), nanos: 0 }
 * ```
 */
export function optionalDateToTs(date: Date | null | undefined): { seconds: Long; nanos: number } | undefined {
  return date == null ? undefined : msNumberToTs(date.getTime());
}
