/**
 * History length and size limits (Temporal's limit.historyCount.* and limit.historySize.*).
 * Every change to a running run is checked before it is committed: past the warn threshold a
 * line is logged (once, when the change crosses it); past the error threshold the change is
 * discarded and the run is terminated instead, with Temporal's reason and identity, and the
 * caller gets INVALID_ARGUMENT with that reason (Temporal's ContextImpl.enforceHistory*Check).
 * A workflow should continue-as-new long before: its tasks suggest it past
 * `suggestContinueAsNewEvents` / `suggestContinueAsNewBytes` (workflow-task.ts).
 */
import type { Limits } from '../config.js';
import type { ExecutionTx } from './execution-tx.js';
import { isRunning, type ExecutionState } from './mutable-state.js';
import { terminate_ } from './workflow-lifecycle.js';

export type HistoryLimits = Pick<Limits, 'historyEventsWarn' | 'historyEventsMax' | 'historySizeWarnBytes' | 'historySizeMaxBytes'>;

/** Temporal's termination reasons (common.FailureReasonHistory*ExceedsLimit). */
export const HISTORY_SIZE_EXCEEDED = 'Workflow history size exceeds limit.';
export const HISTORY_COUNT_EXCEEDED = 'Workflow history count exceeds limit.';
/** The identity Temporal's history service terminates with. */
export const HISTORY_SERVICE_IDENTITY = 'history-service';

export interface HistoryMark {
  events: number;
  bytes: number;
}

export function historyMark(s: ExecutionState): HistoryMark {
  return { events: s.nextEventId - 1, bytes: s.historySizeBytes };
}

/**
 * The termination reason when the change in `tx` takes a running run past a limit; else
 * null, after noting a warning if the change crosses a warn threshold.
 */
export function historyLimitExceeded(tx: ExecutionTx, before: HistoryMark, limits: HistoryLimits): string | null {
  if (!tx.isRunning) return null;
  const after = historyMark(tx.state);
  if (after.bytes > limits.historySizeMaxBytes) return HISTORY_SIZE_EXCEEDED;
  if (after.events > limits.historyEventsMax) return HISTORY_COUNT_EXCEEDED;
  if (before.bytes <= limits.historySizeWarnBytes && after.bytes > limits.historySizeWarnBytes) {
    tx.noteLog('warn', 'history size exceeds warn limit.', {
      historySizeBytes: after.bytes,
      warnBytes: limits.historySizeWarnBytes,
      maxBytes: limits.historySizeMaxBytes,
    });
  }
  if (before.events <= limits.historyEventsWarn && after.events > limits.historyEventsWarn) {
    tx.noteLog('warn', 'history count exceeds warn limit.', {
      historyEvents: after.events,
      warnEvents: limits.historyEventsWarn,
      maxEvents: limits.historyEventsMax,
    });
  }
  return null;
}

/** The change that replaces a discarded one over the limit: terminate the run, as Temporal does. */
export function terminateOverLimit(tx: ExecutionTx, reason: string): void {
  if (!isRunning(tx.state)) return;
  tx.noteLog('warn', reason, { historyEvents: tx.state.nextEventId - 1, historySizeBytes: tx.state.historySizeBytes });
  terminate_(tx, reason, null, HISTORY_SERVICE_IDENTITY);
}
