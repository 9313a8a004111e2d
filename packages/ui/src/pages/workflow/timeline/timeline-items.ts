/**
 * What the timeline draws: one item per activity, timer, child workflow, signal, update or
 * Nexus operation (the event groups of the history, less workflow tasks and markers), placed
 * in milliseconds since the epoch.
 */
import type { HistoryEvent } from '../history/events';
import { groupEvents, type EventGroup } from '../history/groups';

export interface TimelineItem {
  group: EventGroup;
  startMs: number;
  /** Where the bar ends: its close, or now while the run is open (then `open` is set). */
  endMs: number;
  /** Still running: drawn open-ended. */
  open: boolean;
  /** A single moment (a signal received): drawn as a point. */
  point: boolean;
}

export interface TimelineRange {
  startMs: number;
  endMs: number;
}

const DRAWN_KINDS = new Set<EventGroup['kind']>(['activity', 'timer', 'child', 'signal', 'signal-external', 'cancel-external', 'update', 'nexus']);

/** The items of `events`; open items end at `nowMs` while `running`, else at the run's last event. */
export function timelineItems(events: readonly HistoryEvent[], running: boolean, nowMs: number): { items: TimelineItem[]; range: TimelineRange } {
  const firstMs = timeOf(events[0]) ?? nowMs;
  const lastMs = running ? nowMs : (timeOf(events.at(-1)) ?? firstMs);
  const items: TimelineItem[] = [];
  for (const group of groupEvents(events)) {
    if (!DRAWN_KINDS.has(group.kind)) continue;
    const startMs = timeOf(group.events[0]) ?? firstMs;
    const point = group.kind === 'signal';
    const closedMs = group.endTime ? Date.parse(group.endTime) : undefined;
    const endMs = point ? startMs : (closedMs ?? lastMs);
    items.push({ group, startMs, endMs: Math.max(startMs, endMs), open: !point && closedMs === undefined && running, point });
  }
  return { items, range: { startMs: firstMs, endMs: Math.max(lastMs, firstMs + 1) } };
}

function timeOf(event: HistoryEvent | undefined): number | undefined {
  if (!event?.eventTime) return undefined;
  const ms = Date.parse(event.eventTime);
  return Number.isNaN(ms) ? undefined : ms;
}
