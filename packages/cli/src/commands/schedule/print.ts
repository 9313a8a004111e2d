/**
 * Text output of `endure schedule describe` (a card), `list` (a table) and
 * `list-matching-times` (a table of times), with the fields `temporal` shows, read from the
 * Temporal JSON of DescribeScheduleResponse and ScheduleListEntry.
 */
import type { Column, Printer } from '../../output/printer.js';
import { enumShortName, formatDuration } from '../../output/format.js';

type Json = Record<string, unknown>;

/** A range of a structured calendar field: `end` 0 means `start` alone, `step` 0 means 1. */
interface RangeJson {
  start?: number;
  end?: number;
  step?: number;
}

type StructuredCalendarJson = Partial<Record<(typeof CALENDAR_FIELDS)[number], RangeJson[]>> & { comment?: string };

interface SpecJson {
  structuredCalendar?: StructuredCalendarJson[];
  cronString?: string[];
  interval?: { interval?: string; phase?: string }[];
  excludeStructuredCalendar?: StructuredCalendarJson[];
  startTime?: string;
  endTime?: string;
  jitter?: string;
  timezoneName?: string;
}

interface ScheduleActionJson {
  startWorkflow?: Json & { workflowType?: { name?: string } };
}

export interface DescribeJson {
  schedule?: {
    spec?: SpecJson;
    action?: ScheduleActionJson;
    policies?: { overlapPolicy?: string; catchupWindow?: string; pauseOnFailure?: boolean };
    state?: { notes?: string; paused?: boolean; limitedActions?: boolean; remainingActions?: string };
  };
  info?: {
    actionCount?: string;
    missedCatchupWindow?: string;
    overlapSkipped?: string;
    runningWorkflows?: { workflowId?: string }[];
    recentActions?: { scheduleTime?: string }[];
    futureActionTimes?: string[];
    createTime?: string;
    updateTime?: string;
  };
  memo?: Json;
  searchAttributes?: Json;
}

export interface ListEntryJson {
  scheduleId?: string;
  memo?: Json;
  searchAttributes?: Json;
  info?: {
    spec?: SpecJson;
    workflowType?: { name?: string };
    notes?: string;
    paused?: boolean;
    recentActions?: { scheduleTime?: string }[];
    futureActionTimes?: string[];
  };
}

/**
 * `"90s"` → `1m 30s`, `"31536000s"` → `365d 0h 0m 0s`: Go's duration text with whole days
 * split off and a space after each unit, as `temporal schedule` prints schedule durations.
 */
function duration(value: string | undefined): string {
  if (value === undefined) return '';
  const go = formatDuration(Number(value.replace(/s$/, '')) * 1000);
  const withDays = go.replace(/^(\d+)h/, (text, hours: string) => {
    const h = Number(hours);
    return h < 24 ? text : `${Math.floor(h / 24)}d${h % 24}h`;
  });
  return withDays.replace(/([a-z]+)(?=\d)/g, '$1 ');
}

// In CalendarSpec's field order, which is the order `temporal` prints them in.
const CALENDAR_FIELDS = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'year', 'dayOfWeek'] as const;

/**
 * A structured calendar as the CalendarSpec strings `temporal` prints: `3`, `1-31`, `0-59/15`,
 * ranges joined by commas, empty fields left out. The server turns every cron string and
 * calendar into structured calendars, so this is how a `--cron` spec reads back.
 */
function calendarText(calendar: StructuredCalendarJson): string {
  const out: Record<string, string> = {};
  for (const field of CALENDAR_FIELDS) {
    const text = (calendar[field] ?? [])
      .map(({ start = 0, end = 0, step = 0 }) => `${start}${end > start ? `-${end}` : ''}${step > 1 ? `/${step}` : ''}`)
      .join(',');
    if (text !== '') out[field] = text;
  }
  if (calendar.comment) out['comment'] = calendar.comment;
  return JSON.stringify(out);
}

function specEntries(spec: SpecJson | undefined): string {
  const entries = [
    ...(spec?.structuredCalendar ?? []).map(calendarText),
    // A server that kept cron strings as sent (Temporal's never does).
    ...(spec?.cronString ?? []),
    ...(spec?.interval ?? []).map((i) => JSON.stringify({ every: duration(i.interval), ...(i.phase ? { offset: duration(i.phase) } : {}) })),
  ];
  return entries.length > 0 ? `[${entries.join(', ')}]` : '';
}

function skipEntries(spec: SpecJson | undefined): string {
  const entries = (spec?.excludeStructuredCalendar ?? []).map(calendarText);
  return entries.length > 0 ? `[${entries.join(', ')}]` : '';
}

function fieldsOf(holder: Json | undefined, key: 'fields' | 'indexedFields'): string {
  const fields = holder?.[key] as Json | undefined;
  return fields !== undefined && Object.keys(fields).length > 0 ? JSON.stringify(fields) : '';
}

function lastRun(recent: { scheduleTime?: string }[] | undefined): string | undefined {
  return recent?.at(-1)?.scheduleTime;
}

export function printScheduleCard(printer: Printer, scheduleId: string, d: DescribeJson): void {
  const schedule = d.schedule ?? {};
  const spec = schedule.spec;
  const state = schedule.state ?? {};
  const info = d.info ?? {};
  const time = (value: string | undefined) => printer.time(value === undefined ? undefined : Date.parse(value));
  printer.card([
    ['ScheduleId', scheduleId],
    ['Action', schedule.action === undefined ? '' : JSON.stringify(schedule.action)],
    ['Spec', specEntries(spec)],
    ['SkipSpec', skipEntries(spec)],
    ['StartAt', time(spec?.startTime)],
    ['EndAt', time(spec?.endTime)],
    // No jitter reads `0s`, as in `temporal`.
    ['Jitter', duration(spec?.jitter ?? '0s')],
    ['TimeZoneName', spec?.timezoneName],
    ['OverlapPolicy', enumShortName({}, 'SCHEDULE_OVERLAP_POLICY_', schedule.policies?.overlapPolicy ?? 'SCHEDULE_OVERLAP_POLICY_UNSPECIFIED')],
    ['CatchupWindow', duration(schedule.policies?.catchupWindow)],
    ['PauseOnFailure', String(schedule.policies?.pauseOnFailure ?? false)],
    ['Notes', state.notes],
    ['Paused', String(state.paused ?? false)],
    ['LimitedActions', state.limitedActions === true ? 'true' : ''],
    ['RemainingActions', state.limitedActions === true ? (state.remainingActions ?? '0') : ''],
    ['NextRunTime', time(info.futureActionTimes?.[0])],
    ['LastRunTime', time(lastRun(info.recentActions))],
    ['RunningWorkflows', (info.runningWorkflows ?? []).map((w) => w.workflowId).join(', ')],
    ['CreatedAt', time(info.createTime)],
    ['LastUpdateAt', time(info.updateTime)],
    [
      'ActionCounts',
      `Total ${info.actionCount ?? '0'}, MissedCatchupWindow ${info.missedCatchupWindow ?? '0'}, SkippedOverlap ${info.overlapSkipped ?? '0'}`,
    ],
    ['SearchAttributes', fieldsOf(d.searchAttributes, 'indexedFields')],
    ['Memo', fieldsOf(d.memo, 'fields')],
  ]);
}

/** The list table: id, workflow, paused, next and last run; `long` adds spec and notes, `reallyLong` the rest. */
export function printScheduleTable(printer: Printer, entries: ListEntryJson[], detail: 'short' | 'long' | 'reallyLong'): void {
  const time = (value: string | undefined) => printer.time(value === undefined ? undefined : Date.parse(value));
  const col = (header: string, value: (e: ListEntryJson) => string): Column<ListEntryJson> => ({ header, value });
  const columns: Column<ListEntryJson>[] = [
    col('ScheduleId', (e) => e.scheduleId ?? ''),
    col('Action', (e) => JSON.stringify({ Workflow: e.info?.workflowType?.name ?? '' })),
  ];
  if (detail !== 'short') columns.push(col('Spec', (e) => specEntries(e.info?.spec)));
  if (detail === 'reallyLong') {
    columns.push(
      col('SkipSpec', (e) => skipEntries(e.info?.spec)),
      col('StartAt', (e) => time(e.info?.spec?.startTime)),
      col('EndAt', (e) => time(e.info?.spec?.endTime)),
      col('Jitter', (e) => duration(e.info?.spec?.jitter ?? '0s')),
      col('TimeZoneName', (e) => e.info?.spec?.timezoneName ?? ''),
    );
  }
  if (detail !== 'short') columns.push(col('Notes', (e) => e.info?.notes ?? ''));
  columns.push(
    col('Paused', (e) => String(e.info?.paused ?? false)),
    col('NextRunTime', (e) => time(e.info?.futureActionTimes?.[0])),
    col('LastRunTime', (e) => time(lastRun(e.info?.recentActions))),
  );
  if (detail === 'reallyLong') {
    columns.push(col('SearchAttributes', (e) => fieldsOf(e.searchAttributes, 'indexedFields')), col('Memo', (e) => fieldsOf(e.memo, 'fields')));
  }
  printer.table(columns, entries);
}

/** The times a spec matches, one a line under `Time`, in RFC 3339 (as `temporal` prints them, whatever `--time-format`). */
export function printMatchingTimes(printer: Printer, times: string[]): void {
  const rfc3339 = (time: string) => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  printer.table([{ header: 'Time', value: (time: string) => rfc3339(time) }], times);
}
