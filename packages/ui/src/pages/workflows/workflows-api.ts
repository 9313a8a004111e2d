/** The calls the workflows list makes, and the shapes of their answers (protobuf JSON). */
import { ApiError, apiGet, apiPost, enc, newRequestId } from '../../api';
import { literal, STATUSES } from './list-query';

/** temporal.api.workflow.v1.WorkflowExecutionInfo, the fields the list shows. */
export interface WorkflowExecutionInfo {
  execution?: { workflowId?: string; runId?: string };
  type?: { name?: string };
  startTime?: string;
  closeTime?: string;
  executionTime?: string;
  executionDuration?: string;
  status?: string;
  historyLength?: string;
  taskQueue?: string;
  parentExecution?: { workflowId?: string; runId?: string };
}

export interface ListPage {
  executions?: WorkflowExecutionInfo[];
  nextPageToken?: string;
}

export function listWorkflows(ns: string, query: string, pageSize: number, token: string | undefined, signal?: AbortSignal): Promise<ListPage> {
  return apiGet<ListPage>(`/namespaces/${enc(ns)}/workflows`, { query, pageSize, nextPageToken: token }, signal);
}

interface CountResponse {
  count?: string;
  groups?: Array<{ groupValues?: unknown[]; count?: string }>;
}

export function countWorkflows(ns: string, query: string, signal?: AbortSignal): Promise<number> {
  return apiGet<CountResponse>(`/namespaces/${enc(ns)}/workflow-count`, { query }, signal).then((r) => Number(r.count ?? 0));
}

export interface StatusCounts {
  total: number;
  byStatus: Record<string, number>;
}

/** Set once the server refuses `GROUP BY ExecutionStatus`, so later refreshes go straight to per-status counts. */
let groupingRefused = false;

/**
 * How many workflows match `filter`, in all and per status. One grouped count when the server
 * takes `GROUP BY ExecutionStatus`; one count per status when it refuses the grouping.
 */
export async function countByStatus(ns: string, filter: string, signal?: AbortSignal): Promise<StatusCounts> {
  if (!groupingRefused) {
    try {
      return await groupedCount(ns, filter, signal);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 3)) throw err;
      // The filter itself may be what the server refused: the plain count throws then.
      const total = await countWorkflows(ns, filter, signal);
      groupingRefused = true;
      return { total, byStatus: await perStatusCounts(ns, filter, signal) };
    }
  }
  const [total, byStatus] = await Promise.all([countWorkflows(ns, filter, signal), perStatusCounts(ns, filter, signal)]);
  return { total, byStatus };
}

async function groupedCount(ns: string, filter: string, signal?: AbortSignal): Promise<StatusCounts> {
  const query = `${filter} GROUP BY ExecutionStatus`.trim();
  const response = await apiGet<CountResponse>(`/namespaces/${enc(ns)}/workflow-count`, { query }, signal);
  const byStatus: Record<string, number> = {};
  for (const group of response.groups ?? []) {
    const status = groupValueText(group.groupValues?.[0]);
    if (status) byStatus[status] = Number(group.count ?? 0);
  }
  return { total: Number(response.count ?? 0), byStatus };
}

async function perStatusCounts(ns: string, filter: string, signal?: AbortSignal): Promise<Record<string, number>> {
  const where = filter ? `(${filter}) AND ` : '';
  const counts = await Promise.all(STATUSES.map((s) => countWorkflows(ns, `${where}ExecutionStatus = ${literal(s)}`, signal)));
  return Object.fromEntries(STATUSES.map((s, i) => [s, counts[i]!]));
}

/** A group value: a JSON payload's shorthand (`"Running"`), or a canonical payload with base64 JSON data. */
function groupValueText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const data = (value as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(atob(data));
    return typeof parsed === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface ExecutionRef {
  workflowId: string;
  runId: string;
}

export const IDENTITY = 'endure-ui';

export function cancelWorkflow(ns: string, ref: ExecutionRef): Promise<unknown> {
  return apiPost(`/namespaces/${enc(ns)}/workflows/${enc(ref.workflowId)}/cancel`, {
    workflowExecution: ref,
    identity: IDENTITY,
    requestId: newRequestId(),
  });
}

export function terminateWorkflow(ns: string, ref: ExecutionRef, reason: string): Promise<unknown> {
  return apiPost(`/namespaces/${enc(ns)}/workflows/${enc(ref.workflowId)}/terminate`, {
    workflowExecution: ref,
    reason,
    identity: IDENTITY,
  });
}
