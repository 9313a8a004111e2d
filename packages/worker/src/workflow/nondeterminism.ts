/** The error that fails a workflow task with NON_DETERMINISTIC_ERROR. */

/** History and code disagree: the workflow task fails with NON_DETERMINISTIC_ERROR. */
export class NondeterminismError extends Error {
  constructor(message: string) {
    super(`Nondeterminism error: ${message}`);
    this.name = 'NondeterminismError';
  }
}
