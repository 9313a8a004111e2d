/**
 * What the history engine, the timer queue and the stores report for metrics, as plain
 * calls with durations in milliseconds. The engine depends only on this interface; with
 * metrics off it holds `NO_METRICS`, so the hot path pays one empty call.
 */

export interface EngineMetrics {
  /** A workflow task was recorded as started, `waitedMs` after it was scheduled. */
  workflowTaskStarted(waitedMs: number): void;
  /** A workflow task was completed, `sinceScheduledMs` after it was scheduled. */
  workflowTaskCompleted(sinceScheduledMs: number): void;
  /** An activity attempt was started by a poll, `waitedMs` after it became dispatchable. */
  activityTaskStarted(waitedMs: number): void;
  /** A timer row fired `lagMs` after it was due. */
  timerFired(lagMs: number): void;
  /** A store made `commits` commits durable in one transaction. */
  groupCommitted(commits: number): void;
}

const nothing = (): void => {};

export const NO_METRICS: EngineMetrics = Object.freeze({
  workflowTaskStarted: nothing,
  workflowTaskCompleted: nothing,
  activityTaskStarted: nothing,
  timerFired: nothing,
  groupCommitted: nothing,
});
