/** Reading fetched histories in tests: event type names instead of enum numbers. */
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

const EventType = temporal.api.enums.v1.EventType;

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ACTIVITY_TASK_SCHEDULED`. */
export function eventTypeName(type: number | null | undefined): string {
  const name = EventType[type ?? 0] ?? `UNKNOWN_${String(type)}`;
  return name.replace(/^EVENT_TYPE_/, '');
}

export function eventTypes(history: History): string[] {
  return (history.events ?? []).map((e) => eventTypeName(e.eventType));
}

export function countEvents(history: History, typeName: string): number {
  return eventTypes(history).filter((t) => t === typeName).length;
}

/** Event ids as plain numbers (the SDK decodes int64 fields as Long). */
export function eventIds(history: History): number[] {
  return (history.events ?? []).map((e) => Number(e.eventId));
}
