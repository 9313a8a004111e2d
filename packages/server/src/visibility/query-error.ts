/**
 * The one error the visibility query module throws for a query the user got wrong. The
 * frontend answers it with INVALID_ARGUMENT and this message, so the message names the
 * position or the attribute on its own.
 */
export class QueryError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the query text of the part that is wrong. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }

  /** A syntax error: the message carries the position, as Temporal's parser errors do. */
  static syntax(position: number, detail: string): QueryError {
    return new QueryError(`invalid query at position ${position}: ${detail}`, position);
  }
}
