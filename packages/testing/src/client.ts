/**
 * Clients of a time-skipping {@link TestWorkflowEnvironment}: the normal API, except that
 * waiting for a Workflow's result lets the server skip time while nothing can run.
 */
import { Client, WorkflowClient, type ClientOptions, type WorkflowClientOptions, type WorkflowResultOptions } from '@endure/client';
import type { Workflow, WorkflowResultType } from '@endure/common';

/** The client options a test environment accepts: it supplies `connection` and `namespace` itself. */
export type ClientOptionsForTestEnv = Omit<ClientOptions, 'namespace' | 'connection'>;

/**
 * Switches the in-process server's automatic time skipping on and off. Locks nest; skipping
 * happens only while every lock has been released.
 */
export interface TimeSkippingLock {
  lockTimeSkipping(): void;
  unlockTimeSkipping(): void;
}

/**
 * A {@link Client} whose `workflow` is a {@link TimeSkippingWorkflowClient}.
 *
 * @example
 * ```ts
 * const env = await TestWorkflowEnvironment.createTimeSkipping();
 * // env.client is a TimeSkippingClient: this returns as soon as the workflow's week-long sleep is skipped.
 * await env.client.workflow.execute(weeklyReport, { taskQueue: 'reports', workflowId: 'report-1' });
 * ```
 */
export class TimeSkippingClient extends Client {
  /** Workflow sub-client that skips time while it waits for results. */
  override readonly workflow: TimeSkippingWorkflowClient;

  constructor(options: ClientOptions & { timeSkipping: TimeSkippingLock }) {
    super(options);
    this.workflow = new TimeSkippingWorkflowClient({
      ...options,
      connection: this.connection,
      dataConverter: this.options.loadedDataConverter,
      queryRejectCondition: options.workflow?.queryRejectCondition,
    });
  }
}

/**
 * A {@link WorkflowClient} that unlocks time skipping while it waits for a Workflow's result
 * (`result()`, `execute()`, `handle.result()`), then locks it again.
 *
 * @example
 * ```ts
 * const handle = await env.client.workflow.start(trialExpiry, { taskQueue: 'billing', workflowId: 'trial-7' });
 * await handle.result(); // the 30-day trial timer fires at once
 * ```
 */
export class TimeSkippingWorkflowClient extends WorkflowClient {
  private readonly timeSkipping: TimeSkippingLock;

  constructor(options: WorkflowClientOptions & { timeSkipping: TimeSkippingLock }) {
    super(options);
    this.timeSkipping = options.timeSkipping;
  }

  /**
   * Waits for a Workflow to close and returns its result, skipping time meanwhile.
   *
   * @see {@link WorkflowClient.result}
   */
  override async result<T extends Workflow>(
    workflowId: string,
    runId?: string,
    opts?: WorkflowResultOptions,
  ): Promise<WorkflowResultType<T>> {
    this.timeSkipping.unlockTimeSkipping();
    try {
      return await super.result<T>(workflowId, runId, opts);
    } finally {
      this.timeSkipping.lockTimeSkipping();
    }
  }
}
