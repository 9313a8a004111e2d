/**
 * Cron schedules of cron workflows, as Temporal reads them: standard 5-field
 * expressions (parsed by cron-parser), the descriptors `@yearly` … `@hourly`,
 * `@every <duration>`, and an optional `CRON_TZ=<zone>` prefix. Times are UTC
 * unless a zone is named.
 */
import { createRequire } from 'node:module';
import type * as CronParser from 'cron-parser';

/**
 * cron-parser (and the Luxon under it), loaded by the first cron workflow: most servers have
 * none, and loading them at start costs about 30 ms. Required so that parsing stays synchronous.
 */
function loadCronParser(): typeof CronParser {
  return createRequire(import.meta.url)('cron-parser') as typeof CronParser;
}

export interface CronSchedule {
  /** The first fire time strictly after `afterMs`. */
  next(afterMs: number): number;
}

/** Cron's named schedules (`@daily` …) as the 5-field expressions they stand for; schedule specs read them too. */
export const CRON_DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const GO_DURATION_UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 1e-6 };

/** Parse a cron schedule; throws an Error whose message says what is wrong. */
export function parseCronSchedule(text: string): CronSchedule {
  let spec = text.trim();
  let tz = 'UTC';
  const tzMatch = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(spec);
  if (tzMatch) {
    tz = tzMatch[1]!;
    spec = tzMatch[2]!.trim();
  }
  if (spec.startsWith('@every ')) return everySchedule(spec.slice('@every '.length).trim());
  const expression = CRON_DESCRIPTORS[spec] ?? spec;
  if (expression.split(/\s+/).length !== 5) {
    throw new Error(`cron schedule "${text}" must have 5 fields (minute hour day-of-month month day-of-week) or be a descriptor such as @daily`);
  }
  const { CronExpressionParser } = loadCronParser();
  CronExpressionParser.parse(expression, { tz, strict: false }); // validates now, not at first use
  return {
    next(afterMs) {
      const it = CronExpressionParser.parse(expression, { tz, currentDate: new Date(afterMs) });
      return it.next().getTime();
    },
  };
}

/** `@every 1h30m`: a fixed interval (Go duration syntax), whole seconds as Temporal keeps them. */
function everySchedule(duration: string): CronSchedule {
  const parts = duration.match(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g);
  if (!parts || parts.join('') !== duration) throw new Error(`@every needs a duration such as 30s or 1h30m, got "${duration}"`);
  let intervalMs = 0;
  for (const part of parts) {
    const [, value, unit] = /(\d+(?:\.\d+)?)(.+)/.exec(part)!;
    intervalMs += Number(value) * GO_DURATION_UNIT_MS[unit!]!;
  }
  intervalMs = Math.max(1000, Math.floor(intervalMs / 1000) * 1000);
  return { next: (afterMs) => Math.floor(afterMs / 1000) * 1000 + intervalMs };
}

/**
 * Backoff before the run after one that started at `startMs` and closed at
 * `closeMs`: the first schedule time at or after the close, counted along the
 * schedule from the start (Temporal's rule).
 */
export function cronBackoffMs(schedule: CronSchedule, startMs: number, closeMs: number): number {
  let next = schedule.next(startMs);
  while (next < closeMs) next = schedule.next(next);
  return next - closeMs;
}
