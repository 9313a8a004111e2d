/**
 * A run's visibility row, made from its mutable state. Written with the run's commit when
 * something list and count show changed (start, close, upserted search attributes or memo):
 * a run is listable the moment its start is acknowledged. HistoryLength and the other
 * counters are as of that write, as in Temporal (exact once the run closed).
 */
import { temporal } from '../common/proto.js';
import type { NamespaceRecord, VisibilityRecord } from '../persistence/store.js';
import { fromBase64, type ExecutionState } from '../history/mutable-state.js';
import { searchAttributeColumns } from './search-attribute-values.js';
import { withSearchAttributeTypes } from '../common/search-attribute-types.js';
import { searchAttributeType } from '../namespaces/search-attributes.js';

const NS_PER_MS = 1_000_000;

export function visibilityRecordOf(s: ExecutionState, ns: NamespaceRecord | undefined): VisibilityRecord {
  const stored = s.searchAttributes ? fromBase64(s.searchAttributes) : null;
  const decoded = stored && ns ? temporal.api.common.v1.SearchAttributes.decode(stored) : null;
  const fields = decoded?.indexedFields ?? null;
  // Stamped with their types once here, so a list sends them out as stored (no decode-and-stamp per row).
  const searchAttributes = decoded
    ? temporal.api.common.v1.SearchAttributes.encode(withSearchAttributeTypes(decoded, (name) => searchAttributeType(ns!, name))).finish()
    : stored;
  return {
    namespaceId: s.namespaceId,
    runId: s.runId,
    columns: {
      ...(ns ? searchAttributeColumns(ns, fields) : {}),
      workflow_id: s.workflowId,
      workflow_type: s.workflowType,
      task_queue: s.taskQueue,
      status: s.status,
      start_time: s.startTimeMs,
      execution_time: s.executionTimeMs,
      close_time: s.closeTimeMs,
      execution_duration: s.closeTimeMs === null ? null : Math.max(0, s.closeTimeMs - s.executionTimeMs) * NS_PER_MS,
      history_length: s.nextEventId - 1,
      history_size_bytes: s.historySizeBytes,
      state_transition_count: s.stateTransitionCount,
      parent_workflow_id: s.parent?.workflowId ?? null,
      parent_run_id: s.parent?.runId ?? null,
      root_workflow_id: s.root?.workflowId ?? s.workflowId,
      root_run_id: s.root?.runId ?? s.runId,
    },
    memo: s.memo ? fromBase64(s.memo) : null,
    searchAttributes,
  };
}
