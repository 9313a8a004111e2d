/**
 * Queries: not part of history. A query waits for a quiet moment between workflow
 * tasks, goes to a poller of the workflow's task queue as a legacy query task,
 * and its caller waits for RespondQueryTaskCompleted (bounded).
 *
 * On several nodes (`cluster`) the worker may poll, and answer, on another node than the
 * one its caller waits on: the query is also a row in `query_tasks`, announced to every
 * node; whichever node's poller takes it first claims the row (so one worker gets it), and
 * the node that receives the answer writes it to the row and announces it to the caller's.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError, invalidArgument, notFound } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { enums, temporal, type proto } from '../common/proto.js';
import type { MatchingEngine, QueryDispatch } from '../matching/matching-engine.js';
import type { ExecutionStore, ExecutionRef } from './engine.js';
import type { RunWatchers } from './run-watchers.js';
import type { ClusterStore } from '../persistence/store.js';
import type { ClusterBus } from '../cluster/cluster-bus.js';
import { isRunning, type ExecutionState } from './mutable-state.js';

type IWorkflowQuery = proto.temporal.api.query.v1.IWorkflowQuery;
type QueryResponse = proto.temporal.api.workflowservice.v1.IQueryWorkflowResponse;
type QueryCompletedRequest = proto.temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest;

interface PendingQuery {
  dispatch: QueryDispatch;
  query: IWorkflowQuery;
  resolve(response: QueryCompletedRequest): void;
}

const noWorkflowTaskPending = (s: ExecutionState) =>
  s.workflowTask === null || !isRunning(s);

export interface QueryCluster {
  store: ClusterStore;
  bus: ClusterBus;
}

export class QueryDispatcher {
  private readonly pending = new Map<string, PendingQuery>();
  /** Queries of other nodes queued here, and when to forget them. */
  private readonly remote = new Map<string, number>();

  constructor(
    private readonly es: ExecutionStore,
    private readonly matching: MatchingEngine,
    private readonly watchers: RunWatchers,
    private readonly timeoutMs: number,
    private readonly cluster: QueryCluster | null = null,
  ) {}

  async query(ref: ExecutionRef, query: IWorkflowQuery, rejectCondition: number, signal: AbortSignal): Promise<QueryResponse> {
    const deadline = Date.now() + this.timeoutMs;
    let state = await this.es.read(ref);
    const closed = !isRunning(state);
    if (
      (rejectCondition === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN && closed) ||
      (rejectCondition === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
        closed &&
        state.status !== enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
    ) {
      return { queryRejected: { status: state.status } };
    }
    if (!noWorkflowTaskPending(state)) {
      await this.watchers.waitFor(state.namespaceId, state.runId, noWorkflowTaskPending, deadline - Date.now(), signal);
      state = await this.es.read({ ...ref, runId: state.runId });
    }
    const dispatch: QueryDispatch = {
      id: randomUUID(),
      namespaceId: state.namespaceId,
      workflowId: state.workflowId,
      runId: state.runId,
    };
    if (this.cluster) await this.announce(dispatch, state.taskQueue, query);
    const answer = await new Promise<QueryCompletedRequest | null>((resolve) => {
      const timer = setTimeout(() => finish(null), Math.max(0, deadline - Date.now()));
      const onAbort = () => finish(null);
      const finish = (r: QueryCompletedRequest | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(dispatch.id);
        resolve(r);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(dispatch.id, { dispatch, query, resolve: finish });
      this.matching.addQuery(state.taskQueue, dispatch);
    });
    if (this.cluster) this.cluster.store.deleteQueryTask(dispatch.id).catch(() => undefined);
    if (!answer) throw new ServiceError(Status.DEADLINE_EXCEEDED, 'query timed out: no worker answered');
    if (answer.completedType === enums.QueryResultType.QUERY_RESULT_TYPE_ANSWERED) {
      return { queryResult: answer.queryResult };
    }
    throw queryFailed(answer);
  }

  /** The query a matched dispatch carries, or null when its caller gave up (or another node's poller took it). */
  async take(dispatch: QueryDispatch): Promise<IWorkflowQuery | null> {
    if (!this.cluster) return this.pending.get(dispatch.id)?.query ?? null;
    this.remote.delete(dispatch.id);
    const claimed = await this.cluster.store.claimQueryTask(dispatch.id);
    return claimed ? temporal.api.query.v1.WorkflowQuery.decode(claimed) : null;
  }

  async answer(id: string, req: QueryCompletedRequest): Promise<void> {
    const pending = this.pending.get(id);
    if (pending) return pending.resolve(req);
    const stored =
      this.cluster &&
      (await this.cluster.store.answerQueryTask(id, temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest.encode(req).finish()));
    if (!stored) throw notFound('query not found: it timed out or was already answered');
    this.cluster.bus.publish({ t: 'query-answered', id });
  }

  /** Another node has a query for a poller of `taskQueue`: queue it here too. */
  offerRemote(id: string, namespaceId: string, taskQueue: string, workflowId: string, runId: string): void {
    if (this.pending.has(id) || this.remote.has(id)) return;
    this.remote.set(id, Date.now() + 2 * this.timeoutMs);
    this.matching.addQuery(taskQueue, { id, namespaceId, workflowId, runId });
  }

  /** A worker answered a query of this node's through another node. */
  async answeredRemotely(id: string): Promise<void> {
    const pending = this.pending.get(id);
    if (!pending || !this.cluster) return;
    const answer = await this.cluster.store.takeQueryAnswer(id);
    if (answer) pending.resolve(temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest.decode(answer));
  }

  /** Queue queries whose announcement was lost, and delete rows their callers left behind. */
  async sweep(nowMs: number): Promise<void> {
    if (!this.cluster) return;
    for (const [id, forgetAtMs] of this.remote) if (forgetAtMs < nowMs) this.remote.delete(id);
    for (const q of await this.cluster.store.listUnclaimedQueryTasks(nowMs - 1000)) {
      this.offerRemote(q.id, q.namespaceId, q.taskQueue, q.workflowId, q.runId);
    }
    await this.cluster.store.deleteQueryTasksCreatedBefore(nowMs - 2 * this.timeoutMs);
  }

  private async announce(dispatch: QueryDispatch, taskQueue: string, query: IWorkflowQuery): Promise<void> {
    const { store, bus } = this.cluster!;
    await store.insertQueryTask({
      id: dispatch.id,
      namespaceId: dispatch.namespaceId,
      taskQueue,
      workflowId: dispatch.workflowId,
      runId: dispatch.runId,
      query: temporal.api.query.v1.WorkflowQuery.encode(query).finish(),
      createdMs: Date.now(),
    });
    bus.publish({ t: 'query', id: dispatch.id, ns: dispatch.namespaceId, queue: taskQueue, wf: dispatch.workflowId, run: dispatch.runId });
  }
}

function queryFailed(answer: QueryCompletedRequest): ServiceError {
  const message = answer.errorMessage || answer.failure?.message || 'query failed';
  const details = temporal.api.errordetails.v1.QueryFailedFailure.encode({ failure: answer.failure }).finish();
  const err = invalidArgument(message);
  return new ServiceError(err.code, message, {
    typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.QueryFailedFailure',
    value: details,
  });
}
