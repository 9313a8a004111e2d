/**
 * The workflow page's History tab: the run's events in three views chosen in the URL
 * (`?view=compact|full|json`, so a view can be shared), and a download of the whole history.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../../../components/common';
import { CompactView } from './compact-view';
import { FullView, type EventOrder } from './full-view';
import { DownloadButton } from './download-button';
import { JsonView } from './json-view';
import { useHistory } from './use-history';
import './history.css';

export interface WorkflowRef {
  namespace: string;
  workflowId: string;
  runId: string;
  /** The run is still open: follow its history as it grows. */
  running: boolean;
}

type View = 'compact' | 'full' | 'json';
const VIEWS: Array<[View, string]> = [
  ['compact', 'Compact'],
  ['full', 'Full'],
  ['json', 'JSON'],
];

export function HistoryTab(props: WorkflowRef) {
  const { path, query, route } = useLocation();
  const history = useHistory(props);
  const view: View = query.view === 'full' || query.view === 'json' ? query.view : 'compact';
  const order: EventOrder = query.order === 'desc' ? 'desc' : 'asc';
  const [expandedEvents, toggleEvent] = useExpanded();
  const [expandedGroups, toggleGroup] = useExpanded();
  const [showWorkflowTasks, setShowWorkflowTasks] = useState(false);

  const href = (patch: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...query, ...patch })) if (value) params.set(key, value);
    return `${path}?${params.toString()}`;
  };

  if (history.error && history.events.length === 0) return <ErrorBox error={history.error} />;
  return (
    <section class="history-tab" aria-label="History">
      <div class="toolbar">
        <nav class="view-switch" aria-label="History view">
          {VIEWS.map(([name, label]) => (
            <a key={name} href={href({ view: name })} aria-current={view === name ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {view === 'full' && (
          <select aria-label="Order" value={order} onChange={(e) => route(href({ order: (e.target as HTMLSelectElement).value }), true)}>
            <option value="asc">Oldest first</option>
            <option value="desc">Newest first</option>
          </select>
        )}
        {view === 'compact' && (
          <label class="inline">
            <input type="checkbox" checked={showWorkflowTasks} onChange={(e) => setShowWorkflowTasks((e.target as HTMLInputElement).checked)} />
            Show workflow tasks
          </label>
        )}
        <span class="spacer" />
        <span class="muted" aria-live="polite">
          {history.loaded ? `${history.events.length} events` : `${history.events.length} events, loading…`}
          {props.running && history.loaded ? ' · following' : ''}
        </span>
        <DownloadButton run={props} />
      </div>
      {history.error && <ErrorBox error={history.error} />}
      {history.events.length === 0 && !history.loaded ? (
        <Loading />
      ) : view === 'full' ? (
        <FullView events={history.events} order={order} expanded={expandedEvents} onToggle={toggleEvent} />
      ) : view === 'json' ? (
        <JsonView events={history.events} />
      ) : (
        <CompactView events={history.events} showWorkflowTasks={showWorkflowTasks} expanded={expandedGroups} onToggle={toggleGroup} />
      )}
    </section>
  );
}

/** The keys of the expanded rows of one view, and a toggle. */
function useExpanded(): [ReadonlySet<string>, (key: string) => void] {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return [expanded, toggle];
}
