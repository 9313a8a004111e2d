/**
 * Payload codecs (encryption, compression…) applied through a loaded data
 * converter: in list order on the way out, in reverse on the way in, over plain
 * payload lists and over every payload a failure and its causes carry. Shared
 * by the client and the worker so both sides of the wire agree.
 */
import type { temporal } from '@temporalio/proto';
import type { ProtoFailure } from '../failure.js';
import type { LoadedDataConverter } from './data-converter.js';

type Payload = temporal.api.common.v1.IPayload;
type PayloadsTransform = (payloads: Payload[]) => Promise<Payload[]>;

/** Bounds recursion over `cause` so a malformed failure cannot exhaust the stack. */
const FAILURE_CAUSE_DEPTH_MAX = 64;

/** Runs the codecs in list order (compress, then encrypt). */
export async function encodePayloadsWithCodecs(converter: LoadedDataConverter, payloads: Payload[]): Promise<Payload[]> {
  let encoded = payloads;
  for (const codec of converter.payloadCodecs) encoded = await codec.encode(encoded);
  return encoded;
}

/** Undoes {@link encodePayloadsWithCodecs}: the codecs in reverse order. */
export async function decodePayloadsWithCodecs(
  converter: LoadedDataConverter,
  payloads: Payload[] | null | undefined,
): Promise<Payload[]> {
  let decoded = payloads ?? [];
  for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded;
}

/** Every payload a failure (and its causes) carries, encoded by the codecs. */
export function encodeFailureWithCodecs(converter: LoadedDataConverter, failure: ProtoFailure): Promise<ProtoFailure> {
  if (converter.payloadCodecs.length === 0) return Promise.resolve(failure);
  return mapFailurePayloads(failure, (p) => encodePayloadsWithCodecs(converter, p), 0);
}

/** Every payload a failure (and its causes) carries, decoded by the codecs. */
export function decodeFailureWithCodecs(converter: LoadedDataConverter, failure: ProtoFailure): Promise<ProtoFailure> {
  if (converter.payloadCodecs.length === 0) return Promise.resolve(failure);
  return mapFailurePayloads(failure, (p) => decodePayloadsWithCodecs(converter, p), 0);
}

async function mapFailurePayloads(failure: ProtoFailure, transform: PayloadsTransform, depth: number): Promise<ProtoFailure> {
  const mapList = async (list: { payloads?: Payload[] | null } | null | undefined) =>
    list?.payloads ? { payloads: await transform(list.payloads) } : list;
  const result: ProtoFailure = { ...failure };
  if (failure.encodedAttributes) result.encodedAttributes = (await transform([failure.encodedAttributes]))[0] ?? null;
  if (failure.applicationFailureInfo) {
    result.applicationFailureInfo = { ...failure.applicationFailureInfo, details: await mapList(failure.applicationFailureInfo.details) };
  }
  if (failure.canceledFailureInfo) {
    result.canceledFailureInfo = { ...failure.canceledFailureInfo, details: await mapList(failure.canceledFailureInfo.details) };
  }
  if (failure.timeoutFailureInfo) {
    result.timeoutFailureInfo = {
      ...failure.timeoutFailureInfo,
      lastHeartbeatDetails: await mapList(failure.timeoutFailureInfo.lastHeartbeatDetails),
    };
  }
  if (failure.resetWorkflowFailureInfo) {
    result.resetWorkflowFailureInfo = {
      ...failure.resetWorkflowFailureInfo,
      lastHeartbeatDetails: await mapList(failure.resetWorkflowFailureInfo.lastHeartbeatDetails),
    };
  }
  if (failure.cause && depth < FAILURE_CAUSE_DEPTH_MAX) {
    result.cause = await mapFailurePayloads(failure.cause, transform, depth + 1);
  }
  return result;
}
