/**
 * Search attributes from inside a Workflow (mirrors @temporalio/workflow): `upsertSearchAttributes`
 * in its typed and untyped forms, which keeps both views of `workflowInfo()` current, and the
 * encoding of the start options of children and continue-as-new.
 */
import {
  encodeSearchAttributes,
  encodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
  TypedSearchAttributes,
  type SearchAttributePair,
  type SearchAttributes,
  type SearchAttributeUpdatePair,
} from '@endure/common';
import type { temporal } from '@temporalio/proto';
import type { WorkflowInfo } from './interfaces.js';
import { CommandType } from './internals/commands.js';
import { pushCommand, workflowInfo } from './internals/activator.js';

type MutableInfo = { -readonly [K in keyof WorkflowInfo]: WorkflowInfo[K] };

/**
 * Add, change or remove search attributes of this Workflow; `workflowInfo().typedSearchAttributes`
 * (and the deprecated `searchAttributes`) show the result at once.
 *
 * The typed form takes key/value pairs, a `null` value removing the attribute; the deprecated
 * untyped form takes arrays, an empty array (or `undefined`) removing the attribute.
 *
 * @example
 * ```ts
 * const status = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
 * const priority = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
 * upsertSearchAttributes([{ key: status, value: 'shipped' }, { key: priority, value: null }]);
 * ```
 */
export function upsertSearchAttributes(searchAttributes: SearchAttributes | SearchAttributeUpdatePair[]): void {
  if (searchAttributes === null || typeof searchAttributes !== 'object') {
    throw new TypeError('searchAttributes must be a non-null SearchAttributes');
  }
  const info = workflowInfo() as MutableInfo;
  if (Array.isArray(searchAttributes)) {
    pushUpsert(encodeTypedSearchAttributes(searchAttributes));
    applyTyped(info, searchAttributes);
  } else {
    pushUpsert(encodeSearchAttributes(searchAttributes));
    applyUntyped(info, searchAttributes);
  }
}

/** The `searchAttributes` of a child's or a new run's start: both forms, typed values winning. */
export function searchAttributesOf(options: {
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
}): temporal.api.common.v1.ISearchAttributes | undefined {
  if (!options.searchAttributes && !options.typedSearchAttributes) return undefined;
  return { indexedFields: encodeUnifiedSearchAttributes(options.searchAttributes, options.typedSearchAttributes) };
}

function pushUpsert(indexedFields: Record<string, temporal.api.common.v1.IPayload>): void {
  pushCommand({
    commandType: CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    upsertWorkflowSearchAttributesCommandAttributes: { searchAttributes: { indexedFields } },
  });
}

function applyTyped(info: MutableInfo, updates: SearchAttributeUpdatePair[]): void {
  const untyped: SearchAttributes = { ...info.searchAttributes };
  for (const { key, value } of updates) {
    if (value === null) delete untyped[key.name];
    else untyped[key.name] = (Array.isArray(value) ? value : [value]) as SearchAttributes[string];
  }
  info.searchAttributes = untyped;
  info.typedSearchAttributes = info.typedSearchAttributes.updateCopy(updates);
}

/**
 * Untyped values carry no type: the typed view takes the type of the attribute already there,
 * else the one the value implies (as the official SDK does); values that imply none are skipped.
 */
function applyUntyped(info: MutableInfo, updates: SearchAttributes): void {
  const untyped: SearchAttributes = { ...info.searchAttributes };
  let typed = info.typedSearchAttributes;
  for (const [name, values] of Object.entries(updates)) {
    const existing = typed.getAll().find((pair) => pair.key.name === name);
    if (values === undefined || values.length === 0) {
      delete untyped[name];
      if (existing) typed = typed.updateCopy([{ key: existing.key, value: null } as SearchAttributeUpdatePair]);
      continue;
    }
    untyped[name] = values;
    const implied = TypedSearchAttributes.getKeyFromUntyped(name, values);
    if (implied === undefined) continue;
    const key = implied.type === 'TEXT' && existing ? existing.key : implied;
    const single: unknown = values.length === 1 ? values[0] : values;
    const value = key.type === 'DATETIME' ? new Date(single as string | Date) : single;
    typed = typed.updateCopy([{ key, value } as SearchAttributeUpdatePair]);
  }
  info.searchAttributes = untyped;
  info.typedSearchAttributes = typed;
}
