/**
 * The decisions of a pass over one schedule, without I/O: which spec times became starts or
 * were missed, what the overlap policy lets start, what a patch or a closed run changes, when
 * the next pass is due, and what describe shows. scheduler.ts reads and commits around these.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { enums, type proto } from '../common/proto.js';
import { durationMs, msToDuration, msToTimestamp, timestampMs } from '../common/time.js';
import type { NamespaceRecord } from '../persistence/store.js';
import type { CompiledSpec } from './spec/index.js';
import { decideOverlap, resolveOverlapPolicy } from './overlap.js';
import {
  decodeFailure,
  encodeSchedule,
  type ActionRecord,
  type BufferedStart,
  type PendingStart,
  type ScheduleState,
} from './schedule-state.js';

type ISchedule = proto.temporal.api.schedule.v1.ISchedule;
type ISchedulePatch = proto.temporal.api.schedule.v1.ISchedulePatch;

const ExecutionStatus = enums.WorkflowExecutionStatus;

/** Temporal's defaults and limits for schedules. */
export const SCHEDULE_LIMITS = {
  catchupWindowDefaultMs: 365 * 24 * 3600_000,
  catchupWindowMinMs: 10_000,
  recentActions: 10,
  futureActionTimes: 10,
  recentActionsInList: 5,
  futureActionTimesInList: 5,
  bufferMax: 1000,
  /** Backfilled starts decided per pass (a long backfill continues on the next pass, at once). */
  backfillPerPass: 100,
  /** How many spec times a pass looks at before it jumps (a schedule down for years). */
  timesPerPassMax: 100_000,
  matchingTimesMax: 1000,
} as const;

/** A run a schedule started has closed (written by the run's close commit, see notifySchedule). */
export interface ScheduleActionClosedData {
  workflowId: string;
  status: number;
  closeTimeMs: number;
  /** base64 Payloads of a completed run. */
  result: string | null;
  /** base64 Failure of a failed run. */
  failure: string | null;
}

/** One schedule being changed by a pass. */
export interface Working {
  ns: NamespaceRecord;
  scheduleId: string;
  st: ScheduleState;
  schedule: proto.temporal.api.schedule.v1.Schedule;
  spec: CompiledSpec | null;
  nowMs: number;
  stop: 'cancel' | 'terminate' | null;
  /** The row's version once this pass committed it (the next commit's expected version). */
  dbVersion: number;
}

export function catchupWindowMs(schedule: ISchedule): number {
  const window = schedule.policies?.catchupWindow;
  if (!window) return SCHEDULE_LIMITS.catchupWindowDefaultMs;
  return Math.max(durationMs(window), SCHEDULE_LIMITS.catchupWindowMinMs);
}

/** Whether a scheduled (not manual) action may be taken: not paused, actions left. */
export function canTakeScheduled(schedule: ISchedule): boolean {
  const state = schedule.state;
  if (state?.paused) return false;
  return !state?.limitedActions || Number(state.remainingActions ?? 0) > 0;
}

/** Take one of the remaining actions (manual starts do not count). */
export function takeAction(w: Working, start: BufferedStart): boolean {
  if (start.manual) return true;
  if (!canTakeScheduled(w.schedule)) return false;
  const state = w.schedule.state!;
  if (state.limitedActions) {
    state.remainingActions = Long.fromNumber(Number(state.remainingActions ?? 0) - 1);
    w.st.schedule = encodeSchedule(w.schedule);
    w.st.conflictToken++;
  }
  return true;
}

/** A trigger, backfills, pause or unpause. */
export function applyPatch(st: ScheduleState, schedule: proto.temporal.api.schedule.v1.Schedule, patch: ISchedulePatch, nowMs: number): void {
  const trigger = patch.triggerImmediately;
  if (trigger) {
    const atMs = trigger.scheduledTime ? timestampMs(trigger.scheduledTime) : nowMs;
    addStart(st, { nominalMs: atMs, actualMs: atMs, overlap: trigger.overlapPolicy ?? 0, manual: true });
  }
  for (const backfill of patch.backfillRequest ?? []) {
    if (st.backfills.length >= SCHEDULE_LIMITS.bufferMax) {
      st.bufferDropped++;
      continue;
    }
    // The start is inclusive: times from start_time on.
    st.backfills.push({ startMs: timestampMs(backfill.startTime) - 1, endMs: timestampMs(backfill.endTime), overlap: backfill.overlapPolicy ?? 0 });
  }
  schedule.state ??= {};
  if (patch.pause) {
    schedule.state.paused = true;
    schedule.state.notes = patch.pause;
    st.conflictToken++;
  }
  if (patch.unpause) {
    schedule.state.paused = false;
    schedule.state.notes = patch.unpause;
    st.conflictToken++;
  }
  st.schedule = encodeSchedule(schedule);
}

export function addStart(st: ScheduleState, start: BufferedStart): void {
  if (st.buffered.length >= SCHEDULE_LIMITS.bufferMax) {
    st.bufferDropped++;
    return;
  }
  st.buffered.push(start);
}

/** Step 2: the elapsed spec times and the backfills become starts; the buffer is decided. */
export function advance(w: Working): void {
  processElapsed(w);
  if (w.spec) advanceBackfills(w, w.spec);
  decideBuffer(w);
}

/** The spec times since the last pass become buffered starts (or missed ones). */
export function processElapsed(w: Working): void {
  const { st, schedule, spec } = w;
  const fromMs = st.lastProcessedMs;
  const toMs = Math.max(w.nowMs, fromMs);
  if (spec && canTakeScheduled(schedule)) {
    const windowMs = catchupWindowMs(schedule);
    let seen = 0;
    for (let t = spec.next(fromMs); t !== null && t.actualMs <= toMs; t = spec.next(t.actualMs)) {
      if (++seen > SCHEDULE_LIMITS.timesPerPassMax) {
        // Down for ages: everything older than the window is missed; count from there on.
        st.missedCatchupWindow++;
        const resume = spec.next(Math.max(t.actualMs, toMs - windowMs - 1));
        if (resume === null || resume.actualMs > toMs) break;
        t = resume;
        seen = 0;
      }
      // An update discards the times before it (they were the old spec's).
      if (st.updateTimeMs !== null && t.actualMs < st.updateTimeMs) continue;
      if (toMs - t.actualMs > windowMs) {
        st.missedCatchupWindow++;
        continue;
      }
      addStart(st, { nominalMs: t.nominalMs, actualMs: t.actualMs, overlap: 0, manual: false });
    }
  }
  // Paused time is skipped, not caught up later.
  st.lastProcessedMs = toMs;
}

export function advanceBackfills(w: Working, spec: CompiledSpec): void {
  const { st } = w;
  let budget: number = SCHEDULE_LIMITS.backfillPerPass;
  while (st.backfills.length > 0 && budget > 0 && st.buffered.length < SCHEDULE_LIMITS.bufferMax / 2) {
    const backfill = st.backfills[0]!;
    let t = spec.next(backfill.startMs);
    for (; t !== null && t.actualMs <= backfill.endMs && budget > 0; t = spec.next(t.actualMs)) {
      addStart(st, { nominalMs: t.nominalMs, actualMs: t.actualMs, overlap: backfill.overlap, manual: true });
      backfill.startMs = t.actualMs;
      budget--;
    }
    if (t === null || t.actualMs > backfill.endMs) st.backfills.shift();
  }
}

/** The overlap policy over the buffer: what starts now becomes pending, with its ids. */
export function decideBuffer(w: Working): void {
  const { st, schedule } = w;
  const action = schedule.action?.startWorkflow;
  if (!action) {
    st.buffered = [];
    return;
  }
  // A start recorded but not confirmed yet runs, as far as overlap is concerned.
  const running = st.running.length > 0 || st.pending.some((p) => !p.overlapping);
  const decision = decideOverlap(st.buffered, running, schedule.policies?.overlapPolicy ?? 0);
  st.buffered = decision.buffer;
  st.overlapSkipped += decision.skipped;
  const starts = [...decision.overlapping.map((s) => ({ s, overlapping: true })), ...(decision.next ? [{ s: decision.next, overlapping: false }] : [])];
  for (const { s, overlapping } of starts) {
    if (!takeAction(w, s)) continue;
    st.pending.push({ ...s, overlapping, workflowId: scheduledWorkflowId(action.workflowId ?? '', s.nominalMs), requestId: randomUUID() });
  }
  if (decision.terminateRunning) w.stop = 'terminate';
  else if (decision.cancelRunning) w.stop = 'cancel';
}

/** `<workflow id>-<nominal time, RFC 3339 in UTC to the second>`, as Temporal names them. */
export function scheduledWorkflowId(base: string, nominalMs: number): string {
  return `${base}-${new Date(Math.floor(nominalMs / 1000) * 1000).toISOString().replace('.000Z', 'Z')}`;
}

/** When the next pass must run, or null when only a request or a closing run can change anything. */
export function wakeup(w: Working): number | null {
  const { st, schedule, spec } = w;
  if (st.backfills.length > 0) return w.nowMs;
  if (st.buffered.length > 0 && st.running.length === 0) return w.nowMs;
  if (!spec || !canTakeScheduled(schedule)) return null;
  return spec.next(st.lastProcessedMs)?.actualMs ?? null;
}

export function recordAction(st: ScheduleState, p: PendingStart, runId: string, startMs: number): void {
  st.actionCount++;
  const action: ActionRecord = { scheduleMs: p.actualMs, actualMs: startMs, workflowId: p.workflowId, runId, status: ExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING };
  st.recent = [...st.recent, action].slice(-SCHEDULE_LIMITS.recentActions);
  if (!p.overlapping) st.running.push({ workflowId: p.workflowId, runId });
}

/** A run this schedule started closed: free its slot, keep its result, pause on failure if asked. */
export function onActionClosed(w: Working, data: ScheduleActionClosedData): void {
  const { st, schedule } = w;
  st.running = st.running.filter((r) => r.workflowId !== data.workflowId);
  for (const action of st.recent) if (action.workflowId === data.workflowId) action.status = data.status;
  const failed = data.status === ExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED || data.status === ExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
  if (failed && schedule.policies?.pauseOnFailure && !schedule.state?.paused) {
    schedule.state ??= {};
    schedule.state.paused = true;
    schedule.state.notes =
      data.status === ExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
        ? `paused due to workflow failure: ${data.workflowId}: ${decodeFailure(data.failure)?.message ?? ''}`
        : `paused due to workflow timeout: ${data.workflowId}`;
    st.schedule = encodeSchedule(schedule);
    st.conflictToken++;
  }
  if (data.result !== null) {
    st.lastCompletionResult = data.result;
    st.continuedFailure = null;
  } else if (data.failure !== null) {
    st.continuedFailure = data.failure;
  }
}

export function actionResult(a: ActionRecord): proto.temporal.api.schedule.v1.IScheduleActionResult {
  return {
    scheduleTime: msToTimestamp(a.scheduleMs),
    actualTime: msToTimestamp(a.actualMs),
    startWorkflowResult: { workflowId: a.workflowId, runId: a.runId },
    startWorkflowStatus: a.status,
  };
}

/** The next `count` action times from the last processed time (no more than the actions left). */
export function futureActionTimes(st: ScheduleState, schedule: ISchedule, spec: CompiledSpec | null, count: number): number[] {
  if (!spec) return [];
  const limit = schedule.state?.limitedActions ? Math.min(count, Math.max(0, Number(schedule.state.remainingActions ?? 0))) : count;
  const out: number[] = [];
  for (let t = spec.next(st.lastProcessedMs); t !== null && out.length < limit; t = spec.next(t.actualMs)) {
    if (st.updateTimeMs !== null && t.actualMs < st.updateTimeMs) continue;
    out.push(t.actualMs);
  }
  return out;
}

/** The defaults Temporal fills in so describe shows them: overlap policy and catch-up window. */
export function withPolicyDefaults(schedule: ISchedule): ISchedule {
  return {
    ...schedule,
    policies: {
      ...schedule.policies,
      overlapPolicy: resolveOverlapPolicy(schedule.policies?.overlapPolicy ?? 0, 0),
      catchupWindow: msToDuration(catchupWindowMs(schedule)),
    },
    state: schedule.state ?? {},
  };
}
