/**
 * Schedule specs (issue 14): compile a ScheduleSpec once, then ask it for the next action time
 * or the matching times in a range. Pure: no clock, no store; times are epoch milliseconds.
 *
 * @example
 * const spec = CompiledSpec.compile({ cronString: ['CRON_TZ=Europe/Berlin 0 9 * * Mon-Fri'] }, `${namespace}/${scheduleId}`);
 * spec.next(Date.parse('2024-03-29T12:00:00Z')); // { nominalMs, actualMs } of Mon 2024-04-01 09:00 Berlin
 */
export { CompiledSpec, MATCHING_TIMES_MAX } from './compiled-spec.js';
export type { ScheduleTime } from './compiled-spec.js';
