import { describe, expect, it } from 'vitest';
import { loadDataConverter, type PayloadCodec } from './data-converter.js';
import {
  decodeFailureWithCodecs,
  decodePayloadsWithCodecs,
  encodeFailureWithCodecs,
  encodePayloadsWithCodecs,
} from './codecs.js';
import type { Payload } from '../index.js';

/** Appends its tag to each payload's data, and checks it is removed in reverse order. */
function taggingCodec(tag: number): PayloadCodec {
  return {
    encode: (payloads: Payload[]) => Promise.resolve(payloads.map((p) => ({ ...p, data: Uint8Array.from([...(p.data ?? []), tag]) }))),
    decode: (payloads: Payload[]) =>
      Promise.resolve(
        payloads.map((p) => {
          const data = p.data ?? new Uint8Array();
          if (data[data.length - 1] !== tag) throw new Error(`codec ${tag} decoded out of order`);
          return { ...p, data: data.slice(0, -1) };
        }),
      ),
  };
}

const converter = loadDataConverter({ payloadCodecs: [taggingCodec(1), taggingCodec(2)] });
const payload = (byte: number): Payload => ({ metadata: {}, data: Uint8Array.from([byte]) });

describe('payload codecs', () => {
  it('encode in list order and decode in reverse', async () => {
    const encoded = await encodePayloadsWithCodecs(converter, [payload(7)]);
    expect([...encoded[0]!.data!]).toEqual([7, 1, 2]);
    const decoded = await decodePayloadsWithCodecs(converter, encoded);
    expect([...decoded[0]!.data!]).toEqual([7]);
  });

  it('reach every payload of a failure and its causes, and round-trip', async () => {
    const failure = {
      message: 'outer',
      applicationFailureInfo: { type: 'X', details: { payloads: [payload(1)] } },
      cause: {
        message: 'timeout',
        timeoutFailureInfo: { lastHeartbeatDetails: { payloads: [payload(2)] } },
        cause: { message: 'cancelled', canceledFailureInfo: { details: { payloads: [payload(3)] } } },
      },
    };
    const encoded = await encodeFailureWithCodecs(converter, failure);
    expect([...encoded.applicationFailureInfo!.details!.payloads![0]!.data!]).toEqual([1, 1, 2]);
    expect([...encoded.cause!.timeoutFailureInfo!.lastHeartbeatDetails!.payloads![0]!.data!]).toEqual([2, 1, 2]);
    expect([...encoded.cause!.cause!.canceledFailureInfo!.details!.payloads![0]!.data!]).toEqual([3, 1, 2]);
    expect(await decodeFailureWithCodecs(converter, encoded)).toEqual(failure);
  });
});
