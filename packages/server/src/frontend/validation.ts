/** Request checks shared by the frontend handlers; every error names the field. */
import { invalidArgument } from '../common/errors.js';
import { temporal, type IPayload, type IPayloads, type proto } from '../common/proto.js';
import type { Limits } from '../config.js';
import type { ExecutionRef } from '../history/engine.js';
import type { NamespaceRecord } from '../persistence/store.js';

export function requireId(value: string | null | undefined, field: string, lengthMax: number): string {
  if (!value) throw invalidArgument(`${field} is not set`);
  if (value.length > lengthMax) throw invalidArgument(`${field} exceeds length limit of ${lengthMax}`);
  return value;
}

export function optionalId(value: string | null | undefined, field: string, lengthMax: number): string {
  if (value && value.length > lengthMax) throw invalidArgument(`${field} exceeds length limit of ${lengthMax}`);
  return value ?? '';
}

export function payloadsSize(payloads: IPayloads | null | undefined): number {
  let size = 0;
  for (const p of payloads?.payloads ?? []) {
    size += p.data?.length ?? 0;
    for (const [k, v] of Object.entries(p.metadata ?? {})) size += k.length + (v?.length ?? 0);
  }
  return size;
}

/**
 * Where a payload over `bytes` (limits.blobSizeWarnBytes, Temporal's limit.blobSize.warn) is
 * reported: it is accepted, and the server logs it.
 */
export interface SizeWarning {
  bytes: number;
  report(field: string, sizeBytes: number, warnBytes: number): void;
}

export function checkPayloads(payloads: IPayloads | null | undefined, field: string, sizeMaxBytes: number, warning?: SizeWarning): void {
  const size = payloadsSize(payloads);
  if (size > sizeMaxBytes) {
    throw invalidArgument(`${field} is ${size} bytes, over the payload size limit of ${sizeMaxBytes} bytes`);
  }
  if (warning && size > warning.bytes) warning.report(field, size, warning.bytes);
}

export function checkPayload(payload: IPayload | null | undefined, field: string, sizeMaxBytes: number, warning?: SizeWarning): void {
  checkPayloads(payload ? { payloads: [payload] } : null, field, sizeMaxBytes, warning);
}

/**
 * A memo is checked as a whole, encoded (Temporal's limit.memoSize.error, 2 MiB; its warn
 * threshold, 2 KiB, logs).
 */
export function checkMemo(memo: IMemo | null | undefined, field: string, limits: Pick<Limits, 'memoSizeMaxBytes' | 'memoSizeWarnBytes'>, warning?: SizeWarning): void {
  if (!memo?.fields || Object.keys(memo.fields).length === 0) return;
  const size = temporal.api.common.v1.Memo.encode(memo).finish().length;
  if (size > limits.memoSizeMaxBytes) {
    throw invalidArgument(`${field} is ${size} bytes, over the memo size limit of ${limits.memoSizeMaxBytes} bytes (limits.memoSizeMaxBytes)`);
  }
  if (warning && size > limits.memoSizeWarnBytes) warning.report(field, size, limits.memoSizeWarnBytes);
}

export function failureSize(failure: proto.temporal.api.failure.v1.IFailure | null | undefined): number {
  if (!failure) return 0;
  return (
    (failure.message?.length ?? 0) +
    (failure.stackTrace?.length ?? 0) +
    payloadsSize(failure.encodedAttributes ? { payloads: [failure.encodedAttributes] } : null) +
    payloadsSize(failure.applicationFailureInfo?.details) +
    failureSize(failure.cause)
  );
}

export function checkFailure(
  failure: proto.temporal.api.failure.v1.IFailure | null | undefined,
  field: string,
  sizeMaxBytes: number,
  warning?: SizeWarning,
): void {
  const size = failureSize(failure);
  if (size > sizeMaxBytes) {
    throw invalidArgument(`${field} is ${size} bytes, over the payload size limit of ${sizeMaxBytes} bytes`);
  }
  if (warning && size > warning.bytes) warning.report(field, size, warning.bytes);
}

type IMemo = proto.temporal.api.common.v1.IMemo;

/** How a handler finds what a request names: its namespace (NOT_FOUND if unknown) and a workflow in it. */
export interface RequestTargets {
  namespace: (name: string | null | undefined) => NamespaceRecord;
  /** `field` names the request's execution field in errors. */
  executionRef: (
    ns: NamespaceRecord,
    execution: proto.temporal.api.common.v1.IWorkflowExecution | null | undefined,
    field: string,
  ) => ExecutionRef;
}
