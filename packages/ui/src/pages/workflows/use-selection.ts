/**
 * The list's checked rows and its highlighted row. Both belong to one page of one query (the
 * scope): they survive refreshes and are forgotten when the query or the page changes.
 */
import { useState } from 'preact/hooks';
import { rowKey } from './workflow-table';
import type { WorkflowExecutionInfo } from './workflows-api';

/** The checked rows, by run; forgotten when `scope` (the query and the page) changes. */
export function useSelection(scope: string) {
  const [state, setState] = useState<{ scope: string; keys: Set<string> }>({ scope, keys: new Set() });
  const keys = state.scope === scope ? state.keys : new Set<string>();
  const update = (next: Set<string>) => setState({ scope, keys: next });
  return {
    scope,
    keys,
    toggle: (wf: WorkflowExecutionInfo) => {
      const next = new Set(keys);
      const key = rowKey(wf);
      if (!next.delete(key)) next.add(key);
      update(next);
    },
    setAll: (rows: WorkflowExecutionInfo[], select: boolean) => {
      const next = new Set(keys);
      for (const wf of rows) {
        if (select) next.add(rowKey(wf));
        else next.delete(rowKey(wf));
      }
      update(next);
    },
    clear: () => update(new Set()),
  };
}

/** The highlighted row's index in `rows` (-1 for none), kept while `scope` stays the same. */
export function useHighlight(scope: string, rowCount: number): [number, (index: number) => void] {
  const [state, setState] = useState({ scope: '', index: -1 });
  const index = state.scope === scope ? Math.min(state.index, rowCount - 1) : -1;
  return [index, (next: number) => setState({ scope, index: next })];
}
