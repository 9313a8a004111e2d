/** Stored event bytes spliced into a response decode exactly as if the events had been encoded with it. */
import { describe, expect, it } from 'vitest';
import Long from 'long';
import { encodeEvent, EventType, protoRoot, temporal, type HistoryEventObject } from './proto.js';
import { encodeHistoryField, withRawHistory, rawHistoryOf } from './raw-history.js';

const PollResponse = temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
const historyFieldId = protoRoot.lookupType('temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse').fields['history']!.id;

function event(id: number, signalName: string): HistoryEventObject {
  return {
    eventId: Long.fromNumber(id),
    eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    workflowExecutionSignaledEventAttributes: { signalName },
  };
}

describe('raw history', () => {
  it('appends events so the message decodes with them as its history, large and small', () => {
    // Sizes around the one- and two-byte varint boundary, and one large enough for a three-byte length.
    const events = [event(1, 'a'), event(2, 'b'.repeat(120)), event(3, 'c'.repeat(200)), event(4, 'd'.repeat(20_000))];
    const head = PollResponse.encode({ taskToken: new Uint8Array([1, 2, 3]), attempt: 2 }).finish();
    const bytes = new Uint8Array([...head, ...encodeHistoryField(historyFieldId, events.map(encodeEvent))]);
    const decoded = PollResponse.decode(bytes);
    expect(decoded.attempt).toBe(2);
    expect(Array.from(decoded.taskToken)).toEqual([1, 2, 3]);
    const decodedEvents = decoded.history?.events ?? [];
    expect(decodedEvents.map((e) => Number(e.eventId))).toEqual([1, 2, 3, 4]);
    expect(decodedEvents[3]?.workflowExecutionSignaledEventAttributes?.signalName).toBe('d'.repeat(20_000));
    expect(PollResponse.encode(decoded).finish()).toEqual(
      PollResponse.encode({ taskToken: new Uint8Array([1, 2, 3]), attempt: 2, history: { events } }).finish(),
    );
  });

  it('encodes an empty history as a present, empty field', () => {
    const decoded = PollResponse.decode(encodeHistoryField(historyFieldId, []));
    expect(decoded.history?.events).toEqual([]);
  });

  it('keeps the raw events off the message\'s own fields', () => {
    const message = withRawHistory({ attempt: 1 }, [new Uint8Array([8, 1])]);
    expect(Object.keys(message)).toEqual(['attempt']);
    expect(rawHistoryOf(message)).toHaveLength(1);
  });
});
