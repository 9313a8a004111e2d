/**
 * @endure/workflow — APIs for workflow code (mirrors @temporalio/workflow).
 * Runs inside the deterministic sandbox: depends only on @endure/common.
 *
 * @example
 * ```ts
 * import { proxyActivities, sleep } from '@endure/workflow';
 * import type * as activities from './activities';
 * const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });
 * export async function hello(name: string): Promise<string> {
 *   await sleep('1 second');
 *   return greet(name);
 * }
 * ```
 */
export {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  defaultPayloadConverter,
  defineSearchAttributeKey,
  rootCause,
  SearchAttributeType,
  TypedSearchAttributes,
} from '@endure/common';
export type {
  ActivityOptions,
  Duration,
  LocalActivityOptions,
  PayloadConverter,
  QueryDefinition,
  RetryPolicy,
  SearchAttributeKey,
  SearchAttributePair,
  SearchAttributes,
  SearchAttributeUpdatePair,
  SearchAttributeValue,
  SignalDefinition,
  UpdateDefinition,
} from '@endure/common';
export { CancellationScope, type CancellationScopeOptions } from './cancellation-scope.js';
export {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  executeChild,
  getExternalWorkflowHandle,
  startChild,
  type ChildWorkflowHandle,
  type ChildWorkflowOptions,
  type ExternalWorkflowHandle,
} from './child-workflow.js';
export { ContinueAsNew, DeterminismViolationError, isCancellation } from './errors.js';
export { proxyLocalActivities, scheduleLocalActivity } from './local-activity.js';
export type { ContinueAsNewOptions, TimerOptions, WorkflowInfo } from './interfaces.js';
export { upsertSearchAttributes } from './search-attributes.js';
export {
  HandlerUnfinishedPolicy,
  Trigger,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  deprecatePatch,
  inWorkflowContext,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  scheduleActivity,
  setDefaultSignalHandler,
  setHandler,
  sleep,
  type UpdateHandlerOptions,
  upsertMemo,
  uuid4,
  workflowInfo,
  type ActivityInterfaceFor,
} from './workflow.js';
