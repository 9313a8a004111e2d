/**
 * Payload conversion: JS values to and from `Payload`s. Runs inside the workflow sandbox, so it is
 * synchronous and free of Node APIs; async or Node-only transformations belong in a PayloadCodec.
 * Encodings and metadata bytes are the official SDK's, so payloads are interchangeable with it.
 */
import { decode, encode } from '../encoding.js';
import { PayloadConverterError, ValueError } from '../errors.js';
import type { Payload } from '../interfaces.js';

/**
 * Serializes and deserializes values such as Workflow and Activity arguments and results.
 *
 * Called inside the Workflow sandbox: to write async code or use Node APIs, use a
 * {@link PayloadCodec}.
 *
 * @example
 * ```ts
 * const payload = payloadConverter.toPayload({ orderId: 42 });
 * const value = payloadConverter.fromPayload<{ orderId: number }>(payload);
 * ```
 */
export interface PayloadConverter {
  /**
   * Converts a value to a {@link Payload}.
   *
   * @throws {@link ValueError} when unable to convert.
   */
  toPayload<T>(value: T): Payload;
  /** Converts a {@link Payload} back to a value. */
  fromPayload<T>(payload: Payload): T;
}

/**
 * One encoding of a {@link CompositePayloadConverter}: converts the values it supports and returns
 * `undefined` for the others.
 *
 * @example
 * ```ts
 * new CompositePayloadConverter(new UndefinedPayloadConverter(), new MyBigIntConverter(), new JsonPayloadConverter());
 * ```
 */
export interface PayloadConverterWithEncoding {
  /** Converts a value to a {@link Payload}, or returns `undefined` if this encoding cannot. */
  toPayload<T>(value: T): Payload | undefined;
  /** Converts a {@link Payload} of this encoding back to a value. */
  fromPayload<T>(payload: Payload): T;
  /** The `encoding` metadata value of the payloads this converter produces. */
  readonly encodingType: string;
}

/**
 * The payload metadata key holding the encoding name.
 *
 * @example
 * ```ts
 * decode(payload.metadata![METADATA_ENCODING_KEY]!); // 'json/plain'
 * ```
 */
export const METADATA_ENCODING_KEY = 'encoding';

/**
 * The protobuf message type metadata key of protobuf payloads.
 *
 * @example
 * ```ts
 * payload.metadata?.[METADATA_MESSAGE_TYPE_KEY];
 * ```
 */
export const METADATA_MESSAGE_TYPE_KEY = 'messageType';

/**
 * Encoding names understood across SDKs.
 *
 * @example
 * ```ts
 * encodingTypes.METADATA_ENCODING_JSON; // 'json/plain'
 * ```
 */
export const encodingTypes = {
  METADATA_ENCODING_NULL: 'binary/null',
  METADATA_ENCODING_RAW: 'binary/plain',
  METADATA_ENCODING_JSON: 'json/plain',
  METADATA_ENCODING_PROTOBUF_JSON: 'json/protobuf',
  METADATA_ENCODING_PROTOBUF: 'binary/protobuf',
} as const;
/** One of the {@link encodingTypes} values. */
export type EncodingType = (typeof encodingTypes)[keyof typeof encodingTypes];

/**
 * The UTF-8 bytes of each of the {@link encodingTypes}, as stored in payload metadata.
 *
 * @example
 * ```ts
 * const payload: Payload = { metadata: { encoding: encodingKeys.METADATA_ENCODING_NULL } };
 * ```
 */
export const encodingKeys = {
  METADATA_ENCODING_NULL: encode(encodingTypes.METADATA_ENCODING_NULL),
  METADATA_ENCODING_RAW: encode(encodingTypes.METADATA_ENCODING_RAW),
  METADATA_ENCODING_JSON: encode(encodingTypes.METADATA_ENCODING_JSON),
  METADATA_ENCODING_PROTOBUF_JSON: encode(encodingTypes.METADATA_ENCODING_PROTOBUF_JSON),
  METADATA_ENCODING_PROTOBUF: encode(encodingTypes.METADATA_ENCODING_PROTOBUF),
} as const;

/**
 * Converts a list of values; `undefined` for an empty list (so an absent `Payloads` field stays
 * absent).
 *
 * @throws {@link ValueError} if a value cannot be converted.
 * @example
 * ```ts
 * toPayloads(defaultPayloadConverter, 'a', 1); // [Payload, Payload]
 * toPayloads(defaultPayloadConverter); // undefined
 * ```
 */
export function toPayloads(converter: PayloadConverter, ...values: unknown[]): Payload[] | undefined {
  if (values.length === 0) return undefined;
  return values.map((value) => converter.toPayload(value));
}

/**
 * Converts a value unless it is `null` or `undefined`, which are returned as is.
 *
 * @example
 * ```ts
 * convertOptionalToPayload(defaultPayloadConverter, options.summary);
 * ```
 */
export function convertOptionalToPayload(
  payloadConverter: PayloadConverter,
  value: unknown,
): Payload | null | undefined {
  if (value == null) return value;
  return payloadConverter.toPayload(value);
}

/**
 * Converts each value of a record (e.g. a memo or headers).
 *
 * @throws {@link ValueError} if a value cannot be converted.
 * @example
 * ```ts
 * mapToPayloads(defaultPayloadConverter, { customer: 'c-1' }); // { customer: Payload }
 * ```
 */
export function mapToPayloads<K extends string, T = unknown>(
  converter: PayloadConverter,
  map: Record<K, T>,
): Record<K, Payload> {
  return Object.fromEntries(
    Object.entries<T>(map).map(([key, value]) => [key, converter.toPayload(value)]),
  ) as Record<K, Payload>;
}

/**
 * Converts each payload of a record back; `undefined` for a missing record.
 *
 * @example
 * ```ts
 * mapFromPayloads(defaultPayloadConverter, memo?.fields); // { customer: 'c-1' }
 * ```
 */
export function mapFromPayloads<K extends string, T = unknown>(
  converter: PayloadConverter,
  map?: Record<K, Payload> | null,
): Record<K, T> | undefined {
  if (map == null) return undefined;
  return Object.fromEntries(
    Object.entries<Payload>(map).map(([key, payload]) => [key, converter.fromPayload<T>(payload)]),
  ) as Record<K, T>;
}

/**
 * Converts the payload at `index`; `undefined` when there is none, so that adding a parameter to a
 * Workflow or Activity stays backwards compatible.
 *
 * @throws {@link PayloadConverterError} if the payload cannot be converted.
 * @example
 * ```ts
 * const name = fromPayloadsAtIndex<string>(defaultPayloadConverter, 0, input?.payloads);
 * ```
 */
export function fromPayloadsAtIndex<T>(
  converter: PayloadConverter,
  index: number,
  payloads?: Payload[] | null,
): T {
  const payload = payloads?.[index];
  if (payload == null) return undefined as T;
  return converter.fromPayload<T>(payload);
}

/**
 * Converts every payload of a list; `[]` for a missing list.
 *
 * @example
 * ```ts
 * const args = arrayFromPayloads(defaultPayloadConverter, input?.payloads);
 * ```
 */
export function arrayFromPayloads(converter: PayloadConverter, payloads?: Payload[] | null): unknown[] {
  if (!payloads) return [];
  return payloads.map((payload) => converter.fromPayload(payload));
}

/**
 * Tries the given converters in order for `toPayload`; for `fromPayload`, picks the one whose
 * `encodingType` matches the payload's `encoding` metadata.
 *
 * @example
 * ```ts
 * const converter = new CompositePayloadConverter(new UndefinedPayloadConverter(), new JsonPayloadConverter());
 * ```
 */
export class CompositePayloadConverter implements PayloadConverter {
  /** The converters, in the order `toPayload` tries them. */
  readonly converters: PayloadConverterWithEncoding[];
  /** The converters by `encodingType`, for `fromPayload`. */
  readonly converterByEncoding: Map<string, PayloadConverterWithEncoding> = new Map();

  /** @throws {@link PayloadConverterError} when no converter is given. */
  constructor(...converters: PayloadConverterWithEncoding[]) {
    if (converters.length === 0) {
      throw new PayloadConverterError('Must provide at least one PayloadConverterWithEncoding');
    }
    this.converters = converters;
    for (const converter of converters) this.converterByEncoding.set(converter.encodingType, converter);
  }

  /**
   * The first converter's result that is not `undefined`.
   *
   * @throws {@link ValueError} if no converter can handle `value`.
   */
  toPayload<T>(value: T): Payload {
    for (const converter of this.converters) {
      const result = converter.toPayload(value);
      if (result !== undefined) return result;
    }
    throw new ValueError(`Unable to convert ${describe(value)} to payload`);
  }

  /**
   * Converts with the converter registered for the payload's `encoding` metadata.
   *
   * @throws {@link ValueError} for missing metadata or an unknown encoding.
   */
  fromPayload<T>(payload: Payload): T {
    const encodingBytes = payload.metadata?.[METADATA_ENCODING_KEY];
    if (payload.metadata == null) throw new ValueError('Missing payload metadata');
    if (encodingBytes == null) throw new ValueError('Missing payload encoding');
    const encoding = decode(encodingBytes);
    const converter = this.converterByEncoding.get(encoding);
    if (converter === undefined) throw new ValueError(`Unknown encoding: ${encoding}`);
    return converter.fromPayload<T>(payload);
  }
}

/** `String(value)` that cannot throw (e.g. for objects with a null prototype). */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Converts `undefined` to and from an empty payload with encoding `binary/null`.
 *
 * @example
 * ```ts
 * new UndefinedPayloadConverter().toPayload(undefined); // { metadata: { encoding: 'binary/null' bytes } }
 * ```
 */
export class UndefinedPayloadConverter implements PayloadConverterWithEncoding {
  /** `binary/null` */
  readonly encodingType = encodingTypes.METADATA_ENCODING_NULL;

  /** An empty `binary/null` payload for `undefined`; `undefined` (not handled) for anything else. */
  toPayload(value: unknown): Payload | undefined {
    if (value !== undefined) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_NULL } };
  }

  /** Always `undefined`. */
  fromPayload<T>(_payload: Payload): T {
    return undefined as T;
  }
}

/**
 * Converts `Uint8Array`s (including Node `Buffer`s) to and from raw `binary/plain` payloads.
 *
 * @example
 * ```ts
 * new BinaryPayloadConverter().toPayload(new Uint8Array([1, 2])); // data: Uint8Array [1, 2]
 * ```
 */
export class BinaryPayloadConverter implements PayloadConverterWithEncoding {
  /** `binary/plain` */
  readonly encodingType = encodingTypes.METADATA_ENCODING_RAW;

  /** A `binary/plain` payload for a `Uint8Array`; `undefined` (not handled) for anything else. */
  toPayload(value: unknown): Payload | undefined {
    if (!isUint8Array(value)) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_RAW }, data: value };
  }

  /** The payload's bytes, as a `Uint8Array` of the current realm (so `instanceof` holds). */
  fromPayload<T>(payload: Payload): T {
    const data = payload.data;
    if (data == null) return data as T;
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as T;
  }
}

/**
 * True for a `Uint8Array` (or subclass such as `Buffer`) from any realm: the sandbox and the host
 * have different `Uint8Array` constructors, so `instanceof` alone is not enough.
 */
function isUint8Array(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}

/**
 * Converts JSON-serializable values to and from `json/plain` payloads (UTF-8 `JSON.stringify`).
 *
 * @example
 * ```ts
 * new JsonPayloadConverter().toPayload({ a: 1 }); // data: UTF-8 of '{"a":1}'
 * ```
 */
export class JsonPayloadConverter implements PayloadConverterWithEncoding {
  /** `json/plain` */
  readonly encodingType = encodingTypes.METADATA_ENCODING_JSON;

  /**
   * A `json/plain` payload; `undefined` (not handled) for `undefined` and for values
   * `JSON.stringify` rejects (cycles, `BigInt`) or maps to nothing (functions, symbols).
   */
  toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      return undefined; // Not JSON-serializable: let the next converter (or the caller) decide.
    }
    if (json === undefined) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_JSON }, data: encode(json) };
  }

  /**
   * `JSON.parse` of the payload's data.
   *
   * @throws {@link ValueError} when the payload has no data.
   */
  fromPayload<T>(payload: Payload): T {
    if (payload.data == null) throw new ValueError('Got payload with no data');
    return JSON.parse(decode(payload.data)) as T;
  }
}

/**
 * The default converter: `undefined` → `binary/null`, `Uint8Array` → `binary/plain`, anything
 * else JSON-serializable (including `null`) → `json/plain`. The order of the other Temporal SDKs,
 * without protobuf support.
 *
 * @example
 * ```ts
 * const converter = new DefaultPayloadConverter();
 * ```
 */
export class DefaultPayloadConverter extends CompositePayloadConverter {
  constructor() {
    super(new UndefinedPayloadConverter(), new BinaryPayloadConverter(), new JsonPayloadConverter());
  }
}

/**
 * The {@link PayloadConverter} used unless configured otherwise: supports `undefined`,
 * `Uint8Array` and anything `JSON.stringify` can serialize.
 *
 * @example
 * ```ts
 * defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload([1, 2])); // [1, 2]
 * ```
 */
export const defaultPayloadConverter: DefaultPayloadConverter = new DefaultPayloadConverter();
