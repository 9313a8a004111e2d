/** Errors raised by workflow APIs. */
import { ActivityFailure, CancelledFailure, ChildWorkflowFailure } from '@endure/common';
import type { temporal } from '@temporalio/proto';

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
