/** Time ticks for the timeline's axis: round steps (10ms … 1 day) so labels read well. */
import { formatTime } from '../../../format';
import type { TimeZone } from '../../../settings';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND_MS, 2 * SECOND_MS, 5 * SECOND_MS, 10 * SECOND_MS, 15 * SECOND_MS, 30 * SECOND_MS,
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
  DAY_MS, 2 * DAY_MS, 7 * DAY_MS, 30 * DAY_MS,
];

export interface Tick {
  ms: number;
  label: string;
}

/** At most `ticksMax` ticks between `startMs` and `endMs`, on the smallest round step that fits. */
export function timeTicks(startMs: number, endMs: number, ticksMax: number, zone: TimeZone): Tick[] {
  const spanMs = Math.max(1, endMs - startMs);
  const stepMs = STEPS_MS.find((step) => spanMs / step <= ticksMax) ?? STEPS_MS.at(-1)!;
  const ticks: Tick[] = [];
  for (let ms = Math.ceil(startMs / stepMs) * stepMs; ms <= endMs && ticks.length <= ticksMax; ms += stepMs) {
    ticks.push({ ms, label: tickLabel(ms, stepMs, zone) });
  }
  return ticks;
}

/** `07:19:39` (or `07:19:39.250` below a second; `12-03 07:00` from a day up). */
function tickLabel(ms: number, stepMs: number, zone: TimeZone): string {
  const full = formatTime(new Date(ms).toISOString(), zone); // 2026-12-03 07:19:39.250[ UTC]
  if (stepMs >= DAY_MS) return full.slice(5, 16);
  return stepMs < SECOND_MS ? full.slice(11, 23) : full.slice(11, 19);
}
