/**
 * `Client`: the high-level entry point, holding the connection and the sub-clients (`workflow`
 * and `schedule`; task queues and async activity completion are not mirrored yet).
 */
import { BaseClient, defaultBaseClientOptions, type BaseClientOptions, type LoadedBaseClientOptions } from './base-client.js';
import { ScheduleClient } from './schedule-client.js';
import type { QueryRejectCondition, WorkflowService } from './types.js';
import { WorkflowClient } from './workflow-client.js';

/** Options for {@link Client}. */
export interface ClientOptions extends BaseClientOptions {
  workflow?: {
    /** When the server should reject queries. @default undefined: closed Workflows stay queryable */
    queryRejectCondition?: QueryRejectCondition;
  };
}

/** {@link ClientOptions} after defaults are applied. */
export type LoadedClientOptions = LoadedBaseClientOptions & {
  workflow: { queryRejectCondition?: QueryRejectCondition };
};

/**
 * High-level client: one per connection and namespace.
 *
 * @example
 * ```ts
 * import { Client, Connection } from '@endure/client';
 *
 * const client = new Client({ connection: await Connection.connect(), namespace: 'default' });
 * const result = await client.workflow.execute(orderWorkflow, {
 *   taskQueue: 'orders',
 *   workflowId: 'order-42',
 *   args: [{ id: '42', items: ['book'], amountCents: 1200 }],
 * });
 * ```
 */
export class Client extends BaseClient {
  readonly options: LoadedClientOptions;
  /** Workflow sub-client: start Workflows and get handles to them. */
  readonly workflow: WorkflowClient;
  /** Schedule sub-client: create, list and manage Schedules. */
  readonly schedule: ScheduleClient;

  constructor(options?: ClientOptions) {
    super(options);
    const common = withoutUndefined({ identity: options?.identity, namespace: options?.namespace });
    this.workflow = new WorkflowClient({
      ...common,
      connection: this.connection,
      dataConverter: this.dataConverter,
      queryRejectCondition: options?.workflow?.queryRejectCondition,
    });
    this.schedule = new ScheduleClient({ ...common, connection: this.connection, dataConverter: this.dataConverter });
    this.options = {
      ...defaultBaseClientOptions(),
      ...common,
      dataConverter: this.dataConverter,
      loadedDataConverter: this.dataConverter,
      workflow: { queryRejectCondition: this.workflow.options.queryRejectCondition },
    };
  }

  /** Raw access to the WorkflowService. The client's namespace is not added to requests made through it. */
  get workflowService(): WorkflowService {
    return this.connection.workflowService;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
