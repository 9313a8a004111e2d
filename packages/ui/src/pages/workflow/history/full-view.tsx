/** Every event in order (or newest first), one line each, expandable to its attributes. */
import { useMemo } from 'preact/hooks';
import { Time } from '../../../components/common';
import { EventDetails } from './event-details';
import { eventSummary, eventTypeLabel, type HistoryEvent } from './events';
import { VirtualRows } from './virtual-rows';

export type EventOrder = 'asc' | 'desc';

interface FullViewProps {
  events: readonly HistoryEvent[];
  order: EventOrder;
  expanded: ReadonlySet<string>;
  onToggle: (eventId: string) => void;
}

// A closed row: its 32 px head plus the 1 px border below it (history.css). An estimate off by
// even a pixel makes the list correct its scroll position as rows are measured.
const ROW_PX = 33;

export function FullView({ events, order, expanded, onToggle }: FullViewProps) {
  const items = useMemo(() => (order === 'desc' ? events.slice().reverse() : events), [events, order]);
  return (
    <VirtualRows
      items={items}
      label="Events"
      rowKey={(event) => event.eventId}
      estimateRowPx={ROW_PX}
      expanded={expanded}
      onToggle={onToggle}
      renderHead={(event) => <EventLine event={event} />}
      renderBody={(event) => <EventDetails event={event} />}
    />
  );
}

function EventLine({ event }: { event: HistoryEvent }) {
  return (
    <>
      <span class="event-id mono">{event.eventId}</span>{' '}
      <span class="event-time">
        <Time value={event.eventTime} />
      </span>{' '}
      <span class={`event-type ${eventClass(event.eventType)}`}>{eventTypeLabel(event.eventType)}</span>{' '}
      <span class="event-summary muted">{eventSummary(event)}</span>
    </>
  );
}

/** A colour hint for failures and timeouts in the event list. */
function eventClass(eventType: string): string {
  if (eventType.endsWith('_FAILED') || eventType.endsWith('_TERMINATED')) return 'outcome-failed';
  if (eventType.endsWith('_TIMED_OUT')) return 'outcome-timed-out';
  if (eventType.endsWith('_CANCELED')) return 'outcome-canceled';
  return '';
}
