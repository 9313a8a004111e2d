/**
 * Payload and failure conversion through a loaded data converter: the payload converter turns
 * values into payloads, then the codecs (encryption, compression…) run over them, in order on
 * the way out and in reverse on the way in.
 */
import {
  arrayFromPayloads,
  decodeFailureWithCodecs,
  decodePayloadsWithCodecs as decodePayloads,
  encodePayloadsWithCodecs as encodePayloads,
  fromPayloadsAtIndex,
  mapToPayloads,
  toPayloads,
  type LoadedDataConverter,
  type Payload,
} from '@endure/common';
import type { temporal } from '@temporalio/proto';

type ProtoFailure = temporal.api.failure.v1.IFailure;

/** Converts `values` to payloads and encodes them. */
export async function encodeToPayloads(converter: LoadedDataConverter, values: readonly unknown[]): Promise<Payload[]> {
  return encodePayloads(converter, toPayloads(converter.payloadConverter, ...values) ?? []);
}

/** Decodes `payloads` and converts the one at `index` (undefined when missing). */
export async function decodeFromPayloadsAtIndex<T>(
  converter: LoadedDataConverter,
  index: number,
  payloads: Payload[] | null | undefined,
): Promise<T> {
  return fromPayloadsAtIndex<T>(converter.payloadConverter, index, await decodePayloads(converter, payloads));
}

/** Decodes and converts all of `payloads`. */
export async function decodeArrayFromPayloads(
  converter: LoadedDataConverter,
  payloads: Payload[] | null | undefined,
): Promise<unknown[]> {
  return arrayFromPayloads(converter.payloadConverter, await decodePayloads(converter, payloads));
}

/** Converts and encodes each value of `map` (memo fields). */
export async function encodeMapToPayloads(
  converter: LoadedDataConverter,
  map: Record<string, unknown>,
): Promise<Record<string, Payload>> {
  const unencoded = mapToPayloads(converter.payloadConverter, map);
  const entries = await Promise.all(
    Object.entries(unencoded).map(async ([key, payload]) => [key, await encodeSingle(converter, payload)] as const),
  );
  return Object.fromEntries(entries);
}

/** Decodes and converts each value of `map`; undefined when there is no map. */
export async function decodeMapFromPayloads(
  converter: LoadedDataConverter,
  map: Record<string, Payload> | null | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (map === null || map === undefined) return undefined;
  const entries = await Promise.all(
    Object.entries(map).map(async ([key, payload]) => [key, await decodeOptionalSingle(converter, payload)] as const),
  );
  return Object.fromEntries(entries);
}

/** Converts and encodes one optional value (undefined stays undefined). */
export async function encodeOptionalSingle(
  converter: LoadedDataConverter,
  value: unknown,
): Promise<Payload | undefined> {
  if (value === undefined) return undefined;
  return encodeSingle(converter, converter.payloadConverter.toPayload(value));
}

/** Decodes and converts one optional payload. */
export async function decodeOptionalSingle<T>(
  converter: LoadedDataConverter,
  payload: Payload | null | undefined,
): Promise<T | undefined> {
  if (payload === null || payload === undefined) return undefined;
  const [decoded] = await decodePayloads(converter, [payload]);
  return decoded === undefined ? undefined : converter.payloadConverter.fromPayload<T>(decoded);
}

/** Decodes a failure's payloads and converts it to an Error; undefined when there is no failure. */
export async function decodeOptionalFailureToOptionalError(
  converter: LoadedDataConverter,
  failure: ProtoFailure | null | undefined,
): Promise<Error | undefined> {
  if (failure === null || failure === undefined) return undefined;
  const decoded = await decodeFailureWithCodecs(converter, failure);
  return converter.failureConverter.failureToError(decoded, converter.payloadConverter);
}

async function encodeSingle(converter: LoadedDataConverter, payload: Payload): Promise<Payload> {
  const [encoded] = await encodePayloads(converter, [payload]);
  if (encoded === undefined) throw new TypeError('payload codec returned no payload');
  return encoded;
}
