/**
 * The search attributes a namespace knows and their types, as Temporal's dev server
 * registers them. Temporal stamps each value's payload with `metadata.type` on the way
 * out (describe), which is how clients turn a Datetime back into a Date.
 */
import type { proto } from './proto.js';

type ISearchAttributes = proto.temporal.api.common.v1.ISearchAttributes;

/** Temporal's names for `temporal.api.enums.v1.IndexedValueType`, as they appear in `metadata.type`. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

const registered: ReadonlyMap<string, SearchAttributeType> = new Map([
  // System attributes.
  ['WorkflowId', 'Keyword'],
  ['RunId', 'Keyword'],
  ['WorkflowType', 'Keyword'],
  ['TaskQueue', 'Keyword'],
  ['ExecutionStatus', 'Keyword'],
  ['StartTime', 'Datetime'],
  ['CloseTime', 'Datetime'],
  ['ExecutionTime', 'Datetime'],
  ['ExecutionDuration', 'Int'],
  ['HistoryLength', 'Int'],
  ['HistorySizeBytes', 'Int'],
  ['StateTransitionCount', 'Int'],
  ['TemporalChangeVersion', 'KeywordList'],
  ['BinaryChecksums', 'KeywordList'],
  ['BuildIds', 'KeywordList'],
  ['BatcherUser', 'Keyword'],
  ['TemporalScheduledStartTime', 'Datetime'],
  ['TemporalScheduledById', 'Keyword'],
  ['TemporalSchedulePaused', 'Bool'],
  ['TemporalNamespaceDivision', 'Keyword'],
  ['TemporalPauseInfo', 'KeywordList'],
  // The custom attributes Temporal's dev server pre-registers in every namespace.
  ['CustomKeywordField', 'Keyword'],
  ['CustomStringField', 'Text'],
  ['CustomTextField', 'Text'],
  ['CustomIntField', 'Int'],
  ['CustomDoubleField', 'Double'],
  ['CustomBoolField', 'Bool'],
  ['CustomDatetimeField', 'Datetime'],
]);

/**
 * `searchAttributes` with every known attribute's payload carrying its type; a type the
 * client already set is kept (attributes we do not know are stored as sent).
 */
export function withSearchAttributeTypes(searchAttributes: ISearchAttributes): ISearchAttributes {
  const indexedFields: NonNullable<ISearchAttributes['indexedFields']> = {};
  for (const [name, payload] of Object.entries(searchAttributes.indexedFields ?? {})) {
    const type = registered.get(name);
    const metadata = payload.metadata ?? {};
    indexedFields[name] =
      type === undefined || metadata['type'] ? payload : { ...payload, metadata: { ...metadata, type: Buffer.from(type) } };
  }
  return { indexedFields };
}
