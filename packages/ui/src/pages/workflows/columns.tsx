/**
 * The list's columns: the seven Temporal's list shows, and optional ones the viewer can add.
 * The choice is kept in localStorage, so it outlives the page.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { StatusBadge, Time } from '../../components/common';
import { formatDurationMs, durationMs, formatElapsed } from '../../format';
import type { WorkflowExecutionInfo } from './workflows-api';

export interface Column {
  id: string;
  label: string;
  /** Shown until the viewer chooses otherwise. */
  byDefault: boolean;
  cell: (wf: WorkflowExecutionInfo, ns: string) => ComponentChildren;
  /** The full text, as the tooltip of a cell the layout may cut short. */
  title?: (wf: WorkflowExecutionInfo) => string | undefined;
}

const nsPath = (ns: string) => `/namespaces/${encodeURIComponent(ns)}`;

/** The link to one run's page. */
export function workflowHref(ns: string, workflowId: string, runId: string): string {
  return `${nsPath(ns)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

export const COLUMNS: Column[] = [
  { id: 'status', label: 'Status', byDefault: true, cell: (wf) => <StatusBadge status={wf.status} /> },
  {
    id: 'workflowId',
    label: 'Workflow ID',
    byDefault: true,
    title: (wf) => wf.execution?.workflowId,
    cell: (wf, ns) => (
      <a class="mono" href={workflowHref(ns, wf.execution?.workflowId ?? '', wf.execution?.runId ?? '')}>
        {wf.execution?.workflowId}
      </a>
    ),
  },
  { id: 'runId', label: 'Run ID', byDefault: true, title: (wf) => wf.execution?.runId, cell: (wf) => <span class="mono">{wf.execution?.runId}</span> },
  { id: 'type', label: 'Type', byDefault: true, title: (wf) => wf.type?.name, cell: (wf) => wf.type?.name },
  { id: 'start', label: 'Start', byDefault: true, cell: (wf) => <Time value={wf.startTime} /> },
  { id: 'end', label: 'End', byDefault: true, cell: (wf) => <Time value={wf.closeTime} /> },
  {
    id: 'taskQueue',
    label: 'Task queue',
    byDefault: true,
    title: (wf) => wf.taskQueue,
    cell: (wf, ns) =>
      wf.taskQueue && <a href={`${nsPath(ns)}/task-queues/${encodeURIComponent(wf.taskQueue)}`}>{wf.taskQueue}</a>,
  },
  { id: 'executionTime', label: 'Execution time', byDefault: false, cell: (wf) => <Time value={wf.executionTime} /> },
  {
    id: 'duration',
    label: 'Duration',
    byDefault: false,
    cell: (wf) => {
      const ms = durationMs(wf.executionDuration);
      return ms === undefined ? formatElapsed(wf.startTime, wf.closeTime) : formatDurationMs(ms);
    },
  },
  { id: 'historyLength', label: 'History length', byDefault: false, cell: (wf) => wf.historyLength ?? '' },
  {
    id: 'parent',
    label: 'Parent',
    byDefault: false,
    cell: (wf, ns) => {
      const parent = wf.parentExecution;
      if (!parent?.workflowId) return <span class="muted">—</span>;
      return (
        <a class="mono" href={workflowHref(ns, parent.workflowId, parent.runId ?? '')}>
          {parent.workflowId}
        </a>
      );
    },
  },
];

const STORAGE_KEY = 'endure.workflows.columns';

function storedColumns(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (Array.isArray(parsed)) return COLUMNS.filter((c) => parsed.includes(c.id)).map((c) => c.id);
  } catch {
    // Unreadable or unavailable storage: the defaults.
  }
  return COLUMNS.filter((c) => c.byDefault).map((c) => c.id);
}

/** The visible columns (in COLUMNS order) and a toggle that remembers the choice. */
export function useColumns(): { visible: Column[]; isShown: (id: string) => boolean; toggle: (id: string) => void } {
  const [shown, setShown] = useState<string[]>(storedColumns);
  const toggle = (id: string) => {
    const next = shown.includes(id) ? shown.filter((c) => c !== id) : [...shown, id];
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    setShown(next);
  };
  return { visible: COLUMNS.filter((c) => shown.includes(c.id)), isShown: (id) => shown.includes(id), toggle };
}
