/**
 * Which search attributes a namespace knows and where their values live. System attributes
 * are fixed columns of the visibility table; custom ones (registered per namespace with
 * OperatorService.AddSearchAttributes) take a free typed slot column, as in Temporal's SQL
 * visibility, so every attribute filters on a typed, indexed column.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import type { CustomSearchAttribute, NamespaceRecord } from '../persistence/store.js';

/** Slot columns per type (the visibility table has exactly these). */
export const CUSTOM_SLOT_COUNTS: Readonly<Record<SearchAttributeType, number>> = {
  Bool: 3,
  Datetime: 3,
  Double: 3,
  Int: 3,
  Keyword: 10,
  Text: 3,
  KeywordList: 3,
};

const SLOT_PREFIX: Readonly<Record<SearchAttributeType, string>> = {
  Bool: 'bool',
  Datetime: 'datetime',
  Double: 'double',
  Int: 'int',
  Keyword: 'keyword',
  Text: 'text',
  KeywordList: 'keyword_list',
};

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

/** System attributes: name → type and column. `settable`: a workflow or the server's schedules may write it. */
export const SYSTEM_SEARCH_ATTRIBUTES: ReadonlyMap<string, { type: SearchAttributeType; column: string; settable?: true }> = new Map([
  ['WorkflowId', { type: 'Keyword', column: 'workflow_id' }],
  ['RunId', { type: 'Keyword', column: 'run_id' }],
  ['WorkflowType', { type: 'Keyword', column: 'workflow_type' }],
  ['TaskQueue', { type: 'Keyword', column: 'task_queue' }],
  ['ExecutionStatus', { type: 'Keyword', column: 'status' }],
  ['StartTime', { type: 'Datetime', column: 'start_time' }],
  ['CloseTime', { type: 'Datetime', column: 'close_time' }],
  ['ExecutionTime', { type: 'Datetime', column: 'execution_time' }],
  ['ExecutionDuration', { type: 'Int', column: 'execution_duration' }],
  ['HistoryLength', { type: 'Int', column: 'history_length' }],
  ['HistorySizeBytes', { type: 'Int', column: 'history_size_bytes' }],
  ['StateTransitionCount', { type: 'Int', column: 'state_transition_count' }],
  ['ParentWorkflowId', { type: 'Keyword', column: 'parent_workflow_id' }],
  ['ParentRunId', { type: 'Keyword', column: 'parent_run_id' }],
  ['RootWorkflowId', { type: 'Keyword', column: 'root_workflow_id' }],
  ['RootRunId', { type: 'Keyword', column: 'root_run_id' }],
  ['TemporalChangeVersion', { type: 'KeywordList', column: 'temporal_change_version', settable: true }],
  ['BuildIds', { type: 'KeywordList', column: 'build_ids', settable: true }],
  ['BinaryChecksums', { type: 'KeywordList', column: 'binary_checksums', settable: true }],
  ['BatcherUser', { type: 'Keyword', column: 'batcher_user', settable: true }],
  ['TemporalScheduledById', { type: 'Keyword', column: 'temporal_scheduled_by_id', settable: true }],
  ['TemporalScheduledStartTime', { type: 'Datetime', column: 'temporal_scheduled_start_time', settable: true }],
  ['TemporalSchedulePaused', { type: 'Bool', column: 'temporal_schedule_paused', settable: true }],
  ['TemporalPauseInfo', { type: 'KeywordList', column: 'temporal_pause_info', settable: true }],
]);

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
    const column = slotColumns(type).find((c) => !used.has(c));
    if (!column) {
      throw new SearchAttributeError(
        'invalid',
        `unable to add search attribute ${name}: namespace ${ns.name} already has ${CUSTOM_SLOT_COUNTS[type]} of type ${type}, the most this server allows`,
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

function slotColumns(type: SearchAttributeType): string[] {
  return Array.from({ length: CUSTOM_SLOT_COUNTS[type] }, (_, i) => `${SLOT_PREFIX[type]}${String(i + 1).padStart(2, '0')}`);
}
