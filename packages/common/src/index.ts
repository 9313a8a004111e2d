/**
 * `@endure/common`: what the Client, Worker, Activity and Workflow packages share — payload and
 * failure conversion, the failure hierarchy, durations, retry policies and option types. It runs
 * inside the Workflow sandbox, so it uses no Node built-ins. Mirrors `@temporalio/common`.
 *
 * @module
 */

// Payloads
export {
  arrayFromPayloads,
  BinaryPayloadConverter,
  CompositePayloadConverter,
  convertOptionalToPayload,
  DefaultPayloadConverter,
  defaultPayloadConverter,
  encodingKeys,
  encodingTypes,
  fromPayloadsAtIndex,
  JsonPayloadConverter,
  mapFromPayloads,
  mapToPayloads,
  METADATA_ENCODING_KEY,
  METADATA_MESSAGE_TYPE_KEY,
  toPayloads,
  UndefinedPayloadConverter,
} from './converter/payload-converter.js';
export type { EncodingType, PayloadConverter, PayloadConverterWithEncoding } from './converter/payload-converter.js';
export { decode, encode } from './encoding.js';

// Failures and their conversion
export {
  cutoffStackTrace,
  DefaultFailureConverter,
} from './converter/failure-converter.js';
export type {
  DefaultEncodedFailureAttributes,
  DefaultFailureConverterOptions,
  FailureConverter,
} from './converter/failure-converter.js';
export {
  ActivityFailure,
  ApplicationFailure,
  ApplicationFailureCategory,
  CancelledFailure,
  ChildWorkflowFailure,
  decodeApplicationFailureCategory,
  decodeRetryState,
  decodeTimeoutType,
  encodeApplicationFailureCategory,
  encodeRetryState,
  encodeTimeoutType,
  ensureApplicationFailure,
  ensureTemporalFailure,
  FAILURE_SOURCE,
  RetryState,
  rootCause,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  TimeoutType,
  WorkflowExecutionAlreadyStartedError,
} from './failure.js';
export type { ApplicationFailureOptions, ProtoFailure } from './failure.js';

// Data converter
export { defaultDataConverter, defaultFailureConverter, loadDataConverter } from './converter/data-converter.js';
export type { DataConverter, LoadedDataConverter, PayloadCodec } from './converter/data-converter.js';
export {
  decodeFailureWithCodecs,
  decodePayloadsWithCodecs,
  encodeFailureWithCodecs,
  encodePayloadsWithCodecs,
} from './converter/codecs.js';

// Other errors
export {
  CompleteAsyncError,
  IllegalStateError,
  NamespaceNotFoundError,
  PayloadConverterError,
  ValueError,
  WorkflowNotFoundError,
} from './errors.js';

// Time
export {
  msNumberToTs,
  msOptionalToNumber,
  msOptionalToTs,
  msToNumber,
  msToTs,
  optionalDateToTs,
  optionalTsToDate,
  optionalTsToMs,
  requiredTsToDate,
  requiredTsToMs,
  tsToDate,
  tsToMs,
} from './time.js';
export type { Duration, StringValue, Timestamp } from './time.js';

// Retry policy
export { compileRetryPolicy, decompileRetryPolicy } from './retry-policy.js';
export type { RetryPolicy } from './retry-policy.js';

// Programming-model types
export { HandlerUnfinishedPolicy } from './interfaces.js';
export type {
  ActivityFunction,
  ActivityInterface,
  Headers,
  HistoryAndWorkflowId,
  Payload,
  QueryDefinition,
  SearchAttributes,
  SearchAttributeValue,
  SignalDefinition,
  UntypedActivities,
  UpdateDefinition,
  Workflow,
  WorkflowExecution,
  WorkflowQueryType,
  WorkflowResultType,
  WorkflowReturnType,
  WorkflowSignalType,
  WorkflowUpdateType,
  WorkflowUpdateValidatorType,
} from './interfaces.js';

// Search attributes
export {
  decodeTypedSearchAttributes,
  encodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
} from './search-attributes.js';
export {
  defineSearchAttributeKey,
  encodeSearchAttributeIndexedValueType,
  isValidValueForType,
  SearchAttributeType,
  TypedSearchAttributes,
} from './typed-search-attributes.js';
export type {
  IndexedValueTypeMapping,
  SearchAttributeKey,
  SearchAttributePair,
  SearchAttributeUpdatePair,
} from './typed-search-attributes.js';

// Workflow and Activity options
export {
  decodeWorkflowIdConflictPolicy,
  decodeWorkflowIdReusePolicy,
  encodeWorkflowIdConflictPolicy,
  encodeWorkflowIdReusePolicy,
  extractWorkflowType,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from './workflow-options.js';
export type {
  BaseWorkflowOptions,
  CommonWorkflowOptions,
  WithWorkflowArgs,
  WorkflowDurationOptions,
} from './workflow-options.js';
export { ActivityCancellationType } from './activity-options.js';
export type { ActivityOptions, LocalActivityOptions } from './activity-options.js';

// Helpers for the sibling SDK packages (not part of the official public API)
export { makeProtoEnumConverters } from './enum-helpers.js';
export { decodeSearchAttributes, decodeUntypedValues, encodeSearchAttributes } from './search-attributes.js';
export { errorCode, errorMessage, isError, isRecord, SymbolBasedInstanceOfError } from './type-helpers.js';
