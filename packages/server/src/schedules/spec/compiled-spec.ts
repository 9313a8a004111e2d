/**
 * A compiled ScheduleSpec: when a schedule's next action is due, as Temporal's GetNextTime
 * answers it. The union of the calendars' and intervals' times, minus excluded ones, within
 * [start_time, end_time], each pushed later by a jitter that is deterministic per (seed, nominal
 * time), so a retried tick picks the same instant.
 */
import { createHash } from 'node:crypto';
import { invalidArgument } from '../../common/errors.js';
import { durationMs, timestampMs } from '../../common/time.js';
import { CompiledCalendar } from './calendar.js';
import { canonicalize, cleaned } from './canonical.js';
import { CALENDAR_YEAR_MAX, type IScheduleSpec } from './fields.js';
import { loadTimeZone } from './time-zone.js';


/** An action time: `actualMs` is `nominalMs` plus jitter. */
export interface ScheduleTime {
  nominalMs: number;
  actualMs: number;
}

/**
 * Excluded candidates skipped in one `next` before giving up. Runs of excluded times are skipped
 * a unit at a time (a day, an hour: see CompiledCalendar.matchingRunEnd), so real specs stay far
 * below this; Temporal walks on to 2100 unbounded, here a spec excluding nearly every time it
 * has is answered "no next time" rather than spending seconds of CPU.
 */
const EXCLUDED_SKIPS_MAX = 100_000;
/** ListScheduleMatchingTimes answers at most this many times (Temporal's limit). */
export const MATCHING_TIMES_MAX = 1_000;
/** Temporal computes jitter in ms from 32 bits of hash, which caps it near 49 days. */
const JITTER_MAX_MS = 0xffff_ffff;

interface Interval {
  everySec: number;
  phaseSec: number;
}

export class CompiledSpec {
  private constructor(
    /** The spec as DescribeSchedule returns it. */
    readonly canonical: IScheduleSpec,
    private readonly calendars: readonly CompiledCalendar[],
    private readonly excludes: readonly CompiledCalendar[],
    private readonly intervals: readonly Interval[],
    private readonly startMs: number | null,
    private readonly endMs: number | null,
    private readonly jitterMs: number,
    private readonly jitterSeed: string,
  ) {}

  /**
   * Validate and compile. Throws INVALID_ARGUMENT naming the field path under `fieldPrefix` and
   * the bad value. `jitterSeed` makes jitter differ between schedules (namespace + schedule id).
   */
  static compile(spec: IScheduleSpec, jitterSeed: string, fieldPrefix = 'schedule.spec'): CompiledSpec {
    const canonical = canonicalize(spec, fieldPrefix);
    const zoneName = canonical.timezoneName ?? '';
    const zone = loadTimeZone(zoneName);
    if (!zone) {
      const fromCron = !spec.timezoneName && (spec.cronString?.length ?? 0) > 0;
      const path = fromCron ? `${fieldPrefix}.cron_string` : `${fieldPrefix}.timezone_name`;
      throw invalidArgument(`${path}: unknown time zone "${zoneName}"`);
    }
    const calendars = (canonical.structuredCalendar ?? []).map((c) => new CompiledCalendar(c, zone));
    const excludes = (canonical.excludeStructuredCalendar ?? []).map((c) => new CompiledCalendar(c, zone));
    // Temporal truncates intervals and phases to whole seconds.
    const intervals = (canonical.interval ?? []).map((iv) => ({
      everySec: Math.floor(durationMs(iv.interval) / 1000),
      phaseSec: Math.floor(durationMs(iv.phase) / 1000),
    }));
    return new CompiledSpec(
      cleaned(canonical),
      calendars,
      excludes,
      intervals,
      canonical.startTime ? timestampMs(canonical.startTime) : null,
      canonical.endTime ? timestampMs(canonical.endTime) : null,
      Math.max(0, durationMs(canonical.jitter)),
      jitterSeed,
    );
  }

  /**
   * The first action whose nominal time is strictly after `afterMs` and not excluded, or null
   * (past end_time, past 2100, or nothing matches). As in Temporal, a caller walking through
   * actions passes the previous action's actual time as the next `afterMs`.
   */
  next(afterMs: number): ScheduleTime | null {
    // Start just before start_time so that start_time itself can match.
    let after = this.startMs === null ? afterMs : Math.max(afterMs, this.startMs - 1000);
    let nominal: number | null = null;
    for (let skipped = 0; ; skipped++) {
      if (skipped > EXCLUDED_SKIPS_MAX) return null;
      nominal = this.rawNext(after);
      if (nominal === null || this.pastEnd(nominal)) return null;
      const excludedUntil = this.excludedUntil(nominal);
      if (excludedUntil === null) break;
      after = excludedUntil - 1000;
    }
    // Jitter never pushes an action past the following nominal time (excluded or not).
    const following = this.rawNext(nominal);
    const jitterMaxMs = Math.min(this.jitterMs, following === null ? Infinity : following - nominal, JITTER_MAX_MS);
    return { nominalMs: nominal, actualMs: nominal + this.jitterFor(nominal, jitterMaxMs) };
  }

  /**
   * Actual times in (startMs, endMs], earliest first, at most `limit` (ListScheduleMatchingTimes:
   * each next time is searched after the previous actual time, as Temporal does).
   */
  matchingTimes(startMs: number, endMs: number, limit = MATCHING_TIMES_MAX): number[] {
    const times: number[] = [];
    let after = startMs;
    while (times.length < Math.min(limit, MATCHING_TIMES_MAX)) {
      const time = this.next(after);
      if (time === null || time.actualMs > endMs) break;
      times.push(time.actualMs);
      after = time.actualMs;
    }
    return times;
  }

  /** The earliest calendar or interval time after `afterMs` (whole seconds), ignoring exclusions. */
  private rawNext(afterMs: number): number | null {
    let earliest: number | null = null;
    for (const calendar of this.calendars) {
      const t = calendar.next(afterMs);
      if (t !== null && (earliest === null || t < earliest)) earliest = t;
    }
    const afterSec = Math.floor(afterMs / 1000);
    for (const { everySec, phaseSec } of this.intervals) {
      // Times epoch + n·interval + phase; the first strictly after afterSec.
      const t = ((Math.floor((afterSec - phaseSec) / everySec) + 1) * everySec + phaseSec) * 1000;
      if (earliest === null || t < earliest) earliest = t;
    }
    return earliest;
  }

  private pastEnd(nominalMs: number): boolean {
    return (this.endMs !== null && nominalMs > this.endMs) || new Date(nominalMs).getUTCFullYear() > CALENDAR_YEAR_MAX;
  }

  /** null when no exclusion matches; else an instant before which every time is excluded. */
  private excludedUntil(nominalMs: number): number | null {
    let until: number | null = null;
    for (const exclude of this.excludes) {
      if (exclude.matches(nominalMs)) until = Math.max(until ?? 0, exclude.matchingRunEnd(nominalMs));
    }
    return until;
  }

  /** 32 bits of hash scaled to [0, maxMs): the same for the same seed and nominal time. */
  private jitterFor(nominalMs: number, maxMs: number): number {
    if (maxMs <= 0) return 0;
    const digest = createHash('sha256').update(this.jitterSeed).update('\0').update(String(nominalMs)).digest();
    return Math.floor((digest.readUInt32BE(0) / 2 ** 32) * maxMs);
  }
}
