/**
 * Reading event times out of a workflow history, whichever SDK's client fetched it: the
 * official client decodes `eventTime.seconds` as a Long and may give enum names or numbers.
 */

export const EventType = Object.freeze({
  WorkflowExecutionStarted: 1,
  WorkflowExecutionCompleted: 2,
  WorkflowTaskScheduled: 5,
  WorkflowTaskStarted: 6,
  WorkflowTaskCompleted: 7,
  ActivityTaskScheduled: 10,
  ActivityTaskStarted: 11,
  ActivityTaskCompleted: 12,
  TimerStarted: 17,
  TimerFired: 18,
  WorkflowExecutionSignaled: 26,
});

const numberByEnumName = Object.fromEntries(
  Object.entries(EventType).map(([name, n]) => [`EVENT_TYPE_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`, n]),
);

/** The numeric event type of `event`. */
export function eventTypeOf(event) {
  const t = event.eventType;
  return typeof t === 'string' ? (numberByEnumName[t] ?? -1) : Number(t);
}

/** Milliseconds since the epoch of a protobuf Timestamp (seconds may be a Long, string or number). */
export function timestampMs(ts) {
  if (ts === null || ts === undefined) return null;
  if (ts instanceof Date) return ts.getTime();
  const seconds = Number(typeof ts.seconds === 'object' && ts.seconds !== null ? ts.seconds.toString() : (ts.seconds ?? 0));
  return seconds * 1000 + (ts.nanos ?? 0) / 1e6;
}

/** `[{type, ms, event}]` of a history in order. */
export function timedEvents(history) {
  return (history.events ?? []).map((event) => ({ type: eventTypeOf(event), ms: timestampMs(event.eventTime), event }));
}
