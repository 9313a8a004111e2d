/**
 * The client-side handle to one Workflow (and to one Update): the public interfaces only;
 * {@link WorkflowClient} builds the implementations.
 */
import type { QueryDefinition, SignalDefinition, UpdateDefinition, Workflow, WorkflowResultType } from '@endure/common';
import type { temporal } from '@temporalio/proto';
import type {
  RequestCancelWorkflowExecutionResponse,
  TerminateWorkflowExecutionResponse,
  WorkflowExecutionDescription,
} from './types.js';
import type { WorkflowClient } from './workflow-client.js';

/** Options for waiting on a Workflow's result. */
export interface WorkflowResultOptions {
  /**
   * Whether to follow the chain of runs (continue-as-new, retries, cron) to the last one's result.
   * @default true
   */
  followRuns?: boolean;
}

/** Options for {@link WorkflowClient.getHandle}. */
export interface GetWorkflowHandleOptions extends WorkflowResultOptions {
  /**
   * Run id of the first execution of the chain; with no `runId`, makes `cancel` and `terminate`
   * fail rather than affect a run from another chain with the same Workflow id.
   */
  firstExecutionRunId?: string;
}

/** Options for an Update call. */
export interface WorkflowUpdateOptions {
  /** Unique (per Workflow execution) id of the Update; random by default. */
  readonly updateId?: string;
}

/** Options for {@link WorkflowHandle.getUpdateHandle}. */
export interface GetWorkflowUpdateHandleOptions {
  /** Run targeted by the Update. */
  workflowRunId?: string;
}

/** A handle to one Update of a Workflow. */
export interface WorkflowUpdateHandle<Ret> {
  updateId: string;
  workflowId: string;
  workflowRunId?: string;
  /** The Update's result; throws {@link WorkflowUpdateFailedError} when it failed. */
  result(): Promise<Ret>;
}

/**
 * A handle to a Workflow: wait for its result, signal, query, cancel, terminate, describe it
 * and read its history.
 *
 * @example
 * ```ts
 * const handle = client.workflow.getHandle('order-42');
 * await handle.signal(approveSignal, 'alice');
 * const status = await handle.query(statusQuery);
 * const result = await handle.result();
 * ```
 */
export interface WorkflowHandle<T extends Workflow = Workflow> {
  /** The Workflow id. */
  readonly workflowId: string;
  /** The client this handle calls through. */
  readonly client: WorkflowClient;

  /**
   * Waits for the Workflow to close and returns its result; follows continue-as-new, retries and
   * cron runs unless `followRuns` is false. Throws {@link WorkflowFailedError} if it did not complete.
   */
  result(): Promise<WorkflowResultType<T>>;

  /** Sends a signal. */
  signal<Args extends unknown[] = [], Name extends string = string>(
    def: SignalDefinition<Args, Name> | string,
    ...args: Args
  ): Promise<void>;

  /**
   * Queries the Workflow (running or closed). Throws {@link QueryNotRegisteredError} when the
   * query is unknown or its handler failed, {@link QueryRejectedError} when the reject condition applies.
   */
  query<Ret, Args extends unknown[] = []>(def: QueryDefinition<Ret, Args> | string, ...args: Args): Promise<Ret>;

  /** Requests cancellation: the Workflow's root scope sees a `CancelledFailure`. */
  cancel(): Promise<RequestCancelWorkflowExecutionResponse>;

  /** Terminates the Workflow at once, without running any of its code. */
  terminate(reason?: string): Promise<TerminateWorkflowExecutionResponse>;

  /** Describes the execution (status, times, memo, search attributes…). */
  describe(): Promise<WorkflowExecutionDescription>;

  /** The execution's full history, all pages. */
  fetchHistory(): Promise<temporal.api.history.v1.IHistory>;

  /**
   * Sends an Update and waits for its result. Throws {@link WorkflowUpdateFailedError} when the
   * validator rejected it or the handler failed, `WorkflowNotFoundError` when the Workflow is closed.
   *
   * @example
   * ```ts
   * const count = await handle.executeUpdate(addItemUpdate, { args: ['apple'] });
   * ```
   */
  executeUpdate<Ret, Args extends unknown[] = []>(
    def: UpdateDefinition<Ret, Args> | string,
    options?: WorkflowUpdateOptions & { args?: Args },
  ): Promise<Ret>;

  /**
   * Sends an Update and returns its handle once the Workflow accepted it.
   *
   * @example
   * ```ts
   * const update = await handle.startUpdate(holdUpdate, { args: ['a'], waitForStage: 'ACCEPTED' });
   * console.log(await update.result());
   * ```
   */
  startUpdate<Ret, Args extends unknown[] = []>(
    def: UpdateDefinition<Ret, Args> | string,
    options: WorkflowUpdateOptions & { args?: Args; waitForStage: 'ACCEPTED' },
  ): Promise<WorkflowUpdateHandle<Ret>>;

  /**
   * A handle to an Update sent before, by its id (nothing is checked until `result()`).
   *
   * @example
   * ```ts
   * const result = await handle.getUpdateHandle<number>('add-apple').result();
   * ```
   */
  getUpdateHandle<Ret>(updateId: string, options?: GetWorkflowUpdateHandleOptions): WorkflowUpdateHandle<Ret>;
}

/** A handle returned by `start`: also knows the run id the chain started with. */
export interface WorkflowHandleWithFirstExecutionRunId<T extends Workflow = Workflow> extends WorkflowHandle<T> {
  /** Run id of the first execution of the chain. */
  readonly firstExecutionRunId: string;
}

/** A handle returned by `start`, with whether the start was eager (always false here). */
export interface WorkflowHandleWithStartDetails<T extends Workflow = Workflow>
  extends WorkflowHandleWithFirstExecutionRunId<T> {
  readonly eagerlyStarted: boolean;
}

/** A handle returned by `signalWithStart`: also knows the run that was signalled. */
export interface WorkflowHandleWithSignaledRunId<T extends Workflow = Workflow> extends WorkflowHandle<T> {
  /** The run signalled, which may be an already running one (not necessarily the chain's first). */
  readonly signaledRunId: string;
}
