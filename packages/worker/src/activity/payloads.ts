/**
 * Data conversion at the activity worker's edge: values to payloads and back through the
 * payload converter, then through the data converter's codecs (encryption, compression),
 * and errors to failure protos whose payloads go through the same codecs.
 */
import {
  arrayFromPayloads,
  decodePayloadsWithCodecs,
  encodeFailureWithCodecs,
  encodePayloadsWithCodecs,
  fromPayloadsAtIndex,
  type LoadedDataConverter,
  type Payload,
  type ProtoFailure,
} from '@endure/common';

export type { ProtoFailure };

export const encodePayloads = encodePayloadsWithCodecs;
export const decodePayloads = decodePayloadsWithCodecs;

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
  return encodeFailureWithCodecs(converter, failure);
}
