/**
 * Which search attributes a namespace knows and where their values live. System attributes
 * are fixed columns of the visibility table; custom ones (registered per namespace with
 * OperatorService.AddSearchAttributes) take a free typed slot column, as in Temporal's SQL
 * visibility, so every attribute filters on a typed, indexed column.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import type { CustomSearchAttribute, NamespaceRecord } from '../persistence/store.js';
import { CUSTOM_SLOTS, systemAttributeColumns } from '../visibility/attributes.js';

/** In temporal.api.enums.v1.IndexedValueType order (TEXT = 1 … KEYWORD_LIST = 7). */
export const SEARCH_ATTRIBUTE_TYPES: readonly SearchAttributeType[] = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'];

/** The custom attributes Temporal's dev server registers in every namespace (migration 2 writes the same). */
export const PREDEFINED_CUSTOM_SEARCH_ATTRIBUTES: Readonly<Record<string, CustomSearchAttribute>> = {
  CustomKeywordField: { type: 'Keyword', column: 'keyword01' },
  CustomStringField: { type: 'Text', column: 'text01' },
  CustomTextField: { type: 'Text', column: 'text02' },
  CustomIntField: { type: 'Int', column: 'int01' },
  CustomDoubleField: { type: 'Double', column: 'double01' },
  CustomBoolField: { type: 'Bool', column: 'bool01' },
  CustomDatetimeField: { type: 'Datetime', column: 'datetime01' },
};

/** System attributes a workflow (or the server's schedules) may set; the rest only the server writes. */
const SETTABLE_SYSTEM_ATTRIBUTES = new Set([
  'TemporalChangeVersion',
  'BuildIds',
  'BinaryChecksums',
  'BatcherUser',
  'TemporalScheduledById',
  'TemporalScheduledStartTime',
  'TemporalSchedulePaused',
  'TemporalPauseInfo',
]);

/** System attributes (the visibility table's own columns): name → type, column, and whether a workflow may set it. */
export const SYSTEM_SEARCH_ATTRIBUTES: ReadonlyMap<string, { type: SearchAttributeType; column: string; settable: boolean }> = new Map(
  systemAttributeColumns().map((a) => [a.name, { type: a.type, column: a.column, settable: SETTABLE_SYSTEM_ATTRIBUTES.has(a.name) }]),
);

/** The type of `name` in `ns` (system or custom), or undefined when the namespace does not know it. */
export function searchAttributeType(ns: NamespaceRecord, name: string): SearchAttributeType | undefined {
  const system = SYSTEM_SEARCH_ATTRIBUTES.get(name);
  if (system) return system.type;
  return ns.customSearchAttributes[name]?.type as SearchAttributeType | undefined;
}

/**
 * The namespace's custom attributes with `added` registered in free slots. Throws a message
 * (for INVALID_ARGUMENT / ALREADY_EXISTS) when a name is taken or a type has no free slot.
 */
export function withCustomAttributes(
  ns: NamespaceRecord,
  added: ReadonlyMap<string, SearchAttributeType>,
): Record<string, CustomSearchAttribute> {
  const result = { ...ns.customSearchAttributes };
  for (const [name, type] of added) {
    if (SYSTEM_SEARCH_ATTRIBUTES.has(name)) throw new SearchAttributeError('invalid', `search attribute ${name} is reserved by the system`);
    const existing = result[name];
    if (existing) {
      if (existing.type === type) continue; // Temporal answers success for an identical re-registration.
      throw new SearchAttributeError('exists', `search attribute ${name} already exists with type ${existing.type}`);
    }
    const used = new Set(Object.values(result).map((a) => a.column));
    const column = CUSTOM_SLOTS[type].find((c) => !used.has(c));
    if (!column) {
      throw new SearchAttributeError(
        'invalid',
        `unable to add search attribute ${name}: namespace ${ns.name} already has ${CUSTOM_SLOTS[type].length} of type ${type}, the most this server allows`,
      );
    }
    result[name] = { type, column };
  }
  return result;
}

/** The namespace's custom attributes without `removed`; an unknown name throws. */
export function withoutCustomAttributes(ns: NamespaceRecord, removed: readonly string[]): Record<string, CustomSearchAttribute> {
  const result = { ...ns.customSearchAttributes };
  for (const name of removed) {
    if (SYSTEM_SEARCH_ATTRIBUTES.has(name)) throw new SearchAttributeError('invalid', `system search attribute ${name} cannot be removed`);
    if (!result[name]) throw new SearchAttributeError('not-found', `search attribute ${name} does not exist in namespace ${ns.name}`);
    delete result[name];
  }
  return result;
}

export class SearchAttributeError extends Error {
  constructor(
    readonly kind: 'invalid' | 'exists' | 'not-found',
    message: string,
  ) {
    super(message);
    this.name = 'SearchAttributeError';
  }
}
