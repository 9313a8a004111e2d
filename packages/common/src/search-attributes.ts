/**
 * Untyped search attributes ↔ indexed-field payloads, in the official SDK's format: each value
 * is a homogeneous array sent as one `json/plain` payload (Dates as ISO strings), and a
 * server-set `type: Datetime` metadata turns values back into Dates.
 */
import { decode, encode } from './encoding.js';
import { ValueError } from './errors.js';
import type { Payload, SearchAttributes } from './interfaces.js';


/** Encodes `searchAttributes` as the `indexedFields` of a request. */
export function encodeSearchAttributes(searchAttributes: SearchAttributes): Record<string, Payload> {
  const fields: Record<string, Payload> = {};
  for (const [name, values] of Object.entries(searchAttributes)) {
    if (values === undefined) continue;
    assertHomogeneous(name, values);
    fields[name] = { metadata: { encoding: encode('json/plain') }, data: encode(JSON.stringify(values)) };
  }
  return fields;
}

/** Decodes the `indexedFields` of a response; empty arrays (sent by old servers) are dropped. */
export function decodeSearchAttributes(indexedFields: Record<string, Payload> | null | undefined): SearchAttributes {
  const result: SearchAttributes = {};
  for (const [name, payload] of Object.entries(indexedFields ?? {})) {
    const values = decodeValues(payload);
    if (values.length > 0) result[name] = values as SearchAttributes[string];
  }
  return result;
}

function decodeValues(payload: Payload): unknown[] {
  if (payload.data === null || payload.data === undefined || payload.data.length === 0) return [];
  const parsed: unknown = JSON.parse(decode(payload.data));
  const values = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  const type = payload.metadata?.['type'];
  const isDatetime = type !== undefined && type !== null && decode(type) === 'Datetime';
  return isDatetime ? values.map((value) => new Date(value as string)) : values;
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
