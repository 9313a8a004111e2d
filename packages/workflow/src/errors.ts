/** Errors raised by workflow APIs. */
import { ActivityFailure, CancelledFailure, ChildWorkflowFailure } from '@endure/common';
import type { temporal } from '@temporalio/proto';
import type { LocalActivityBackoff } from './interfaces.js';

/**
 * Thrown by `continueAsNew()`; the runtime turns it into a ContinueAsNew command.
 * Do not catch it.
 */
export class ContinueAsNew extends Error {
  constructor(readonly command: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes) {
    super('Workflow continued as new');
    this.name = 'ContinueAsNew';
  }
}

/**
 * A local activity's next attempt waits on a durable timer: the local-activity loop catches
 * this, sleeps and schedules the attempt. Workflow code never sees it.
 */
export class LocalActivityDoBackoff extends Error {
  constructor(readonly backoff: LocalActivityBackoff) {
    super('Local activity backs off on a timer');
    this.name = 'LocalActivityDoBackoff';
  }
}

/** Replay produced commands that do not match the workflow's history. */
export class DeterminismViolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeterminismViolationError';
  }
}

/**
 * True for a CancelledFailure, or an activity / child workflow failure caused by one.
 *
 * @example
 * ```ts
 * try { await act(); } catch (err) { if (isCancellation(err)) { ... } throw err; }
 * ```
 */
export function isCancellation(err: unknown): boolean {
  return (
    err instanceof CancelledFailure ||
    ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause instanceof CancelledFailure)
  );
}
