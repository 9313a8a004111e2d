/**
 * History events as the HTTP API sends them (protobuf's canonical JSON: `eventId` as a
 * string, `eventType` as `EVENT_TYPE_…`, one `…EventAttributes` field), and the few
 * questions every view asks of one: its id, its attributes, its name, a one-line summary.
 */
import { enumLabel } from '../../../format';

export interface HistoryEvent {
  eventId: string;
  eventTime?: string;
  eventType: string;
  [field: string]: unknown;
}

export type Attributes = Record<string, unknown>;

const EVENT_TYPE_PREFIX = 'EVENT_TYPE_';

export function eventIdOf(event: HistoryEvent): number {
  return Number(event.eventId);
}

/** The event's `…EventAttributes` object (empty when it has none). */
export function attributesOf(event: HistoryEvent): Attributes {
  for (const key in event) {
    if (key.endsWith('EventAttributes')) {
      const value = event[key];
      if (typeof value === 'object' && value !== null) return value as Attributes;
    }
  }
  return {};
}

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ActivityTaskScheduled`, as Temporal names events. */
export function eventTypeLabel(eventType: string): string {
  return enumLabel(eventType, EVENT_TYPE_PREFIX, '');
}

/** A nested string field, e.g. `text(attrs, 'activityType', 'name')`. */
export function text(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' || typeof current === 'number' ? String(current) : undefined;
}

const SUMMARY_CHARS_MAX = 160;

/** One line saying what the event is about: the activity's type, the signal's name, the failure's message… */
export function eventSummary(event: HistoryEvent): string {
  const attrs = attributesOf(event);
  const parts = [
    text(attrs, 'workflowType', 'name'),
    text(attrs, 'activityType', 'name'),
    text(attrs, 'signalName'),
    text(attrs, 'markerName'),
    text(attrs, 'timerId') && `timer ${text(attrs, 'timerId')}`,
    text(attrs, 'startToFireTimeout'),
    text(attrs, 'workflowId') ?? text(attrs, 'workflowExecution', 'workflowId'),
    text(attrs, 'acceptedRequest', 'input', 'name') ?? text(attrs, 'request', 'input', 'name'),
    text(attrs, 'failure', 'message') ?? text(attrs, 'reason'),
    payloadPreview(attrs.result ?? attrs.input),
    text(attrs, 'identity'),
  ].filter((part): part is string => !!part);
  const line = parts.join(' · ');
  return line.length > SUMMARY_CHARS_MAX ? `${line.slice(0, SUMMARY_CHARS_MAX - 1)}…` : line;
}

/** A short JSON rendering of a payload value for the summary line. */
function payloadPreview(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}
