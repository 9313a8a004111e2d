/**
 * Conversion between the public "const object of strings" enums (e.g. `RetryState.TIMEOUT`) and
 * the numeric enums of the Temporal protos. The proto enums are never imported at runtime (that
 * would pull all protobuf definitions into the workflow sandbox), so each mapping is spelled out.
 */
import { ValueError } from './errors.js';

/**
 * Build `[encode, decode]` for one proto enum.
 *
 * `table` maps each short string value (and `UNSPECIFIED`) to its proto number; `prefix` is the
 * proto's repeated value prefix (e.g. `'RETRY_STATE_'`), which `encode` also accepts. `decode`
 * maps `UNSPECIFIED` (0) to `undefined` and an unknown number to `'unknown_<n>'` rather than
 * throwing, so that a newer server cannot break an older SDK.
 *
 * @example
 * ```ts
 * const [encodeX, decodeX] = makeProtoEnumConverters<number, 'A' | 'B', 'X_'>({ A: 1, B: 2, UNSPECIFIED: 0 }, 'X_');
 * encodeX('X_A'); // 1
 * decodeX(2); // 'B'
 * ```
 */
export function makeProtoEnumConverters<ProtoEnum extends number, Short extends string, Prefix extends string>(
  table: Readonly<Record<Short | 'UNSPECIFIED', number>>,
  prefix: Prefix,
): [
  encode: (input: Short | `${Prefix}${Short}` | ProtoEnum | null | undefined) => ProtoEnum | undefined,
  decode: (input: ProtoEnum | null | undefined) => Short | undefined,
] {
  const byNumber = new Map<number, string>();
  for (const [name, value] of Object.entries<number>(table)) byNumber.set(value, name);
  const hasUnspecified = (table as Record<string, number>)['UNSPECIFIED'] === 0;

  function encodeEnum(input: string | number | null | undefined): ProtoEnum | undefined {
    if (input == null) return undefined;
    if (typeof input === 'number') return input as ProtoEnum;
    if (typeof input === 'string') {
      const short = input.startsWith(prefix) ? input.slice(prefix.length) : input;
      if (Object.prototype.hasOwnProperty.call(table, short)) return (table as Record<string, number>)[short] as ProtoEnum;
      throw new ValueError(`Invalid enum value: '${input}'`);
    }
    throw new ValueError(`Invalid enum value: '${String(input)}' of type ${typeof input}`);
  }

  function decodeEnum(input: number | null | undefined): Short | undefined {
    if (input == null) return undefined;
    if (typeof input !== 'number') {
      throw new ValueError(`Invalid proto enum value: '${String(input)}' of type ${typeof input}`);
    }
    if (hasUnspecified && input === 0) return undefined;
    return (byNumber.get(input) ?? `unknown_${input}`) as Short;
  }

  return [encodeEnum, decodeEnum];
}
