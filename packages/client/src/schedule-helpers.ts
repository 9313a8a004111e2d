/**
 * Conversion between the schedule types users write (schedule-types.ts) and the protos the
 * schedule RPCs carry: calendar fields to ranges and back, the spec, the start-workflow action
 * (through the same payload, memo, retry and search-attribute encoding as a Workflow start),
 * policies and state. The output matches `@temporalio/client`'s request for request, except
 * where a comment says why not.
 */
import {
  compileRetryPolicy,
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  decompileRetryPolicy,
  encodeUnifiedSearchAttributes,
  extractWorkflowType,
  msOptionalToTs,
  msToTs,
  optionalDateToTs,
  optionalTsToDate,
  optionalTsToMs,
  requiredTsToDate,
  type LoadedDataConverter,
  type Payload,
} from '@endure/common';
import proto from '@temporalio/proto';
import Long from 'long';
import { decodeArrayFromPayloads, decodeMapFromPayloads, decodeOptionalSingle, encodeMapToPayloads, encodeToPayloads } from './payload-codec.js';
import {
  DAYS_OF_WEEK,
  encodeScheduleOverlapPolicy,
  MONTHS,
  type Backfill,
  type CalendarSpec,
  type CalendarSpecDescription,
  type CompiledScheduleAction,
  type CompiledScheduleOptions,
  type CompiledScheduleUpdateOptions,
  type LooseRange,
  type Range,
  type ScheduleDescriptionAction,
  type ScheduleExecutionActionResult,
  type ScheduleExecutionResult,
  type ScheduleOptions,
  type ScheduleSpec,
  type ScheduleSpecDescription,
  type ScheduleUpdateOptions,
} from './schedule-types.js';
import { encodeUserMetadata } from './workflow-requests.js';

type ProtoRange = proto.temporal.api.schedule.v1.IRange;
type ProtoCalendar = proto.temporal.api.schedule.v1.IStructuredCalendarSpec;
type ProtoScheduleSpec = proto.temporal.api.schedule.v1.IScheduleSpec;
type ProtoScheduleAction = proto.temporal.api.schedule.v1.IScheduleAction;
type ProtoSchedulePolicies = proto.temporal.api.schedule.v1.ISchedulePolicies;
type ProtoScheduleState = proto.temporal.api.schedule.v1.IScheduleState;
type ProtoBackfillRequest = proto.temporal.api.schedule.v1.IBackfillRequest;

/**
 * How one calendar field is written on the wire: which values it takes, what an omitted field
 * and `'*'` mean. Omitted second, minute and hour mean 0 (a calendar names a moment, not every
 * second of it); the other fields mean "any". `'*'` for years is no range at all, because
 * years have no upper bound.
 */
interface CalendarField<Unit> {
  name: keyof Omit<CalendarSpec, 'comment'>;
  toNumber: (value: unknown) => number | undefined;
  fromNumber: (value: number) => Unit | undefined;
  whenOmitted: ProtoRange[];
  whenAny: ProtoRange[];
}

const numberIn =
  (min: number, max: number) =>
  (value: unknown): number | undefined =>
    typeof value === 'number' && value >= min && value <= max ? value : undefined;
const identity = (value: number): number => value;
const zeroOnly: ProtoRange[] = [{ start: 0, end: 0, step: 0 }];

const secondField: CalendarField<number> = {
  name: 'second',
  toNumber: numberIn(0, 59),
  fromNumber: identity,
  whenOmitted: zeroOnly,
  whenAny: [{ start: 0, end: 59, step: 1 }],
};
const minuteField: CalendarField<number> = { ...secondField, name: 'minute' };
const hourField: CalendarField<number> = {
  name: 'hour',
  toNumber: numberIn(0, 23),
  fromNumber: identity,
  whenOmitted: zeroOnly,
  whenAny: [{ start: 0, end: 23, step: 1 }],
};
// 0 is accepted as the official client accepts it; the server rejects it with a message naming the field.
const dayOfMonthField: CalendarField<number> = {
  name: 'dayOfMonth',
  toNumber: numberIn(0, 31),
  fromNumber: identity,
  whenOmitted: [{ start: 1, end: 31, step: 1 }],
  whenAny: [{ start: 1, end: 31, step: 1 }],
};
const monthField: CalendarField<(typeof MONTHS)[number]> = {
  name: 'month',
  toNumber: (value) => indexOrUndefined(MONTHS, value, 1),
  fromNumber: (value) => MONTHS[value - 1],
  whenOmitted: [{ start: 1, end: 12, step: 1 }],
  whenAny: [{ start: 1, end: 12, step: 1 }],
};
const yearField: CalendarField<number> = {
  name: 'year',
  toNumber: (value) => (typeof value === 'number' ? value : undefined),
  fromNumber: identity,
  whenOmitted: [],
  whenAny: [],
};
const dayOfWeekField: CalendarField<(typeof DAYS_OF_WEEK)[number]> = {
  name: 'dayOfWeek',
  toNumber: (value) => indexOrUndefined(DAYS_OF_WEEK, value, 0),
  fromNumber: (value) => DAYS_OF_WEEK[value],
  whenOmitted: [{ start: 0, end: 6, step: 1 }],
  whenAny: [{ start: 0, end: 6, step: 1 }],
};

function indexOrUndefined(names: readonly string[], value: unknown, first: number): number | undefined {
  const index = typeof value === 'string' ? names.indexOf(value) : -1;
  return index >= 0 ? index + first : undefined;
}

/** One calendar field as ranges; throws TypeError naming the field for a value it cannot take. */
function encodeCalendarField<Unit>(
  field: CalendarField<Unit>,
  input: LooseRange<Unit> | LooseRange<Unit>[] | '*' | undefined,
): ProtoRange[] {
  if (input === undefined) return field.whenOmitted;
  if (input === '*') return field.whenAny;
  const items: unknown[] = Array.isArray(input) ? input : [input];
  return items.map((item) => encodeCalendarItem(field, item));
}

function encodeCalendarItem<Unit>(field: CalendarField<Unit>, item: unknown): ProtoRange {
  if (typeof item === 'object' && item !== null && 'start' in item) {
    const range = item as { start: unknown; end?: unknown; step?: unknown };
    const start = field.toNumber(range.start);
    if (start !== undefined) {
      // An omitted end is `start`, as the type documents. (The official client sends 1, which the
      // server reads as `start` only when start > 1: `{ start: 0 }` would also match 1.)
      const end = range.end === undefined ? start : (field.toNumber(range.end) ?? start);
      const step = typeof range.step === 'number' && range.step > 0 ? range.step : 1;
      return { start, end, step };
    }
  }
  const value = field.toNumber(item);
  if (value !== undefined) return { start: value, end: value, step: 1 };
  throw new TypeError(`Invalid CalendarSpec component for field ${field.name}: '${String(item)}' of type '${typeof item}'`);
}

/** Ranges back to values; a range the server sent with `end < start` or `step < 1` is normalised. */
function decodeCalendarField<Unit>(field: CalendarField<Unit>, ranges: ProtoRange[] | null | undefined): Range<Unit>[] {
  return (ranges ?? []).map((range) => {
    const startNumber = range.start ?? 0;
    const endNumber = range.end ?? 0;
    const start = field.fromNumber(startNumber);
    if (start === undefined) {
      throw new RangeError(`Invalid CalendarSpec component for field ${field.name}: ${startNumber} is out of bounds`);
    }
    const end = endNumber > startNumber ? (field.fromNumber(endNumber) ?? start) : start;
    const step = (range.step ?? 0) > 0 ? (range.step as number) : 1;
    return { start, end, step };
  });
}

/** Calendar specs as `StructuredCalendarSpec`s; undefined stays undefined. */
export function encodeOptionalStructuredCalendarSpecs(specs: CalendarSpec[] | undefined): ProtoCalendar[] | undefined {
  return specs?.map((spec) => ({
    second: encodeCalendarField(secondField, spec.second),
    minute: encodeCalendarField(minuteField, spec.minute),
    hour: encodeCalendarField(hourField, spec.hour),
    dayOfMonth: encodeCalendarField(dayOfMonthField, spec.dayOfMonth),
    month: encodeCalendarField(monthField, spec.month),
    year: encodeCalendarField(yearField, spec.year),
    dayOfWeek: encodeCalendarField(dayOfWeekField, spec.dayOfWeek),
    comment: spec.comment,
  }));
}

/** `StructuredCalendarSpec`s as calendar descriptions; none is an empty list. */
export function decodeOptionalStructuredCalendarSpecs(
  specs: ProtoCalendar[] | null | undefined,
): CalendarSpecDescription[] {
  return (specs ?? []).map((spec) => ({
    second: decodeCalendarField(secondField, spec.second),
    minute: decodeCalendarField(minuteField, spec.minute),
    hour: decodeCalendarField(hourField, spec.hour),
    dayOfMonth: decodeCalendarField(dayOfMonthField, spec.dayOfMonth),
    month: decodeCalendarField(monthField, spec.month),
    year: decodeCalendarField(yearField, spec.year),
    dayOfWeek: decodeCalendarField(dayOfWeekField, spec.dayOfWeek),
    comment: spec.comment ?? undefined,
  }));
}

/** Throws TypeError for options the server would reject without saying which field (as the official client does). */
export function assertRequiredScheduleOptions(
  options: ScheduleOptions | ScheduleUpdateOptions,
  operation: 'CREATE' | 'UPDATE',
): void {
  const structureName = operation === 'CREATE' ? 'ScheduleOptions' : 'ScheduleUpdateOptions';
  if (operation === 'CREATE' && !(options as ScheduleOptions).scheduleId) {
    throw new TypeError(`Missing ${structureName}.scheduleId`);
  }
  if (options.action.type === 'startWorkflow') {
    if (!options.action.taskQueue) {
      throw new TypeError(`Missing ${structureName}.action.taskQueue for 'startWorkflow' action`);
    }
    if (!options.action.workflowType) {
      throw new TypeError(`Missing ${structureName}.action.workflowType for 'startWorkflow' action`);
    }
  }
}

/** The action's workflow type as a name, its workflow id defaulted from the schedule id, `args` present. */
function compileAction(scheduleId: string, action: ScheduleOptions['action']): CompiledScheduleAction {
  return {
    ...action,
    workflowId: action.workflowId ?? `${scheduleId}-workflow`,
    workflowType: extractWorkflowType(action.workflowType),
    args: [...((action.args ?? []) as readonly unknown[])],
  };
}

/** {@link ScheduleOptions} ready to encode. */
export function compileScheduleOptions(options: ScheduleOptions): CompiledScheduleOptions {
  return { ...options, action: compileAction(options.scheduleId, options.action) };
}

/** {@link ScheduleUpdateOptions} ready to encode. */
export function compileUpdatedScheduleOptions(
  scheduleId: string,
  options: ScheduleUpdateOptions,
): CompiledScheduleUpdateOptions {
  return { ...options, action: compileAction(scheduleId, options.action) };
}

/** The `ScheduleSpec` proto. */
export function encodeScheduleSpec(spec: ScheduleSpec): ProtoScheduleSpec {
  return {
    structuredCalendar: encodeOptionalStructuredCalendarSpecs(spec.calendars),
    interval: spec.intervals?.map((interval) => ({
      interval: msToTs(interval.every),
      phase: msOptionalToTs(interval.offset),
    })),
    cronString: spec.cronExpressions,
    excludeStructuredCalendar: encodeOptionalStructuredCalendarSpecs(spec.skip),
    startTime: optionalDateToTs(spec.startAt),
    endTime: optionalDateToTs(spec.endAt),
    jitter: msOptionalToTs(spec.jitter),
    timezoneName: spec.timezone,
  };
}

/**
 * What an update keeps of the current action because the options cannot express it: its
 * header fields (set by interceptors) and its priority (our SDK has no priority option yet;
 * without this, updating a Schedule another client gave a priority would drop it).
 */
export interface KeptActionFields {
  headers: Record<string, Payload>;
  priority?: proto.temporal.api.common.v1.IPriority | null;
}

/**
 * The start-workflow action: the same encoding as a Workflow start (payloads through the data
 * converter and codecs, memo, retry policy, search attributes, user metadata).
 */
export async function encodeScheduleAction(
  dataConverter: LoadedDataConverter,
  action: CompiledScheduleAction,
  kept: KeptActionFields,
): Promise<ProtoScheduleAction> {
  return {
    startWorkflow: {
      workflowId: action.workflowId,
      workflowType: { name: action.workflowType },
      input: { payloads: await encodeToPayloads(dataConverter, action.args) },
      taskQueue: { kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL, name: action.taskQueue },
      workflowExecutionTimeout: msOptionalToTs(action.workflowExecutionTimeout),
      workflowRunTimeout: msOptionalToTs(action.workflowRunTimeout),
      workflowTaskTimeout: msOptionalToTs(action.workflowTaskTimeout),
      retryPolicy: action.retry ? compileRetryPolicy(action.retry) : undefined,
      memo: action.memo ? { fields: await encodeMapToPayloads(dataConverter, action.memo) } : undefined,
      searchAttributes:
        action.searchAttributes || action.typedSearchAttributes
          ? { indexedFields: encodeUnifiedSearchAttributes(action.searchAttributes, action.typedSearchAttributes) }
          : undefined,
      header: { fields: kept.headers },
      userMetadata: await encodeUserMetadata(dataConverter, action.staticSummary, action.staticDetails),
      priority: kept.priority ?? undefined,
    },
  };
}

/** The `SchedulePolicies` proto; what is not given is left to the server's defaults. */
export function encodeSchedulePolicies(policies: ScheduleOptions['policies']): ProtoSchedulePolicies {
  return {
    catchupWindow: msOptionalToTs(policies?.catchupWindow),
    overlapPolicy: policies?.overlap ? encodeScheduleOverlapPolicy(policies.overlap) : undefined,
    pauseOnFailure: policies?.pauseOnFailure,
  };
}

/**
 * The `ScheduleState` proto. `limitedActions` is what turns the limit on; a limit of 0 is sent
 * as "limited, none given" (the server reads a missing count as 0), as the official client does.
 */
export function encodeScheduleState(state: ScheduleOptions['state'] | ScheduleUpdateOptions['state']): ProtoScheduleState {
  return {
    paused: state?.paused,
    notes: state?.note,
    limitedActions: state?.remainingActions !== undefined,
    remainingActions: state?.remainingActions ? Long.fromNumber(state.remainingActions) : undefined,
  };
}

/** Backfill ranges as `BackfillRequest`s (an omitted overlap is left to the server: SKIP). */
export function encodeBackfills(backfills: Backfill[]): ProtoBackfillRequest[] {
  return backfills.map((backfill) => ({
    startTime: optionalDateToTs(backfill.start),
    endTime: optionalDateToTs(backfill.end),
    overlapPolicy: backfill.overlap ? encodeScheduleOverlapPolicy(backfill.overlap) : undefined,
  }));
}

/**
 * The spec as the server returns it. The server compiles cron strings (and unstructured
 * calendars) into structured calendars, intervals and the time zone, so only those are read.
 */
export function decodeScheduleSpec(spec: ProtoScheduleSpec): ScheduleSpecDescription {
  return {
    calendars: decodeOptionalStructuredCalendarSpecs(spec.structuredCalendar),
    intervals: (spec.interval ?? []).map((interval) => ({
      every: optionalTsToMs(interval.interval) as number,
      offset: optionalTsToMs(interval.phase) as number,
    })),
    skip: decodeOptionalStructuredCalendarSpecs(spec.excludeStructuredCalendar),
    startAt: optionalTsToDate(spec.startTime),
    endAt: optionalTsToDate(spec.endTime),
    jitter: optionalTsToMs(spec.jitter),
    timezone: spec.timezoneName ?? undefined,
  };
}

/** The action as `describe` returns it, payloads decoded through the data converter. */
export async function decodeScheduleAction(
  dataConverter: LoadedDataConverter,
  action: ProtoScheduleAction,
): Promise<ScheduleDescriptionAction> {
  const start = action.startWorkflow;
  if (!start) throw new TypeError('Unsupported schedule action');
  return {
    type: 'startWorkflow',
    workflowId: start.workflowId ?? '',
    workflowType: start.workflowType?.name ?? '',
    taskQueue: start.taskQueue?.name ?? '',
    args: await decodeArrayFromPayloads(dataConverter, start.input?.payloads),
    memo: await decodeMapFromPayloads(dataConverter, start.memo?.fields),
    retry: decompileRetryPolicy(start.retryPolicy),
    searchAttributes: decodeSearchAttributes(start.searchAttributes?.indexedFields),
    typedSearchAttributes: decodeTypedSearchAttributes(start.searchAttributes?.indexedFields),
    workflowExecutionTimeout: optionalTsToMs(start.workflowExecutionTimeout),
    workflowRunTimeout: optionalTsToMs(start.workflowRunTimeout),
    workflowTaskTimeout: optionalTsToMs(start.workflowTaskTimeout),
    staticSummary: (await decodeOptionalSingle<string>(dataConverter, start.userMetadata?.summary)) ?? undefined,
    staticDetails: (await decodeOptionalSingle<string>(dataConverter, start.userMetadata?.details)) ?? undefined,
  };
}

/** The Workflows a Schedule started that still run. */
export function decodeScheduleRunningActions(
  executions: proto.temporal.api.common.v1.IWorkflowExecution[] | null | undefined,
): ScheduleExecutionActionResult[] {
  return (executions ?? []).map((execution) => ({
    type: 'startWorkflow',
    workflow: { workflowId: execution.workflowId ?? '', firstExecutionRunId: execution.runId ?? '' },
  }));
}

/** The recent Actions, oldest first as the server lists them. */
export function decodeScheduleRecentActions(
  results: proto.temporal.api.schedule.v1.IScheduleActionResult[] | null | undefined,
): ScheduleExecutionResult[] {
  return (results ?? []).map((result) => {
    const started = result.startWorkflowResult;
    if (!started) throw new TypeError('Unsupported schedule action');
    return {
      scheduledAt: requiredTsToDate(result.scheduleTime, 'scheduleTime'),
      takenAt: requiredTsToDate(result.actualTime, 'actualTime'),
      action: {
        type: 'startWorkflow',
        workflow: { workflowId: started.workflowId ?? '', firstExecutionRunId: started.runId ?? '' },
      },
    };
  });
}
