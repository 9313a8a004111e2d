/**
 * The overlap policies: given the buffered starts and whether an action of the schedule is
 * still running, which starts go now, which wait, which are dropped, and whether the running
 * one must be cancelled or terminated first. Temporal's rules:
 * - ALLOW_ALL starts at once, beside anything running.
 * - Of the rest, one may start when nothing runs; while one runs, SKIP drops the new one,
 *   BUFFER_ONE keeps the first and drops the others, BUFFER_ALL keeps them all, and
 *   CANCEL_OTHER / TERMINATE_OTHER keep the new one and stop the running one (it starts when
 *   the running one has closed).
 * A start's policy 0 (unspecified) resolves to the schedule's policy when it is decided, so
 * an update of the policy applies to what is buffered.
 */
import { enums } from '../common/proto.js';
import type { BufferedStart } from './schedule-state.js';

const Policy = enums.ScheduleOverlapPolicy;

export interface OverlapDecision<T extends BufferedStart> {
  /** ALLOW_ALL starts (never tracked as running). */
  overlapping: T[];
  /** The one start that may begin now because nothing (else) runs. */
  next: T | null;
  /** What stays buffered. */
  buffer: T[];
  cancelRunning: boolean;
  terminateRunning: boolean;
  /** Dropped by SKIP and BUFFER_ONE. */
  skipped: number;
}

export function resolveOverlapPolicy(policy: number, schedulePolicy: number): number {
  if (policy !== Policy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED) return policy;
  if (schedulePolicy !== Policy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED) return schedulePolicy;
  return Policy.SCHEDULE_OVERLAP_POLICY_SKIP;
}

export function decideOverlap<T extends BufferedStart>(buffer: readonly T[], running: boolean, schedulePolicy: number): OverlapDecision<T> {
  const d: OverlapDecision<T> = { overlapping: [], next: null, buffer: [], cancelRunning: false, terminateRunning: false, skipped: 0 };
  for (const start of buffer) {
    const policy = resolveOverlapPolicy(start.overlap, schedulePolicy);
    if (policy === Policy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL) {
      d.overlapping.push(start);
      continue;
    }
    if (!running && d.next === null) {
      d.next = start;
      continue;
    }
    switch (policy) {
      case Policy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE:
        if (d.buffer.length === 0) d.buffer.push(start);
        else d.skipped++;
        break;
      case Policy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL:
        d.buffer.push(start);
        break;
      case Policy.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER:
      case Policy.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER:
        if (running) {
          // Stop what runs; this one starts once it has closed.
          if (policy === Policy.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER) d.cancelRunning = true;
          else d.terminateRunning = true;
          d.buffer.push(start);
        } else {
          // Only the start chosen a moment ago "runs": the newer one replaces it.
          d.next = start;
        }
        break;
      default:
        d.skipped++;
    }
  }
  // Starting ALLOW_ALL runs while the others are being stopped would only stop them too.
  if (d.cancelRunning || d.terminateRunning) d.overlapping = [];
  return d;
}
