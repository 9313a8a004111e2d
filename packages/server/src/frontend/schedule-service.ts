/**
 * Schedule RPCs: CreateSchedule, DescribeSchedule, UpdateSchedule, PatchSchedule,
 * ListSchedules, DeleteSchedule and ListScheduleMatchingTimes. Requests are checked here
 * (every error names the field and the value); schedules/scheduler.ts does the work.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError, invalidArgument } from '../common/errors.js';
import { proto } from '../common/proto.js';
import { durationMs, msToTimestamp, timestampMs } from '../common/time.js';
import type { ResolvedConfig } from '../config.js';
import type { NamespaceRecord, Store } from '../persistence/store.js';
import { CompiledSpec } from '../schedules/spec/index.js';
import { parseState, decodeSchedule, decodeSearchAttributes } from '../schedules/schedule-state.js';
import type { Scheduler } from '../schedules/scheduler.js';
import { withPolicyDefaults } from '../schedules/schedule-logic.js';
import { makeResolver, systemAttribute } from '../visibility/attributes.js';
import { bindQuery, type BoundExpr } from '../visibility/query-binder.js';
import { parseQuery } from '../visibility/query-parser.js';
import { QueryError } from '../visibility/query-error.js';
import { matches, type VisibilityRow } from '../visibility/memory-evaluator.js';
import { searchAttributeColumns, searchAttributesProblem } from '../visibility/search-attribute-values.js';
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import { enums } from '../common/proto.js';
import type { UnaryHandler } from './grpc-server.js';
import { checkedTimestampMs, checkPayloads, optionalId, requireId } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;
type ISchedule = proto.temporal.api.schedule.v1.ISchedule;
type ISchedulePatch = proto.temporal.api.schedule.v1.ISchedulePatch;

const LIST_PAGE_SIZE_DEFAULT = 1000;
/** Rows read from the store per round while a filtered list page fills. */
const LIST_READ_BATCH = 500;
/** Temporal appends `-2009-11-10T23:00:00Z` to a scheduled workflow id: it must still fit. */
const APPENDED_TIMESTAMP_LENGTH = '-2009-11-10T23:00:00Z'.length;
const OVERLAP_POLICY_MAX = enums.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;

export interface ScheduleServiceDeps {
  config: ResolvedConfig;
  store: Store;
  scheduler: Scheduler;
  namespace(name: string | null | undefined): NamespaceRecord;
  nowMs(): number;
}

export function scheduleHandlers(deps: ScheduleServiceDeps): Record<string, UnaryHandler> {
  const { config, scheduler } = deps;
  const idMax = config.idLengthMax;
  const scheduleIdOf = (id: string | null | undefined) => requireId(id, 'schedule_id', idMax);

  /** Check a schedule as a client sent it; returns it as stored (canonical spec, policy defaults). */
  const checkSchedule = (ns: NamespaceRecord, scheduleId: string, schedule: ISchedule | null | undefined): ISchedule => {
    if (!schedule) throw invalidArgument('schedule is required');
    const start = schedule.action?.startWorkflow;
    if (!start) throw invalidArgument('schedule.action.start_workflow is required (starting a workflow is the only schedule action)');
    const workflowId = requireId(start.workflowId, 'schedule.action.start_workflow.workflow_id', idMax);
    if (workflowId.length + APPENDED_TIMESTAMP_LENGTH > idMax) {
      throw invalidArgument(
        `schedule.action.start_workflow.workflow_id: "${workflowId}" is too long: with the scheduled time appended it must fit in ${idMax} characters`,
      );
    }
    requireId(start.workflowType?.name, 'schedule.action.start_workflow.workflow_type.name', idMax);
    requireId(start.taskQueue?.name, 'schedule.action.start_workflow.task_queue.name', idMax);
    checkPayloads(start.input, 'schedule.action.start_workflow.input', config.payloadSizeMaxBytes);
    const badAttributes = searchAttributesProblem(ns, start.searchAttributes?.indexedFields);
    if (badAttributes) throw invalidArgument(`schedule.action.start_workflow.search_attributes: ${badAttributes}`);
    for (const field of ['workflowExecutionTimeout', 'workflowRunTimeout', 'workflowTaskTimeout'] as const) {
      if (durationMs(start[field]) < 0) throw invalidArgument(`schedule.action.start_workflow.${snake(field)} cannot be negative`);
    }
    const policies = schedule.policies;
    const overlap = policies?.overlapPolicy ?? 0;
    if (overlap < 0 || overlap > OVERLAP_POLICY_MAX) throw invalidArgument(`schedule.policies.overlap_policy: unknown policy ${overlap}`);
    if (policies?.catchupWindow && durationMs(policies.catchupWindow) < 0) {
      throw invalidArgument(`schedule.policies.catchup_window cannot be negative`);
    }
    const state = schedule.state;
    if (state?.limitedActions && Number(state.remainingActions ?? 0) < 0) {
      throw invalidArgument(`schedule.state.remaining_actions: ${String(state.remainingActions)} cannot be negative`);
    }
    let spec: CompiledSpec;
    try {
      spec = CompiledSpec.compile(schedule.spec ?? {}, `${ns.id}-${scheduleId}`, 'schedule.spec');
    } catch (err) {
      // Temporal's wording: clients turn "Invalid schedule spec: …" into a TypeError with the rest.
      if (err instanceof ServiceError) throw invalidArgument(`Invalid schedule spec: ${err.message}`);
      throw err;
    }
    return withPolicyDefaults({ ...schedule, spec: spec.canonical });
  };

  const checkPatch = (patch: ISchedulePatch | null | undefined, field: string): ISchedulePatch => {
    if (!patch) throw invalidArgument(`${field} is required`);
    const trigger = patch.triggerImmediately;
    if (trigger) checkOverlap(trigger.overlapPolicy, `${field}.trigger_immediately.overlap_policy`);
    for (const [i, backfill] of (patch.backfillRequest ?? []).entries()) {
      const at = `${field}.backfill_request[${i}]`;
      if (!backfill.startTime) throw invalidArgument(`${at}.start_time is required`);
      if (!backfill.endTime) throw invalidArgument(`${at}.end_time is required`);
      if (checkedTimestampMs(backfill.endTime, `${at}.end_time`) < checkedTimestampMs(backfill.startTime, `${at}.start_time`)) {
        throw invalidArgument(`${at}: end_time ${iso(backfill.endTime)} is before start_time ${iso(backfill.startTime)}`);
      }
      checkOverlap(backfill.overlapPolicy, `${at}.overlap_policy`);
    }
    return patch;
  };

  const checkScheduleAttributes = (ns: NamespaceRecord, req: { searchAttributes?: proto.temporal.api.common.v1.ISearchAttributes | null }) => {
    const bad = searchAttributesProblem(ns, req.searchAttributes?.indexedFields);
    if (bad) throw invalidArgument(`search_attributes: ${bad}`);
  };

  const handlers: Record<string, (req: never) => Promise<object>> = {
    CreateSchedule: async (req: ws.ICreateScheduleRequest) => {
      const ns = deps.namespace(req.namespace);
      const scheduleId = scheduleIdOf(req.scheduleId);
      const requestId = optionalId(req.requestId, 'request_id', idMax) || randomUUID();
      const schedule = checkSchedule(ns, scheduleId, req.schedule);
      if (req.initialPatch) checkPatch(req.initialPatch, 'initial_patch');
      checkScheduleAttributes(ns, req);
      checkPayloadsOfMemo(req.memo, config.payloadSizeMaxBytes);
      const conflictToken = await scheduler.create(ns, { ...req, scheduleId }, schedule, requestId);
      return { conflictToken };
    },

    DescribeSchedule: async (req: ws.IDescribeScheduleRequest) => {
      const ns = deps.namespace(req.namespace);
      return scheduler.describe(ns, scheduleIdOf(req.scheduleId));
    },

    UpdateSchedule: async (req: ws.IUpdateScheduleRequest) => {
      const ns = deps.namespace(req.namespace);
      const scheduleId = scheduleIdOf(req.scheduleId);
      optionalId(req.requestId, 'request_id', idMax);
      const schedule = checkSchedule(ns, scheduleId, req.schedule);
      checkScheduleAttributes(ns, req);
      await scheduler.update(ns, scheduleId, schedule, req);
      return {};
    },

    PatchSchedule: async (req: ws.IPatchScheduleRequest) => {
      const ns = deps.namespace(req.namespace);
      const scheduleId = scheduleIdOf(req.scheduleId);
      const requestId = optionalId(req.requestId, 'request_id', idMax);
      await scheduler.patch(ns, scheduleId, checkPatch(req.patch, 'patch'), requestId);
      return {};
    },

    DeleteSchedule: async (req: ws.IDeleteScheduleRequest) => {
      const ns = deps.namespace(req.namespace);
      await scheduler.delete(ns, scheduleIdOf(req.scheduleId));
      return {};
    },

    ListScheduleMatchingTimes: async (req: ws.IListScheduleMatchingTimesRequest) => {
      const ns = deps.namespace(req.namespace);
      const scheduleId = scheduleIdOf(req.scheduleId);
      if (!req.startTime) throw invalidArgument('start_time is required');
      if (!req.endTime) throw invalidArgument('end_time is required');
      const startMs = checkedTimestampMs(req.startTime, 'start_time');
      const endMs = checkedTimestampMs(req.endTime, 'end_time');
      if (endMs < startMs) throw invalidArgument(`end_time ${iso(req.endTime)} is before start_time ${iso(req.startTime)}`);
      const times = await scheduler.matchingTimes(ns, scheduleId, startMs, endMs);
      return { startTime: times.map(msToTimestamp) };
    },

    ListSchedules: async (req: ws.IListSchedulesRequest) => {
      const ns = deps.namespace(req.namespace);
      const where = compileScheduleQuery(ns, req.query ?? '', deps.nowMs());
      const size = Math.min(req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : LIST_PAGE_SIZE_DEFAULT, config.visibilityPageSizeMax);
      let after = decodeListToken(req.nextPageToken);
      const entries: proto.temporal.api.schedule.v1.IScheduleListEntry[] = [];
      // A full page ends with a token (the next page may turn out empty); a short read ends the list.
      let full = false;
      for (let exhausted = false; !full && !exhausted; ) {
        const records = await deps.store.listSchedules(ns.id, after, LIST_READ_BATCH);
        exhausted = records.length < LIST_READ_BATCH;
        for (const record of records) {
          after = record.scheduleId;
          if (!matches(where, scheduleRow(ns, record.scheduleId, record.state))) continue;
          entries.push(scheduler.listEntry(ns, record));
          full = entries.length === size;
          if (full) break;
        }
      }
      return { schedules: entries, nextPageToken: full && after !== null ? Buffer.from(JSON.stringify({ after })) : new Uint8Array() };
    },
  };
  return handlers as unknown as Record<string, UnaryHandler>;
}

function checkOverlap(policy: number | null | undefined, field: string): void {
  if (policy !== null && policy !== undefined && (policy < 0 || policy > OVERLAP_POLICY_MAX)) {
    throw invalidArgument(`${field}: unknown policy ${policy}`);
  }
}

function checkPayloadsOfMemo(memo: proto.temporal.api.common.v1.IMemo | null | undefined, sizeMax: number): void {
  for (const [key, payload] of Object.entries(memo?.fields ?? {})) {
    checkPayloads({ payloads: [payload] }, `memo.${key}`, sizeMax);
  }
}

/**
 * ListSchedules' query: Temporal's list language over the schedules' own search attributes,
 * `TemporalSchedulePaused`, and `ScheduleId` (Temporal rewrites it to the scheduler's id).
 */
function compileScheduleQuery(ns: NamespaceRecord, text: string, nowMs: number): BoundExpr | null {
  const custom = new Map(
    Object.entries(ns.customSearchAttributes).map(([name, a]) => [name, { type: a.type as SearchAttributeType, column: a.column }]),
  );
  const base = makeResolver(custom);
  const scheduleIdAttribute = { ...systemAttribute('WorkflowId'), name: 'ScheduleId' };
  try {
    const bound = bindQuery(parseQuery(text), {
      resolve: (name) => (name === 'ScheduleId' ? scheduleIdAttribute : base(name)),
      nowMs,
      allowGroupBy: false,
    });
    return bound.where;
  } catch (err) {
    if (err instanceof QueryError) throw invalidArgument(`query: ${err.message}`);
    throw err;
  }
}

function scheduleRow(ns: NamespaceRecord, scheduleId: string, stateText: string): VisibilityRow {
  const st = parseState(stateText);
  const schedule = decodeSchedule(st.schedule);
  return {
    ...searchAttributeColumns(ns, decodeSearchAttributes(st.searchAttributes)?.indexedFields),
    workflow_id: scheduleId,
    workflow_type: schedule.action?.startWorkflow?.workflowType?.name ?? '',
    temporal_schedule_paused: schedule.state?.paused ? 1 : 0,
  };
}

function decodeListToken(token: Uint8Array | null | undefined): string | null {
  if (!token || token.length === 0) return null;
  try {
    const parsed = JSON.parse(Buffer.from(token).toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw invalidArgument('next_page_token: not a token this server gave out');
}

function iso(t: proto.google.protobuf.ITimestamp): string {
  return new Date(timestampMs(t)).toISOString();
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
