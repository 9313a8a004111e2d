/**
 * Search attribute values: checked against the namespace's registered types when a workflow
 * sets them (start, child start, continue-as-new, upsert), and turned into the visibility
 * table's column values. Values arrive as Temporal's SDKs send them: one json/plain payload
 * per attribute, holding a value or an array of values.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import type { proto } from '../common/proto.js';
import type { NamespaceRecord } from '../persistence/store.js';
import { SYSTEM_SEARCH_ATTRIBUTES, searchAttributeType } from '../namespaces/search-attributes.js';

type IPayload = proto.temporal.api.common.v1.IPayload;
type Fields = Record<string, IPayload> | null | undefined;

/** Temporal's limits on one workflow's search attributes (dynamic config defaults). */
export const SEARCH_ATTRIBUTE_VALUE_BYTES_MAX = 2 * 1024;
export const SEARCH_ATTRIBUTES_TOTAL_BYTES_MAX = 40 * 1024;

/**
 * Why `fields` cannot be stored in `ns`, or null when they can. An empty value (null, `[]`)
 * unsets the attribute and is always accepted.
 */
export function searchAttributesProblem(ns: NamespaceRecord, fields: Fields): string | null {
  let total = 0;
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const type = searchAttributeType(ns, name);
    if (type === undefined) return `search attribute ${name} is not defined in namespace ${ns.name}`;
    const system = SYSTEM_SEARCH_ATTRIBUTES.get(name);
    if (system && !system.settable) return `search attribute ${name} is reserved by the system and cannot be set`;
    const size = payload.data?.length ?? 0;
    if (size > SEARCH_ATTRIBUTE_VALUE_BYTES_MAX) {
      return `search attribute ${name} value is ${size} bytes, more than the limit of ${SEARCH_ATTRIBUTE_VALUE_BYTES_MAX}`;
    }
    total += size;
    const values = decodeValues(payload);
    if (values === undefined) return `search attribute ${name} value is not valid JSON`;
    if (values.length === 0) continue;
    const problem = valuesProblem(type, values);
    if (problem) return `invalid value for search attribute ${name} of type ${type}: ${problem}`;
  }
  if (total > SEARCH_ATTRIBUTES_TOTAL_BYTES_MAX) {
    return `search attributes total ${total} bytes, more than the limit of ${SEARCH_ATTRIBUTES_TOTAL_BYTES_MAX}`;
  }
  return null;
}

/**
 * The visibility columns `fields` set in `ns` (attributes the namespace no longer knows are
 * left out: they were valid when written and stay in the row's stored attributes).
 */
export function searchAttributeColumns(ns: NamespaceRecord, fields: Fields): Record<string, string | number | null> {
  const columns: Record<string, string | number | null> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const system = SYSTEM_SEARCH_ATTRIBUTES.get(name);
    const target = system?.settable ? system : system ? undefined : ns.customSearchAttributes[name];
    if (!target) continue;
    const values = decodeValues(payload);
    if (!values || values.length === 0) continue;
    columns[target.column] = columnValue(target.type as SearchAttributeType, values);
  }
  return columns;
}

function decodeValues(payload: IPayload): unknown[] | undefined {
  if (!payload.data?.length) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    if (parsed === null) return [];
    return Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  } catch {
    return undefined;
  }
}

function valuesProblem(type: SearchAttributeType, values: unknown[]): string | null {
  if (type !== 'KeywordList' && values.length > 1) return `a ${type} attribute holds one value, got ${values.length}`;
  for (const value of values) {
    if (!fits(type, value)) return `${JSON.stringify(value)} is not a ${type}`;
  }
  return null;
}

function fits(type: SearchAttributeType, value: unknown): boolean {
  switch (type) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      return typeof value === 'string';
    case 'Int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'Double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Bool':
      return typeof value === 'boolean';
    case 'Datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  }
}

function columnValue(type: SearchAttributeType, values: unknown[]): string | number | null {
  const first = values[0];
  switch (type) {
    case 'KeywordList':
      return JSON.stringify(values.map(String));
    case 'Bool':
      return first === true ? 1 : 0;
    case 'Datetime':
      return Date.parse(String(first));
    case 'Int':
    case 'Double':
      return Number(first);
    case 'Keyword':
    case 'Text':
      return String(first);
  }
}
