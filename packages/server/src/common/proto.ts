/**
 * Protobuf handles from @temporalio/proto: the single source of the service
 * and message definitions (no hand-copied protos).
 */
import { createRequire } from 'node:module';
import type * as protobuf from 'protobufjs';
import proto from '@temporalio/proto';

const require = createRequire(import.meta.url);
/** The reflection root behind @temporalio/proto (gives service method descriptors). */
export const protoRoot = require('@temporalio/proto/protos/root.js') as protobuf.Root;

/**
 * The protobufjs that @temporalio/proto runs on, for the few messages of Temporal's server
 * (task tokens) that its API protos do not carry.
 */
export const protobufRuntime = createRequire(require.resolve('@temporalio/proto'))('protobufjs') as typeof protobuf;

export const temporal = proto.temporal;
export const google = proto.google;

export const enums = temporal.api.enums.v1;
export const EventType = enums.EventType;
export type HistoryEventObject = proto.temporal.api.history.v1.IHistoryEvent;
export type IPayloads = proto.temporal.api.common.v1.IPayloads;
export type IPayload = proto.temporal.api.common.v1.IPayload;
export type IFailure = proto.temporal.api.failure.v1.IFailure;
export type IRetryPolicy = proto.temporal.api.common.v1.IRetryPolicy;
export type IDuration = proto.google.protobuf.IDuration;
export type ITimestamp = proto.google.protobuf.ITimestamp;
export type ws = typeof proto.temporal.api.workflowservice.v1;
export { proto };

export const HistoryEvent = temporal.api.history.v1.HistoryEvent;

export function encodeEvent(event: HistoryEventObject): Uint8Array {
  return HistoryEvent.encode(event).finish();
}

/**
 * A proto enum value as Temporal's CLI and UI print it: `Completed` for
 * WORKFLOW_EXECUTION_STATUS_COMPLETED (the value itself when it has no name).
 */
export function enumValueName(enumType: Record<number | string, unknown>, value: number, prefix: string): string {
  const name = enumType[value];
  if (typeof name !== 'string') return String(value);
  return name
    .replace(prefix, '')
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
