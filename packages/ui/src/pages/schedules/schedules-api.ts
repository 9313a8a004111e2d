/**
 * The schedule RPCs the schedules page calls, and the shapes of their answers (protobuf JSON:
 * int64 counters arrive as strings, durations as `"90s"`, and zero values, false and empty
 * lists are left out, so every field here is optional).
 */
import { apiDelete, apiGet, apiPost, enc, newRequestId } from '../../api';
import type { IntervalJson, StructuredCalendarJson } from './schedule-spec';

export const IDENTITY = 'endure-ui';

export interface SpecJson {
  structuredCalendar?: StructuredCalendarJson[];
  /** Only in requests: the server answers with cron strings turned into structured calendars. */
  cronString?: string[];
  interval?: IntervalJson[];
  excludeStructuredCalendar?: StructuredCalendarJson[];
  startTime?: string;
  endTime?: string;
  jitter?: string;
  timezoneName?: string;
}

interface WorkflowRef {
  workflowId?: string;
  runId?: string;
}

export interface ScheduleActionResult {
  scheduleTime?: string;
  actualTime?: string;
  startWorkflowResult?: WorkflowRef;
  startWorkflowStatus?: string;
}

/** A Memo or SearchAttributes message with its payloads shown as JSON values. */
export interface MemoJson {
  fields?: Record<string, unknown>;
}
export interface SearchAttributesJson {
  indexedFields?: Record<string, unknown>;
}

export interface ScheduleListEntry {
  scheduleId?: string;
  memo?: MemoJson;
  searchAttributes?: SearchAttributesJson;
  info?: {
    spec?: SpecJson;
    workflowType?: { name?: string };
    notes?: string;
    paused?: boolean;
    recentActions?: ScheduleActionResult[];
    futureActionTimes?: string[];
  };
}

interface ListSchedulesResponse {
  schedules?: ScheduleListEntry[];
  nextPageToken?: string;
}

export interface StartWorkflowJson {
  workflowId?: string;
  workflowType?: { name?: string };
  taskQueue?: { name?: string };
  input?: unknown;
  workflowExecutionTimeout?: string;
  workflowRunTimeout?: string;
  workflowTaskTimeout?: string;
  memo?: MemoJson;
  searchAttributes?: SearchAttributesJson;
}

export interface DescribeScheduleResponse {
  schedule?: {
    spec?: SpecJson;
    action?: { startWorkflow?: StartWorkflowJson };
    policies?: { overlapPolicy?: string; catchupWindow?: string; pauseOnFailure?: boolean; keepOriginalWorkflowId?: boolean };
    state?: { notes?: string; paused?: boolean; limitedActions?: boolean; remainingActions?: string };
  };
  info?: {
    actionCount?: string;
    missedCatchupWindow?: string;
    overlapSkipped?: string;
    bufferDropped?: string;
    bufferSize?: string;
    runningWorkflows?: WorkflowRef[];
    recentActions?: ScheduleActionResult[];
    futureActionTimes?: string[];
    createTime?: string;
    updateTime?: string;
  };
  memo?: MemoJson;
  searchAttributes?: SearchAttributesJson;
  conflictToken?: string;
}

/** The overlap policies, by their enum names (the JSON form the API takes and answers). */
export const OVERLAP_POLICIES = [
  'SCHEDULE_OVERLAP_POLICY_SKIP',
  'SCHEDULE_OVERLAP_POLICY_BUFFER_ONE',
  'SCHEDULE_OVERLAP_POLICY_BUFFER_ALL',
  'SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER',
  'SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER',
  'SCHEDULE_OVERLAP_POLICY_ALLOW_ALL',
] as const;
export const OVERLAP_PREFIX = 'SCHEDULE_OVERLAP_POLICY_';

/** Schedules per list call. */
const PAGE_SIZE = 100;
/** List calls per load: the page shows at most PAGE_SIZE × PAGES_MAX schedules. */
const PAGES_MAX = 10;

const path = (ns: string, id?: string) => `/namespaces/${enc(ns)}/schedules${id === undefined ? '' : `/${enc(id)}`}`;

export interface ScheduleList {
  schedules: ScheduleListEntry[];
  /** More schedules exist than the page loads. */
  truncated: boolean;
}

/** The namespace's schedules, page after page up to PAGES_MAX pages. */
export async function listSchedules(ns: string, signal?: AbortSignal): Promise<ScheduleList> {
  const schedules: ScheduleListEntry[] = [];
  let nextPageToken: string | undefined;
  for (let page = 0; page < PAGES_MAX; page++) {
    const response = await apiGet<ListSchedulesResponse>(path(ns), { maximumPageSize: PAGE_SIZE, nextPageToken }, signal);
    schedules.push(...(response.schedules ?? []));
    nextPageToken = response.nextPageToken;
    if (!nextPageToken) return { schedules, truncated: false };
  }
  return { schedules, truncated: true };
}

export function describeSchedule(ns: string, id: string, signal?: AbortSignal): Promise<DescribeScheduleResponse> {
  return apiGet<DescribeScheduleResponse>(path(ns, id), {}, signal);
}

/** A SchedulePatch: one of these per call from the page. */
export type Patch =
  | { pause: string }
  | { unpause: string }
  | { triggerImmediately: { overlapPolicy?: string } }
  | { backfillRequest: Array<{ startTime: string; endTime: string; overlapPolicy?: string }> };

export function patchSchedule(ns: string, id: string, patch: Patch): Promise<unknown> {
  return apiPost(`${path(ns, id)}/patch`, { patch, identity: IDENTITY, requestId: newRequestId() });
}

export function deleteSchedule(ns: string, id: string): Promise<unknown> {
  return apiDelete(path(ns, id), { identity: IDENTITY });
}

export interface NewSchedule {
  scheduleId: string;
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  spec: SpecJson;
  /** The workflow's arguments. */
  args: unknown[];
  /** An overlap policy name; empty leaves the server's default (skip). */
  overlapPolicy: string;
  paused: boolean;
  notes: string;
}

export function createSchedule(ns: string, s: NewSchedule): Promise<unknown> {
  return apiPost(path(ns, s.scheduleId), {
    schedule: {
      spec: s.spec,
      action: {
        startWorkflow: {
          workflowId: s.workflowId,
          workflowType: { name: s.workflowType },
          taskQueue: { name: s.taskQueue },
          input: s.args,
        },
      },
      policies: s.overlapPolicy ? { overlapPolicy: s.overlapPolicy } : {},
      state: { paused: s.paused, notes: s.notes },
    },
    identity: IDENTITY,
    requestId: newRequestId(),
  });
}
