/** Conversions between protobuf Duration/Timestamp and milliseconds. */
import Long from 'long';
import type { IDuration, ITimestamp } from './proto.js';

type LongLike = number | Long | null | undefined;

export function longToNumber(value: LongLike): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** Milliseconds of a Duration; 0 when absent (Temporal's "unset"). */
export function durationMs(d: IDuration | null | undefined): number {
  if (!d) return 0;
  return longToNumber(d.seconds) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
}

export function msToDuration(ms: number): IDuration {
  const seconds = Math.floor(ms / 1000);
  return { seconds: Long.fromNumber(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** An optional Duration as Temporal sends it: 0 ("unset") is absent, not a zero duration. */
export function msToOptionalDuration(ms: number): IDuration | null {
  return ms > 0 ? msToDuration(ms) : null;
}

export function timestampMs(t: ITimestamp | null | undefined): number {
  return durationMs(t);
}

export function msToTimestamp(ms: number): ITimestamp {
  return msToDuration(ms);
}
