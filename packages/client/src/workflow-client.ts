/**
 * `WorkflowClient`: starts Workflows and builds handles to them. Every method is a thin
 * translation to one WorkflowService call; typed errors come from `grpc-errors.ts`, result
 * waiting from `workflow-result.ts` and listing and counting from `workflow-list.ts`.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  extractWorkflowType,
  WorkflowExecutionAlreadyStartedError,
  type LoadedDataConverter,
  type QueryDefinition,
  type SignalDefinition,
  type UpdateDefinition,
  type WithWorkflowArgs,
  type Workflow,
  type WorkflowResultType,
} from '@endure/common';
import proto from '@temporalio/proto';
import { BaseClient, defaultBaseClientOptions, type BaseClientOptions, type LoadedBaseClientOptions } from './base-client.js';
import { isGrpcServiceError, QueryNotRegisteredError, QueryRejectedError } from './errors.js';
import { executionInfoFromRaw } from './execution-info.js';
import { rethrowGrpcError, rethrowKnownErrorTypes } from './grpc-errors.js';
import { decodeFromPayloadsAtIndex, decodeOptionalSingle, encodeToPayloads } from './payload-codec.js';
import type {
  CountWorkflowExecution,
  EagerWorkflowTaskSlot,
  QueryRejectCondition,
  RequestCancelWorkflowExecutionResponse,
  TerminateWorkflowExecutionResponse,
  WorkflowExecution,
  WorkflowExecutionDescription,
  WorkflowService,
} from './types.js';
import type {
  GetWorkflowHandleOptions,
  GetWorkflowUpdateHandleOptions,
  WorkflowHandle,
  WorkflowHandleWithSignaledRunId,
  WorkflowHandleWithStartDetails,
  WorkflowResultOptions,
  WorkflowUpdateHandle,
  WorkflowUpdateOptions,
} from './workflow-handle.js';
import {
  compileWorkflowOptions,
  type CompiledWorkflowOptions,
  type WorkflowSignalWithStartOptions,
  type WorkflowStartOptions,
} from './workflow-options.js';
import { createSignalWithStartRequest, createStartWorkflowRequest } from './workflow-requests.js';
import { countWorkflows, listWorkflows, type AsyncWorkflowListIterable, type ListOptions } from './workflow-list.js';
import { waitForWorkflowResult } from './workflow-result.js';
import type { WithStartWorkflowOperation } from './with-start-operation.js';
import {
  createUpdateRequest,
  decodeOutcome,
  pollUpdateOutcome,
  rethrowUpdateGrpcError,
  sendUpdate,
  type UpdateContext,
  type WorkflowUpdateStage,
} from './workflow-update.js';

/** Options for {@link WorkflowClient}. */
export interface WorkflowClientOptions extends BaseClientOptions {
  /** When the server should reject queries. @default undefined: closed Workflows stay queryable */
  queryRejectCondition?: QueryRejectCondition;
}

/** {@link WorkflowClientOptions} after defaults are applied. */
export type LoadedWorkflowClientOptions = LoadedBaseClientOptions & { queryRejectCondition?: QueryRejectCondition };

/** What a handle is bound to. */
interface HandleBinding extends WorkflowResultOptions {
  workflowId: string;
  /** Run targeted by signal, query, cancel, terminate and describe; the latest run when unset. */
  runId: string | undefined;
  firstExecutionRunId: string | undefined;
  /** Run `result()` starts waiting from (then follows the chain). */
  runIdForResult: string | undefined;
}

const queryRejectConditions = {
  NONE: proto.temporal.api.enums.v1.QueryRejectCondition.QUERY_REJECT_CONDITION_NONE,
  NOT_OPEN: proto.temporal.api.enums.v1.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN,
  NOT_COMPLETED_CLEANLY: proto.temporal.api.enums.v1.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY,
} as const;

/**
 * Starts Workflows and creates handles to them. Usually reached as `client.workflow`; can
 * also be created on its own.
 *
 * @example
 * ```ts
 * import { Connection, WorkflowClient } from '@endure/client';
 * import { orderWorkflow } from './workflows';
 *
 * const client = new WorkflowClient({ connection: await Connection.connect() });
 * const handle = await client.start(orderWorkflow, { taskQueue: 'orders', workflowId: 'order-42', args: [order] });
 * console.log(await handle.result());
 * ```
 */
export class WorkflowClient extends BaseClient {
  readonly options: LoadedWorkflowClientOptions;

  constructor(options?: WorkflowClientOptions) {
    super(options);
    this.options = {
      ...defaultBaseClientOptions(),
      ...withoutUndefined({
        identity: options?.identity,
        namespace: options?.namespace,
        queryRejectCondition: options?.queryRejectCondition,
      }),
      dataConverter: this.dataConverter,
      loadedDataConverter: this.dataConverter,
    };
  }

  /** Raw access to the WorkflowService. The client's namespace is not added to requests made through it. */
  get workflowService(): WorkflowService {
    return this.connection.workflowService;
  }

  /**
   * Starts a Workflow and returns a handle to it. Throws `WorkflowExecutionAlreadyStartedError`
   * when the id is taken (per `workflowIdReusePolicy`/`workflowIdConflictPolicy`).
   *
   * @example
   * ```ts
   * const handle = await client.workflow.start(approvalWorkflow, { taskQueue: 'hr', workflowId: 'leave-7', args: [60_000] });
   * ```
   */
  async start<T extends Workflow>(
    workflowTypeOrFunc: string | T,
    options: WorkflowStartOptions<T>,
  ): Promise<WorkflowHandleWithStartDetails<T>> {
    const workflowType = extractWorkflowType(workflowTypeOrFunc);
    const { runId, eagerlyStarted } = await this.startWorkflow(workflowType, compileStartOptions(options));
    // Handles from start() target "the latest run", so they keep working after continue-as-new.
    const handle = this.createWorkflowHandle<T>({
      workflowId: options.workflowId,
      runId: undefined,
      firstExecutionRunId: runId,
      runIdForResult: runId,
      followRuns: options.followRuns ?? true,
    });
    return { ...handle, firstExecutionRunId: runId, eagerlyStarted };
  }

  /**
   * Starts a Workflow, waits for it to close and returns its result.
   *
   * @example
   * ```ts
   * const total = await client.workflow.execute(arithmeticWorkflow, { taskQueue: 'math', workflowId: 'calc-1', args: [20] });
   * ```
   */
  async execute<T extends Workflow>(
    workflowTypeOrFunc: string | T,
    options: WorkflowStartOptions<T>,
  ): Promise<WorkflowResultType<T>> {
    await this.startWorkflow(extractWorkflowType(workflowTypeOrFunc), compileStartOptions(options));
    return this.result<T>(options.workflowId, undefined, { followRuns: options.followRuns ?? true });
  }

  /**
   * Signals a Workflow, starting it first if it is not running (by default an existing run is
   * signalled: `workflowIdConflictPolicy` USE_EXISTING).
   *
   * @example
   * ```ts
   * const handle = await client.workflow.signalWithStart(approvalWorkflow, {
   *   taskQueue: 'hr', workflowId: 'leave-7', args: [60_000], signal: addItemSignal, signalArgs: ['laptop'],
   * });
   * ```
   */
  async signalWithStart<WorkflowFn extends Workflow, SignalArgs extends unknown[] = []>(
    workflowTypeOrFunc: string | WorkflowFn,
    options: WithWorkflowArgs<WorkflowFn, WorkflowSignalWithStartOptions<SignalArgs>>,
  ): Promise<WorkflowHandleWithSignaledRunId<WorkflowFn>> {
    const { signal, signalArgs, ...startOptions } = options;
    const workflowType = extractWorkflowType(workflowTypeOrFunc);
    const signalName = typeof signal === 'string' ? signal : signal.name;
    const compiled = compileStartOptions(startOptions as WorkflowStartOptions<WorkflowFn>);
    const request = await createSignalWithStartRequest(this.requestContext(), workflowType, compiled, signalName, signalArgs ?? []);
    let runId: string;
    try {
      runId = (await this.workflowService.signalWithStartWorkflowExecution(request)).runId;
    } catch (err) {
      throwStartError(err, 'Failed to signalWithStart Workflow', options.workflowId, workflowType);
    }
    const handle = this.createWorkflowHandle<WorkflowFn>({
      workflowId: options.workflowId,
      runId: undefined,
      // The signalled run may be an existing one, not the first of its chain.
      firstExecutionRunId: undefined,
      runIdForResult: runId,
      followRuns: options.followRuns ?? true,
    });
    return { ...handle, signaledRunId: runId };
  }

  /**
   * Waits for a Workflow to close and returns its result (see {@link WorkflowHandle.result}).
   *
   * @example
   * ```ts
   * const result = await client.workflow.result('order-42');
   * ```
   */
  async result<T extends Workflow>(
    workflowId: string,
    runId?: string,
    opts?: WorkflowResultOptions,
  ): Promise<WorkflowResultType<T>> {
    return waitForWorkflowResult<WorkflowResultType<T>>({
      workflowService: this.workflowService,
      namespace: this.options.namespace,
      dataConverter: this.dataConverter,
      workflowId,
      runId,
      followRuns: opts?.followRuns ?? true,
    });
  }

  /**
   * A handle to an existing Workflow: its latest run, the run `runId`, or the latest run of the
   * chain that started with `options.firstExecutionRunId`. Nothing is checked until a handle
   * method is called (which then throws `WorkflowNotFoundError` if there is no such Workflow).
   *
   * @example
   * ```ts
   * const handle = client.workflow.getHandle('order-42');
   * await handle.cancel();
   * ```
   */
  getHandle<T extends Workflow>(workflowId: string, runId?: string, options?: GetWorkflowHandleOptions): WorkflowHandle<T> {
    return this.createWorkflowHandle<T>({
      workflowId,
      runId,
      firstExecutionRunId: options?.firstExecutionRunId,
      runIdForResult: runId ?? options?.firstExecutionRunId,
      followRuns: options?.followRuns ?? true,
    });
  }

  /**
   * Update-with-start: starts the Workflow (or uses the running one, by the operation's
   * `workflowIdConflictPolicy`) and sends it the Update in one call, then waits for the
   * Update's result. The operation's `workflowHandle()` gives the Workflow's handle.
   *
   * @example
   * ```ts
   * const start = new WithStartWorkflowOperation(cartWorkflow, { workflowId: 'cart-7', taskQueue: 'shop', workflowIdConflictPolicy: 'USE_EXISTING' });
   * const count = await client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['apple'], startWorkflowOperation: start });
   * ```
   */
  async executeUpdateWithStart<T extends Workflow, Ret, Args extends unknown[]>(
    updateDef: UpdateDefinition<Ret, Args> | string,
    options: WorkflowUpdateOptions & { args?: Args; startWorkflowOperation: WithStartWorkflowOperation<T> },
  ): Promise<Ret> {
    const handle = await this.updateWithStart<T, Ret>(updateDef, options, 'COMPLETED');
    return handle.result();
  }

  /**
   * As {@link executeUpdateWithStart}, returning once the Update is accepted (`waitForStage: 'ACCEPTED'`).
   *
   * @example
   * ```ts
   * const update = await client.workflow.startUpdateWithStart(holdUpdate, { args: ['a'], waitForStage: 'ACCEPTED', startWorkflowOperation: start });
   * console.log(await update.result());
   * ```
   */
  async startUpdateWithStart<T extends Workflow, Ret, Args extends unknown[]>(
    updateDef: UpdateDefinition<Ret, Args> | string,
    options: WorkflowUpdateOptions & { args?: Args; waitForStage: 'ACCEPTED'; startWorkflowOperation: WithStartWorkflowOperation<T> },
  ): Promise<WorkflowUpdateHandle<Ret>> {
    return this.updateWithStart<T, Ret>(updateDef, options, 'ACCEPTED');
  }

  /**
   * The Workflows matching `options.query` (every Workflow of the namespace without one), read
   * page by page as the result is iterated. Visibility is eventually consistent in general;
   * `intoHistories()` turns the list into the Workflows' histories (e.g. for a batch replay).
   *
   * @example
   * ```ts
   * for await (const workflow of client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
   *   console.log(workflow.workflowId, workflow.typedSearchAttributes.getAll());
   * }
   * ```
   */
  list(options?: ListOptions): AsyncWorkflowListIterable {
    return listWorkflows(
      {
        ...this.requestContext(),
        workflowService: this.workflowService,
        fetchHistory: (workflowId, runId) => this.fetchWorkflowHistory({ workflowId, runId }),
      },
      options,
    );
  }

  /**
   * The number of Workflows matching `query` (all of the namespace without one); a `GROUP BY`
   * query also gives the number in each group.
   *
   * @example
   * ```ts
   * const { count, groups } = await client.workflow.count('GROUP BY ExecutionStatus');
   * ```
   */
  async count(query?: string): Promise<CountWorkflowExecution> {
    return countWorkflows({ ...this.requestContext(), workflowService: this.workflowService }, query);
  }

  private requestContext(): { namespace: string; identity: string; dataConverter: LoadedDataConverter } {
    return { namespace: this.options.namespace, identity: this.options.identity, dataConverter: this.dataConverter };
  }

  private updateContext(): UpdateContext {
    return { ...this.requestContext(), workflowService: this.workflowService };
  }

  /** Sends an Update and returns its handle once it is accepted (with the outcome when the server already has it). */
  protected async startWorkflowUpdate<Ret>(
    execution: WorkflowExecution,
    firstExecutionRunId: string | undefined,
    def: { name: string } | string,
    options: WorkflowUpdateOptions & { args?: unknown[] },
    stage: WorkflowUpdateStage,
  ): Promise<WorkflowUpdateHandle<Ret>> {
    const name = typeof def === 'string' ? def : def.name;
    const ctx = this.updateContext();
    const request = await createUpdateRequest(ctx, execution, firstExecutionRunId, { name, args: options.args ?? [], updateId: options.updateId, stage });
    const response = await sendUpdate(ctx, request);
    const runId = response.updateRef?.workflowExecution?.runId ?? undefined;
    return this.updateHandle<Ret>(request.request!.meta!.updateId!, execution.workflowId, runId || undefined, response.outcome ?? undefined);
  }

  private updateHandle<Ret>(
    updateId: string,
    workflowId: string,
    workflowRunId: string | undefined,
    outcome?: proto.temporal.api.update.v1.IOutcome,
  ): WorkflowUpdateHandle<Ret> {
    return {
      updateId,
      workflowId,
      workflowRunId,
      result: async () =>
        decodeOutcome<Ret>(this.dataConverter, outcome ?? (await pollUpdateOutcome(this.updateContext(), { workflowId, runId: workflowRunId }, updateId))),
    };
  }

  private async updateWithStart<T extends Workflow, Ret>(
    def: { name: string } | string,
    options: WorkflowUpdateOptions & { args?: unknown[]; startWorkflowOperation: WithStartWorkflowOperation<T> },
    stage: WorkflowUpdateStage,
  ): Promise<WorkflowUpdateHandle<Ret>> {
    const operation = options.startWorkflowOperation;
    const settle = operation.take();
    const startOptions = operation.options;
    const workflowType = extractWorkflowType(operation.workflowTypeOrFunc);
    const workflowId = startOptions.workflowId;
    const ctx = this.updateContext();
    const startRequest = await createStartWorkflowRequest(this.requestContext(), workflowType, compileStartOptions(startOptions));
    const name = typeof def === 'string' ? def : def.name;
    const updateRequest = await createUpdateRequest(ctx, { workflowId }, undefined, { name, args: options.args ?? [], updateId: options.updateId, stage });
    let startResponse: proto.temporal.api.workflowservice.v1.IStartWorkflowExecutionResponse | undefined;
    let updateResponse: proto.temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse;
    try {
      // Sent again until the Update is durable: the server answers a known update id with that Update.
      do {
        const response = await this.workflowService.executeMultiOperation({
          namespace: this.options.namespace,
          operations: [{ startWorkflow: startRequest }, { updateWorkflow: updateRequest }],
        });
        if (!startResponse) {
          startResponse = response.responses?.[0]?.startWorkflow ?? {};
          settle.resolve(
            this.createWorkflowHandle<T>({
              workflowId,
              runId: undefined,
              firstExecutionRunId: startResponse.started ? startResponse.runId ?? undefined : undefined,
              runIdForResult: startResponse.runId ?? undefined,
              followRuns: startOptions.followRuns ?? true,
            }),
          );
        }
        updateResponse = response.responses?.[1]?.updateWorkflow ?? {};
      } while ((updateResponse.stage ?? 0) < proto.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
    } catch (err) {
      const error = updateWithStartError(err, workflowId, workflowType);
      if (!startResponse) settle.reject(error);
      throw error;
    }
    const runId = updateResponse.updateRef?.workflowExecution?.runId || undefined;
    return this.updateHandle<Ret>(updateRequest.request!.meta!.updateId!, workflowId, runId, updateResponse.outcome ?? undefined);
  }

  /**
   * Sends StartWorkflowExecution and returns the new run's id. With `requestEagerStart` and a
   * free slot in a worker of this connection, the server returns the first workflow task with
   * the response and that worker runs it at once.
   */
  protected async startWorkflow(workflowType: string, options: CompiledWorkflowOptions): Promise<{ runId: string; eagerlyStarted: boolean }> {
    const request = await createStartWorkflowRequest(this.requestContext(), workflowType, options);
    const slot = options.requestEagerStart ? this.reserveEagerSlot(options.taskQueue) : null;
    request.requestEagerExecution = slot !== null;
    try {
      const response = await this.workflowService.startWorkflowExecution(request);
      const task = response.eagerWorkflowTask;
      if (slot && task?.taskToken?.length) slot.run(task);
      else slot?.release();
      return { runId: response.runId, eagerlyStarted: !!task };
    } catch (err) {
      slot?.release();
      throwStartError(err, 'Failed to start Workflow', options.workflowId, workflowType);
    }
  }

  private reserveEagerSlot(taskQueue: string): EagerWorkflowTaskSlot | null {
    const workers = this.connection.eagerWorkflowTaskWorkers;
    if (!workers) {
      throw new TypeError(
        'Eager workflow start requires a NativeConnection shared between client and worker. ' +
          'Pass a NativeConnection via ClientOptions.connection, or disable requestEagerStart.',
      );
    }
    return workers.reserve(this.options.namespace, taskQueue);
  }

  protected async signalWorkflow(execution: WorkflowExecution, signalName: string, args: unknown[]): Promise<void> {
    try {
      await this.workflowService.signalWorkflowExecution({
        namespace: this.options.namespace,
        identity: this.options.identity,
        workflowExecution: execution,
        requestId: randomUUID(),
        signalName,
        header: { fields: {} },
        input: { payloads: await encodeToPayloads(this.dataConverter, args) },
      });
    } catch (err) {
      rethrowGrpcError(err, 'Failed to signal Workflow', execution);
    }
  }

  protected async queryWorkflow(execution: WorkflowExecution, queryType: string, args: unknown[]): Promise<unknown> {
    const condition = this.options.queryRejectCondition;
    let response: proto.temporal.api.workflowservice.v1.IQueryWorkflowResponse;
    try {
      response = await this.workflowService.queryWorkflow({
        namespace: this.options.namespace,
        execution,
        queryRejectCondition: condition === undefined ? undefined : queryRejectConditions[condition],
        query: {
          queryType,
          queryArgs: { payloads: await encodeToPayloads(this.dataConverter, args) },
          header: { fields: {} },
        },
      });
    } catch (err) {
      if (isGrpcServiceError(err)) {
        rethrowKnownErrorTypes(err);
        if (err.code === status.INVALID_ARGUMENT) {
          throw new QueryNotRegisteredError(err.message.replace(/^3 INVALID_ARGUMENT: /, ''), err.code);
        }
      }
      rethrowGrpcError(err, 'Failed to query Workflow', execution);
    }
    if (response.queryRejected) {
      const rejectedStatus = response.queryRejected.status;
      if (rejectedStatus === null || rejectedStatus === undefined) {
        throw new TypeError('Received queryRejected from server with no status');
      }
      throw new QueryRejectedError(rejectedStatus);
    }
    if (!response.queryResult) throw new TypeError('Invalid response from server');
    // A query handler returns one value: further payloads are ignored.
    return decodeFromPayloadsAtIndex(this.dataConverter, 0, response.queryResult.payloads);
  }

  protected async cancelWorkflow(
    execution: WorkflowExecution,
    firstExecutionRunId: string | undefined,
  ): Promise<RequestCancelWorkflowExecutionResponse> {
    try {
      return await this.workflowService.requestCancelWorkflowExecution({
        namespace: this.options.namespace,
        identity: this.options.identity,
        requestId: randomUUID(),
        workflowExecution: execution,
        firstExecutionRunId,
      });
    } catch (err) {
      rethrowGrpcError(err, 'Failed to cancel workflow', execution);
    }
  }

  protected async terminateWorkflow(
    execution: WorkflowExecution,
    firstExecutionRunId: string | undefined,
    reason: string | undefined,
  ): Promise<TerminateWorkflowExecutionResponse> {
    try {
      return await this.workflowService.terminateWorkflowExecution({
        namespace: this.options.namespace,
        identity: this.options.identity,
        workflowExecution: execution,
        reason,
        firstExecutionRunId,
      });
    } catch (err) {
      rethrowGrpcError(err, 'Failed to terminate Workflow', execution);
    }
  }

  protected async describeWorkflow(execution: WorkflowExecution): Promise<WorkflowExecutionDescription> {
    let raw: proto.temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;
    try {
      raw = await this.workflowService.describeWorkflowExecution({ namespace: this.options.namespace, execution });
    } catch (err) {
      rethrowGrpcError(err, 'Failed to describe workflow', execution);
    }
    const info = await executionInfoFromRaw(raw.workflowExecutionInfo ?? {}, this.dataConverter, raw);
    const userMetadata = raw.executionConfig?.userMetadata;
    return {
      ...info,
      staticDetails: async () => decodeOptionalSingle<string>(this.dataConverter, userMetadata?.details),
      staticSummary: async () => decodeOptionalSingle<string>(this.dataConverter, userMetadata?.summary),
    };
  }

  /** Reads every page of the execution's history (no long poll). */
  protected async fetchWorkflowHistory(execution: WorkflowExecution): Promise<proto.temporal.api.history.v1.IHistory> {
    const events: proto.temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | null | undefined;
    do {
      let response: proto.temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;
      try {
        response = await this.workflowService.getWorkflowExecutionHistory({
          namespace: this.options.namespace,
          execution,
          nextPageToken,
        });
      } catch (err) {
        rethrowGrpcError(err, 'Failed to get Workflow execution history', execution);
      }
      events.push(...(response.history?.events ?? []));
      nextPageToken = response.nextPageToken;
    } while (nextPageToken && nextPageToken.length > 0);
    return proto.temporal.api.history.v1.History.create({ events });
  }

  /** Builds the handle object; its methods call back into this client. */
  protected createWorkflowHandle<T extends Workflow>(binding: HandleBinding): WorkflowHandle<T> {
    const { workflowId, runId, firstExecutionRunId, runIdForResult, followRuns } = binding;
    const execution: WorkflowExecution = { workflowId, runId };
    return {
      client: this,
      workflowId,
      result: () => this.result<T>(workflowId, runIdForResult, { followRuns }),
      signal: <Args extends unknown[]>(def: SignalDefinition<Args> | string, ...args: Args) =>
        this.signalWorkflow(execution, typeof def === 'string' ? def : def.name, args),
      query: async <Ret, Args extends unknown[]>(def: QueryDefinition<Ret, Args> | string, ...args: Args) =>
        (await this.queryWorkflow(execution, typeof def === 'string' ? def : def.name, args)) as Ret,
      cancel: () => this.cancelWorkflow(execution, firstExecutionRunId),
      terminate: (reason?: string) => this.terminateWorkflow(execution, firstExecutionRunId, reason),
      describe: () => this.describeWorkflow(execution),
      fetchHistory: () => this.fetchWorkflowHistory(execution),
      executeUpdate: async <Ret, Args extends unknown[]>(def: UpdateDefinition<Ret, Args> | string, options?: WorkflowUpdateOptions & { args?: Args }) =>
        (await this.startWorkflowUpdate<Ret>(execution, firstExecutionRunId, def, options ?? {}, 'COMPLETED')).result(),
      startUpdate: <Ret, Args extends unknown[]>(def: UpdateDefinition<Ret, Args> | string, options: WorkflowUpdateOptions & { args?: Args; waitForStage: 'ACCEPTED' }) =>
        this.startWorkflowUpdate<Ret>(execution, firstExecutionRunId, def, options, 'ACCEPTED'),
      getUpdateHandle: <Ret>(updateId: string, options?: GetWorkflowUpdateHandleOptions) =>
        this.updateHandle<Ret>(updateId, workflowId, options?.workflowRunId ?? runId),
    };
  }
}

/** Adds defaults (`args: []`), checks required options and compiles durations. */
function compileStartOptions<T extends Workflow>(options: WorkflowStartOptions<T>): CompiledWorkflowOptions {
  if (!options.taskQueue) throw new TypeError('Missing WorkflowOptions.taskQueue');
  if (!options.workflowId) throw new TypeError('Missing WorkflowOptions.workflowId');
  const { args, ...rest } = options;
  return compileWorkflowOptions({ ...rest, args: [...((args as readonly unknown[] | undefined) ?? [])] });
}

function throwStartError(err: unknown, fallbackMessage: string, workflowId: string, workflowType: string): never {
  if (isGrpcServiceError(err) && err.code === status.ALREADY_EXISTS) {
    throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', workflowId, workflowType);
  }
  rethrowGrpcError(err, fallbackMessage, { workflowId });
}

/** The error of an update-with-start: the start's (already started) or the Update's. */
function updateWithStartError(err: unknown, workflowId: string, workflowType: string): unknown {
  if (isGrpcServiceError(err)) {
    // The failed operation's status is the call's own: ALREADY_EXISTS means the start was refused.
    if (err.code === status.ALREADY_EXISTS) {
      return new WorkflowExecutionAlreadyStartedError('Workflow execution already started', workflowId, workflowType);
    }
    try {
      rethrowUpdateGrpcError(err, 'Update-With-Start failed', { workflowId });
    } catch (typed) {
      return typed;
    }
  }
  return err;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
