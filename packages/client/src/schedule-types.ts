/**
 * The public types of `client.schedule`, named and shaped like `@temporalio/client`'s so that
 * code written against the official ScheduleClient compiles against ours: what a user passes
 * to `create` and `update` (ScheduleOptions, ScheduleSpec, CalendarSpec …) and what
 * `describe` and `list` return (ScheduleDescription, ScheduleSummary …).
 */
import {
  makeProtoEnumConverters,
  type Duration,
  type SearchAttributePair,
  type SearchAttributes,
  type TypedSearchAttributes,
  type Workflow,
} from '@endure/common';
import type { temporal } from '@temporalio/proto';
import type { WorkflowStartOptions } from './workflow-options.js';

/** `T` with the keys of `U` replaced by `U`'s types. */
type Replace<T, U> = Omit<T, keyof U> & U;

/**
 * A Schedule to create, as given to {@link ScheduleClient.create}.
 *
 * @example
 * ```ts
 * const options: ScheduleOptions = {
 *   scheduleId: 'nightly-billing',
 *   spec: { calendars: [{ hour: 2, comment: 'every night at 02:00' }], timezone: 'Europe/Paris' },
 *   action: { type: 'startWorkflow', workflowType: 'billingRun', taskQueue: 'billing', args: [] },
 *   policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE },
 * };
 * ```
 */
export interface ScheduleOptions<A extends ScheduleOptionsAction = ScheduleOptionsAction> {
  /** The Schedule's id: a meaningful business identifier. */
  scheduleId: string;
  /** When Actions are taken. */
  spec: ScheduleSpec;
  /** What is done at each of those times. */
  action: A;
  policies?: {
    /**
     * What happens when an Action is due while an earlier one still runs.
     * @default ScheduleOverlapPolicy.SKIP
     */
    overlap?: ScheduleOverlapPolicy;
    /**
     * How late an Action may still be taken after the server was unavailable at its time
     * (missed ones can still be {@link ScheduleHandle.backfill | backfilled}).
     * @default 1 year (the server's default)
     * @format number of milliseconds or {@link https://www.npmjs.com/package/ms | ms-formatted string}
     */
    catchupWindow?: Duration;
    /**
     * Pause the Schedule when an Action fails (times out or exhausts its retry policy). Only
     * Actions due after the failed one finished are held back.
     * @default false
     */
    pauseOnFailure?: boolean;
  };
  /** Non-indexed information attached to the Schedule, converted by the data converter. */
  memo?: Record<string, unknown>;
  /**
   * Indexed information attached to the Schedule (always JSON, whatever the data converter).
   * @deprecated Use {@link typedSearchAttributes} instead.
   */
  searchAttributes?: SearchAttributes;
  /**
   * Indexed information attached to the Schedule (always JSON, whatever the data converter).
   * Overrides keys of {@link searchAttributes} with the same name.
   */
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
  /** The Schedule's state right after it is created. */
  state?: {
    /** Start paused. @default false */
    paused?: boolean;
    /** A human-readable note, e.g. why the Schedule is paused; the server may overwrite it (pause on failure). */
    note?: string;
    /**
     * How many Actions may still be taken; each scheduled Action takes one, none is taken at 0
     * (a {@link ScheduleHandle.trigger | trigger} still is).
     * @default undefined: no limit
     */
    remainingActions?: number;
    /** Take one Action at once on creation. @default false */
    triggerImmediately?: boolean;
    /** Take the Actions of these past time ranges at once, as if that time passed now. */
    backfill?: Backfill[];
  };
}

/** {@link ScheduleOptions} with the action's workflow type resolved to its name and its defaults applied. */
export type CompiledScheduleOptions = Replace<ScheduleOptions, { action: CompiledScheduleAction }>;

/**
 * What {@link ScheduleHandle.update}'s function returns: the Schedule's new definition. The id
 * and memo cannot be changed; nor can an update trigger or backfill.
 */
export type ScheduleUpdateOptions<A extends ScheduleOptionsAction = ScheduleOptionsAction> = Replace<
  Omit<ScheduleOptions, 'scheduleId' | 'memo'>,
  {
    action: A;
    // NonNullable: `Omit` of a type with `undefined` in it keeps no key at all.
    state: Omit<NonNullable<ScheduleOptions['state']>, 'triggerImmediately' | 'backfill'>;
  }
>;

/** {@link ScheduleUpdateOptions} with the action compiled. */
export type CompiledScheduleUpdateOptions = Replace<ScheduleUpdateOptions, { action: CompiledScheduleAction }>;

/**
 * One Schedule as {@link ScheduleClient.list} returns it. Listing is eventually consistent:
 * a Schedule created or changed a moment ago may show older values.
 */
export interface ScheduleSummary {
  /** The Schedule's id. */
  scheduleId: string;
  /** When Actions are taken. */
  spec?: ScheduleSpecDescription;
  /** The Action taken. */
  action?: ScheduleSummaryAction;
  /** Non-indexed information attached to the Schedule. */
  memo?: Record<string, unknown>;
  /** @deprecated Use {@link typedSearchAttributes} instead. */
  searchAttributes?: SearchAttributes;
  /** Indexed information attached to the Schedule. */
  typedSearchAttributes?: TypedSearchAttributes;
  state: {
    /** Whether the Schedule is paused. */
    paused: boolean;
    /** The Schedule's note, e.g. why it is paused. */
    note?: string;
  };
  info: {
    /** The most recent Actions (triggers included), oldest first. */
    recentActions: ScheduleExecutionResult[];
    /** The next times Actions are due. */
    nextActionTimes: Date[];
  };
}

/** One Action a Schedule took. */
export interface ScheduleExecutionResult {
  /** The time the Action was due, jitter included. */
  scheduledAt: Date;
  /** The time the Action was taken. */
  takenAt: Date;
  /** What was done. */
  action: ScheduleExecutionActionResult;
}

/** What an Action did (today always a Workflow start). */
export type ScheduleExecutionActionResult = ScheduleExecutionStartWorkflowActionResult;

/** A Workflow a Schedule started. */
export interface ScheduleExecutionStartWorkflowActionResult {
  type: 'startWorkflow';
  workflow: {
    workflowId: string;
    /** The first run started; retries, continue-as-new and resets have other run ids. */
    firstExecutionRunId: string;
  };
}

/**
 * A Schedule as {@link ScheduleHandle.describe} returns it. It can be passed back, changed, to
 * {@link ScheduleHandle.update} or (with a new id) to {@link ScheduleClient.create}.
 */
export type ScheduleDescription = {
  /** The Schedule's id. */
  scheduleId: string;
  /** When Actions are taken, as the server compiled it (cron strings become calendars). */
  spec: ScheduleSpecDescription;
  /** The Action taken. */
  action: ScheduleDescriptionAction;
  policies: {
    /** What happens when an Action is due while an earlier one still runs. */
    overlap: ScheduleOverlapPolicy;
    /** How late an Action may still be taken after an outage, in milliseconds. */
    catchupWindow: number;
    /** Whether a failed Action pauses the Schedule. */
    pauseOnFailure: boolean;
  };
  /** Non-indexed information attached to the Schedule. */
  memo?: Record<string, unknown>;
  /** @deprecated Use {@link typedSearchAttributes} instead. */
  searchAttributes: SearchAttributes;
  /** Indexed information attached to the Schedule. */
  typedSearchAttributes: TypedSearchAttributes;
  state: {
    /** Whether the Schedule is paused. */
    paused: boolean;
    /** The Schedule's note, e.g. why it is paused. */
    note?: string;
    /** Actions left before the Schedule stops taking them; undefined when unlimited. */
    remainingActions?: number;
  };
  info: {
    /** The most recent Actions (triggers included), oldest first. */
    recentActions: ScheduleExecutionResult[];
    /** The next times Actions are due. */
    nextActionTimes: Date[];
    /** Actions taken so far. */
    numActionsTaken: number;
    /** Actions not taken because they were later than the catch-up window. */
    numActionsMissedCatchupWindow: number;
    /** Actions skipped by the overlap policy. */
    numActionsSkippedOverlap: number;
    createdAt: Date;
    lastUpdatedAt: Date | undefined;
    /** Workflows started by this Schedule that are still running (several only under ALLOW_ALL). */
    runningActions: ScheduleExecutionActionResult[];
  };
  /** The server's answer as received (also what `update` reads the conflict token from). */
  raw: temporal.api.workflowservice.v1.IDescribeScheduleResponse;
};

/**
 * A set of times: the union of `calendars`, `intervals` and `cronExpressions`, minus the `skip`
 * times, within `startAt`…`endAt`. Use UTC for a set that never changes with time-zone rules.
 *
 * @example
 * ```ts
 * const spec: ScheduleSpec = {
 *   cronExpressions: ['0 12 * * MON-WED,FRI'],
 *   intervals: [{ every: '90m', offset: '15m' }],
 *   skip: [{ month: 'DECEMBER', dayOfMonth: 25 }],
 *   jitter: '30s',
 * };
 * ```
 */
export interface ScheduleSpec {
  /** Calendar-based times. */
  calendars?: CalendarSpec[];
  /** Interval-based times. */
  intervals?: IntervalSpec[];
  /**
   * Cron strings of 5 (minute … day of week), 6 (+ year) or 7 (second first) fields; also
   * `@yearly` … `@hourly`, `@every <interval>[/<phase>]`, a leading `CRON_TZ=<zone>` or
   * `TZ=<zone>` (then leave {@link timezone} empty) and a trailing `# comment`. Day of month
   * and day of week must both match (no cron "or").
   */
  cronExpressions?: string[];
  /** Times matching any of these calendars (every field, seconds included) are skipped. */
  skip?: CalendarSpec[];
  /** Times before this are skipped (inclusive bound). @default the beginning of time */
  startAt?: Date;
  /** Times after this are skipped (inclusive bound). @default the end of time */
  endAt?: Date;
  /**
   * Each time is delayed by a random amount from 0 to this.
   * @default 0
   * @format number of milliseconds or {@link https://www.npmjs.com/package/ms | ms-formatted string}
   */
  jitter?: Duration;
  /**
   * IANA time zone name, e.g. `US/Pacific`. Calendar times match the wall clock literally: a
   * time skipped by a daylight-saving change does not fire that day, a repeated one fires twice.
   * @default UTC
   */
  timezone?: string;
}

/** {@link ScheduleSpec} as `describe` and `list` return it: fields expanded to ranges, durations in milliseconds. */
export type ScheduleSpecDescription = Omit<
  ScheduleSpec,
  'calendars' | 'intervals' | 'cronExpressions' | 'skip' | 'jitter'
> & {
  /** Calendar-based times (cron strings are returned here, compiled by the server). */
  calendars?: CalendarSpecDescription[];
  /** Interval-based times. */
  intervals?: IntervalSpecDescription[];
  /** Times skipped. */
  skip?: CalendarSpecDescription[];
  /** Largest random delay added to each time, in milliseconds. */
  jitter?: number;
};

/** A calendar field's value: one value, a range, a list of them, or `'*'`. */
type CalendarField<Unit> = LooseRange<Unit> | LooseRange<Unit>[] | '*';

/**
 * Times on the calendar, like a cron line: a second matches when every field matches (day of
 * month *and* day of week).
 *
 * @example
 * ```ts
 * const weekdayMornings: CalendarSpec = { hour: 9, minute: 30, dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } };
 * ```
 */
export interface CalendarSpec {
  /** 0–59. @default 0 */
  second?: CalendarField<number>;
  /** 0–59. @default 0 */
  minute?: CalendarField<number>;
  /** 0–23. @default 0 */
  hour?: CalendarField<number>;
  /** 1–31. @default '*' */
  dayOfMonth?: CalendarField<number>;
  /** @default '*' */
  month?: CalendarField<Month>;
  /** Full years, like `2030`. @default '*' */
  year?: CalendarField<number>;
  /** @default '*' */
  dayOfWeek?: CalendarField<DayOfWeek>;
  /** What the spec is for. */
  comment?: string;
}

/** {@link CalendarSpec} as `describe` returns it: every field a list of ranges. */
export interface CalendarSpecDescription {
  /** 0–59. */
  second: Range<number>[];
  /** 0–59. */
  minute: Range<number>[];
  /** 0–23. */
  hour: Range<number>[];
  /** 1–31. */
  dayOfMonth: Range<number>[];
  /** 'JANUARY' to 'DECEMBER'. */
  month: Range<Month>[];
  /** Full years; empty matches any year. */
  year: Range<number>[];
  /** 'SUNDAY' to 'SATURDAY'. */
  dayOfWeek: Range<DayOfWeek>[];
  /** What the spec is for. */
  comment?: string;
}

/**
 * The times `epoch + n × every + offset` for every integer n ≥ 0.
 *
 * @example
 * ```ts
 * const at19PastEachHour: IntervalSpec = { every: '1h', offset: '19m' };
 * ```
 */
export interface IntervalSpec {
  /**
   * Rounded to the second.
   * @format number of milliseconds or {@link https://www.npmjs.com/package/ms | ms-formatted string}
   */
  every: Duration;
  /**
   * Rounded to the second.
   * @default 0
   * @format number of milliseconds or {@link https://www.npmjs.com/package/ms | ms-formatted string}
   */
  offset?: Duration;
}

/** {@link IntervalSpec} as `describe` returns it, in milliseconds. */
export interface IntervalSpecDescription {
  every: number;
  offset: number;
}

/** Values `start`, `start + step` … up to `end` inclusive; `end < start` means `start`, `step < 1` means 1. */
export interface Range<Unit> {
  /** First value (inclusive). */
  start: Unit;
  /** Last value (inclusive). @default `start` */
  end: Unit;
  /** Distance between values. @default 1 */
  step: number;
}

/**
 * A {@link Range} written loosely: `3`, `{ start: 2 }`, `{ start: 2, end: 4 }` or
 * `{ start: 2, end: 10, step: 3 }` (2, 5, 8).
 */
export type LooseRange<Unit> =
  | Range<Unit>
  | { start: Range<Unit>['start']; end?: Range<Unit>['end']; step?: never }
  | Unit;

/** Month names, in calendar order (January is month 1 on the wire). */
export const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;
export type Month = (typeof MONTHS)[number];

/** Day names, Sunday first (Sunday is day 0 on the wire). */
export const DAYS_OF_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

/** The Action a Schedule takes (today only starting a Workflow). */
export type ScheduleOptionsAction = ScheduleOptionsStartWorkflowAction<Workflow>;

/** Start Workflow `workflowType` with these options at each time. */
export type ScheduleOptionsStartWorkflowAction<W extends Workflow> = {
  type: 'startWorkflow';
  workflowType: string | W;
} & Pick<
  WorkflowStartOptions<W>,
  | 'taskQueue'
  | 'args'
  | 'memo'
  | 'searchAttributes'
  | 'typedSearchAttributes'
  | 'retry'
  | 'workflowExecutionTimeout'
  | 'workflowRunTimeout'
  | 'workflowTaskTimeout'
  | 'staticDetails'
  | 'staticSummary'
> & {
    /**
     * The started Workflows' id prefix (the server appends the scheduled time).
     * @default `${scheduleId}-workflow`
     */
    workflowId?: string;
  };

/** The Action as `list` returns it. */
export type ScheduleSummaryAction = ScheduleSummaryStartWorkflowAction;

/** A Workflow-start Action as `list` returns it. */
export interface ScheduleSummaryStartWorkflowAction {
  type: 'startWorkflow';
  workflowType: string;
}

/** The Action as `describe` returns it. */
export type ScheduleDescriptionAction = ScheduleDescriptionStartWorkflowAction;

/** A Workflow-start Action as `describe` returns it (durations in milliseconds). */
export type ScheduleDescriptionStartWorkflowAction = ScheduleSummaryStartWorkflowAction &
  Pick<
    WorkflowStartOptions<Workflow>,
    | 'taskQueue'
    | 'workflowId'
    | 'args'
    | 'memo'
    | 'searchAttributes'
    | 'typedSearchAttributes'
    | 'retry'
    | 'workflowExecutionTimeout'
    | 'workflowRunTimeout'
    | 'workflowTaskTimeout'
    | 'staticSummary'
    | 'staticDetails'
  >;

/** The Action with its workflow type resolved and its arguments present. */
export type CompiledScheduleAction = Replace<ScheduleDescriptionAction, { workflowType: string; args: unknown[] }>;

/**
 * What happens when an Action is due while an earlier one still runs.
 *
 * @example
 * ```ts
 * await client.schedule.create({ ...options, policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE } });
 * ```
 */
export const ScheduleOverlapPolicy = {
  /** Do not start the new Action. */
  SKIP: 'SKIP',
  /** Start it when the running one finishes; at most one waits (a later one replaces it). */
  BUFFER_ONE: 'BUFFER_ONE',
  /** Start every one, one after the other. */
  BUFFER_ALL: 'BUFFER_ALL',
  /** Cancel the running one, start the new one once it has finished. */
  CANCEL_OTHER: 'CANCEL_OTHER',
  /** Terminate the running one and start the new one at once. */
  TERMINATE_OTHER: 'TERMINATE_OTHER',
  /** Start every one at once: the only policy under which Actions run concurrently. */
  ALLOW_ALL: 'ALLOW_ALL',
  /** @deprecated Leave the property undefined, or use {@link ScheduleOverlapPolicy.SKIP}. */
  UNSPECIFIED: undefined,
} as const;
export type ScheduleOverlapPolicy = (typeof ScheduleOverlapPolicy)[keyof typeof ScheduleOverlapPolicy];

/** Converts {@link ScheduleOverlapPolicy} to and from `temporal.api.enums.v1.ScheduleOverlapPolicy`. */
export const [encodeScheduleOverlapPolicy, decodeScheduleOverlapPolicy] = makeProtoEnumConverters<
  temporal.api.enums.v1.ScheduleOverlapPolicy,
  Exclude<ScheduleOverlapPolicy, undefined>,
  'SCHEDULE_OVERLAP_POLICY_'
>(
  { SKIP: 1, BUFFER_ONE: 2, BUFFER_ALL: 3, CANCEL_OTHER: 4, TERMINATE_OTHER: 5, ALLOW_ALL: 6, UNSPECIFIED: 0 },
  'SCHEDULE_OVERLAP_POLICY_',
);

/**
 * A past time range whose Actions are taken at once, as if that time passed now.
 *
 * @example
 * ```ts
 * await handle.backfill({ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z'), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
 * ```
 */
export interface Backfill {
  /** Start of the range. */
  start: Date;
  /** End of the range. */
  end: Date;
  /** The overlap policy for these Actions. @default SKIP */
  overlap?: ScheduleOverlapPolicy;
}
