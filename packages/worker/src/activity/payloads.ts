/**
 * Data conversion at the activity worker's edge: values to payloads and back through the
 * payload converter, then through the data converter's codecs (encryption, compression),
 * and errors to failure protos whose payloads go through the same codecs.
 */
import {
  arrayFromPayloads,
  fromPayloadsAtIndex,
  type LoadedDataConverter,
  type Payload,
  type ProtoFailure,
} from '@endure/common';

export type { ProtoFailure };

/** Runs the codecs in list order (compress, then encrypt); decoding undoes them in reverse. */
export async function encodePayloads(converter: LoadedDataConverter, payloads: Payload[]): Promise<Payload[]> {
  let encoded = payloads;
  for (const codec of converter.payloadCodecs) encoded = await codec.encode(encoded);
  return encoded;
}

export async function decodePayloads(
  converter: LoadedDataConverter,
  payloads: Payload[] | null | undefined,
): Promise<Payload[]> {
  let decoded = payloads ?? [];
  for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded;
}

/** One value as a single encoded payload (results and heartbeat details are single values). */
export async function encodeValue(converter: LoadedDataConverter, value: unknown): Promise<Payload[]> {
  return encodePayloads(converter, [converter.payloadConverter.toPayload(value)]);
}

export async function decodeArguments(
  converter: LoadedDataConverter,
  payloads: Payload[] | null | undefined,
): Promise<unknown[]> {
  return arrayFromPayloads(converter.payloadConverter, await decodePayloads(converter, payloads));
}

export async function decodeFirst(converter: LoadedDataConverter, payloads: Payload[] | null | undefined): Promise<unknown> {
  return fromPayloadsAtIndex(converter.payloadConverter, 0, await decodePayloads(converter, payloads));
}

/** An error as a failure proto, its payloads encoded by the codecs. */
export async function encodeError(converter: LoadedDataConverter, error: unknown): Promise<ProtoFailure> {
  const failure = converter.failureConverter.errorToFailure(error, converter.payloadConverter);
  return encodeFailurePayloads(converter, failure);
}

/** Runs every payload a failure (and its causes) carries through the codecs. */
export async function encodeFailurePayloads(converter: LoadedDataConverter, failure: ProtoFailure): Promise<ProtoFailure> {
  if (converter.payloadCodecs.length === 0) return failure;
  const encodeOptional = async (p: { payloads?: Payload[] | null } | null | undefined) =>
    p?.payloads ? { payloads: await encodePayloads(converter, p.payloads) } : p;
  const result: ProtoFailure = { ...failure };
  if (failure.encodedAttributes) {
    [result.encodedAttributes] = await encodePayloads(converter, [failure.encodedAttributes]);
  }
  if (failure.applicationFailureInfo) {
    result.applicationFailureInfo = {
      ...failure.applicationFailureInfo,
      details: await encodeOptional(failure.applicationFailureInfo.details),
    };
  }
  if (failure.canceledFailureInfo) {
    result.canceledFailureInfo = {
      ...failure.canceledFailureInfo,
      details: await encodeOptional(failure.canceledFailureInfo.details),
    };
  }
  if (failure.timeoutFailureInfo) {
    result.timeoutFailureInfo = {
      ...failure.timeoutFailureInfo,
      lastHeartbeatDetails: await encodeOptional(failure.timeoutFailureInfo.lastHeartbeatDetails),
    };
  }
  if (failure.cause) result.cause = await encodeFailurePayloads(converter, failure.cause);
  return result;
}
