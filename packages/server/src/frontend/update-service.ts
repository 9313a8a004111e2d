/**
 * Handlers for workflow updates: UpdateWorkflowExecution and
 * PollWorkflowExecutionUpdate (the engine side is history/updates.ts).
 */
import { enums, proto } from '../common/proto.js';
import { invalidArgument } from '../common/errors.js';
import type { ResolvedConfig } from '../config.js';
import type { ExecutionRef, ExecutionStore } from '../history/engine.js';
import type { RunWatchers } from '../history/run-watchers.js';
import { admitUpdate, waitForUpdate, type AdmittedUpdate } from '../history/updates.js';
import type { NamespaceRecord } from '../persistence/store.js';
import type { CallContext } from './grpc-server.js';
import { checkPayloads, requireId } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;

const Stage = enums.UpdateWorkflowExecutionLifecycleStage;

export interface UpdateServiceDeps {
  config: ResolvedConfig;
  executions: ExecutionStore;
  watchers: RunWatchers;
  namespace: (name: string | null | undefined) => NamespaceRecord;
  executionRef: (
    ns: NamespaceRecord,
    execution: proto.temporal.api.common.v1.IWorkflowExecution | null | undefined,
    field: string,
  ) => ExecutionRef;
}

export function updateHandlers(deps: UpdateServiceDeps) {
  const { config, executions: es, watchers, namespace, executionRef } = deps;
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
      const { runId, admitted } = await admitUpdate(es, ref, req.request!);
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
  };
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
