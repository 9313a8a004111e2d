/**
 * Workflow Updates on the client side, as the official client does them: send
 * UpdateWorkflowExecution until the server says the Update is at least accepted
 * (it is durable from then on), then poll PollWorkflowExecutionUpdate for its outcome.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { LoadedDataConverter } from '@endure/common';
import proto from '@temporalio/proto';
import { isGrpcServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from './errors.js';
import { rethrowGrpcError } from './grpc-errors.js';
import { decodeFromPayloadsAtIndex, decodeOptionalFailureToOptionalError, encodeToPayloads } from './payload-codec.js';
import type { WorkflowExecution, WorkflowService } from './types.js';

type Outcome = proto.temporal.api.update.v1.IOutcome;
type UpdateRequest = proto.temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest;
type UpdateResponse = proto.temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse;
const LifecycleStage = proto.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;

/**
 * The stage an Update call waits for before it returns.
 *
 * @example
 * ```ts
 * const handle = await wf.startUpdate(holdUpdate, { args: ['a'], waitForStage: WorkflowUpdateStage.ACCEPTED });
 * ```
 */
export const WorkflowUpdateStage = {
  /** Admitted by the server, not yet seen by the Workflow (not durable). */
  ADMITTED: 'ADMITTED',
  /** Accepted by the Workflow's validator: durable from here on. */
  ACCEPTED: 'ACCEPTED',
  /** Completed by the Workflow's handler, with a result or a failure. */
  COMPLETED: 'COMPLETED',
} as const;
/** See {@link WorkflowUpdateStage}. */
export type WorkflowUpdateStage = (typeof WorkflowUpdateStage)[keyof typeof WorkflowUpdateStage];

/** A stage as the protocol spells it. */
export function encodeWorkflowUpdateStage(stage: WorkflowUpdateStage): number {
  return LifecycleStage[`UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_${stage}`];
}

/** What the client needs to make Update calls. */
export interface UpdateContext {
  workflowService: WorkflowService;
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
}

/** The request of one Update (the same request is sent again until the Update is accepted). */
export async function createUpdateRequest(
  ctx: UpdateContext,
  execution: WorkflowExecution,
  firstExecutionRunId: string | undefined,
  update: { name: string; args: unknown[]; updateId?: string; stage: WorkflowUpdateStage },
): Promise<UpdateRequest> {
  return {
    namespace: ctx.namespace,
    workflowExecution: execution,
    firstExecutionRunId,
    // The server never answers below ACCEPTED to a caller that keeps waiting, as in the official client.
    waitPolicy: { lifecycleStage: encodeWorkflowUpdateStage(update.stage === 'COMPLETED' ? 'COMPLETED' : 'ACCEPTED') },
    request: {
      meta: { updateId: update.updateId ?? randomUUID(), identity: ctx.identity },
      input: {
        header: { fields: {} },
        name: update.name,
        args: { payloads: await encodeToPayloads(ctx.dataConverter, update.args) },
      },
    },
  };
}

/** Sends the Update until it is accepted (or completed); answers the server's last response. */
export async function sendUpdate(ctx: UpdateContext, request: UpdateRequest): Promise<UpdateResponse> {
  let response: UpdateResponse;
  try {
    do {
      response = await ctx.workflowService.updateWorkflowExecution(request);
    } while ((response.stage ?? 0) < LifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
  } catch (err) {
    rethrowUpdateGrpcError(err, 'Workflow Update failed', request.workflowExecution as WorkflowExecution);
  }
  return response;
}

/** Polls until the Update has an outcome. */
export async function pollUpdateOutcome(ctx: UpdateContext, execution: WorkflowExecution, updateId: string): Promise<Outcome> {
  for (;;) {
    try {
      const response = await ctx.workflowService.pollWorkflowExecutionUpdate({
        namespace: ctx.namespace,
        updateRef: { workflowExecution: execution, updateId },
        identity: ctx.identity,
        waitPolicy: { lifecycleStage: encodeWorkflowUpdateStage('COMPLETED') },
      });
      if (response.outcome) return response.outcome;
    } catch (err) {
      rethrowUpdateGrpcError(err, 'Workflow Update Poll failed', execution);
    }
  }
}

/** The Update's result, or {@link WorkflowUpdateFailedError} with the Workflow's failure as cause. */
export async function decodeOutcome<Ret>(converter: LoadedDataConverter, outcome: Outcome): Promise<Ret> {
  if (outcome.failure) {
    throw new WorkflowUpdateFailedError('Workflow Update failed', await decodeOptionalFailureToOptionalError(converter, outcome.failure));
  }
  return decodeFromPayloadsAtIndex<Ret>(converter, 0, outcome.success?.payloads);
}

/** A timed-out or cancelled call is {@link WorkflowUpdateRPCTimeoutOrCancelledError}; the rest as every call. */
export function rethrowUpdateGrpcError(err: unknown, fallbackMessage: string, execution?: WorkflowExecution): never {
  if (isGrpcServiceError(err) && (err.code === status.DEADLINE_EXCEEDED || err.code === status.CANCELLED)) {
    throw new WorkflowUpdateRPCTimeoutOrCancelledError(err.details || 'Workflow update call timeout or cancelled', { cause: err });
  }
  rethrowGrpcError(err, fallbackMessage, execution);
}
