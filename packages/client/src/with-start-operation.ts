/**
 * `WithStartWorkflowOperation`: the start half of update-with-start. The client
 * sends it with the Update in one ExecuteMultiOperation call and hands the
 * operation the Workflow's handle (or the start's error) once the server answered.
 */
import type { Workflow, WorkflowIdConflictPolicy } from '@endure/common';
import type { WorkflowHandle } from './workflow-handle.js';
import type { WorkflowStartOptions } from './workflow-options.js';

/** Start options of a with-start operation: the conflict policy must be chosen. */
export type WithStartWorkflowOperationOptions<T extends Workflow> = WorkflowStartOptions<T> & {
  workflowIdConflictPolicy: WorkflowIdConflictPolicy;
};

/**
 * Starts a Workflow (or, by its conflict policy, uses the running one) together with an Update.
 * Use each operation once.
 *
 * @example
 * ```ts
 * const start = new WithStartWorkflowOperation(cartWorkflow, { workflowId: 'cart-7', taskQueue: 'shop', workflowIdConflictPolicy: 'USE_EXISTING' });
 * const count = await client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['apple'], startWorkflowOperation: start });
 * const handle = await start.workflowHandle();
 * ```
 */
export class WithStartWorkflowOperation<T extends Workflow> {
  private used = false;
  private settle!: { resolve: (handle: WorkflowHandle<T>) => void; reject: (err: unknown) => void };
  private readonly handle: Promise<WorkflowHandle<T>>;

  constructor(
    readonly workflowTypeOrFunc: string | T,
    readonly options: WithStartWorkflowOperationOptions<T>,
  ) {
    this.handle = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Callers who never ask for the handle must not see an unhandled rejection.
    this.handle.catch(() => undefined);
  }

  /** The Workflow's handle once the server answered; rejects with the start's error. */
  workflowHandle(): Promise<WorkflowHandle<T>> {
    return this.handle;
  }

  /** @internal Marks the operation used (once only) and returns its settlers. */
  take(): { resolve: (handle: WorkflowHandle<T>) => void; reject: (err: unknown) => void } {
    if (this.used) throw new Error('This WithStartWorkflowOperation instance has already been executed.');
    this.used = true;
    return this.settle;
  }
}
