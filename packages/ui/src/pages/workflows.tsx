/**
 * The workflows list (`/namespaces/:ns/workflows`): query bar and quick filters, counts by
 * status, one page of runs at a time, column choice, keyboard navigation, and batch cancel or
 * terminate. Every filter lives in the URL; the page refreshes itself every few seconds
 * without losing the scroll position, the highlighted row or the selection.
 */
import { useLocation, useRoute } from 'preact-iso';
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorBox, Loading, NotFound } from '../components/common';
import { useLoad } from '../hooks';
import { BatchBar } from './workflows/batch-bar';
import { BatchDialog, type BatchKind } from './workflows/batch-dialog';
import { ColumnChooser } from './workflows/column-chooser';
import { useColumns, workflowHref } from './workflows/columns';
import { filtersFromUrl, filtersToUrl, listQueries, rangeStart, type ListFilters } from './workflows/list-query';
import { Pager } from './workflows/pager';
import { QueryBar } from './workflows/query-bar';
import { QuickFilters } from './workflows/quick-filters';
import { StatusChips } from './workflows/status-counts';
import { useListKeys } from './workflows/use-list-keys';
import { REFRESH_MS, useWorkflowPage } from './workflows/use-workflow-page';
import { useHighlight, useSelection } from './workflows/use-selection';
import { rowKey, WorkflowTable } from './workflows/workflow-table';
import { countByStatus } from './workflows/workflows-api';
import './workflows/workflows.css';

export function WorkflowsPage() {
  const { params } = useRoute();
  const { query: urlParams, route } = useLocation();
  const ns = params.namespace ?? '';
  const filters = filtersFromUrl(urlParams);
  const search = filtersToUrl(filters);

  // The time range's bound is fixed when the filters are applied: a moving bound would change
  // the query on every refresh, and a page token is only good for the query it came from.
  const startAfter = useMemo(() => rangeStart(filters.range, Date.now()), [search]);
  const { listQuery, countQuery, runningQuery } = listQueries(filters, startAfter);

  const list = useWorkflowPage(ns, listQuery, filters.pageSize);
  const counts = useLoad(`counts\n${ns}\n${countQuery}`, (signal) => countByStatus(ns, countQuery, signal), REFRESH_MS);
  const columns = useColumns();
  const rows = list.page?.executions ?? [];

  const apply = (change: Partial<ListFilters>) => route(`/namespaces/${encodeURIComponent(ns)}/workflows${filtersToUrl({ ...filters, ...change })}`);

  const selection = useSelection(`${ns}\n${listQuery}\n${list.index}`);
  const selectedRows = rows.filter((wf) => selection.keys.has(rowKey(wf)));
  const [highlighted, setHighlighted] = useHighlight(selection.scope, rows.length);
  const [batch, setBatch] = useState<BatchKind>();
  const queryInput = useRef<HTMLInputElement>(null);

  useListKeys({
    rowCount: rows.length,
    highlighted,
    setHighlighted,
    open: (i) => rows[i] && route(workflowHref(ns, rows[i].execution?.workflowId ?? '', rows[i].execution?.runId ?? '')),
    toggle: (i) => rows[i] && selection.toggle(rows[i]),
    focusQuery: () => queryInput.current?.focus(),
  });

  const error = list.error;
  if (error instanceof ApiError && error.notFound && !list.page) {
    return (
      <NotFound what="namespace">
        <p>
          <a href="/namespaces">All namespaces</a>
        </p>
      </NotFound>
    );
  }
  const queryError = error instanceof ApiError && error.code === 3 ? error.message : undefined;
  const selectedRunning = selectedRows.filter((wf) => wf.status === 'WORKFLOW_EXECUTION_STATUS_RUNNING');

  return (
    <div class="workflows-page">
      <header class="page-head">
        <h1>Workflows</h1>
        <span class="muted">{ns}</span>
      </header>
      <QueryBar value={filters.query} error={queryError} inputRef={queryInput} onApply={(query) => apply({ query })} />
      <QuickFilters filters={filters} onChange={apply} />
      {listQuery !== filters.query && (
        <p class="effective-query muted">
          Query sent: <code>{listQuery}</code>
        </p>
      )}
      <StatusChips counts={counts.data} failed={counts.error !== undefined} status={filters.status} onStatus={(status) => apply({ status })} />
      {counts.error && !queryError && <ErrorBox error={counts.error} />}
      <div class="list-toolbar">
        <BatchBar selected={selectedRows.length} onClear={selection.clear} onBatch={setBatch} />
        <span class="spacer" />
        <ColumnChooser isShown={columns.isShown} toggle={columns.toggle} />
      </div>
      {error && !queryError && <ErrorBox error={error} />}
      {list.page ? (
        <WorkflowTable
          ns={ns}
          rows={rows}
          columns={columns.visible}
          selected={selection.keys}
          highlighted={highlighted}
          onHighlight={setHighlighted}
          onToggle={selection.toggle}
          onToggleAll={(select) => selection.setAll(rows, select)}
        />
      ) : (
        !error && <Loading />
      )}
      {list.page && rows.length === 0 && <p class="empty muted">No workflows match.</p>}
      {list.page && (
        <Pager
          index={list.index}
          hasNext={list.hasNext}
          rowsOnPage={rows.length}
          pageSize={filters.pageSize}
          onPrevious={list.previous}
          onNext={list.next}
        />
      )}
      {batch && (
        <BatchDialog
          ns={ns}
          kind={batch}
          selection={selectedRunning.map((wf) => ({ workflowId: wf.execution?.workflowId ?? '', runId: wf.execution?.runId ?? '' }))}
          skipped={selectedRows.length - selectedRunning.length}
          runningQuery={runningQuery}
          onClose={(changed) => {
            setBatch(undefined);
            if (!changed) return;
            selection.clear();
            list.reload();
            counts.reload();
          }}
        />
      )}
    </div>
  );
}
