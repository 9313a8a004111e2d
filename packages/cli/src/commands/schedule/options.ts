/**
 * The flags of `endure schedule create | update` and the Schedule message they describe, as
 * `temporal schedule` defines both: the spec (`--cron`, `--calendar`, `--interval`, …), the
 * policies and state (`--overlap-policy`, `--catchup-window`, `--paused`, …) and the workflow
 * to start (`-w`, `--type`, `-t`, `-i`, …). Requests are built in Temporal's JSON form and
 * parsed with `fromProtoJson`, which checks every field and turns JSON values into payloads.
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { fromProtoJson } from '@endure/client';
import { usageError } from '../../exit-codes.js';
import { parseDurationMs, parseTimestamp, collectRepeated } from '../../parsers.js';
import { addPayloadInputOptions, parseJson, readInputValues, type PayloadInputFlags } from '../../payload-input.js';

export const OVERLAP_POLICIES = ['Skip', 'BufferOne', 'BufferAll', 'CancelOther', 'TerminateOther', 'AllowAll'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
const PRIORITY_KEY_MAX = 5;

export interface ScheduleConfigurationFlags {
  calendar?: string[];
  catchupWindow?: number;
  cron?: string[];
  endTime?: Date;
  interval?: string[];
  jitter?: number;
  notes?: string;
  paused?: boolean;
  pauseOnFailure?: boolean;
  remainingActions?: number;
  startTime?: Date;
  timeZone?: string;
}

export interface WorkflowStartFlags extends PayloadInputFlags {
  workflowId?: string;
  type: string;
  taskQueue: string;
  runTimeout?: number;
  executionTimeout?: number;
  taskTimeout: number;
  searchAttribute?: string[];
  headers?: string[];
  memo?: string[];
  staticSummary?: string;
  staticDetails?: string;
  priorityKey?: number;
  fairnessKey?: string;
  fairnessWeight?: number;
}

export interface ScheduleFlags extends ScheduleConfigurationFlags, WorkflowStartFlags {
  scheduleId: string;
  overlapPolicy: OverlapPolicy;
}

export interface CreateScheduleFlags extends ScheduleFlags {
  scheduleSearchAttribute?: string[];
  scheduleMemo?: string[];
}


function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected a whole number (0: unlimited).');
  return n;
}

function parsePriorityKey(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > PRIORITY_KEY_MAX) throw new InvalidArgumentError(`Expected an integer from 1 to ${PRIORITY_KEY_MAX}.`);
  return n;
}

function parseWeight(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a positive number.');
  return n;
}

/** `-s/--schedule-id`, required by every schedule command. */
export function addScheduleIdOption(command: Command): Command {
  return command.addOption(new Option('-s, --schedule-id <id>', 'schedule id').makeOptionMandatory());
}

/** `--overlap-policy`, default Skip. */
export function addOverlapPolicyOption(command: Command): Command {
  return command.addOption(
    new Option('--overlap-policy <policy>', 'what to do when a run would overlap the previous one').choices(OVERLAP_POLICIES).default('Skip'),
  );
}

/** The spec, policy and state flags of create and update. */
export function addScheduleConfigurationOptions(command: Command): Command {
  return command
    .addOption(new Option('--calendar <json>', 'calendar spec in JSON, e.g. \'{"dayOfWeek":"Fri","hour":"17","minute":"5"}\' (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--catchup-window <duration>', 'how far back to catch up on runs missed while the server was down').argParser(parseDurationMs))
    .addOption(new Option('--cron <expression>', 'calendar spec as a cron string, e.g. "30 12 * * Fri" (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--end-time <time>', 'no runs after this time (RFC 3339)').argParser(parseTimestamp))
    .addOption(new Option('--interval <duration>', 'run every interval, e.g. 90m, or 60m/15m with a phase offset (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--jitter <duration>', 'delay each run by a random time up to this much').argParser(parseDurationMs))
    .option('--notes <text>', 'notes on the schedule')
    .option('--paused', 'create the schedule paused')
    .option('--pause-on-failure', 'pause the schedule when a run fails')
    .addOption(new Option('--remaining-actions <count>', 'total runs allowed (default 0: unlimited)').argParser(parseCount))
    .addOption(new Option('--start-time <time>', 'no runs before this time (RFC 3339)').argParser(parseTimestamp))
    .option('--time-zone <tz>', 'time zone of the calendar specs, e.g. Europe/Paris');
}

/** `--schedule-search-attribute` and `--schedule-memo`: create only. */
export function addScheduleCreateOnlyOptions(command: Command): Command {
  return command
    .addOption(new Option('--schedule-search-attribute <KEY=JSON>', 'search attribute of the schedule itself (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--schedule-memo <KEY=JSON>', 'memo entry of the schedule itself (repeatable)').argParser(collectRepeated));
}

/** The flags of the workflow each run starts, and its input. */
export function addWorkflowStartOptions(command: Command): Command {
  command
    .option('-w, --workflow-id <id>', 'workflow id of the runs (the server appends the run time; default: a random id)')
    .addOption(new Option('--type <name>', 'workflow type').makeOptionMandatory())
    .addOption(new Option('-t, --task-queue <name>', 'task queue of the workflow').makeOptionMandatory())
    .addOption(new Option('--run-timeout <duration>', 'fail a run that lasts longer').argParser(parseDurationMs))
    .addOption(new Option('--execution-timeout <duration>', 'fail an execution (with retries and continue-as-new) that lasts longer').argParser(parseDurationMs))
    .addOption(new Option('--task-timeout <duration>', 'workflow task start-to-close timeout').argParser(parseDurationMs).default(10_000, '10s'))
    .addOption(new Option('--search-attribute <KEY=JSON>', 'search attribute of the workflow (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--headers <KEY=JSON>', 'workflow header, not a gRPC header (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--memo <KEY=JSON>', 'memo entry of the workflow (repeatable)').argParser(collectRepeated))
    .option('--static-summary <text>', 'one-line summary shown in UIs')
    .option('--static-details <text>', 'details shown in UIs')
    .addOption(new Option('--priority-key <n>', `priority, 1 (highest) to ${PRIORITY_KEY_MAX}`).argParser(parsePriorityKey))
    .option('--fairness-key <key>', 'fairness key for proportional dispatch')
    .addOption(new Option('--fairness-weight <weight>', 'weight of the fairness key').argParser(parseWeight));
  return addPayloadInputOptions(command);
}

/** A Go-style duration as a protobuf JSON duration (`"90s"`). */
export function protoDuration(ms: number): string {
  return `${ms / 1000}s`;
}

/** `SCHEDULE_OVERLAP_POLICY_BUFFER_ONE` for `BufferOne`. */
export function overlapPolicyName(policy: OverlapPolicy): string {
  return `SCHEDULE_OVERLAP_POLICY_${policy.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** `KEY=JSON` entries as a map of parsed values; `flag` names them in errors. */
function keyJsonValues(entries: string[] | undefined, flag: string): Record<string, unknown> | undefined {
  if (entries === undefined) return undefined;
  const values: Record<string, unknown> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw usageError(`${flag} "${entry}": expected KEY=VALUE with a JSON value`);
    values[entry.slice(0, at)] = parseJson(entry.slice(at + 1), `${flag} ${entry.slice(0, at)}`);
  }
  return values;
}

const CALENDAR_FIELDS = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek', 'year'] as const;
const CALENDAR_DEFAULTS = ['0', '0', '0', '*', '*', '*', '*'];

/** A `--calendar` JSON spec as the 7-field cron string `temporal` turns it into (`# comment` kept). */
export function calendarToCron(text: string, index: number): string {
  const origin = `--calendar #${index + 1}`;
  const json = parseJson(text, origin);
  let spec: Record<string, unknown>;
  try {
    spec = fromProtoJson('temporal.api.schedule.v1.CalendarSpec', json) as Record<string, unknown>;
  } catch (err) {
    throw usageError(`${origin} is not a calendar spec: ${(err as Error).message}`);
  }
  const fields = CALENDAR_FIELDS.map((name, i) => {
    const value = typeof spec[name] === 'string' && spec[name] !== '' ? spec[name] : CALENDAR_DEFAULTS[i]!;
    if (value.trim().split(/\s+/).length !== 1) throw usageError(`${origin}: ${name} "${value}" must not contain spaces`);
    return value;
  });
  const comment = typeof spec['comment'] === 'string' ? spec['comment'] : '';
  return [...fields, ...(comment !== '' ? ['#', comment] : [])].join(' ');
}

/** `90m` or `60m/15m` (every 60 minutes, 15 minutes past) as a spec interval. */
export function parseInterval(text: string): { interval: string; phase?: string } {
  const parts = text.split('/');
  const duration = (part: string): number => {
    try {
      return parseDurationMs(part);
    } catch {
      throw usageError(`--interval "${text}": expected <duration> or <duration>/<offset>, e.g. 90m or 60m/15m`);
    }
  };
  if (parts.length > 2) duration('');
  const every = duration(parts[0]!);
  if (parts.length === 2) return { interval: protoDuration(every), phase: protoDuration(duration(parts[1]!)) };
  return { interval: protoDuration(every) };
}

/** The Schedule message (Temporal JSON) the flags of create or update describe. */
export function scheduleJson(flags: ScheduleFlags): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    cronString: [...(flags.cron ?? []), ...(flags.calendar ?? []).map(calendarToCron)],
    interval: (flags.interval ?? []).map(parseInterval),
  };
  if (flags.startTime !== undefined) spec['startTime'] = flags.startTime.toISOString();
  if (flags.endTime !== undefined) spec['endTime'] = flags.endTime.toISOString();
  if (flags.jitter !== undefined) spec['jitter'] = protoDuration(flags.jitter);
  if (flags.timeZone !== undefined) spec['timezoneName'] = flags.timeZone;

  const policies: Record<string, unknown> = { overlapPolicy: overlapPolicyName(flags.overlapPolicy), pauseOnFailure: flags.pauseOnFailure === true };
  if (flags.catchupWindow !== undefined) policies['catchupWindow'] = protoDuration(flags.catchupWindow);

  const remaining = flags.remainingActions ?? 0;
  const state = { notes: flags.notes ?? '', paused: flags.paused === true, limitedActions: remaining > 0, remainingActions: String(remaining) };
  return { spec, action: { startWorkflow: workflowJson(flags) }, policies, state };
}

function workflowJson(flags: WorkflowStartFlags): Record<string, unknown> {
  const workflow: Record<string, unknown> = {
    workflowId: flags.workflowId ?? randomUUID(),
    workflowType: { name: flags.type },
    taskQueue: { name: flags.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: readInputValues(flags),
    workflowTaskTimeout: protoDuration(flags.taskTimeout),
  };
  if (flags.runTimeout !== undefined) workflow['workflowRunTimeout'] = protoDuration(flags.runTimeout);
  if (flags.executionTimeout !== undefined) workflow['workflowExecutionTimeout'] = protoDuration(flags.executionTimeout);
  const searchAttributes = keyJsonValues(flags.searchAttribute, '--search-attribute');
  if (searchAttributes !== undefined) workflow['searchAttributes'] = { indexedFields: searchAttributes };
  const headers = keyJsonValues(flags.headers, '--headers');
  if (headers !== undefined) workflow['header'] = { fields: headers };
  const memo = keyJsonValues(flags.memo, '--memo');
  if (memo !== undefined) workflow['memo'] = { fields: memo };
  if (flags.staticSummary !== undefined || flags.staticDetails !== undefined) {
    workflow['userMetadata'] = {
      ...(flags.staticSummary !== undefined ? { summary: flags.staticSummary } : {}),
      ...(flags.staticDetails !== undefined ? { details: flags.staticDetails } : {}),
    };
  }
  if (flags.priorityKey !== undefined || flags.fairnessKey !== undefined || flags.fairnessWeight !== undefined) {
    workflow['priority'] = {
      ...(flags.priorityKey !== undefined ? { priorityKey: flags.priorityKey } : {}),
      ...(flags.fairnessKey !== undefined ? { fairnessKey: flags.fairnessKey } : {}),
      ...(flags.fairnessWeight !== undefined ? { fairnessWeight: flags.fairnessWeight } : {}),
    };
  }
  return workflow;
}

/** The CreateScheduleRequest of `endure schedule create`. */
export function createScheduleRequest(namespace: string, identity: string, flags: CreateScheduleFlags): object {
  const request: Record<string, unknown> = {
    namespace,
    scheduleId: flags.scheduleId,
    schedule: scheduleJson(flags),
    identity,
    requestId: randomUUID(),
  };
  const memo = keyJsonValues(flags.scheduleMemo, '--schedule-memo');
  if (memo !== undefined) request['memo'] = { fields: memo };
  const searchAttributes = keyJsonValues(flags.scheduleSearchAttribute, '--schedule-search-attribute');
  if (searchAttributes !== undefined) request['searchAttributes'] = { indexedFields: searchAttributes };
  return parseRequest('CreateScheduleRequest', request);
}

/** The UpdateScheduleRequest of `endure schedule update`: the whole schedule is replaced, as in `temporal`. */
export function updateScheduleRequest(namespace: string, identity: string, flags: ScheduleFlags): object {
  return parseRequest('UpdateScheduleRequest', {
    namespace,
    scheduleId: flags.scheduleId,
    schedule: scheduleJson(flags),
    identity,
    requestId: randomUUID(),
  });
}

/** A WorkflowService request from its Temporal JSON form (a field the API rejects is a usage error). */
export function parseRequest(name: string, json: Record<string, unknown>): object {
  try {
    return fromProtoJson(`temporal.api.workflowservice.v1.${name}`, json) as object;
  } catch (err) {
    throw usageError(`invalid ${name}: ${(err as Error).message}`);
  }
}
