/**
 * `@endure/client`: connect to an Endure (or Temporal) server, start Workflows and interact
 * with them. The API mirrors `@temporalio/client`: porting is replacing `@temporalio/` with
 * `@endure/` in imports.
 *
 * @example
 * ```ts
 * import { Client, Connection } from '@endure/client';
 *
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const client = new Client({ connection });
 * const handle = await client.workflow.start('orderWorkflow', { taskQueue: 'orders', workflowId: 'order-42', args: [order] });
 * console.log(await handle.result());
 * await connection.close();
 * ```
 *
 * @module
 */
export {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  NamespaceNotFoundError,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  defaultPayloadConverter,
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
  type CommonWorkflowOptions,
  type DataConverter,
  type HistoryAndWorkflowId,
  type RetryPolicy,
  type SearchAttributeKey,
  type SearchAttributePair,
  type SearchAttributes,
  type SearchAttributeUpdatePair,
  type SearchAttributeValue,
  type WorkflowDurationOptions,
} from '@endure/common';
export { BaseClient, defaultBaseClientOptions, type BaseClientOptions, type LoadedBaseClientOptions } from './base-client.js';
export { Client, type ClientOptions, type LoadedClientOptions } from './client.js';
export { Connection } from './connection.js';
export type { ActivityTaskAnswer } from './next-workflow-task.js';
export type { ApiKeyInfo, ApiKeyService, CreateApiKeyRequest, CreateApiKeyResponse } from './api-key-service.js';
export {
  LOCAL_TARGET,
  type ConnectionOptions,
  type ConnectionOptionsWithDefaults,
  type TLSConfig,
} from './connection-options.js';
export {
  QueryNotRegisteredError,
  QueryRejectedError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ServiceError,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
  isServerErrorResponse,
} from './errors.js';
export {
  defaultGrpcRetryOptions,
  isRetryableError,
  makeGrpcRetryInterceptor,
  type BackoffOptions,
  type GrpcRetryOptions,
} from './grpc-retry.js';
export {
  QueryRejectCondition,
  type CallContext,
  type ConnectionLike,
  type CountWorkflowExecution,
  type EagerWorkflowTaskSlot,
  type EagerWorkflowTaskWorkers,
  type DescribeWorkflowExecutionResponse,
  type GetWorkflowExecutionHistoryRequest,
  type Metadata,
  type OperatorService,
  type RawWorkflowExecutionInfo,
  type RequestCancelWorkflowExecutionResponse,
  type StartWorkflowExecutionRequest,
  type TerminateWorkflowExecutionResponse,
  type WorkflowExecution,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
  type WorkflowExecutionStatusName,
  type WorkflowService,
} from './types.js';
export {
  ScheduleClient,
  type ListScheduleOptions,
  type LoadedScheduleClientOptions,
  type ScheduleClientOptions,
  type ScheduleHandle,
} from './schedule-client.js';
export {
  DAYS_OF_WEEK,
  MONTHS,
  ScheduleOverlapPolicy,
  decodeScheduleOverlapPolicy,
  encodeScheduleOverlapPolicy,
  type Backfill,
  type CalendarSpec,
  type CalendarSpecDescription,
  type CompiledScheduleAction,
  type CompiledScheduleOptions,
  type CompiledScheduleUpdateOptions,
  type DayOfWeek,
  type IntervalSpec,
  type IntervalSpecDescription,
  type LooseRange,
  type Month,
  type Range,
  type ScheduleDescription,
  type ScheduleDescriptionAction,
  type ScheduleDescriptionStartWorkflowAction,
  type ScheduleExecutionActionResult,
  type ScheduleExecutionResult,
  type ScheduleExecutionStartWorkflowActionResult,
  type ScheduleOptions,
  type ScheduleOptionsAction,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
  type ScheduleSpecDescription,
  type ScheduleSummary,
  type ScheduleSummaryAction,
  type ScheduleSummaryStartWorkflowAction,
  type ScheduleUpdateOptions,
} from './schedule-types.js';
export { WorkflowClient, type LoadedWorkflowClientOptions, type WorkflowClientOptions } from './workflow-client.js';
export type { AsyncWorkflowListIterable, IntoHistoriesOptions, ListOptions } from './workflow-list.js';
export { WithStartWorkflowOperation, type WithStartWorkflowOperationOptions } from './with-start-operation.js';
export { WorkflowUpdateStage } from './workflow-update.js';
export { fromProtoJson, lookupProtoType, toProtoJson, type ProtoJsonOptions } from './proto-json.js';
export type {
  GetWorkflowHandleOptions,
  GetWorkflowUpdateHandleOptions,
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
  WorkflowHandleWithSignaledRunId,
  WorkflowHandleWithStartDetails,
  WorkflowResultOptions,
  WorkflowUpdateHandle,
  WorkflowUpdateOptions,
} from './workflow-handle.js';
export {
  compileWorkflowOptions,
  type CompiledWorkflowOptions,
  type WithCompiledWorkflowOptions,
  type WorkflowOptions,
  type WorkflowSignalWithStartOptions,
  type WorkflowSignalWithStartOptionsWithArgs,
  type WorkflowSignalWithStartOptionsWithoutArgs,
  type WorkflowStartOptions,
} from './workflow-options.js';
