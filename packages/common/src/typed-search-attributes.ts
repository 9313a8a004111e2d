/**
 * Typed search attributes, as `@temporalio/common` defines them: a key names an attribute and
 * its indexed type, a pair gives it a value, and {@link TypedSearchAttributes} is an immutable
 * set of pairs. The payload format lives in `search-attributes.ts`.
 */
import { makeProtoEnumConverters } from './enum-helpers.js';
import type { SearchAttributeValue } from './interfaces.js';
import type { temporal } from '@temporalio/proto';

/**
 * The indexed types a search attribute can have.
 *
 * @example
 * ```ts
 * const orderStatus = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
 * ```
 */
export const SearchAttributeType = {
  TEXT: 'TEXT',
  KEYWORD: 'KEYWORD',
  INT: 'INT',
  DOUBLE: 'DOUBLE',
  BOOL: 'BOOL',
  DATETIME: 'DATETIME',
  KEYWORD_LIST: 'KEYWORD_LIST',
} as const;
/** See the {@link SearchAttributeType} values. */
export type SearchAttributeType = (typeof SearchAttributeType)[keyof typeof SearchAttributeType];

const indexedValueTypeConverters = makeProtoEnumConverters<
  temporal.api.enums.v1.IndexedValueType,
  SearchAttributeType,
  'INDEXED_VALUE_TYPE_'
>({ TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7, UNSPECIFIED: 0 }, 'INDEXED_VALUE_TYPE_');

/**
 * {@link SearchAttributeType} to the proto `IndexedValueType` number (used to register attributes
 * through the OperatorService).
 *
 * @example
 * ```ts
 * await client.connection.operatorService.addSearchAttributes({
 *   namespace: 'default',
 *   searchAttributes: { OrderStatus: encodeSearchAttributeIndexedValueType('KEYWORD') },
 * });
 * ```
 */
export const encodeSearchAttributeIndexedValueType = indexedValueTypeConverters[0];

/**
 * The JavaScript value of each {@link SearchAttributeType}.
 *
 * @example
 * ```ts
 * const when: IndexedValueTypeMapping['DATETIME'] = new Date();
 * ```
 */
export interface IndexedValueTypeMapping {
  TEXT: string;
  KEYWORD: string;
  INT: number;
  DOUBLE: number;
  BOOL: boolean;
  DATETIME: Date;
  KEYWORD_LIST: string[];
}

/**
 * A search attribute's name and indexed type; make one with {@link defineSearchAttributeKey}.
 *
 * @example
 * ```ts
 * const priority: SearchAttributeKey<'INT'> = { name: 'CustomIntField', type: 'INT' };
 * ```
 */
export interface SearchAttributeKey<T extends SearchAttributeType> {
  name: string;
  type: T;
}

/**
 * A key and the value it has.
 *
 * @example
 * ```ts
 * const pair: SearchAttributePair = { key: defineSearchAttributeKey('CustomIntField', 'INT'), value: 3 };
 * ```
 */
export type SearchAttributePair = {
  [T in SearchAttributeType]: { key: SearchAttributeKey<T>; value: IndexedValueTypeMapping[T] };
}[SearchAttributeType];

/**
 * A key and its new value; `null` removes the attribute.
 *
 * @example
 * ```ts
 * upsertSearchAttributes([{ key: defineSearchAttributeKey('CustomIntField', 'INT'), value: null }]);
 * ```
 */
export type SearchAttributeUpdatePair = {
  [T in SearchAttributeType]: { key: SearchAttributeKey<T>; value: IndexedValueTypeMapping[T] | null };
}[SearchAttributeType];

/**
 * A search attribute key.
 *
 * @example
 * ```ts
 * const customer = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
 * const handle = await client.workflow.start(order, { taskQueue, workflowId, typedSearchAttributes: [{ key: customer, value: 'acme' }] });
 * ```
 */
export function defineSearchAttributeKey<T extends SearchAttributeType>(name: string, type: T): SearchAttributeKey<T> {
  return { name, type };
}

/**
 * Whether `value` is a valid value of an attribute of type `type` (an INT must be an integer).
 *
 * @example
 * ```ts
 * isValidValueForType('INT', 1.5); // false
 * ```
 */
export function isValidValueForType<T extends SearchAttributeType>(type: T, value: unknown): value is IndexedValueTypeMapping[T] {
  switch (type) {
    case 'TEXT':
    case 'KEYWORD':
      return typeof value === 'string';
    case 'INT':
      return Number.isInteger(value);
    case 'DOUBLE':
      return typeof value === 'number';
    case 'BOOL':
      return typeof value === 'boolean';
    case 'DATETIME':
      return value instanceof Date;
    case 'KEYWORD_LIST':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    default:
      return false;
  }
}

const metadataTypeNames: Readonly<Record<SearchAttributeType, string>> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

interface StoredValue {
  readonly type: SearchAttributeType;
  readonly value: unknown;
}

/**
 * An immutable set of typed search attributes: what `describe()`, list items and
 * `workflowInfo()` return, and what start options accept besides plain pairs.
 *
 * @example
 * ```ts
 * const tier = defineSearchAttributeKey('CustomKeywordField', 'KEYWORD');
 * const attributes = new TypedSearchAttributes([{ key: tier, value: 'gold' }]);
 * attributes.get(tier); // 'gold'
 * attributes.updateCopy([{ key: tier, value: null }]).get(tier); // undefined
 * ```
 */
export class TypedSearchAttributes {
  readonly #values: ReadonlyMap<string, StoredValue>;

  /** @throws Error when two pairs have the same key name. */
  constructor(initialAttributes?: SearchAttributePair[]) {
    const values = new Map<string, StoredValue>();
    for (const pair of initialAttributes ?? []) {
      if (values.has(pair.key.name)) throw new Error(`Duplicate search attribute key: ${pair.key.name}`);
      values.set(pair.key.name, { type: pair.key.type, value: copyValue(pair.value) });
    }
    this.#values = values;
  }

  /** The value of `key`; `undefined` when it is unset or has another type. */
  get<T extends SearchAttributeType>(key: SearchAttributeKey<T>): IndexedValueTypeMapping[T] | undefined {
    const stored = this.#values.get(key.name);
    if (stored === undefined || !isValidValueForType(key.type, stored.value)) return undefined;
    return copyValue(stored.value);
  }

  /** Every attribute as a pair. */
  getAll(): SearchAttributePair[] {
    const pairs: SearchAttributePair[] = [];
    for (const [name, { type, value }] of this.#values) {
      if (isValidValueForType(type, value)) pairs.push({ key: { name, type }, value: copyValue(value) } as SearchAttributePair);
    }
    return pairs;
  }

  /** A copy (values are not shared). */
  copy(): TypedSearchAttributes {
    return this.updateCopy([]);
  }

  /**
   * A copy with `updates` applied: a value sets the attribute, `null` removes it (only when
   * the type matches the attribute's, as the official SDK does).
   */
  updateCopy(updates: SearchAttributeUpdatePair[]): TypedSearchAttributes {
    const next = new Map<string, StoredValue>(this.#values);
    for (const { key, value } of updates) {
      if (value === null) {
        if (next.get(key.name)?.type === key.type) next.delete(key.name);
      } else {
        next.set(key.name, { type: key.type, value: copyValue(value) });
      }
    }
    return new TypedSearchAttributes([...next].map(([name, { type, value }]) => ({ key: { name, type }, value }) as SearchAttributePair));
  }

  /** The JSON form is the list of pairs (so it crosses queries and logs readably). */
  toJSON(): SearchAttributePair[] {
    return this.getAll();
  }

  /**
   * The typed key an untyped value implies: a string is TEXT (or DATETIME when it is an ISO
   * date), a number INT or DOUBLE; `undefined` when nothing fits.
   */
  static getKeyFromUntyped(key: string, value: SearchAttributeValue | Readonly<SearchAttributeValue> | undefined): SearchAttributeKey<SearchAttributeType> | undefined {
    if (value === undefined || value === null) return undefined;
    const single: unknown = value.length === 1 ? value[0] : value;
    if (typeof single === 'string') return { name: key, type: isIsoDate(single) ? 'DATETIME' : 'TEXT' };
    if (typeof single === 'number') return { name: key, type: Number.isInteger(single) ? 'INT' : 'DOUBLE' };
    if (typeof single === 'boolean') return { name: key, type: 'BOOL' };
    if (single instanceof Date) return { name: key, type: 'DATETIME' };
    if (Array.isArray(single) && single.every((item) => typeof item === 'string')) return { name: key, type: 'KEYWORD_LIST' };
    return undefined;
  }

  /** The name a payload's `metadata.type` carries for `type` (e.g. `'KeywordList'`). */
  static toMetadataType(type: SearchAttributeType): string {
    if (!Object.prototype.hasOwnProperty.call(metadataTypeNames, type)) throw new Error(`Unknown search attribute type: ${String(type)}`);
    return metadataTypeNames[type];
  }

  /** The type named by a payload's `metadata.type` (`'KeywordList'` or `'INDEXED_VALUE_TYPE_KEYWORD_LIST'`). */
  static toSearchAttributeType(type: string): SearchAttributeType | undefined {
    const bare = type.startsWith('INDEXED_VALUE_TYPE_') ? type.slice('INDEXED_VALUE_TYPE_'.length) : undefined;
    if (bare !== undefined) return Object.prototype.hasOwnProperty.call(metadataTypeNames, bare) ? (bare as SearchAttributeType) : undefined;
    const entry = Object.entries(metadataTypeNames).find(([, name]) => name === type);
    return entry?.[0] as SearchAttributeType | undefined;
  }
}

function copyValue<V>(value: V): V {
  if (value instanceof Date) return new Date(value.getTime()) as V;
  if (Array.isArray(value)) return [...(value as unknown[])] as V;
  return value;
}

function isIsoDate(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && ms === new Date(text).getTime();
}
