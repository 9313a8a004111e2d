/**
 * Data converter configuration: which payload converter, failure converter and payload codecs a
 * Client or Worker uses. Payload and failure converters run in the Workflow sandbox; codecs run
 * only outside it (they are async and may use Node APIs).
 */
import { ValueError } from '../errors.js';
import type { Payload } from '../interfaces.js';
import { DefaultFailureConverter } from './failure-converter.js';
import type { FailureConverter } from './failure-converter.js';
import { defaultPayloadConverter } from './payload-converter.js';
import type { PayloadConverter } from './payload-converter.js';

/**
 * A transformation of payloads between the {@link PayloadConverter} and the wire, typically
 * encryption or compression:
 *
 * Server <--> Wire <--> `PayloadCodec` <--> `PayloadConverter` <--> User code
 *
 * @example
 * ```ts
 * const codec: PayloadCodec = {
 *   async encode(payloads) { return payloads.map(encrypt); },
 *   async decode(payloads) { return payloads.map(decrypt); },
 * };
 * ```
 */
export interface PayloadCodec {
  /** Encodes payloads for the wire. `payloads` may be empty. */
  encode(payloads: Payload[]): Promise<Payload[]>;
  /** Decodes payloads received from the wire. */
  decode(payloads: Payload[]): Promise<Payload[]>;
}

/**
 * How data (arguments, results, failures) is converted to and from what the server stores.
 * Provide the same one to the Client and the Worker.
 *
 * @example
 * ```ts
 * const dataConverter: DataConverter = { payloadCodecs: [encryptionCodec] };
 * ```
 */
export interface DataConverter {
  /** The payload converter; {@link defaultPayloadConverter} when omitted. */
  payloadConverter?: PayloadConverter;
  /** The failure converter; {@link defaultFailureConverter} when omitted. */
  failureConverter?: FailureConverter;
  /**
   * Path of a module with a `payloadConverter` named export, for source compatibility with the
   * official SDK: the Worker / Client that accepts it loads the module and passes the result as
   * {@link payloadConverter}. {@link loadDataConverter} cannot load modules and rejects it.
   */
  payloadConverterPath?: string;
  /** Like {@link payloadConverterPath}, for a `failureConverter` named export. */
  failureConverterPath?: string;
  /**
   * Codecs applied to every payload: encoded in array order, decoded in reverse order. For
   * compression plus encryption, use `[compressionCodec, encryptionCodec]`.
   */
  payloadCodecs?: PayloadCodec[];
}

/**
 * A {@link DataConverter} with every part resolved.
 *
 * @example
 * ```ts
 * const { payloadConverter, failureConverter, payloadCodecs } = loadDataConverter(options.dataConverter);
 * ```
 */
export interface LoadedDataConverter {
  /** The payload converter in use. */
  payloadConverter: PayloadConverter;
  /** The failure converter in use. */
  failureConverter: FailureConverter;
  /** The codecs in use, in encoding order. */
  payloadCodecs: PayloadCodec[];
}

/**
 * The default {@link FailureConverter}: messages and stack traces in plain text.
 *
 * @example
 * ```ts
 * defaultFailureConverter.errorToFailure(new Error('boom'), defaultPayloadConverter);
 * ```
 */
export const defaultFailureConverter: FailureConverter = new DefaultFailureConverter();

/**
 * The data converter used when none is configured: default payload and failure converters, no
 * codecs.
 *
 * @example
 * ```ts
 * defaultDataConverter.payloadConverter.toPayload('hi');
 * ```
 */
export const defaultDataConverter: LoadedDataConverter = {
  payloadConverter: defaultPayloadConverter,
  failureConverter: defaultFailureConverter,
  payloadCodecs: [],
};

/**
 * Resolve a {@link DataConverter}, filling in defaults for missing parts.
 *
 * @throws {@link ValueError} when only a `*ConverterPath` is given: silently falling back to the
 * default converter would write payloads the user's converter cannot read.
 * @example
 * ```ts
 * const loaded = loadDataConverter({ payloadCodecs: [codec] });
 * ```
 */
export function loadDataConverter(dataConverter?: DataConverter): LoadedDataConverter {
  if (dataConverter === undefined) return defaultDataConverter;
  if (dataConverter.payloadConverterPath !== undefined && dataConverter.payloadConverter === undefined) {
    throw new ValueError(
      'DataConverter.payloadConverterPath must be loaded by the Worker or Client; pass payloadConverter instead',
    );
  }
  if (dataConverter.failureConverterPath !== undefined && dataConverter.failureConverter === undefined) {
    throw new ValueError(
      'DataConverter.failureConverterPath must be loaded by the Worker or Client; pass failureConverter instead',
    );
  }
  return {
    payloadConverter: dataConverter.payloadConverter ?? defaultPayloadConverter,
    failureConverter: dataConverter.failureConverter ?? defaultFailureConverter,
    payloadCodecs: dataConverter.payloadCodecs ?? [],
  };
}
