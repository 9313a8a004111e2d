/**
 * Queries: not persisted. A query waits for a quiet moment between workflow
 * tasks, goes to a poller of the workflow's task queue as a legacy query task,
 * and its caller waits for RespondQueryTaskCompleted (bounded).
 */
import { randomUUID } from 'node:crypto';
import { ServiceError, invalidArgument, notFound } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { enums, temporal, type proto } from '../common/proto.js';
import type { MatchingEngine, QueryDispatch } from '../matching/matching-engine.js';
import type { ExecutionStore, ExecutionRef } from './engine.js';
import type { RunWatchers } from './run-watchers.js';
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

export class QueryDispatcher {
  private readonly pending = new Map<string, PendingQuery>();

  constructor(
    private readonly es: ExecutionStore,
    private readonly matching: MatchingEngine,
    private readonly watchers: RunWatchers,
    private readonly timeoutMs: number,
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
    if (!answer) throw new ServiceError(Status.DEADLINE_EXCEEDED, 'query timed out: no worker answered');
    if (answer.completedType === enums.QueryResultType.QUERY_RESULT_TYPE_ANSWERED) {
      return { queryResult: answer.queryResult };
    }
    throw queryFailed(answer);
  }

  /** The query a matched dispatch carries, or null when its caller gave up. */
  take(dispatch: QueryDispatch): IWorkflowQuery | null {
    return this.pending.get(dispatch.id)?.query ?? null;
  }

  answer(id: string, req: QueryCompletedRequest): void {
    const pending = this.pending.get(id);
    if (!pending) throw notFound('query not found: it timed out or was already answered');
    pending.resolve(req);
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
