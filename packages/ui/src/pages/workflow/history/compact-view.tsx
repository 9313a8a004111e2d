/**
 * One row per group of events (an activity, a timer, a child workflow, a signal, an update),
 * with its name, outcome and duration, expandable to its events. Workflow tasks are left out
 * unless they failed or timed out, or the viewer asks for them.
 */
import { useMemo } from 'preact/hooks';
import { Time } from '../../../components/common';
import { formatDurationMs } from '../../../format';
import { EventDetails } from './event-details';
import { eventTypeLabel, type HistoryEvent } from './events';
import { groupDurationMs, groupEvents, type EventGroup } from './groups';
import { VirtualRows } from './virtual-rows';

interface CompactViewProps {
  events: readonly HistoryEvent[];
  showWorkflowTasks: boolean;
  expanded: ReadonlySet<string>;
  onToggle: (groupKey: string) => void;
}

const ROW_PX = 34;

export const KIND_LABELS: Record<EventGroup['kind'], string> = {
  activity: 'Activity',
  timer: 'Timer',
  child: 'Child workflow',
  signal: 'Signal',
  'signal-external': 'Signal external',
  'cancel-external': 'Cancel external',
  update: 'Update',
  nexus: 'Nexus operation',
  'workflow-task': 'Workflow task',
  marker: 'Marker',
  workflow: 'Workflow',
};

export const OUTCOME_LABELS: Record<EventGroup['outcome'], string> = {
  completed: 'Completed',
  failed: 'Failed',
  'timed-out': 'Timed out',
  canceled: 'Canceled',
  terminated: 'Terminated',
  running: 'Running',
  none: '',
};

export function CompactView({ events, showWorkflowTasks, expanded, onToggle }: CompactViewProps) {
  const groups = useMemo(
    () =>
      groupEvents(events).filter(
        (group) => showWorkflowTasks || group.kind !== 'workflow-task' || group.outcome === 'failed' || group.outcome === 'timed-out',
      ),
    [events, showWorkflowTasks],
  );
  const nowMs = Date.now();
  return (
    <VirtualRows
      items={groups}
      label="Event groups"
      rowKey={(group) => group.key}
      estimateRowPx={ROW_PX}
      expanded={expanded}
      onToggle={onToggle}
      renderHead={(group) => <GroupLine group={group} nowMs={nowMs} />}
      renderBody={(group) => <GroupEvents group={group} />}
    />
  );
}

function GroupLine({ group, nowMs }: { group: EventGroup; nowMs: number }) {
  const durationMs = group.events.length > 1 || group.outcome === 'running' ? groupDurationMs(group, nowMs) : undefined;
  return (
    <>
      <span class="group-kind">{KIND_LABELS[group.kind]}</span>{' '}
      <span class="group-name">{group.name}</span>{' '}
      <span class={`group-outcome outcome-${group.outcome}`}>{OUTCOME_LABELS[group.outcome]}</span>{' '}
      <span class="group-duration muted">{durationMs === undefined ? '' : formatDurationMs(durationMs)}</span>{' '}
      <span class="group-time muted">
        <Time value={group.startTime} />
      </span>
    </>
  );
}

/** The group's events, each with its attributes. */
export function GroupEvents({ group }: { group: EventGroup }) {
  return (
    <ol class="group-events">
      {group.events.map((event) => (
        <li key={event.eventId}>
          <h3>
            {event.eventId} · {eventTypeLabel(event.eventType)}
          </h3>
          <EventDetails event={event} />
        </li>
      ))}
    </ol>
  );
}
