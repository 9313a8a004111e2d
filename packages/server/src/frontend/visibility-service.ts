/**
 * Visibility RPCs: ListWorkflowExecutions, ScanWorkflowExecutions, CountWorkflowExecutions
 * and the older ListOpen/ListClosedWorkflowExecutions, on the visibility rows the engine
 * writes in each run's own transaction (a run is listable as soon as its start returns).
 * Queries are Temporal's list filter language (visibility/query-*.ts); pages continue
 * after the last row's sort key, so rows inserted meanwhile never shift a page.
 */
import Long from 'long';
import { invalidArgument, ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { proto, temporal } from '../common/proto.js';
import { msToDuration, msToTimestamp } from '../common/time.js';
import type { ResolvedConfig } from '../config.js';
import type { NamespaceRecord, Store, VisibilityRecord } from '../persistence/store.js';
import { compileQuery, type CompiledQuery } from '../visibility/compile-query.js';
import { QueryError } from '../visibility/query-error.js';
import { executionStatusName } from '../visibility/query-values.js';
import type { UnaryHandler } from './grpc-server.js';
import { checkedTimestampMs } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;

const PAGE_SIZE_DEFAULT = 1000;
const NS_PER_MS = 1_000_000;

export interface VisibilityDeps {
  config: ResolvedConfig;
  store: Store;
  namespace(name: string | null | undefined): NamespaceRecord;
  nowMs(): number;
}

export function visibilityHandlers(deps: VisibilityDeps): Record<string, UnaryHandler> {
  const { store, config } = deps;
  const compile = (ns: NamespaceRecord, query: string, allowGroupBy: boolean): CompiledQuery => {
    try {
      return compileQuery(query, ns, deps.nowMs(), allowGroupBy);
    } catch (err) {
      if (err instanceof QueryError) throw invalidArgument(err.message);
      throw err;
    }
  };
  const list = async (ns: NamespaceRecord, query: string, pageSize: number | null | undefined, token: Uint8Array | null | undefined) => {
    const compiled = compile(ns, query, false);
    const size = Math.min(pageSize && pageSize > 0 ? pageSize : PAGE_SIZE_DEFAULT, config.visibilityPageSizeMax);
    const after = decodePageToken(token, query, compiled);
    const rows = await store.listVisibility(ns.id, compiled.bound, after, size);
    const last = rows[rows.length - 1];
    return {
      executions: rows.map((row) => executionInfo(ns, row)),
      nextPageToken: rows.length === size && last ? encodePageToken(query, compiled.cursorOf({ ...last.columns, run_id: last.runId })) : new Uint8Array(),
    };
  };

  const handlers: Record<string, (req: never) => Promise<object>> = {
    ListWorkflowExecutions: (req: ws.IListWorkflowExecutionsRequest) =>
      list(deps.namespace(req.namespace), req.query ?? '', req.pageSize, req.nextPageToken),

    // Scan promises no order in Temporal; ours is the list order, which is stable too.
    ScanWorkflowExecutions: (req: ws.IScanWorkflowExecutionsRequest) =>
      list(deps.namespace(req.namespace), req.query ?? '', req.pageSize, req.nextPageToken),

    CountWorkflowExecutions: async (req: ws.ICountWorkflowExecutionsRequest) => {
      const ns = deps.namespace(req.namespace);
      const compiled = compile(ns, req.query ?? '', true);
      const result = await store.countVisibility(ns.id, compiled.bound);
      return {
        count: Long.fromNumber(result.count),
        groups: result.groups.map((g) => ({
          count: Long.fromNumber(g.count),
          groupValues: g.values.map((v, i) => groupValuePayload(compiled.bound.groupBy[i]!, v)),
        })),
      };
    },

    ListOpenWorkflowExecutions: (req: ws.IListOpenWorkflowExecutionsRequest) => {
      const ns = deps.namespace(req.namespace);
      const query = legacyQuery(["ExecutionStatus = 'Running'"], 'StartTime', req);
      return list(ns, query, req.maximumPageSize, req.nextPageToken);
    },

    ListClosedWorkflowExecutions: (req: ws.IListClosedWorkflowExecutionsRequest) => {
      const ns = deps.namespace(req.namespace);
      const status = req.statusFilter?.status;
      const filters = status ? [`ExecutionStatus = ${literal(statusName(status))}`] : ["ExecutionStatus != 'Running'"];
      // As in Temporal, a closed list's time filter is on the close time.
      const query = legacyQuery(filters, 'CloseTime', req);
      return list(ns, query, req.maximumPageSize, req.nextPageToken);
    },

    ListArchivedWorkflowExecutions: () =>
      Promise.reject(
        new ServiceError(
          Status.UNIMPLEMENTED,
          'ListArchivedWorkflowExecutions is not implemented: Endure has no archival; closed runs stay listable with ListWorkflowExecutions until the namespace retention deletes them',
        ),
      ),
  };
  return handlers as unknown as Record<string, UnaryHandler>;
}

interface LegacyFilters {
  startTimeFilter?: proto.temporal.api.filter.v1.IStartTimeFilter | null;
  executionFilter?: proto.temporal.api.filter.v1.IWorkflowExecutionFilter | null;
  typeFilter?: proto.temporal.api.filter.v1.IWorkflowTypeFilter | null;
}

/** The older list RPCs' filters as a list query (one code path for both). */
function legacyQuery(filters: string[], timeAttribute: string, req: LegacyFilters): string {
  const parts = [...filters];
  const earliest = checkedTimestampMs(req.startTimeFilter?.earliestTime, 'start_time_filter.earliest_time');
  const latest = checkedTimestampMs(req.startTimeFilter?.latestTime, 'start_time_filter.latest_time');
  if (earliest > 0) parts.push(`${timeAttribute} >= ${literal(new Date(earliest).toISOString())}`);
  if (latest > 0) parts.push(`${timeAttribute} <= ${literal(new Date(latest).toISOString())}`);
  if (req.executionFilter?.workflowId) parts.push(`WorkflowId = ${literal(req.executionFilter.workflowId)}`);
  if (req.executionFilter?.runId) parts.push(`RunId = ${literal(req.executionFilter.runId)}`);
  if (req.typeFilter?.name) parts.push(`WorkflowType = ${literal(req.typeFilter.name)}`);
  return parts.join(' AND ');
}

function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function statusName(code: number): string {
  const name = executionStatusName(code);
  if (!name) throw invalidArgument(`status_filter.status: ${code} is not a workflow execution status`);
  return name;
}

/** A group's value as Temporal sends it: a json/plain payload typed like the attribute. */
function groupValuePayload(attr: { name: string; type: string }, value: string | number | null): proto.temporal.api.common.v1.IPayload {
  const shown = attr.name === 'ExecutionStatus' && typeof value === 'number' ? statusName(value) : value;
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(attr.type) },
    data: Buffer.from(JSON.stringify(shown)),
  };
}

function executionInfo(ns: NamespaceRecord, row: VisibilityRecord): proto.temporal.api.workflow.v1.IWorkflowExecutionInfo {
  const c = row.columns;
  const num = (name: string) => (typeof c[name] === 'number' ? (c[name]) : null);
  const str = (name: string) => (typeof c[name] === 'string' ? (c[name]) : null);
  const closeTime = num('close_time');
  const duration = num('execution_duration');
  const parentWorkflowId = str('parent_workflow_id');
  return {
    execution: { workflowId: str('workflow_id'), runId: row.runId },
    type: { name: str('workflow_type') },
    startTime: msToTimestamp(num('start_time') ?? 0),
    closeTime: closeTime === null ? null : msToTimestamp(closeTime),
    status: num('status') ?? 0,
    historyLength: Long.fromNumber(num('history_length') ?? 0),
    historySizeBytes: Long.fromNumber(num('history_size_bytes') ?? 0),
    stateTransitionCount: Long.fromNumber(num('state_transition_count') ?? 0),
    executionTime: msToTimestamp(num('execution_time') ?? 0),
    executionDuration: duration === null ? null : msToDuration(Math.round(duration / NS_PER_MS)),
    taskQueue: str('task_queue'),
    parentExecution: parentWorkflowId ? { workflowId: parentWorkflowId, runId: str('parent_run_id') } : null,
    parentNamespaceId: parentWorkflowId ? ns.id : null,
    rootExecution: { workflowId: str('root_workflow_id') ?? str('workflow_id'), runId: str('root_run_id') ?? row.runId },
    memo: row.memo ? temporal.api.common.v1.Memo.decode(row.memo) : null,
    // Stamped with their types when the row was written (visibility-record.ts).
    searchAttributes: row.searchAttributes ? temporal.api.common.v1.SearchAttributes.decode(row.searchAttributes) : null,
  };
}

/** The page token: the query it belongs to and the last row's sort key. */
function encodePageToken(query: string, cursor: unknown[]): Uint8Array {
  return Buffer.from(JSON.stringify({ q: query, after: cursor }));
}

function decodePageToken(token: Uint8Array | null | undefined, query: string, compiled: CompiledQuery): unknown[] | null {
  if (!token?.length) return null;
  let parsed: { q?: unknown; after?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token).toString('utf8')) as typeof parsed;
  } catch {
    throw invalidArgument('next_page_token is not a token this server issued');
  }
  // JSON.parse also yields null, numbers and strings: only an object is one of ours.
  if (typeof parsed !== 'object' || parsed === null) throw invalidArgument('next_page_token is not a token this server issued');
  if (parsed.q !== query) throw invalidArgument('next_page_token belongs to another query: pass the same query with the token');
  if (!compiled.isCursor(parsed.after)) throw invalidArgument('next_page_token is not a token this server issued');
  return parsed.after;
}
