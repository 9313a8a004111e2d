/**
 * Events grouped by what they belong to: an activity's scheduled, started and closing
 * events; a timer's started and fired (or canceled); a child workflow from initiated to
 * closed; an update from admitted to completed. The compact view draws one row per group and
 * the timeline one bar per group.
 */
import { attributesOf, eventIdOf, eventTypeLabel, text, type Attributes, type HistoryEvent } from './events';

export type GroupKind =
  | 'activity'
  | 'timer'
  | 'child'
  | 'signal'
  | 'signal-external'
  | 'cancel-external'
  | 'update'
  | 'nexus'
  | 'workflow-task'
  | 'marker'
  | 'workflow';

/** How a group ended; `running` while it has not, `none` for single events (a signal received). */
export type Outcome = 'completed' | 'failed' | 'timed-out' | 'canceled' | 'terminated' | 'running' | 'none';

export interface EventGroup {
  /** The id of the group's first event (unique among groups). */
  key: string;
  kind: GroupKind;
  name: string;
  events: HistoryEvent[];
  outcome: Outcome;
  startTime?: string;
  /** When the group closed; undefined while it runs. */
  endTime?: string;
}

/** The event types that open a group, and the kind of group they open. */
const OPENERS: Record<string, GroupKind> = {
  EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: 'activity',
  EVENT_TYPE_TIMER_STARTED: 'timer',
  EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: 'child',
  EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: 'signal-external',
  EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: 'cancel-external',
  EVENT_TYPE_WORKFLOW_TASK_SCHEDULED: 'workflow-task',
  EVENT_TYPE_NEXUS_OPERATION_SCHEDULED: 'nexus',
};

const UPDATE_EVENT_PREFIX = 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_';

/** The event an event refers back to: its activity's scheduled event, its timer's started event… */
function openerIdOf(attrs: Attributes): string | undefined {
  return text(attrs, 'scheduledEventId') ?? text(attrs, 'initiatedEventId') ?? text(attrs, 'startedEventId');
}

function updateIdOf(attrs: Attributes): string | undefined {
  return (
    text(attrs, 'protocolInstanceId') ??
    text(attrs, 'meta', 'updateId') ??
    text(attrs, 'request', 'meta', 'updateId') ??
    text(attrs, 'acceptedRequest', 'meta', 'updateId')
  );
}

/** Groups `events` (in id order), in the order of each group's first event. */
export function groupEvents(events: readonly HistoryEvent[]): EventGroup[] {
  const groups: EventGroup[] = [];
  const byOpenerId = new Map<string, EventGroup>();
  const byUpdateId = new Map<string, EventGroup>();
  for (const event of events) {
    const attrs = attributesOf(event);
    const opener = OPENERS[event.eventType];
    if (opener) {
      const group = newGroup(event, opener, attrs);
      byOpenerId.set(event.eventId, group);
      groups.push(group);
      continue;
    }
    if (event.eventType.startsWith(UPDATE_EVENT_PREFIX)) {
      const updateId = updateIdOf(attrs) ?? event.eventId;
      const known = byUpdateId.get(updateId);
      if (known) addEvent(known, event);
      else {
        const group = newGroup(event, 'update', attrs);
        byUpdateId.set(updateId, group);
        groups.push(group);
      }
      continue;
    }
    const openerId = openerIdOf(attrs);
    const known = openerId === undefined ? undefined : byOpenerId.get(openerId);
    if (known) addEvent(known, event);
    else groups.push(singleEventGroup(event, attrs));
  }
  return groups;
}

function newGroup(event: HistoryEvent, kind: GroupKind, attrs: Attributes): EventGroup {
  return { key: event.eventId, kind, name: groupName(kind, attrs), events: [event], outcome: 'running', startTime: event.eventTime };
}

function addEvent(group: EventGroup, event: HistoryEvent): void {
  group.events.push(event);
  if (group.kind === 'update' && !group.name) group.name = groupName('update', attributesOf(event));
  const outcome = closingOutcome(event);
  if (outcome) {
    group.outcome = outcome;
    group.endTime = event.eventTime;
  }
}

function singleEventGroup(event: HistoryEvent, attrs: Attributes): EventGroup {
  const kind: GroupKind =
    event.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' ? 'signal' : event.eventType === 'EVENT_TYPE_MARKER_RECORDED' ? 'marker' : 'workflow';
  const name = kind === 'workflow' ? eventTypeLabel(event.eventType) : groupName(kind, attrs);
  return { key: event.eventId, kind, name, events: [event], outcome: closingOutcome(event) ?? 'none', startTime: event.eventTime, endTime: event.eventTime };
}

function groupName(kind: GroupKind, attrs: Attributes): string {
  switch (kind) {
    case 'activity':
      return text(attrs, 'activityType', 'name') ?? 'activity';
    case 'timer':
      return `Timer ${text(attrs, 'timerId') ?? ''} (${text(attrs, 'startToFireTimeout') ?? '?'})`;
    case 'child':
      return `${text(attrs, 'workflowType', 'name') ?? 'child'} · ${text(attrs, 'workflowId') ?? ''}`;
    case 'signal':
      return text(attrs, 'signalName') ?? 'signal';
    case 'signal-external':
      return `Signal ${text(attrs, 'signalName') ?? ''} to ${text(attrs, 'execution', 'workflowId') ?? ''}`;
    case 'cancel-external':
      return `Cancel ${text(attrs, 'workflowExecution', 'workflowId') ?? ''}`;
    case 'update':
      return text(attrs, 'request', 'input', 'name') ?? text(attrs, 'acceptedRequest', 'input', 'name') ?? '';
    case 'nexus':
      return `${text(attrs, 'service') ?? ''} ${text(attrs, 'operation') ?? ''}`.trim() || 'nexus operation';
    case 'marker':
      return text(attrs, 'markerName') ?? 'marker';
    case 'workflow-task':
      return 'Workflow task';
    case 'workflow':
      return 'workflow';
  }
}

/** The outcome an event closes its group with, or undefined when it closes nothing. */
function closingOutcome(event: HistoryEvent): Outcome | undefined {
  const type = event.eventType;
  if (type === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED') {
    return text(attributesOf(event), 'outcome', 'failure', 'message') !== undefined ? 'failed' : 'completed';
  }
  if (type.endsWith('_COMPLETED') || type === 'EVENT_TYPE_TIMER_FIRED' || type === 'EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED') return 'completed';
  if (type === 'EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED' || type.endsWith('_CONTINUED_AS_NEW')) return 'completed';
  if (type.endsWith('_FAILED') || type.endsWith('_REJECTED')) return 'failed';
  if (type.endsWith('_TIMED_OUT')) return 'timed-out';
  if (type.endsWith('_CANCELED')) return 'canceled';
  if (type.endsWith('_TERMINATED')) return 'terminated';
  return undefined;
}

/** Milliseconds from the group's start to its end, or to `nowMs` while it runs. */
export function groupDurationMs(group: EventGroup, nowMs: number): number | undefined {
  if (!group.startTime) return undefined;
  const start = Date.parse(group.startTime);
  const end = group.endTime ? Date.parse(group.endTime) : nowMs;
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : Math.max(0, end - start);
}

/** The first event id of a group, for sorting and for links to the full view. */
export function groupFirstId(group: EventGroup): number {
  return eventIdOf(group.events[0]!);
}
