/** Request checks shared by the frontend handlers; every error names the field. */
import { invalidArgument } from '../common/errors.js';
import { temporal, type IDuration, type IPayload, type IPayloads, type ITimestamp, type proto } from '../common/proto.js';
import type { Limits } from '../config.js';
import { durationMs, timestampMs } from '../common/time.js';
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

/** Protobuf's Timestamp range (0001-01-01 to 9999-12-31), in ms since the epoch; also what a Date can print. */
const TIMESTAMP_MIN_MS = -62_135_596_800_000;
const TIMESTAMP_MAX_MS = 253_402_300_799_999;

/** A Timestamp as ms since the epoch, refused (naming `field`) outside protobuf's range or with nanos out of [0, 1e9). */
export function checkedTimestampMs(t: ITimestamp | null | undefined, field: string): number {
  const nanos = t?.nanos ?? 0;
  const ms = timestampMs(t);
  if (!Number.isFinite(ms) || ms < TIMESTAMP_MIN_MS || ms > TIMESTAMP_MAX_MS || nanos < 0 || nanos >= 1e9) {
    throw invalidArgument(`${field} is out of range (seconds ${String(t?.seconds)}, nanos ${nanos}): a time from 0001-01-01 to 9999-12-31 is expected`);
  }
  return ms;
}

/** Protobuf's Duration range: about ±10,000 years. */
const DURATION_SECONDS_MAX = 315_576_000_000;

/**
 * A Duration as ms, refused (naming `field`) outside protobuf's range or with nanos that are
 * not in (-1e9, 1e9) with the seconds' sign: such a value cannot be written back as JSON.
 */
export function checkedDurationMs(d: IDuration | null | undefined, field: string): number {
  const seconds = Number(d?.seconds ?? 0);
  const nanos = d?.nanos ?? 0;
  const signsDiffer = (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0);
  if (Math.abs(seconds) > DURATION_SECONDS_MAX || Math.abs(nanos) >= 1e9 || signsDiffer) {
    throw invalidArgument(`${field} is out of range (seconds ${String(d?.seconds)}, nanos ${nanos})`);
  }
  return durationMs(d);
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
