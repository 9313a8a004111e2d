/**
 * Decoding of raw `WorkflowExecutionInfo` (from describe and list) into the client's
 * {@link WorkflowExecutionInfo}: dates, status names, memo and search attributes.
 */
import {
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  optionalTsToDate,
  requiredTsToDate,
  type LoadedDataConverter,
} from '@endure/common';
import Long from 'long';
import proto from '@temporalio/proto';
import { decodeMapFromPayloads } from './payload-codec.js';
import type { RawWorkflowExecutionInfo, WorkflowExecutionInfo, WorkflowExecutionStatusName } from './types.js';

const Status = proto.temporal.api.enums.v1.WorkflowExecutionStatus;

const statusNames: ReadonlyMap<number, WorkflowExecutionStatusName> = new Map([
  [Status.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED, 'UNSPECIFIED'],
  [Status.WORKFLOW_EXECUTION_STATUS_RUNNING, 'RUNNING'],
  [Status.WORKFLOW_EXECUTION_STATUS_COMPLETED, 'COMPLETED'],
  [Status.WORKFLOW_EXECUTION_STATUS_FAILED, 'FAILED'],
  [Status.WORKFLOW_EXECUTION_STATUS_CANCELED, 'CANCELLED'],
  [Status.WORKFLOW_EXECUTION_STATUS_TERMINATED, 'TERMINATED'],
  [Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, 'CONTINUED_AS_NEW'],
  [Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, 'TIMED_OUT'],
  [Status.WORKFLOW_EXECUTION_STATUS_PAUSED, 'PAUSED'],
]);

/** The status name the official SDK reports for a status code ('UNKNOWN' for codes it does not know). */
export function workflowStatusCodeToName(code: number): WorkflowExecutionStatusName {
  return statusNames.get(code) ?? 'UNKNOWN';
}

/** Decodes `raw`; `rawDataToEmbed` becomes the result's `raw` (the whole describe response for `describe()`). */
export async function executionInfoFromRaw<T>(
  raw: RawWorkflowExecutionInfo,
  dataConverter: LoadedDataConverter,
  rawDataToEmbed: T,
): Promise<Omit<WorkflowExecutionInfo, 'raw'> & { raw: T }> {
  const status = raw.status ?? Status.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED;
  return {
    type: raw.type?.name ?? '',
    workflowId: raw.execution?.workflowId ?? '',
    runId: raw.execution?.runId ?? '',
    taskQueue: raw.taskQueue ?? '',
    status: { code: status, name: workflowStatusCodeToName(status) },
    // Histories are bounded far below 2^53 events, so the conversion is exact.
    historyLength: int64ToNumber(raw.historyLength) ?? 0,
    // 0 means a server too old to report the size.
    historySize: int64ToNumber(raw.historySizeBytes) || undefined,
    startTime: requiredTsToDate(raw.startTime, 'startTime'),
    executionTime: optionalTsToDate(raw.executionTime),
    closeTime: optionalTsToDate(raw.closeTime),
    memo: await decodeMapFromPayloads(dataConverter, raw.memo?.fields),
    searchAttributes: decodeSearchAttributes(raw.searchAttributes?.indexedFields),
    typedSearchAttributes: decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields),
    parentExecution: requiredExecution(raw.parentExecution),
    rootExecution: requiredExecution(raw.rootExecution),
    raw: rawDataToEmbed,
  };
}

function requiredExecution(
  execution: proto.temporal.api.common.v1.IWorkflowExecution | null | undefined,
): Required<proto.temporal.api.common.v1.IWorkflowExecution> | undefined {
  if (!execution) return undefined;
  return { workflowId: execution.workflowId ?? '', runId: execution.runId ?? '' };
}

function int64ToNumber(value: Long | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  return Long.isLong(value) ? value.toNumber() : value;
}
