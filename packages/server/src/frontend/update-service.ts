/**
 * Handlers for workflow updates: UpdateWorkflowExecution,
 * PollWorkflowExecutionUpdate and update-with-start (ExecuteMultiOperation);
 * the engine side is history/updates.ts.
 */
import type { NamespaceRecord } from '../persistence/store.js';
import { enums, proto, temporal } from '../common/proto.js';
import { ServiceError, invalidArgument } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import type { ResolvedConfig } from '../config.js';
import type { ExecutionRef, ExecutionStore } from '../history/engine.js';
import type { RunWatchers } from '../history/run-watchers.js';
import { admitUpdate, admitUpdateBeforeStart, type AdmittedUpdate } from '../history/updates.js';
import { waitForUpdate } from '../history/update-waiters.js';
import { startWorkflow } from '../history/workflow-lifecycle.js';
import type { CallContext } from './grpc-server.js';
import { checkPayloads, optionalId, requireId, type RequestTargets } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;

const Stage = enums.UpdateWorkflowExecutionLifecycleStage;
type MultiOperationStatus = NonNullable<proto.temporal.api.errordetails.v1.IMultiOperationExecutionFailure['statuses']>[number];

export interface UpdateServiceDeps extends RequestTargets {
  config: ResolvedConfig;
  executions: ExecutionStore;
  watchers: RunWatchers;
  /** The checks of a StartWorkflowExecution request. */
  checkStart: (ns: NamespaceRecord, req: ws.IStartWorkflowExecutionRequest) => void;
}

export function updateHandlers(deps: UpdateServiceDeps) {
  const { config, executions: es, watchers, namespace, executionRef, checkStart } = deps;
  const idMax = config.idLengthMax;

  /** Check an update request; `prefix` names where it sits in the caller's message. */
  const checkUpdate = (req: ws.IUpdateWorkflowExecutionRequest, prefix: string): number => {
    requireId(req.request?.meta?.updateId, `${prefix}request.meta.update_id`, idMax);
    requireId(req.request?.input?.name, `${prefix}request.input.name`, idMax);
    checkPayloads(req.request?.input?.args, `${prefix}request.input.args`, config.payloadSizeMaxBytes);
    const stage = req.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED;
    if (stage < 0 || stage > Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) {
      throw invalidArgument(`${prefix}wait_policy.lifecycle_stage ${stage} is not a lifecycle stage`);
    }
    // Unspecified waits for acceptance, as the SDKs expect of a plain update call.
    return stage || Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  };

  /** Wait (bounded by the long-poll timeout) for the stage the caller asked for, and answer where the update is. */
  const answer = async (
    ref: ExecutionRef,
    updateId: string,
    stage: number,
    admitted: AdmittedUpdate | undefined,
    signal: AbortSignal,
  ): Promise<ws.IUpdateWorkflowExecutionResponse> => {
    const status = await waitForUpdate(es, watchers, ref, { updateId, stage, timeoutMs: config.historyLongPollTimeoutMs, admitted }, signal);
    return {
      updateRef: { workflowExecution: { workflowId: ref.workflowId, runId: ref.runId }, updateId },
      outcome: status.outcome,
      stage: status.stage,
    };
  };

  return {
    UpdateWorkflowExecution: async (req: ws.IUpdateWorkflowExecutionRequest, ctx: CallContext) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.workflowExecution, 'workflow_execution');
      const stage = checkUpdate(req, '');
      const firstExecutionRunId = optionalId(req.firstExecutionRunId, 'first_execution_run_id', idMax);
      const { runId, admitted } = await admitUpdate(es, ref, req.request!, firstExecutionRunId);
      return answer({ ...ref, runId }, req.request!.meta!.updateId!, stage, admitted, ctx.signal);
    },

    PollWorkflowExecutionUpdate: async (req: ws.IPollWorkflowExecutionUpdateRequest, ctx: CallContext) => {
      const ns = namespace(req.namespace);
      const ref = executionRef(ns, req.updateRef?.workflowExecution, 'update_ref.workflow_execution');
      const updateId = requireId(req.updateRef?.updateId, 'update_ref.update_id', idMax);
      const runId = await es.resolveRunId(ref);
      const stage = req.waitPolicy?.lifecycleStage ?? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED;
      return answer({ ...ref, runId }, updateId, stage, undefined, ctx.signal);
    },

    /**
     * Update-with-start: the two operations Temporal allows, [start_workflow, update_workflow].
     * The update goes with the new run's first workflow task, or to the running workflow a
     * USE_EXISTING conflict policy keeps. An operation's error comes back as
     * MultiOperationExecutionFailure, the other operation marked aborted.
     */
    ExecuteMultiOperation: async (req: ws.IExecuteMultiOperationRequest, ctx: CallContext) => {
      const ns = namespace(req.namespace);
      const [first, second, ...rest] = req.operations ?? [];
      const start = first?.startWorkflow;
      const update = second?.updateWorkflow;
      if (!start || !update || rest.length > 0) {
        throw invalidArgument('operations must be exactly [start_workflow, update_workflow]');
      }
      let stage = 0;
      try {
        checkStart(ns, start);
      } catch (err) {
        throw multiOperationError(0, err);
      }
      try {
        if (update.workflowExecution?.workflowId !== start.workflowId) {
          throw invalidArgument('operations[1].update_workflow.workflow_execution.workflow_id must be the start_workflow workflow_id');
        }
        if (update.workflowExecution?.runId || update.firstExecutionRunId) {
          throw invalidArgument('operations[1].update_workflow must not name a run_id or first_execution_run_id');
        }
        stage = checkUpdate(update, 'operations[1].update_workflow.');
      } catch (err) {
        throw multiOperationError(1, err);
      }
      const admission = admitUpdateBeforeStart(es, ns.id, start.workflowId!, update.request!);
      let started: { runId: string; started: boolean };
      try {
        started = await startWorkflow(es, ns, start, undefined, (tx) => admission.onCreated(tx));
      } catch (err) {
        admission.cancel();
        throw multiOperationError(0, err);
      }
      try {
        await admission.bind(started.runId);
        const ref = { namespaceId: ns.id, workflowId: start.workflowId!, runId: started.runId };
        const updated = await answer(ref, update.request!.meta!.updateId!, stage, undefined, ctx.signal);
        return { responses: [{ startWorkflow: started }, { updateWorkflow: updated }] };
      } catch (err) {
        throw multiOperationError(1, err);
      }
    },
  };
}

/** One operation's error, the other operation aborted (what the SDKs unpack). */
function multiOperationError(failedIndex: number, err: unknown): unknown {
  if (!(err instanceof ServiceError)) return err;
  const aborted: MultiOperationStatus = {
    code: Status.ABORTED,
    message: 'Operation was aborted.',
    details: [{ type_url: 'type.googleapis.com/temporal.api.failure.v1.MultiOperationExecutionAborted', value: new Uint8Array() }],
  };
  const failed: MultiOperationStatus = {
    code: err.code,
    message: err.message,
    details: err.details ? [{ type_url: err.details.typeUrl, value: err.details.value }] : [],
  };
  const statuses = [0, 1].map((i) => (i === failedIndex ? failed : aborted));
  const details = temporal.api.errordetails.v1.MultiOperationExecutionFailure.encode({ statuses }).finish();
  return new ServiceError(err.code, err.message, {
    typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.MultiOperationExecutionFailure',
    value: details,
  });
}

/** The update messages of a workflow task completion: each body within the payload size limit. */
export function checkMessages(messages: proto.temporal.api.protocol.v1.IMessage[], sizeMaxBytes: number): void {
  for (const [i, m] of messages.entries()) {
    const size = m.body?.value?.length ?? 0;
    if (size > sizeMaxBytes) {
      throw invalidArgument(`messages[${i}].body is ${size} bytes, over the payload size limit of ${sizeMaxBytes} bytes`);
    }
  }
}
