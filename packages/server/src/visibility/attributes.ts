/**
 * The search attributes a visibility query can name and the columns of
 * `executions_visibility` they live in: system attributes have their own columns; custom
 * attributes live in pre-allocated typed slot columns (as in Temporal's SQL visibility),
 * and the caller's resolver says which slot a namespace gave each custom name.
 */
import type { SearchAttributeType } from '../common/search-attribute-types.js';

export interface ResolvedAttribute {
  name: string;
  column: string;
  type: SearchAttributeType;
  sortable: boolean;
  /** Special value handling: status names, duration strings. */
  special?: 'ExecutionStatus' | 'ExecutionDuration';
  /**
   * False when the column is NOT NULL; the SQL then omits its null guards. Absent means
   * nullable, which is always correct (custom slots are nullable).
   */
  nullable?: boolean;
}

/** The attribute called `name` (case-sensitive), or undefined when the namespace has none. */
export type AttributeResolver = (name: string) => ResolvedAttribute | undefined;

type SystemRow = [name: string, column: string, type: SearchAttributeType, nullable: boolean];

const systemRows: readonly SystemRow[] = [
  ['WorkflowId', 'workflow_id', 'Keyword', false],
  ['RunId', 'run_id', 'Keyword', false],
  ['WorkflowType', 'workflow_type', 'Keyword', false],
  ['TaskQueue', 'task_queue', 'Keyword', false],
  ['ExecutionStatus', 'status', 'Keyword', false],
  ['StartTime', 'start_time', 'Datetime', false],
  ['CloseTime', 'close_time', 'Datetime', true],
  ['ExecutionTime', 'execution_time', 'Datetime', false],
  ['ExecutionDuration', 'execution_duration', 'Int', true],
  ['HistoryLength', 'history_length', 'Int', false],
  ['HistorySizeBytes', 'history_size_bytes', 'Int', false],
  ['StateTransitionCount', 'state_transition_count', 'Int', false],
  ['ParentWorkflowId', 'parent_workflow_id', 'Keyword', true],
  ['ParentRunId', 'parent_run_id', 'Keyword', true],
  ['RootWorkflowId', 'root_workflow_id', 'Keyword', true],
  ['RootRunId', 'root_run_id', 'Keyword', true],
  ['TemporalChangeVersion', 'temporal_change_version', 'KeywordList', true],
  ['BuildIds', 'build_ids', 'KeywordList', true],
  ['BinaryChecksums', 'binary_checksums', 'KeywordList', true],
  ['BatcherUser', 'batcher_user', 'Keyword', true],
  ['TemporalScheduledById', 'temporal_scheduled_by_id', 'Keyword', true],
  ['TemporalScheduledStartTime', 'temporal_scheduled_start_time', 'Datetime', true],
  ['TemporalSchedulePaused', 'temporal_schedule_paused', 'Bool', true],
  ['TemporalPauseInfo', 'temporal_pause_info', 'KeywordList', true],
];

/** Text and KeywordList attributes cannot be sorted on (as in Temporal). */
export function isSortableType(type: SearchAttributeType): boolean {
  return type !== 'Text' && type !== 'KeywordList';
}

const systemAttributes: readonly ResolvedAttribute[] = systemRows.map(([name, column, type, nullable]) => {
  const attribute: ResolvedAttribute = { name, column, type, sortable: isSortableType(type), nullable };
  if (name === 'ExecutionStatus' || name === 'ExecutionDuration') attribute.special = name;
  return Object.freeze(attribute);
});

/** The system attributes and their columns; the store creates exactly these columns. */
export function systemAttributeColumns(): ResolvedAttribute[] {
  return [...systemAttributes];
}

/** The system attribute called `name`; throws if there is none (a bug in the caller). */
export function systemAttribute(name: string): ResolvedAttribute {
  const attribute = systemAttributes.find((candidate) => candidate.name === name);
  if (!attribute) throw new Error(`no system attribute '${name}'`);
  return attribute;
}

function slots(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(2, '0')}`);
}

/** The slot columns for custom attributes, per type. */
export const CUSTOM_SLOTS: Readonly<Record<SearchAttributeType, readonly string[]>> = Object.freeze({
  Bool: slots('bool', 3),
  Datetime: slots('datetime', 3),
  Double: slots('double', 3),
  Int: slots('int', 3),
  Keyword: slots('keyword', 10),
  Text: slots('text', 3),
  KeywordList: slots('keyword_list', 3),
});

/**
 * A resolver over the system attributes and a namespace's custom attributes, given as
 * name → { type, column } with column one of CUSTOM_SLOTS[type].
 */
export function makeResolver(
  custom: ReadonlyMap<string, { type: SearchAttributeType; column: string }>,
): AttributeResolver {
  const byName = new Map<string, ResolvedAttribute>(systemAttributes.map((attribute) => [attribute.name, attribute]));
  for (const [name, { type, column }] of custom) {
    if (!CUSTOM_SLOTS[type].includes(column)) throw new Error(`column '${column}' is not a ${type} slot`);
    if (byName.has(name)) throw new Error(`custom attribute '${name}' shadows a system attribute`);
    byName.set(name, { name, column, type, sortable: isSortableType(type) });
  }
  return (name) => byName.get(name);
}
