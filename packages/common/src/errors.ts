/**
 * Errors that are not Temporal failures: they describe bad input or bad state on this side of the
 * wire and are never converted into a Failure proto by design.
 */
import { SymbolBasedInstanceOfError } from './type-helpers.js';

/**
 * Thrown from code that receives a value that is unexpected or that it's unable to handle.
 *
 * @example
 * ```ts
 * throw new ValueError(`Invalid duration string: '${s}'`);
 * ```
 */
export class ValueError extends Error {
  constructor(
    message: string | undefined,
    public override readonly cause?: unknown,
  ) {
    super(message ?? undefined);
  }
}
SymbolBasedInstanceOfError('ValueError')(ValueError);

/**
 * Thrown when a Payload Converter is misconfigured.
 *
 * @example
 * ```ts
 * new CompositePayloadConverter(); // throws PayloadConverterError
 * ```
 */
export class PayloadConverterError extends ValueError {}
SymbolBasedInstanceOfError('PayloadConverterError')(PayloadConverterError);

/**
 * Signals that a requested operation can't be completed because it is illegal given the
 * current state of the object; e.g. trying to use a resource after it has been closed.
 *
 * @example
 * ```ts
 * if (this.closed) throw new IllegalStateError('Connection is closed');
 * ```
 */
export class IllegalStateError extends Error {}
SymbolBasedInstanceOfError('IllegalStateError')(IllegalStateError);

/**
 * Thrown when a Workflow with the given Id is not known to the server: the Id is wrong, the
 * Workflow is closed (for calls such as `terminate`), or it was deleted after its retention period.
 *
 * @example
 * ```ts
 * try { await handle.describe(); } catch (e) { if (e instanceof WorkflowNotFoundError) ... }
 * ```
 */
export class WorkflowNotFoundError extends Error {
  constructor(
    message: string,
    public readonly workflowId: string,
    public readonly runId: string | undefined,
  ) {
    super(message);
  }
}
SymbolBasedInstanceOfError('WorkflowNotFoundError')(WorkflowNotFoundError);

/**
 * Thrown when the specified namespace is not known to the server.
 *
 * @example
 * ```ts
 * throw new NamespaceNotFoundError('default'); // message: "Namespace not found: 'default'"
 * ```
 */
export class NamespaceNotFoundError extends Error {
  constructor(public readonly namespace: string) {
    super(`Namespace not found: '${namespace}'`);
  }
}
SymbolBasedInstanceOfError('NamespaceNotFoundError')(NamespaceNotFoundError);

/**
 * Throw this from an Activity to make the Worker forget about it; the Activity is then completed
 * asynchronously (usually from outside the Worker) through the Client's async completion API.
 *
 * @example
 * ```ts
 * export async function myActivity(): Promise<never> {
 *   throw new CompleteAsyncError();
 * }
 * ```
 */
export class CompleteAsyncError extends Error {}
SymbolBasedInstanceOfError('CompleteAsyncError')(CompleteAsyncError);
