/** The schedule RPCs the schedules page calls, and the shapes of their answers (protobuf JSON). */
import { apiDelete, apiGet, apiPost, enc, newRequestId } from '../../api';

export const IDENTITY = 'endure-ui';

export interface ScheduleListEntry {
  scheduleId?: string;
  info?: {
    workflowType?: { name?: string };
    notes?: string;
    paused?: boolean;
    recentActions?: Array<{ actualTime?: string }>;
    futureActionTimes?: string[];
  };
}

interface ListSchedulesResponse {
  schedules?: ScheduleListEntry[];
  nextPageToken?: string;
}

export interface ScheduleActionResult {
  scheduleTime?: string;
  actualTime?: string;
  startWorkflowResult?: { workflowId?: string; runId?: string };
}

export interface DescribeScheduleResponse {
  schedule?: {
    spec?: { cronString?: string[]; interval?: Array<{ interval?: string; phase?: string }>; timezoneName?: string };
    action?: { startWorkflow?: { workflowId?: string; workflowType?: { name?: string }; taskQueue?: { name?: string } } };
    state?: { notes?: string; paused?: boolean };
  };
  info?: {
    actionCount?: string;
    recentActions?: ScheduleActionResult[];
    futureActionTimes?: string[];
    createTime?: string;
    updateTime?: string;
  };
}

/** Schedules per list call. */
const PAGE_SIZE = 100;

const path = (ns: string, id?: string) => `/namespaces/${enc(ns)}/schedules${id === undefined ? '' : `/${enc(id)}`}`;

export function listSchedules(ns: string, signal?: AbortSignal): Promise<ListSchedulesResponse> {
  return apiGet<ListSchedulesResponse>(path(ns), { maximumPageSize: PAGE_SIZE }, signal);
}

export function describeSchedule(ns: string, id: string, signal?: AbortSignal): Promise<DescribeScheduleResponse> {
  return apiGet<DescribeScheduleResponse>(path(ns, id), {}, signal);
}

type Patch = { pause: string } | { unpause: string } | { triggerImmediately: Record<string, never> };

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
  /** A cron expression, or an interval such as `1h` / `90s` (see `specOf`). */
  when: string;
  /** The workflow's arguments: a JSON array. */
  args: unknown[];
}

/** `30s`, `5m`, `1h` as a protobuf duration; anything else is read as a cron expression. */
function specOf(when: string) {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(when.trim());
  if (!match) return { cronString: [when.trim()] };
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return { interval: [{ interval: `${seconds}s` }] };
}

export function createSchedule(ns: string, s: NewSchedule): Promise<unknown> {
  return apiPost(path(ns, s.scheduleId), {
    schedule: {
      spec: specOf(s.when),
      action: {
        startWorkflow: {
          workflowId: s.workflowId,
          workflowType: { name: s.workflowType },
          taskQueue: { name: s.taskQueue },
          input: s.args,
        },
      },
    },
    identity: IDENTITY,
    requestId: newRequestId(),
  });
}
