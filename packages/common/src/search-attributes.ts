/**
 * Search attributes ↔ indexed-field payloads, in the official SDK's format. Untyped values are a
 * homogeneous array sent as one `json/plain` payload (Dates as ISO strings); typed values are a
 * single `json/plain` value whose `metadata.type` names the type ("Keyword", "KeywordList"…),
 * and a typed removal is a `null` without a type. The server stamps `metadata.type` on what it
 * returns, which is how values are decoded back into types (and Datetimes into Dates).
 */
import { decode, encode } from './encoding.js';
import { ValueError } from './errors.js';
import type { Payload, SearchAttributes } from './interfaces.js';
import {
  isValidValueForType,
  TypedSearchAttributes,
  type SearchAttributePair,
  type SearchAttributeType,
  type SearchAttributeUpdatePair,
} from './typed-search-attributes.js';

/**
 * Encodes untyped `searchAttributes` as the `indexedFields` of a request.
 *
 * @example
 * ```ts
 * const indexedFields = encodeSearchAttributes({ CustomKeywordField: ['gold'] });
 * ```
 */
export function encodeSearchAttributes(searchAttributes: SearchAttributes): Record<string, Payload> {
  const fields: Record<string, Payload> = {};
  for (const [name, values] of Object.entries(searchAttributes)) {
    if (values === undefined) continue;
    assertHomogeneous(name, values);
    fields[name] = jsonPayload(values);
  }
  return fields;
}

/**
 * Encodes typed pairs as `indexedFields`; a `null` value (an update's removal) is sent as a json
 * `null` without a type, as the official SDK sends it.
 *
 * @throws ValueError when a value does not fit its key's type.
 * @example
 * ```ts
 * const indexedFields = encodeTypedSearchAttributes([{ key: defineSearchAttributeKey('CustomIntField', 'INT'), value: 3 }]);
 * ```
 */
export function encodeTypedSearchAttributes(
  pairs: readonly SearchAttributeUpdatePair[] | TypedSearchAttributes,
): Record<string, Payload> {
  const fields: Record<string, Payload> = {};
  for (const { key, value } of pairsOf(pairs)) {
    if (value === null) {
      fields[key.name] = jsonPayload(null);
      continue;
    }
    if (!isValidValueForType(key.type, value)) {
      throw new ValueError(`Invalid search attribute value ${String(value)} for given type ${key.type}`);
    }
    fields[key.name] = jsonPayload(value, TypedSearchAttributes.toMetadataType(key.type));
  }
  return fields;
}

/**
 * The `indexedFields` of start-type options that may carry both forms; on a name set in both,
 * the typed value wins (as in the official SDK).
 *
 * @example
 * ```ts
 * const indexedFields = encodeUnifiedSearchAttributes(options.searchAttributes, options.typedSearchAttributes);
 * ```
 */
export function encodeUnifiedSearchAttributes(
  searchAttributes: SearchAttributes | undefined,
  typedSearchAttributes: readonly SearchAttributeUpdatePair[] | TypedSearchAttributes | undefined,
): Record<string, Payload> {
  return {
    ...(searchAttributes ? encodeSearchAttributes(searchAttributes) : {}),
    ...(typedSearchAttributes ? encodeTypedSearchAttributes(typedSearchAttributes) : {}),
  };
}

/**
 * Decodes the `indexedFields` of a response the untyped way; empty arrays (sent by old servers)
 * are dropped.
 *
 * @example
 * ```ts
 * decodeSearchAttributes(raw.searchAttributes?.indexedFields); // { CustomKeywordField: ['gold'] }
 * ```
 */
export function decodeSearchAttributes(indexedFields: Record<string, Payload> | null | undefined): SearchAttributes {
  const result: SearchAttributes = {};
  for (const [name, payload] of Object.entries(indexedFields ?? {})) {
    const values = decodeUntypedValues(payload);
    if (values.length > 0) result[name] = values as SearchAttributes[string];
  }
  return result;
}

/**
 * Decodes `indexedFields` into typed attributes. Fields without a known `metadata.type`, and
 * values that do not fit their type (a null, or a list for a single-valued type), are skipped.
 *
 * @example
 * ```ts
 * decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields).get(defineSearchAttributeKey('CustomIntField', 'INT'));
 * ```
 */
export function decodeTypedSearchAttributes(indexedFields: Record<string, Payload> | null | undefined): TypedSearchAttributes {
  const pairs: SearchAttributePair[] = [];
  for (const [name, payload] of Object.entries(indexedFields ?? {})) {
    const typed = decodeTypedValue(payload);
    if (typed !== undefined) pairs.push({ key: { name, type: typed.type }, value: typed.value } as SearchAttributePair);
  }
  return new TypedSearchAttributes(pairs);
}

/**
 * Decodes one search attribute payload the untyped way (a group value of a count): always an
 * array, with Dates for Datetime attributes.
 *
 * @example
 * ```ts
 * const groupValues = group.groupValues.map(decodeUntypedValues); // [['Running']]
 * ```
 */
export function decodeUntypedValues(payload: Payload): unknown[] {
  if (isEmpty(payload)) return [];
  const parsed: unknown = JSON.parse(decode(payload.data!));
  const values = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  return metadataType(payload) === 'DATETIME' ? values.map((value) => new Date(value as string)) : values;
}

function decodeTypedValue(payload: Payload): { type: SearchAttributeType; value: unknown } | undefined {
  const type = metadataType(payload);
  if (type === undefined || isEmpty(payload)) return undefined;
  let value: unknown = JSON.parse(decode(payload.data!));
  // Values written untyped arrive as one-element lists.
  if (type !== 'KEYWORD_LIST' && Array.isArray(value)) {
    if (value.length !== 1) return undefined;
    value = value[0];
  }
  if (type === 'DATETIME' && typeof value === 'string') value = new Date(value);
  return isValidValueForType(type, value) ? { type, value } : undefined;
}

function pairsOf(pairs: readonly SearchAttributeUpdatePair[] | TypedSearchAttributes): readonly SearchAttributeUpdatePair[] {
  // Duck-typed so that another implementation's TypedSearchAttributes is accepted too.
  if (Array.isArray(pairs)) return pairs as readonly SearchAttributeUpdatePair[];
  return (pairs as TypedSearchAttributes).getAll();
}

function jsonPayload(value: unknown, type?: string): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: encode('json/plain') };
  if (type !== undefined) metadata['type'] = encode(type);
  return { metadata, data: encode(JSON.stringify(value)) };
}

function metadataType(payload: Payload): SearchAttributeType | undefined {
  const type = payload.metadata?.['type'];
  if (type === undefined || type === null || type.length === 0) return undefined;
  return TypedSearchAttributes.toSearchAttributeType(decode(type));
}

function isEmpty(payload: Payload): boolean {
  return payload.data === null || payload.data === undefined || payload.data.length === 0;
}

function assertHomogeneous(name: string, values: readonly unknown[]): void {
  if (!Array.isArray(values)) throw new ValueError(`SearchAttribute value must be an array (attribute ${name})`);
  const first: unknown = values[0];
  if (first === undefined) return;
  const isDate = first instanceof Date;
  const kind = typeof first;
  if (!isDate && kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
    throw new ValueError(`SearchAttribute array values must be: string | number | boolean | Date (attribute ${name})`);
  }
  for (const value of values) {
    const same = isDate ? value instanceof Date : typeof value === kind;
    if (!same) throw new ValueError(`All SearchAttribute array values must be of the same type (attribute ${name})`);
  }
}
