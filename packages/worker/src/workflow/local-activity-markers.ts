/**
 * The `core_local_activity` marker, byte for byte as Temporal's core SDK writes it, so that a
 * history recorded by either SDK replays with the other: details `data` holds one json/plain
 * payload with the marker data (snake_case fields, timestamps as {seconds, nanos}, unset ones
 * as null), details `result` the result payload of a completed activity, and the marker's
 * `failure` the failure of one that did not complete.
 */
import proto from '@temporalio/proto';
import temporal = proto.temporal;
import { CommandType } from '@endure/workflow/internal';
import { NondeterminismError } from './nondeterminism.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ICommand = temporal.api.command.v1.ICommand;
type Payload = temporal.api.common.v1.IPayload;
type ProtoFailure = temporal.api.failure.v1.IFailure;

export const LOCAL_ACTIVITY_MARKER_NAME = 'core_local_activity';

export interface LocalActivityMarkerData {
  seq: number;
  attempt: number;
  activityId: string;
  activityType: string;
  /** Workflow time when the activity finished (its workflow task's time plus its run time). */
  completeTimeMs?: number;
  /** Set when the next attempt waits on a durable timer. */
  backoffMs?: number;
  originalScheduleTimeMs?: number;
}

export interface LocalActivityMarker {
  data: LocalActivityMarkerData;
  result: { completed: Payload | undefined } | { failed: ProtoFailure };
}


interface Timestamp {
  seconds: number;
  nanos: number;
}

/** The field names and order serde gives LocalActivityMarkerData in Temporal's core. */
interface MarkerJson {
  seq: number;
  attempt: number;
  activity_id: string;
  activity_type: string;
  complete_time: Timestamp | null;
  backoff: Timestamp | null;
  original_schedule_time: Timestamp | null;
}

export function localActivityMarkerCommand(
  marker: LocalActivityMarker,
  userMetadata: temporal.api.sdk.v1.IUserMetadata | undefined,
): ICommand & { seq: number } {
  const { data } = marker;
  const json: MarkerJson = {
    seq: data.seq,
    attempt: data.attempt,
    activity_id: data.activityId,
    activity_type: data.activityType,
    complete_time: toTimestamp(data.completeTimeMs),
    backoff: toTimestamp(data.backoffMs),
    original_schedule_time: toTimestamp(data.originalScheduleTimeMs),
  };
  const details: Record<string, temporal.api.common.v1.IPayloads> = {
    data: { payloads: [{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(json)) }] },
  };
  const result = marker.result;
  if ('completed' in result && result.completed) details.result = { payloads: [result.completed] };
  return {
    seq: data.seq,
    commandType: CommandType.RECORD_MARKER,
    recordMarkerCommandAttributes: {
      markerName: LOCAL_ACTIVITY_MARKER_NAME,
      details,
      failure: 'failed' in result ? result.failed : undefined,
    },
    userMetadata,
  };
}

export function isLocalActivityMarker(e: HistoryEvent): boolean {
  return e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER_NAME;
}

/** The marker an event records, undefined for any other event; throws a NondeterminismError when unreadable. */
export function readLocalActivityMarker(e: HistoryEvent): LocalActivityMarker | undefined {
  const a = e.markerRecordedEventAttributes;
  if (!a || a.markerName !== LOCAL_ACTIVITY_MARKER_NAME) return undefined;
  let json: MarkerJson;
  try {
    const bytes = a.details?.data?.payloads?.[0]?.data;
    if (!bytes) throw new Error('no data payload');
    json = JSON.parse(new TextDecoder().decode(bytes)) as MarkerJson;
    if (typeof json.seq !== 'number' || typeof json.activity_type !== 'string') throw new Error('no seq or activity_type');
  } catch (err) {
    throw new NondeterminismError(`local activity marker at event ${String(e.eventId)} has unreadable data (${err instanceof Error ? err.message : String(err)})`);
  }
  const data: LocalActivityMarkerData = {
    seq: json.seq,
    attempt: json.attempt,
    activityId: json.activity_id,
    activityType: json.activity_type,
    completeTimeMs: fromTimestamp(json.complete_time),
    backoffMs: fromTimestamp(json.backoff),
    originalScheduleTimeMs: fromTimestamp(json.original_schedule_time),
  };
  const result = a.failure ? { failed: a.failure } : { completed: a.details?.result?.payloads?.[0] ?? undefined };
  return { data, result };
}

function toTimestamp(ms: number | undefined): Timestamp | null {
  if (ms === undefined) return null;
  const whole = Math.floor(ms);
  return { seconds: Math.floor(whole / 1000), nanos: (whole % 1000) * 1e6 };
}

function fromTimestamp(t: Timestamp | null | undefined): number | undefined {
  if (!t) return undefined;
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}
