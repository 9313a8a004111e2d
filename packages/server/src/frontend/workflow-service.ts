/**
 * WorkflowService handlers: check the request (every error names the field),
 * resolve the namespace, and call history, matching or the query dispatcher.
 */
import { randomUUID } from 'node:crypto';
import { enums, proto } from '../common/proto.js';
import { failedPrecondition, invalidArgument, namespaceNotFound } from '../common/errors.js';
import { NamespaceState, type NamespaceRegistry } from '../namespaces/namespace-registry.js';
import { searchAttributesProblem } from '../visibility/search-attribute-values.js';
import { msToDuration, msToTimestamp } from '../common/time.js';
import type { ResolvedConfig } from '../config.js';
import type { NamespaceRecord, Store } from '../persistence/store.js';
import type { MatchingEngine, MatchedTask } from '../matching/matching-engine.js';
import type { ExecutionStore, ExecutionRef } from '../history/engine.js';
import type { RunWatchers } from '../history/run-watchers.js';
import type { QueryDispatcher } from '../history/queries.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import * as history from '../history/history-service.js';
import * as activity from '../history/activity.js';
import { readHistoryEventBytes } from '../history/history-reader.js';
import { deleteWorkflow } from '../history/delete.js';
import { resetWorkflow } from '../history/reset.js';
import { resetStickyTaskQueue } from '../history/sticky.js';
import { startWorkflowEagerly } from '../history/eager-start.js';
import { respondActivityWithNextWorkflowTask } from '../history/next-workflow-task.js';
import type { ExecutionTx } from '../history/execution-tx.js';
import type { ActivityState } from '../history/mutable-state.js';
import { withRawHistory } from '../common/raw-history.js';
import { decodeTaskToken, encodeTaskToken } from '../history/task-token.js';
import { activityOperationHandlers } from './activity-operations.js';
import { answerWithNextWorkflowTask, nextWorkflowTaskRequestOf } from './next-workflow-task.js';
import { visibilityHandlers } from './visibility-service.js';
import { checkMessages, updateHandlers } from './update-service.js';
import type { CallContext, UnaryHandler } from './grpc-server.js';
import { checkFailure, checkMemo, checkPayload, checkPayloads, optionalId, requireId, type SizeWarning } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;
type IWorkflowExecution = proto.temporal.api.common.v1.IWorkflowExecution;

export interface FrontendDeps {
  config: ResolvedConfig;
  store: Store;
  executions: ExecutionStore;
  matching: MatchingEngine;
  watchers: RunWatchers;
  queries: QueryDispatcher;
  namespaces: NamespaceRegistry;
  /** Present when other nodes may share the database. */
  cluster: ClusterNode | null;
}

export function workflowServiceHandlers(deps: FrontendDeps): Record<string, UnaryHandler> {
  const { config, executions: es, matching, watchers, queries } = deps;
  const idMax = config.idLengthMax;
  const payloadMax = config.payloadSizeMaxBytes;
  const sizeWarning: SizeWarning = {
    bytes: config.limits.blobSizeWarnBytes,
    report: (field, sizeBytes, warnBytes) => es.log.warn({ field, sizeBytes, warnBytes }, 'Blob data size exceeds the warning limit.'),
  };

  const namespace = (name: string | null | undefined): NamespaceRecord => {
    const n = requireId(name, 'namespace', idMax);
    const ns = deps.namespaces.byName(n);
    if (!ns) throw namespaceNotFound(n);
    return ns;
  };
  /** A namespace new workflows may start in: registered, not deprecated (Temporal's rule). */
  const startableNamespace = (name: string | null | undefined): NamespaceRecord => {
    const ns = namespace(name);
    if (ns.state === NamespaceState.DEPRECATED) throw failedPrecondition(`Namespace ${ns.name} is deprecated: no new workflows start in it`);
    return ns;
  };
  const executionRef = (ns: NamespaceRecord, execution: IWorkflowExecution | null | undefined, field: string): ExecutionRef => ({
    namespaceId: ns.id,
    workflowId: requireId(execution?.workflowId, `${field}.workflow_id`, idMax),
    runId: optionalId(execution?.runId, `${field}.run_id`, idMax),
  });
  const checkStart = (ns: NamespaceRecord, req: ws.IStartWorkflowExecutionRequest) => {
    requireId(req.workflowId, 'workflow_id', idMax);
    requireId(req.workflowType?.name, 'workflow_type.name', idMax);
    requireId(req.taskQueue?.name, 'task_queue.name', idMax);
    optionalId(req.requestId, 'request_id', idMax);
    checkPayloads(req.input, 'input', payloadMax, sizeWarning);
    checkPayload(req.userMetadata?.summary, 'user_metadata.summary', payloadMax, sizeWarning);
    checkPayload(req.userMetadata?.details, 'user_metadata.details', payloadMax, sizeWarning);
    checkMemo(req.memo, 'memo', config.limits, memoWarning);
    const badSearchAttributes = searchAttributesProblem(ns, req.searchAttributes?.indexedFields);
    if (badSearchAttributes) throw invalidArgument(`search_attributes: ${badSearchAttributes}`);
    for (const field of ['workflowExecutionTimeout', 'workflowRunTimeout', 'workflowTaskTimeout'] as const) {
      const d = req[field];
      if (d && (Number(d.seconds ?? 0) < 0 || (d.nanos ?? 0) < 0)) throw invalidArgument(`${snake(field)} cannot be negative`);
    }
  };

  const memoWarning: SizeWarning = {
    bytes: config.limits.memoSizeWarnBytes,
    report: (field, sizeBytes, warnBytes) => es.log.warn({ field, sizeBytes, warnBytes }, 'Memo size exceeds the warning limit.'),
  };

  const handlers: Record<string, (req: never, ctx: CallContext) => Promise<object>> = {
    GetSystemInfo: () =>
      Promise.resolve({
        serverVersion: '1.24.0',
        capabilities: {
          signalAndQueryHeader: true,
          activityFailureIncludeHeartbeat: true,
          encodedFailureAttributes: true,
          sdkMetadata: true,
        },
      }),

    StartWorkflowExecution: async (req: ws.IStartWorkflowExecutionRequest) => {
      const ns = startableNamespace(req.namespace);
      checkStart(ns, req);
      if (req.requestEagerExecution) return startWorkflowEagerly(es, ns, req);
      const result = await history.startWorkflow(es, ns, req);
      return { runId: result.runId, started: result.started };
    },

    SignalWithStartWorkflowExecution: async (req: ws.ISignalWithStartWorkflowExecutionRequest) => {
      const ns = startableNamespace(req.namespace);
      checkStart(ns, req);
      const signalName = requireId(req.signalName, 'signal_name', idMax);
      checkPayloads(req.signalInput, 'signal_input', payloadMax, sizeWarning);
      const result = await history.startWorkflow(es, ns, req, {
        signalName,
        input: req.signalInput,
        header: req.header,
        identity: req.identity ?? '',
        requestId: '',
      });
      return { runId: result.runId, started: result.started };
    },

    SignalWorkflowExecution: async (req: ws.ISignalWorkflowExecutionRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.workflowExecution, 'workflow_execution');
      const signalName = requireId(req.signalName, 'signal_name', idMax);
      checkPayloads(req.input, 'input', payloadMax, sizeWarning);
      await history.signalWorkflow(es, ref, {
        signalName,
        input: req.input,
        header: req.header,
        identity: req.identity ?? '',
        requestId: optionalId(req.requestId, 'request_id', idMax),
      });
      return {};
    },

    RequestCancelWorkflowExecution: async (req: ws.IRequestCancelWorkflowExecutionRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.workflowExecution, 'workflow_execution');
      await history.requestCancelWorkflow(es, ref, req.reason ?? '', req.identity ?? '');
      return {};
    },

    TerminateWorkflowExecution: async (req: ws.ITerminateWorkflowExecutionRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.workflowExecution, 'workflow_execution');
      checkPayloads(req.details, 'details', payloadMax, sizeWarning);
      await history.terminateWorkflow(es, ref, req.reason ?? '', req.details, req.identity ?? '');
      return {};
    },

    DeleteWorkflowExecution: async (req: ws.IDeleteWorkflowExecutionRequest) => {
      const ns = namespace(req.namespace);
      await deleteWorkflow(es, executionRef(ns, req.workflowExecution, 'workflow_execution'), '');
      return {};
    },

    ResetWorkflowExecution: async (req: ws.IResetWorkflowExecutionRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.workflowExecution, 'workflow_execution');
      optionalId(req.requestId, 'request_id', idMax);
      if (Number(req.workflowTaskFinishEventId ?? 0) <= 0) throw invalidArgument('workflow_task_finish_event_id must be positive');
      return { runId: await resetWorkflow(es, ref, req) };
    },

    DescribeWorkflowExecution: (req: ws.IDescribeWorkflowExecutionRequest) => {
      const ns = namespace(req.namespace);
      return history.describeWorkflow(es, ns, executionRef(ns, req.execution, 'execution'));
    },

    GetWorkflowExecutionHistory: async (req: ws.IGetWorkflowExecutionHistoryRequest, ctx) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      const token = history.decodePageToken(req.nextPageToken);
      if (req.nextPageToken?.length && !token) throw invalidArgument('next_page_token is malformed');
      if (token) ref.runId = token.run;
      const page = await history.getHistory(es, watchers, ref, {
        closeEventOnly: req.historyEventFilterType === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
        waitNewEvent: !!req.waitNewEvent,
        pageSize: Math.min(req.maximumPageSize || config.historyPageSizeMax, config.historyPageSizeMax),
        fromEventId: token?.next ?? 1,
        waitMs: config.historyLongPollTimeoutMs,
        signal: ctx.signal,
      });
      return withRawHistory({ nextPageToken: page.nextPageToken }, page.events);
    },

    GetWorkflowExecutionHistoryReverse: async (req: ws.IGetWorkflowExecutionHistoryReverseRequest) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      const token = history.decodePageToken(req.nextPageToken);
      if (req.nextPageToken?.length && !token) throw invalidArgument('next_page_token is malformed');
      if (token) ref.runId = token.run;
      const page = await history.getHistoryReverse(es, ref, {
        pageSize: Math.min(req.maximumPageSize || config.historyPageSizeMax, config.historyPageSizeMax),
        beforeEventId: token?.next ?? null,
      });
      return withRawHistory({ nextPageToken: page.nextPageToken }, page.events);
    },

    PollWorkflowTaskQueue: async (req: ws.IPollWorkflowTaskQueueRequest, ctx) => {
      const ns = namespace(req.namespace);
      const taskQueue = requireId(req.taskQueue?.name, 'task_queue.name', idMax);
      const identity = req.identity ?? '';
      const polled = { name: taskQueue, sticky: req.taskQueue?.kind === enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY };
      const deadline = Date.now() + config.pollTimeoutMs;
      // A sticky queue's worker is gone when the connection it polls on closes (kill -9).
      if (polled.sticky && ctx.connectionClosed) matching.watchStickyConnection(ns.id, taskQueue, ctx.connectionClosed);
      for (;;) {
        const matched = await matching.poll(ns.id, taskQueue, 'workflow', identity, deadline - Date.now(), ctx.signal, polled.sticky);
        if (!matched) return {};
        if (ctx.signal.aborted) {
          matching.requeue(ns.id, taskQueue, 'workflow', matched);
          return {};
        }
        const response =
          matched.type === 'query'
            ? await queryTaskResponse(matched)
            : await recordStarted(matched, () => history.recordWorkflowTaskStarted(es, matched.task, identity, randomUUID(), polled));
        if (response) return response;
      }
    },

    RespondWorkflowTaskCompleted: async (req: ws.IRespondWorkflowTaskCompletedRequest) => {
      const token = decodeTaskToken(req.taskToken, 'wt');
      checkTokenNamespace(namespace(req.namespace), token.ns);
      // Command payloads and memos are checked by history (command-sizes.ts): as in Temporal, one
      // too large fails the task and terminates the run rather than refusing the call.
      checkMessages(req.messages ?? [], payloadMax);
      const outcome = await history.completeWorkflowTask(es, token, req);
      if (!outcome.ok) throw outcome.error;
      return { activityTasks: outcome.activityTasks, resetHistoryEventId: outcome.resetHistoryEventId };
    },

    RespondWorkflowTaskFailed: async (req: ws.IRespondWorkflowTaskFailedRequest) => {
      const token = decodeTaskToken(req.taskToken, 'wt');
      checkTokenNamespace(namespace(req.namespace), token.ns);
      await history.failWorkflowTask(es, token, req);
      return {};
    },

    RespondQueryTaskCompleted: (req: ws.IRespondQueryTaskCompletedRequest) => {
      const token = decodeTaskToken(req.taskToken, 'q');
      namespace(req.namespace);
      checkPayloads(req.queryResult, 'query_result', payloadMax, sizeWarning);
      return queries.answer(token.id, req).then(() => ({}));
    },

    QueryWorkflow: (req: ws.IQueryWorkflowRequest, ctx) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.execution, 'execution');
      requireId(req.query?.queryType, 'query.query_type', idMax);
      checkPayloads(req.query?.queryArgs, 'query.query_args', payloadMax, sizeWarning);
      return queries.query(ref, req.query!, req.queryRejectCondition ?? 0, ctx.signal);
    },

    PollActivityTaskQueue: async (req: ws.IPollActivityTaskQueueRequest, ctx) => {
      const ns = namespace(req.namespace);
      const taskQueue = requireId(req.taskQueue?.name, 'task_queue.name', idMax);
      const identity = req.identity ?? '';
      const deadline = Date.now() + config.pollTimeoutMs;
      for (;;) {
        const matched = await matching.poll(ns.id, taskQueue, 'activity', identity, deadline - Date.now(), ctx.signal);
        if (!matched) return {};
        if (ctx.signal.aborted || matched.type !== 'task') {
          matching.requeue(ns.id, taskQueue, 'activity', matched);
          return {};
        }
        const response = await recordStarted(matched, () =>
          activity.recordActivityTaskStarted(es, matched.task, identity, randomUUID()),
        );
        if (response) return response;
      }
    },

    RecordActivityTaskHeartbeat: async (req: ws.IRecordActivityTaskHeartbeatRequest) => {
      const token = decodeTaskToken(req.taskToken, 'at');
      checkTokenNamespace(namespace(req.namespace), token.ns);
      checkPayloads(req.details, 'details', payloadMax, sizeWarning);
      return activity.updateActivity(es, token, (tx, a) => activity.recordHeartbeat(tx, a, req.details));
    },

    RecordActivityTaskHeartbeatById: async (req: ws.IRecordActivityTaskHeartbeatByIdRequest) => {
      const token = await tokenById(req);
      checkPayloads(req.details, 'details', payloadMax, sizeWarning);
      return activity.updateActivity(es, token, (tx, a) => activity.recordHeartbeat(tx, a, req.details));
    },

    RespondActivityTaskCompleted: async (req: ws.IRespondActivityTaskCompletedRequest, ctx) => {
      const token = decodeTaskToken(req.taskToken, 'at');
      checkTokenNamespace(namespace(req.namespace), token.ns);
      checkPayloads(req.result, 'result', payloadMax, sizeWarning);
      const complete = (tx: ExecutionTx, a: ActivityState) => activity.completeActivity(tx, a, req.result, req.identity ?? '');
      const next = nextWorkflowTaskRequestOf(ctx, req.identity);
      if (next) return answerWithNextWorkflowTask(es, ctx, await respondActivityWithNextWorkflowTask(es, token, complete, next));
      await activity.updateActivity(es, token, complete);
      return {};
    },

    RespondActivityTaskCompletedById: async (req: ws.IRespondActivityTaskCompletedByIdRequest) => {
      const token = await tokenById(req);
      checkPayloads(req.result, 'result', payloadMax, sizeWarning);
      await activity.updateActivity(es, token, (tx, a) => activity.completeActivity(tx, a, req.result, req.identity ?? ''));
      return {};
    },

    RespondActivityTaskFailed: async (req: ws.IRespondActivityTaskFailedRequest, ctx) => {
      const token = decodeTaskToken(req.taskToken, 'at');
      checkTokenNamespace(namespace(req.namespace), token.ns);
      checkFailure(req.failure, 'failure', payloadMax, sizeWarning);
      checkPayloads(req.lastHeartbeatDetails, 'last_heartbeat_details', payloadMax, sizeWarning);
      const fail = (tx: ExecutionTx, a: ActivityState) =>
        activity.failActivity(tx, a, req.failure, req.lastHeartbeatDetails, req.identity ?? '');
      const next = nextWorkflowTaskRequestOf(ctx, req.identity);
      if (next) return answerWithNextWorkflowTask(es, ctx, await respondActivityWithNextWorkflowTask(es, token, fail, next));
      await activity.updateActivity(es, token, fail);
      return {};
    },

    RespondActivityTaskFailedById: async (req: ws.IRespondActivityTaskFailedByIdRequest) => {
      const token = await tokenById(req);
      checkFailure(req.failure, 'failure', payloadMax, sizeWarning);
      checkPayloads(req.lastHeartbeatDetails, 'last_heartbeat_details', payloadMax, sizeWarning);
      await activity.updateActivity(es, token, (tx, a) =>
        activity.failActivity(tx, a, req.failure, req.lastHeartbeatDetails, req.identity ?? ''),
      );
      return {};
    },

    RespondActivityTaskCanceled: async (req: ws.IRespondActivityTaskCanceledRequest) => {
      const token = decodeTaskToken(req.taskToken, 'at');
      checkTokenNamespace(namespace(req.namespace), token.ns);
      checkPayloads(req.details, 'details', payloadMax, sizeWarning);
      await activity.updateActivity(es, token, (tx, a) => activity.cancelActivity(tx, a, req.details, req.identity ?? ''));
      return {};
    },

    RespondActivityTaskCanceledById: async (req: ws.IRespondActivityTaskCanceledByIdRequest) => {
      const token = await tokenById(req);
      checkPayloads(req.details, 'details', payloadMax, sizeWarning);
      await activity.updateActivity(es, token, (tx, a) => activity.cancelActivity(tx, a, req.details, req.identity ?? ''));
      return {};
    },

    ...activityOperationHandlers({ executions: es, idMax, namespace, executionRef }),
    ...visibilityHandlers({ config, store: deps.store, namespace, nowMs: () => es.clock.nowMs() }),
    ...updateHandlers({ config, executions: es, watchers, namespace, executionRef, checkStart }),

    DescribeTaskQueue: async (req: ws.IDescribeTaskQueueRequest) => {
      const ns = namespace(req.namespace);
      const taskQueue = requireId(req.taskQueue?.name, 'task_queue.name', idMax);
      const kind = req.taskQueueType === enums.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY ? 'activity' : 'workflow';
      const local = matching.describe(ns.id, taskQueue, kind);
      const { pollers, backlog, oldestTaskCreatedMs } = deps.cluster
        ? await deps.cluster.describeTaskQueue(ns.id, taskQueue, kind, local, config.pollerExpiryMs)
        : local;
      // Rates are not tracked: stats carry the backlog only (count and age).
      const backlogAgeMs = oldestTaskCreatedMs === undefined ? 0 : Math.max(0, es.clock.nowMs() - oldestTaskCreatedMs);
      return {
        pollers: pollers.map((p) => ({ identity: p.identity, lastAccessTime: msToTimestamp(p.lastAccessTimeMs), ratePerSecond: 0 })),
        taskQueueStatus: req.includeTaskQueueStatus ? { backlogCountHint: backlog } : null,
        stats: req.reportStats ? { approximateBacklogCount: backlog, approximateBacklogAge: msToDuration(backlogAgeMs) } : null,
      };
    },

    ResetStickyTaskQueue: async (req: ws.IResetStickyTaskQueueRequest) => {
      const ns = namespace(req.namespace);
      await resetStickyTaskQueue(es, matching, executionRef(ns, req.execution, 'execution'));
      return {};
    },

    ShutdownWorker: (req: ws.IShutdownWorkerRequest) => {
      const ns = namespace(req.namespace);
      const stickyQueue = optionalId(req.stickyTaskQueue, 'sticky_task_queue', idMax);
      if (stickyQueue) matching.releaseStickyQueue(ns.id, stickyQueue);
      return Promise.resolve({});
    },
  };

  async function tokenById(req: {
    namespace?: string | null;
    workflowId?: string | null;
    runId?: string | null;
    activityId?: string | null;
  }) {
    const ns = namespace(req.namespace);
    const ref = executionRef(ns, { workflowId: req.workflowId, runId: req.runId }, 'execution');
    const activityId = requireId(req.activityId, 'activity_id', idMax);
    return activity.activityTokenById(es, ref, activityId);
  }

  /**
   * Record a matched task as started; a stale one (its execution moved on or is gone) is dropped so polling goes on.
   * On several nodes this node's copy of the run may be older than the task: a task found stale is checked
   * again on the run read afresh before its row is deleted.
   */
  async function recordStarted<T>(matched: Extract<MatchedTask, { type: 'task' }>, record: () => Promise<T | null>) {
    const t = matched.task;
    for (let attempt = 1; ; attempt++) {
      let started: T | null;
      try {
        started = await record();
      } catch (err) {
        if (!history.isStaleTaskError(err)) {
          matching.requeue(t.namespaceId, t.taskQueue, t.kind, matched);
          throw err;
        }
        started = null;
      }
      if (started === null && deps.cluster && attempt === 1) {
        es.evict(t.namespaceId, t.workflowId, t.runId);
        continue;
      }
      matching.release(t.id);
      if (started === null) await deps.store.deleteTaskQueueTasks([t.id]);
      return started;
    }
  }

  async function queryTaskResponse(matched: Extract<MatchedTask, { type: 'query' }>) {
    const q = matched.query;
    const query = await queries.take(q);
    if (!query) return null;
    const state = await es.read({ namespaceId: q.namespaceId, workflowId: q.workflowId, runId: q.runId });
    const events = await readHistoryEventBytes(deps.store, q.namespaceId, q.runId, 1, state.nextEventId - 1);
    return withRawHistory({
      taskToken: encodeTaskToken({ k: 'q', id: q.id }),
      workflowExecution: { workflowId: q.workflowId, runId: q.runId },
      workflowType: { name: state.workflowType },
      previousStartedEventId: state.lastCompletedWorkflowTaskStartedEventId,
      startedEventId: 0,
      attempt: 1,
      query,
      workflowExecutionTaskQueue: { name: state.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    }, events);
  }

  return handlers as Record<string, UnaryHandler>;
}

function checkTokenNamespace(ns: NamespaceRecord, namespaceId: string): void {
  if (ns.id !== namespaceId) throw invalidArgument('task_token belongs to another namespace');
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
