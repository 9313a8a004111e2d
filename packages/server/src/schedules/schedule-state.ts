/**
 * What the store keeps of one schedule (serialized as JSON in its `schedules` row): the
 * schedule as the client last set it (spec, action, policies, paused state), and the
 * running state Temporal's scheduler keeps beside it — the last processed time, buffered
 * starts, starts recorded but not yet confirmed, running and recent actions, counters.
 *
 * Protobuf parts are kept encoded (base64), so a field the server does not interpret
 * (a header, a priority) comes back byte for byte.
 */
import { proto } from '../common/proto.js';

type ISchedule = proto.temporal.api.schedule.v1.ISchedule;
type IMemo = proto.temporal.api.common.v1.IMemo;
type ISearchAttributes = proto.temporal.api.common.v1.ISearchAttributes;
type IPayloads = proto.temporal.api.common.v1.IPayloads;
type IFailure = proto.temporal.api.failure.v1.IFailure;

const { Schedule } = proto.temporal.api.schedule.v1;
const { Memo, SearchAttributes, Payloads } = proto.temporal.api.common.v1;
const { Failure } = proto.temporal.api.failure.v1;

/** An action waiting to be started (Temporal's BufferedStart). */
export interface BufferedStart {
  nominalMs: number;
  actualMs: number;
  /** temporal.api.enums.v1.ScheduleOverlapPolicy; 0 resolves to the schedule's policy when it is taken. */
  overlap: number;
  /** Trigger or backfill: not subject to pause, remaining actions or the catch-up window. */
  manual: boolean;
}

/**
 * A start the scheduler decided on and recorded before calling the start path: its ids are
 * fixed here, so a start retried after a crash is answered by the run the first try made.
 */
export interface PendingStart extends BufferedStart {
  workflowId: string;
  requestId: string;
  /** Started under ALLOW_ALL while another ran: not tracked as running (Temporal's rule). */
  overlapping: boolean;
}

export interface ActionRecord {
  /** The scheduled (jittered) time. */
  scheduleMs: number;
  /** When the workflow actually started. */
  actualMs: number;
  workflowId: string;
  runId: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus, RUNNING until the run closes. */
  status: number;
}

export interface BackfillState {
  /** Exclusive: times strictly after this are taken. */
  startMs: number;
  endMs: number;
  overlap: number;
}

export interface ScheduleState {
  /** Encoded temporal.api.schedule.v1.Schedule (defaults applied). */
  schedule: string;
  memo: string | null;
  /** Encoded custom search attributes of the schedule itself (for ListSchedules). */
  searchAttributes: string | null;
  createRequestId: string;
  createTimeMs: number;
  updateTimeMs: number | null;
  /**
   * Temporal's conflict token: changes when the client-visible schedule does (update, pause,
   * unpause, an action counted against remaining actions), not on every pass.
   */
  conflictToken: number;
  /** Times up to here have been turned into actions (or missed). */
  lastProcessedMs: number;
  buffered: BufferedStart[];
  pending: PendingStart[];
  backfills: BackfillState[];
  running: { workflowId: string; runId: string }[];
  recent: ActionRecord[];
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  /** The last completed run's result and the failure since, handed to the next start. */
  lastCompletionResult: string | null;
  continuedFailure: string | null;
  /** The last PatchSchedule request ids (a retried patch is applied once). */
  patchRequestIds?: string[];
  /** Fire time of the live `schedule_tick` row, or null when none is armed. */
  tickAtMs: number | null;
}

export function encodeSchedule(schedule: ISchedule): string {
  return Buffer.from(Schedule.encode(schedule).finish()).toString('base64');
}

export function decodeSchedule(text: string): proto.temporal.api.schedule.v1.Schedule {
  return Schedule.decode(Buffer.from(text, 'base64'));
}

export function encodeMemo(memo: IMemo | null | undefined): string | null {
  return memo?.fields && Object.keys(memo.fields).length > 0 ? Buffer.from(Memo.encode(memo).finish()).toString('base64') : null;
}

export function decodeMemo(text: string | null): proto.temporal.api.common.v1.Memo | null {
  return text === null ? null : Memo.decode(Buffer.from(text, 'base64'));
}

export function encodeSearchAttributes(attributes: ISearchAttributes | null | undefined): string | null {
  const fields = attributes?.indexedFields;
  return fields && Object.keys(fields).length > 0 ? Buffer.from(SearchAttributes.encode(attributes).finish()).toString('base64') : null;
}

export function decodeSearchAttributes(text: string | null): proto.temporal.api.common.v1.SearchAttributes | null {
  return text === null ? null : SearchAttributes.decode(Buffer.from(text, 'base64'));
}

export function encodePayloads(payloads: IPayloads | null | undefined): string | null {
  return payloads ? Buffer.from(Payloads.encode(payloads).finish()).toString('base64') : null;
}

export function decodePayloads(text: string | null): proto.temporal.api.common.v1.Payloads | null {
  return text === null ? null : Payloads.decode(Buffer.from(text, 'base64'));
}

export function encodeFailure(failure: IFailure | null | undefined): string | null {
  return failure ? Buffer.from(Failure.encode(failure).finish()).toString('base64') : null;
}

export function decodeFailure(text: string | null): proto.temporal.api.failure.v1.Failure | null {
  return text === null ? null : Failure.decode(Buffer.from(text, 'base64'));
}

export function parseState(text: string): ScheduleState {
  return JSON.parse(text) as ScheduleState;
}

export function serializeState(state: ScheduleState): string {
  return JSON.stringify(state);
}
