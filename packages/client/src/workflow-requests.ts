/**
 * Builders of the start-type requests (`StartWorkflowExecution`, `SignalWithStartWorkflowExecution`)
 * from compiled options: payload encoding, policy enums, retry policy, memo and search attributes.
 */
import { randomUUID } from 'node:crypto';
import {
  compileRetryPolicy,
  encodeUnifiedSearchAttributes,
  encodeWorkflowIdConflictPolicy,
  encodeWorkflowIdReusePolicy,
  type LoadedDataConverter,
} from '@endure/common';
import proto from '@temporalio/proto';
import { encodeMapToPayloads, encodeOptionalSingle, encodeToPayloads } from './payload-codec.js';
import type { StartWorkflowExecutionRequest } from './types.js';
import type { CompiledWorkflowOptions } from './workflow-options.js';

type SignalWithStartRequest = proto.temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest;

export interface StartRequestContext {
  namespace: string;
  identity: string;
  dataConverter: LoadedDataConverter;
}

/** The fields start and signal-with-start requests share. */
async function commonStartFields(
  context: StartRequestContext,
  workflowType: string,
  options: CompiledWorkflowOptions,
): Promise<StartWorkflowExecutionRequest> {
  const { dataConverter } = context;
  return {
    namespace: context.namespace,
    identity: context.identity,
    requestId: randomUUID(),
    workflowId: options.workflowId,
    workflowIdReusePolicy: encodeWorkflowIdReusePolicy(options.workflowIdReusePolicy),
    workflowIdConflictPolicy: encodeWorkflowIdConflictPolicy(options.workflowIdConflictPolicy),
    workflowType: { name: workflowType },
    input: { payloads: await encodeToPayloads(dataConverter, options.args) },
    taskQueue: { kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL, name: options.taskQueue },
    workflowExecutionTimeout: options.workflowExecutionTimeout,
    workflowRunTimeout: options.workflowRunTimeout,
    workflowTaskTimeout: options.workflowTaskTimeout,
    workflowStartDelay: options.startDelay,
    retryPolicy: options.retry ? compileRetryPolicy(options.retry) : undefined,
    memo: options.memo ? { fields: await encodeMapToPayloads(dataConverter, options.memo) } : undefined,
    searchAttributes:
      options.searchAttributes || options.typedSearchAttributes
        ? { indexedFields: encodeUnifiedSearchAttributes(options.searchAttributes, options.typedSearchAttributes) }
        : undefined,
    cronSchedule: options.cronSchedule,
    header: { fields: {} },
    userMetadata: await encodeUserMetadata(dataConverter, options.staticSummary, options.staticDetails),
  };
}

/** A `StartWorkflowExecution` request (the caller decides on eager start: `WorkflowClient.startWorkflow`). */
export async function createStartWorkflowRequest(
  context: StartRequestContext,
  workflowType: string,
  options: CompiledWorkflowOptions,
): Promise<StartWorkflowExecutionRequest> {
  return commonStartFields(context, workflowType, options);
}

/** A `SignalWithStartWorkflowExecution` request. */
export async function createSignalWithStartRequest(
  context: StartRequestContext,
  workflowType: string,
  options: CompiledWorkflowOptions,
  signalName: string,
  signalArgs: readonly unknown[],
): Promise<SignalWithStartRequest> {
  return {
    ...(await commonStartFields(context, workflowType, options)),
    signalName,
    signalInput: { payloads: await encodeToPayloads(context.dataConverter, signalArgs) },
  };
}

/** `staticSummary`/`staticDetails` as sent: one payload each, through the data converter. */
export async function encodeUserMetadata(
  dataConverter: LoadedDataConverter,
  summary: string | undefined,
  details: string | undefined,
): Promise<proto.temporal.api.sdk.v1.IUserMetadata | undefined> {
  if (summary === undefined && details === undefined) return undefined;
  return {
    summary: await encodeOptionalSingle(dataConverter, summary),
    details: await encodeOptionalSingle(dataConverter, details),
  };
}
