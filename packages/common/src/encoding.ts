/**
 * UTF-8 conversion between strings and bytes. Uses the `TextEncoder`/`TextDecoder` globals that
 * every supported runtime provides (Node, Bun, Deno, browsers and the workflow sandbox), looked up
 * through `globalThis` so that this package needs no DOM or Node type declarations.
 */

interface Utf8Encoder {
  encode(input: string): Uint8Array;
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface TextCodecGlobals {
  TextEncoder?: new () => Utf8Encoder;
  TextDecoder?: new () => Utf8Decoder;
}

let encoder: Utf8Encoder | undefined;
let decoder: Utf8Decoder | undefined;

function textCodecGlobals(): TextCodecGlobals {
  return globalThis as unknown as TextCodecGlobals;
}

/**
 * Encode a string as UTF-8 bytes.
 *
 * @example
 * ```ts
 * encode('json/plain'); // Uint8Array [106, 115, ...]
 * ```
 */
export function encode(s: string): Uint8Array {
  if (encoder === undefined) {
    const Encoder = textCodecGlobals().TextEncoder;
    if (Encoder === undefined) throw new TypeError('TextEncoder is not available in this runtime');
    encoder = new Encoder();
  }
  return encoder.encode(s);
}

/**
 * Decode UTF-8 bytes into a string (invalid sequences become U+FFFD).
 *
 * @example
 * ```ts
 * decode(encode('héllo')); // 'héllo'
 * ```
 */
export function decode(a: Uint8Array): string {
  if (decoder === undefined) {
    const Decoder = textCodecGlobals().TextDecoder;
    if (Decoder === undefined) throw new TypeError('TextDecoder is not available in this runtime');
    decoder = new Decoder();
  }
  return decoder.decode(a);
}
