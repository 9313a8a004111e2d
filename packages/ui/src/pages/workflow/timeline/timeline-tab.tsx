/**
 * The workflow page's Timeline tab: activities, timers, child workflows, signals and updates
 * on a time axis, following the run while it is open; a click on a bar shows its events.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Card, ErrorBox, Loading } from '../../../components/common';
import { GroupEvents } from '../history/compact-view';
import type { WorkflowRef } from '../history/history-tab';
import { useHistory } from '../history/use-history';
import { TimelineChart } from './timeline-chart';
import { timelineItems } from './timeline-items';
import './timeline.css';

/** How often open bars grow while the run is open. */
const NOW_TICK_MS = 1000;

export function TimelineTab(props: WorkflowRef) {
  const history = useHistory(props);
  const nowMs = useNow(props.running);
  const { items, range } = useMemo(() => timelineItems(history.events, props.running, nowMs), [history.events, props.running, nowMs]);
  const [selectedKey, setSelectedKey] = useState<string | undefined>();
  const selected = items.find((item) => item.group.key === selectedKey);

  if (history.error && history.events.length === 0) return <ErrorBox error={history.error} />;
  if (!history.loaded && history.events.length === 0) return <Loading />;
  return (
    <section class="timeline-tab" aria-label="Timeline">
      {history.error && <ErrorBox error={history.error} />}
      <Legend count={items.length} />
      {items.length === 0 ? (
        <p class="muted">No activities, timers, child workflows, signals or updates yet.</p>
      ) : (
        <TimelineChart items={items} range={range} selectedKey={selectedKey} onSelect={(key) => setSelectedKey(key === selectedKey ? undefined : key)} />
      )}
      {selected && (
        <Card title={`${selected.group.name} — events`}>
          <GroupEvents group={selected.group} />
        </Card>
      )}
    </section>
  );
}

function Legend({ count }: { count: number }) {
  return (
    <div class="toolbar timeline-legend">
      <span>{count} items</span>
      {(['completed', 'failed', 'timed-out', 'canceled', 'running'] as const).map((outcome) => (
        <span key={outcome} class="legend-item">
          <span class={`swatch outcome-${outcome}`} aria-hidden="true" /> {outcome.replace('-', ' ')}
        </span>
      ))}
      <span class="legend-item">
        <span class="swatch point-swatch" aria-hidden="true" /> signal
      </span>
    </div>
  );
}

/** The current time, ticking while `running` so open bars grow. */
function useNow(running: boolean): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNowMs(Date.now()), NOW_TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  return nowMs;
}
