/** The local activity marker's bytes: what Temporal's core writes, and what it reads back. */
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { localActivityMarkerCommand, readLocalActivityMarker } from './local-activity-markers.js';

const completed = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"ok"') };

describe('local activity markers', () => {
  it('write the data payload as Temporal core serializes it: snake_case, its field order, null for unset times', () => {
    const command = localActivityMarkerCommand(
      {
        data: { seq: 3, attempt: 1, activityId: '3', activityType: 'flaky', completeTimeMs: 1_796_219_402_189, backoffMs: 1_000, originalScheduleTimeMs: 1_796_219_402_202 },
        result: { failed: { message: 'transient', applicationFailureInfo: { type: 'Transient' } } },
      },
      undefined,
    );
    const attrs = command.recordMarkerCommandAttributes!;
    expect(attrs.markerName).toBe('core_local_activity');
    const payload = attrs.details!.data!.payloads![0]!;
    expect(new TextDecoder().decode(payload.metadata!.encoding)).toBe('json/plain');
    expect(new TextDecoder().decode(payload.data)).toBe(
      '{"seq":3,"attempt":1,"activity_id":"3","activity_type":"flaky","complete_time":{"seconds":1796219402,"nanos":189000000},' +
        '"backoff":{"seconds":1,"nanos":0},"original_schedule_time":{"seconds":1796219402,"nanos":202000000}}',
    );
    expect(attrs.details!.result).toBeUndefined();
    expect(attrs.failure?.message).toBe('transient');
  });

  it('read back what they wrote, a result in details and a failure on the marker', () => {
    const data = { seq: 1, attempt: 2, activityId: '1', activityType: 'lookup', completeTimeMs: 1_000_500, originalScheduleTimeMs: 999_000 };
    const command = localActivityMarkerCommand({ data, result: { completed } }, undefined);
    const event = { eventId: Long.fromNumber(5), markerRecordedEventAttributes: { ...command.recordMarkerCommandAttributes } };
    expect(readLocalActivityMarker(event)).toEqual({ data: { ...data, backoffMs: undefined }, result: { completed } });
  });

  it('read markers of the official SDK, whose timestamps carry nanoseconds', () => {
    const json = '{"seq":1,"attempt":1,"activity_id":"1","activity_type":"stall","complete_time":null,"backoff":null,"original_schedule_time":{"seconds":1796219418,"nanos":353477292}}';
    const marker = readLocalActivityMarker({
      eventId: Long.fromNumber(5),
      markerRecordedEventAttributes: {
        markerName: 'core_local_activity',
        details: { data: { payloads: [{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(json) }] } },
        failure: { message: 'Activity cancelled', canceledFailureInfo: {} },
      },
    });
    expect(marker?.data).toEqual({
      seq: 1,
      attempt: 1,
      activityId: '1',
      activityType: 'stall',
      completeTimeMs: undefined,
      backoffMs: undefined,
      originalScheduleTimeMs: 1_796_219_418_353,
    });
    expect(marker?.result).toEqual({ failed: { message: 'Activity cancelled', canceledFailureInfo: {} } });
  });

  it('leave other markers alone and refuse unreadable local activity markers as non-deterministic', () => {
    expect(readLocalActivityMarker({ eventId: Long.fromNumber(5), markerRecordedEventAttributes: { markerName: 'core_patch' } })).toBeUndefined();
    const unreadable = { eventId: Long.fromNumber(7), markerRecordedEventAttributes: { markerName: 'core_local_activity', details: {} } };
    expect(() => readLocalActivityMarker(unreadable)).toThrow(/Nondeterminism error: local activity marker at event 7 has unreadable data/);
  });
});
