/**
 * Child workflows and handles to other workflows (mirrors @temporalio/workflow):
 * `startChild`, `executeChild`, `getExternalWorkflowHandle`. Each call becomes a
 * command whose outcome comes back as an activation job (see the activator).
 */
import {
  CancelledFailure,
  IllegalStateError,
  compileRetryPolicy,
  encodeWorkflowIdReusePolicy,
  extractWorkflowType,
  mapToPayloads,
  msOptionalToTs,
  toPayloads,
  type CommonWorkflowOptions,
  type SignalDefinition,
  type Workflow,
  type WorkflowResultType,
} from '@endure/common';
import { CancellationScope } from './cancellation-scope.js';
import { CommandType } from './internals/commands.js';
import { userMetadata } from './internals/user-metadata.js';
import { searchAttributesOf } from './search-attributes.js';
import { uuid4 } from './workflow.js';
import {
  nextSeq,
  failureConverter,
  payloadConverter,
  pushCommand,
  retractCommand,
  state,
  workflowInfo,
  type ChildState,
} from './internals/activator.js';

/**
 * What cancelling the scope of a child does (mirrors @temporalio/workflow).
 *
 * @example
 * ```ts
 * await startChild(work, { cancellationType: ChildWorkflowCancellationType.ABANDON });
 * ```
 */
export const ChildWorkflowCancellationType = {
  /** Do not tell the child; report the cancellation to the caller at once. */
  ABANDON: 'ABANDON',
  /** Ask the child to cancel and report the cancellation to the caller at once. */
  TRY_CANCEL: 'TRY_CANCEL',
  /** Ask the child to cancel and report once the server has delivered the request. */
  WAIT_CANCELLATION_REQUESTED: 'WAIT_CANCELLATION_REQUESTED',
  /** Ask the child to cancel and report once the child has closed. The default. */
  WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
} as const;
export type ChildWorkflowCancellationType = (typeof ChildWorkflowCancellationType)[keyof typeof ChildWorkflowCancellationType];

/**
 * What the server does to a child when its parent closes (mirrors @temporalio/workflow).
 *
 * @example
 * ```ts
 * await startChild(report, { parentClosePolicy: ParentClosePolicy.ABANDON });
 * ```
 */
export const ParentClosePolicy = {
  /** Terminate the child. The default. */
  TERMINATE: 'TERMINATE',
  /** Leave the child running. */
  ABANDON: 'ABANDON',
  /** Ask the child to cancel. */
  REQUEST_CANCEL: 'REQUEST_CANCEL',
  /** @deprecated Use {@link ParentClosePolicy.TERMINATE}. */
  PARENT_CLOSE_POLICY_TERMINATE: 'TERMINATE',
  /** @deprecated Use {@link ParentClosePolicy.ABANDON}. */
  PARENT_CLOSE_POLICY_ABANDON: 'ABANDON',
  /** @deprecated Use {@link ParentClosePolicy.REQUEST_CANCEL}. */
  PARENT_CLOSE_POLICY_REQUEST_CANCEL: 'REQUEST_CANCEL',
} as const;
export type ParentClosePolicy = (typeof ParentClosePolicy)[keyof typeof ParentClosePolicy];

const PARENT_CLOSE_POLICY_NUMBER: Record<string, number> = { TERMINATE: 1, ABANDON: 2, REQUEST_CANCEL: 3 };
const RETRY_STATE_NON_RETRYABLE_FAILURE = 2;

/** Options of a child workflow (mirrors @temporalio/workflow's ChildWorkflowOptions). */
export interface ChildWorkflowOptions extends Omit<CommonWorkflowOptions, 'workflowIdConflictPolicy'> {
  /** Arguments of the child workflow. */
  args?: unknown[] | Readonly<unknown[]>;
  /** @default ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED */
  cancellationType?: ChildWorkflowCancellationType;
  /** @default ParentClosePolicy.TERMINATE */
  parentClosePolicy?: ParentClosePolicy;
}

/** `options` with `args` required when the workflow takes arguments. */
export type ChildWorkflowOptionsFor<T extends Workflow> = ChildWorkflowOptions &
  (Parameters<T> extends [unknown, ...unknown[]] ? { args: Parameters<T> | Readonly<Parameters<T>> } : { args?: Parameters<T> | Readonly<Parameters<T>> });

/** A started child workflow. */
export interface ChildWorkflowHandle<T extends Workflow> {
  readonly workflowId: string;
  /** Run id of the child's first run. */
  readonly firstExecutionRunId: string;
  /** The child's result; rejects with a ChildWorkflowFailure when the child does not complete. */
  result(): Promise<WorkflowResultType<T>>;
  /** Signal the child. */
  signal<Args extends unknown[] = [], Name extends string = string>(def: SignalDefinition<Args, Name> | string, ...args: Args): Promise<void>;
}

/** Another workflow, addressed by id (and optionally run id). */
export interface ExternalWorkflowHandle {
  readonly workflowId: string;
  readonly runId?: string;
  signal<Args extends unknown[] = [], Name extends string = string>(def: SignalDefinition<Args, Name> | string, ...args: Args): Promise<void>;
  /** Ask the workflow to cancel; rejects if it does not exist. */
  cancel(): Promise<void>;
}

interface ChildCommandOptions extends ChildWorkflowOptions {
  workflowId: string;
  cancellationType: ChildWorkflowCancellationType;
}

/**
 * Start a child workflow and return its handle once the child has started.
 * Rejects with WorkflowExecutionAlreadyStartedError when the id is taken.
 *
 * @example
 * ```ts
 * const child = await startChild(processOrder, { args: [order], workflowId: `order-${order.id}` });
 * const result = await child.result();
 * ```
 */
export async function startChild<T extends Workflow>(workflowTypeOrFunc: string | T, options?: ChildWorkflowOptionsFor<T>): Promise<ChildWorkflowHandle<T>> {
  const resolved = withDefaults(options);
  const { started, completed } = startChildCommand(extractWorkflowType(workflowTypeOrFunc), resolved);
  const firstExecutionRunId = await started;
  return {
    workflowId: resolved.workflowId,
    firstExecutionRunId,
    result: () => completed as Promise<WorkflowResultType<T>>,
    signal: (def, ...args) => signalWorkflow(resolved.workflowId, undefined, true, def, args),
  };
}

/**
 * Start a child workflow and wait for its result.
 *
 * @example
 * ```ts
 * const total = await executeChild(sumWorkflow, { args: [[1, 2, 3]] });
 * ```
 */
export function executeChild<T extends Workflow>(workflowTypeOrFunc: string | T, options?: ChildWorkflowOptionsFor<T>): Promise<WorkflowResultType<T>> {
  const { completed } = startChildCommand(extractWorkflowType(workflowTypeOrFunc), withDefaults(options));
  return completed as Promise<WorkflowResultType<T>>;
}

/**
 * A handle to signal or cancel another workflow from this one.
 *
 * @example
 * ```ts
 * await getExternalWorkflowHandle('order-42').signal(approveSignal, 'alice');
 * ```
 */
export function getExternalWorkflowHandle(workflowId: string, runId?: string): ExternalWorkflowHandle {
  if (state.info === undefined) throw new IllegalStateError('getExternalWorkflowHandle may only be used from workflow code');
  return {
    workflowId,
    runId,
    signal: (def, ...args) => signalWorkflow(workflowId, runId, false, def, args),
    cancel: () => cancelWorkflow(workflowId, runId),
  };
}

function withDefaults(options: ChildWorkflowOptions | undefined): ChildCommandOptions {
  if (state.info === undefined) throw new IllegalStateError('Child workflows may only be started from workflow code');
  return {
    ...options,
    workflowId: options?.workflowId ?? uuid4(),
    cancellationType: options?.cancellationType ?? ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
}

/** Push the start command; `started` resolves to the child's run id, `completed` to its result. */
function startChildCommand(workflowType: string, options: ChildCommandOptions): { started: Promise<string>; completed: Promise<unknown> } {
  const info = workflowInfo();
  const seq = nextSeq('childWorkflow');
  const child: ChildState = {};
  const scope = CancellationScope.current();
  const started = new Promise<string>((resolve, reject) => {
    if (scope.consideredCancelled) {
      scope.cancelRequested.catch(reject);
      return;
    }
    if (scope.cancellable) scope.cancelRequested.catch(() => cancelChild(seq, child, workflowType, options));
    pushCommand({
      commandType: CommandType.START_CHILD_WORKFLOW_EXECUTION,
      seq,
      startChildWorkflowExecutionCommandAttributes: {
        namespace: info.namespace,
        workflowId: options.workflowId,
        workflowType: { name: workflowType },
        taskQueue: { name: options.taskQueue || info.taskQueue },
        input: { payloads: toPayloads(payloadConverter, ...(options.args ?? [])) ?? [] },
        workflowExecutionTimeout: msOptionalToTs(options.workflowExecutionTimeout),
        workflowRunTimeout: msOptionalToTs(options.workflowRunTimeout),
        workflowTaskTimeout: msOptionalToTs(options.workflowTaskTimeout),
        parentClosePolicy: options.parentClosePolicy ? PARENT_CLOSE_POLICY_NUMBER[options.parentClosePolicy] : undefined,
        workflowIdReusePolicy: encodeWorkflowIdReusePolicy(options.workflowIdReusePolicy),
        retryPolicy: options.retry ? compileRetryPolicy(options.retry) : undefined,
        cronSchedule: options.cronSchedule,
        header: { fields: {} },
        memo: options.memo ? { fields: mapToPayloads(payloadConverter, options.memo) } : undefined,
        searchAttributes: searchAttributesOf(options),
      },
      userMetadata: userMetadata(options.staticSummary, options.staticDetails),
    });
    child.start = { resolve: resolve, reject };
    state.children.set(seq, child);
  });
  const completed = new Promise<unknown>((resolve, reject) => {
    started.catch(reject);
    child.result = { resolve, reject };
  });
  // The caller may never await either promise.
  started.catch(() => undefined);
  completed.catch(() => undefined);
  return { started, completed };
}

/** The scope of a child was cancelled: what happens depends on how far the child got. */
function cancelChild(seq: number, child: ChildState, workflowType: string, options: ChildCommandOptions): void {
  if (!child.result) return;
  const cancelledFailure = (message: string, runId = '') =>
    failureConverter.failureToError(
      {
        message,
        cause: { message: 'Cancelled', canceledFailureInfo: {} },
        childWorkflowExecutionFailureInfo: {
          namespace: workflowInfo().namespace,
          workflowExecution: { workflowId: options.workflowId, runId },
          workflowType: { name: workflowType },
          retryState: RETRY_STATE_NON_RETRYABLE_FAILURE,
        },
      },
      payloadConverter,
    );
  if (retractCommand((c) => c.seq === seq && c.commandType === CommandType.START_CHILD_WORKFLOW_EXECUTION)) {
    state.children.delete(seq);
    child.start?.reject(cancelledFailure('Child Workflow execution cancelled before scheduled'));
    return;
  }
  const afterStart = (runId: string) => {
    const type = options.cancellationType;
    const resolveCancelled = () => {
      const result = child.result;
      if (!result) return;
      child.result = undefined;
      state.children.delete(seq);
      result.reject(cancelledFailure('Child Workflow execution cancelled', runId));
    };
    if (type !== ChildWorkflowCancellationType.ABANDON) {
      const onRequested = type === ChildWorkflowCancellationType.WAIT_CANCELLATION_REQUESTED ? resolveCancelled : () => undefined;
      requestCancel(options.workflowId, runId, true, { resolve: onRequested, reject: () => undefined });
    }
    if (type === ChildWorkflowCancellationType.ABANDON || type === ChildWorkflowCancellationType.TRY_CANCEL) resolveCancelled();
  };
  // Not started yet: the request goes out once the child has started.
  if (child.start) child.onStarted = afterStart;
  else afterStart(child.runId ?? '');
}

function signalWorkflow(
  workflowId: string,
  runId: string | undefined,
  childWorkflowOnly: boolean,
  def: SignalDefinition<unknown[], string> | string,
  args: unknown[],
): Promise<void> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled) return scope.cancelRequested;
  const seq = nextSeq('signalWorkflow');
  return new Promise<void>((resolve, reject) => {
    if (scope.cancellable) {
      scope.cancelRequested.catch(() => {
        if (!state.externalSignals.delete(seq)) return;
        const unsent = retractCommand((c) => c.seq === seq && c.commandType === CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION);
        reject(new CancelledFailure(unsent ? 'Signal was cancelled before being sent' : 'Signal was cancelled'));
      });
    }
    pushCommand({
      commandType: CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
      seq,
      signalExternalWorkflowExecutionCommandAttributes: {
        namespace: workflowInfo().namespace,
        execution: { workflowId, runId: runId ?? '' },
        signalName: typeof def === 'string' ? def : def.name,
        input: { payloads: toPayloads(payloadConverter, ...args) ?? [] },
        header: { fields: {} },
        childWorkflowOnly,
      },
    });
    state.externalSignals.set(seq, { resolve: resolve, reject });
  });
}

function cancelWorkflow(workflowId: string, runId: string | undefined): Promise<void> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled) return scope.cancelRequested;
  return new Promise<void>((resolve, reject) => {
    requestCancel(workflowId, runId ?? '', false, { resolve: resolve, reject });
  });
}

function requestCancel(workflowId: string, runId: string, childWorkflowOnly: boolean, completion: { resolve(value: unknown): void; reject(err: unknown): void }): void {
  const seq = nextSeq('cancelWorkflow');
  pushCommand({
    commandType: CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
    seq,
    requestCancelExternalWorkflowExecutionCommandAttributes: {
      namespace: workflowInfo().namespace,
      workflowId,
      runId,
      childWorkflowOnly,
      reason: childWorkflowOnly ? 'Parent workflow requested cancel' : '',
    },
  });
  state.externalCancels.set(seq, completion);
}

