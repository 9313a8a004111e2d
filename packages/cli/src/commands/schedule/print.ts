/**
 * Text output of `endure schedule describe` (a card) and `list` (a table), with the fields
 * `temporal` shows, read from the Temporal JSON of DescribeScheduleResponse and
 * ScheduleListEntry.
 */
import type { Column, Printer } from '../../output/printer.js';
import { enumShortName, formatDuration } from '../../output/format.js';

type Json = Record<string, unknown>;

interface SpecJson {
  structuredCalendar?: Json[];
  cronString?: string[];
  interval?: { interval?: string; phase?: string }[];
  excludeStructuredCalendar?: Json[];
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

/** `"90s"` → `1m30s`. */
function duration(value: string | undefined): string {
  if (value === undefined) return '';
  return formatDuration(Number(value.replace(/s$/, '')) * 1000);
}

function specEntries(spec: SpecJson | undefined): string {
  const entries = [
    ...(spec?.structuredCalendar ?? []).map((c) => JSON.stringify(c)),
    ...(spec?.cronString ?? []),
    ...(spec?.interval ?? []).map((i) => JSON.stringify({ every: duration(i.interval), ...(i.phase ? { offset: duration(i.phase) } : {}) })),
  ];
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
    ['SkipSpec', (spec?.excludeStructuredCalendar ?? []).map((c) => JSON.stringify(c)).join(', ')],
    ['StartAt', time(spec?.startTime)],
    ['EndAt', time(spec?.endTime)],
    ['Jitter', duration(spec?.jitter)],
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
      col('SkipSpec', () => ''),
      col('StartAt', (e) => time(e.info?.spec?.startTime)),
      col('EndAt', (e) => time(e.info?.spec?.endTime)),
      col('Jitter', (e) => duration(e.info?.spec?.jitter)),
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
