/**
 * Search attribute types. Temporal stamps each value's payload with `metadata.type` on the way
 * out (describe), which is how clients turn a Datetime back into a Date.
 */
import type { proto } from './proto.js';

type ISearchAttributes = proto.temporal.api.common.v1.ISearchAttributes;

/** Temporal's names for `temporal.api.enums.v1.IndexedValueType`, as they appear in `metadata.type`. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/**
 * `searchAttributes` with every known attribute's payload carrying its type; a type the
 * client already set is kept (attributes we do not know are stored as sent).
 */
export function withSearchAttributeTypes(
  searchAttributes: ISearchAttributes,
  typeOf: (name: string) => SearchAttributeType | undefined,
): ISearchAttributes {
  const indexedFields: NonNullable<ISearchAttributes['indexedFields']> = {};
  for (const [name, payload] of Object.entries(searchAttributes.indexedFields ?? {})) {
    const type = typeOf(name);
    const metadata = payload.metadata ?? {};
    indexedFields[name] =
      type === undefined || metadata['type'] ? payload : { ...payload, metadata: { ...metadata, type: Buffer.from(type) } };
  }
  return { indexedFields };
}
