/**
 * Wall clock ↔ instant in a schedule's time zone. Zones are IANA names resolved through Luxon
 * (which reads the runtime's Intl time zone data), so no offset tables live here.
 *
 * A "wall" time is the local date and time written as if it were UTC milliseconds
 * (`Date.UTC(y, mo - 1, d, h, mi, s)`): plain arithmetic and field extraction work on it, and
 * `wall = instant + offset`. Around a daylight saving change one wall time maps to no instant
 * (spring forward) or to two (fall back); `instantsOf` answers both cases.
 */
import { createRequire } from 'node:module';
import type * as Luxon from 'luxon';
import type { IANAZone } from 'luxon';

/**
 * Luxon, loaded the first time a schedule names a zone other than UTC: most servers have no
 * such schedule, and loading it at start costs about 20 ms. Required rather than imported so
 * that compiling a spec stays synchronous.
 */
function loadLuxon(): typeof Luxon {
  return createRequire(import.meta.url)('luxon') as typeof Luxon;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Zones kept compiled, like Temporal's location cache; names beyond this are looked up afresh. */
const ZONES_MAX = 1_000;
/** Offsets remembered per zone, by minute: schedules ask about the same few instants again and again. */
const OFFSET_CACHE_MAX = 4_096;

export interface TimeZone {
  readonly name: string;
  /** The constant offset of a zone without transitions (UTC), else null. */
  readonly fixedOffsetMs: number | null;
  offsetMs(instantMs: number): number;
  /** The instants whose wall time is `wallMs`, earliest first: none in a gap, two in an overlap. */
  instantsOf(wallMs: number): number[];
  /**
   * The first whole second in (loMs, hiMs] whose offset differs from loMs's. The caller knows
   * the offsets at loMs and hiMs differ (one transition lies between them).
   */
  transitionIn(loMs: number, hiMs: number): number;
}

const UTC_ZONE: TimeZone = {
  name: 'UTC',
  fixedOffsetMs: 0,
  offsetMs: () => 0,
  instantsOf: (wallMs) => [wallMs],
  transitionIn: (_loMs, hiMs) => hiMs,
};

/** Half the span checked around an instant before its offset is trusted for the whole span. */
const STEADY_HALF_SPAN_MS = 6 * 3_600_000;
/** Spans of steady offset remembered per zone (a schedule asks about a few nearby instants). */
const STEADY_SPANS_MAX = 32;

interface SteadySpan {
  fromMs: number;
  toMs: number;
  offsetMs: number;
}

class IanaTimeZone implements TimeZone {
  readonly fixedOffsetMs = null;
  /** Offsets by minute near zone changes (every change since well before 2000 is on a whole minute). */
  private readonly offsets = new Map<number, number>();
  /**
   * Spans known to have one offset: the same offset at both ends of a 12-hour span means no
   * change inside it, since a zone's changes are months apart. Asking Intl costs ~10 µs.
   */
  private readonly steady: SteadySpan[] = [];

  constructor(private readonly zone: IANAZone) {}

  get name(): string {
    return this.zone.name;
  }

  offsetMs(instantMs: number): number {
    for (const span of this.steady) {
      if (instantMs >= span.fromMs && instantMs <= span.toMs) return span.offsetMs;
    }
    const offset = this.minuteOffset(instantMs);
    const fromMs = instantMs - STEADY_HALF_SPAN_MS;
    const toMs = instantMs + STEADY_HALF_SPAN_MS;
    if (this.minuteOffset(fromMs) === offset && this.minuteOffset(toMs) === offset) {
      if (this.steady.length >= STEADY_SPANS_MAX) this.steady.shift();
      this.steady.push({ fromMs: Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS, toMs: Math.floor(toMs / MINUTE_MS) * MINUTE_MS, offsetMs: offset });
    }
    return offset;
  }

  private minuteOffset(instantMs: number): number {
    const minute = Math.floor(instantMs / MINUTE_MS);
    let offset = this.offsets.get(minute);
    if (offset === undefined) {
      offset = this.zone.offset(minute * MINUTE_MS) * MINUTE_MS;
      if (this.offsets.size >= OFFSET_CACHE_MAX) this.offsets.clear();
      this.offsets.set(minute, offset);
    }
    return offset;
  }

  instantsOf(wallMs: number): number[] {
    // The offsets in force a day either side cover both sides of any transition near wallMs
    // (transitions are months apart); an offset is right for wallMs when it maps back to itself.
    const before = this.offsetMs(wallMs - DAY_MS);
    const after = this.offsetMs(wallMs + DAY_MS);
    const instants: number[] = [];
    for (const offset of before === after ? [before] : [before, after]) {
      const instant = wallMs - offset;
      if (this.offsetMs(instant) === offset) instants.push(instant);
    }
    return instants.sort((a, b) => a - b);
  }

  transitionIn(loMs: number, hiMs: number): number {
    const loOffset = this.offsetMs(loMs);
    while (hiMs - loMs > 1000) {
      const mid = loMs + Math.floor((hiMs - loMs) / 2000) * 1000;
      if (this.offsetMs(mid) === loOffset) loMs = mid;
      else hiMs = mid;
    }
    return hiMs;
  }
}

const zones = new Map<string, TimeZone>();

/** The zone by IANA name ('' is UTC, as in Temporal), or null when the name is unknown. */
export function loadTimeZone(name: string): TimeZone | null {
  if (name === '' || name === 'UTC') return UTC_ZONE;
  const cached = zones.get(name);
  if (cached) return cached;
  const { IANAZone } = loadLuxon();
  if (!IANAZone.isValidZone(name)) return null;
  const zone = new IanaTimeZone(IANAZone.create(name));
  if (zones.size >= ZONES_MAX) zones.clear();
  zones.set(name, zone);
  return zone;
}
