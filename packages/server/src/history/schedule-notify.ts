/**
 * A run a schedule started belongs to that schedule until its chain of runs ends: the close
 * commit then writes a `schedule_action_closed` row aimed at the schedule (schedules/
 * scheduler.ts runs it), so the overlap slot frees and the result is kept exactly once.
 */
import { SCHEDULE_TIMER_RUN_ID } from '../persistence/store.js';
import { proto } from '../common/proto.js';
import type { ExecutionTx } from './execution-tx.js';

type CloseEvent = Parameters<ExecutionTx['appendEvent']>[0];

export function notifySchedule(tx: ExecutionTx, status: number, event: CloseEvent): void {
  const s = tx.state;
  if (!s.scheduledBy) return;
  const result = event.workflowExecutionCompletedEventAttributes?.result;
  const failure = event.workflowExecutionFailedEventAttributes?.failure;
  tx.addTimerFor({ namespaceId: s.namespaceId, workflowId: s.scheduledBy, runId: SCHEDULE_TIMER_RUN_ID }, 'schedule_action_closed', tx.nowMs, {
    workflowId: s.workflowId,
    status,
    closeTimeMs: tx.nowMs,
    result: result ? Buffer.from(proto.temporal.api.common.v1.Payloads.encode(result).finish()).toString('base64') : null,
    failure: failure ? Buffer.from(proto.temporal.api.failure.v1.Failure.encode(failure).finish()).toString('base64') : null,
  });
}
