/**
 * Options for starting a Workflow from the client (`start`, `execute`, `signalWithStart`),
 * mirroring `@temporalio/client`'s `WorkflowOptions` family.
 */
import {
  msOptionalToTs,
  type CommonWorkflowOptions,
  type Duration,
  type SignalDefinition,
  type WithWorkflowArgs,
  type Workflow,
  type WorkflowDurationOptions,
} from '@endure/common';
import type { google } from '@temporalio/proto';

/** Options for starting a Workflow. */
export interface WorkflowOptions extends CommonWorkflowOptions {
  /**
   * The business id of the Workflow: at most one open execution has it at a time (see
   * `workflowIdReusePolicy` and `workflowIdConflictPolicy`).
   */
  workflowId: string;
  /** Task queue a Worker hosting this Workflow polls. */
  taskQueue: string;
  /**
   * Whether `result()` follows the chain of runs (continue-as-new, retries, cron) to the last one.
   * @default true
   */
  followRuns?: boolean;
  /** Time to wait before the first Workflow task is dispatched. */
  startDelay?: Duration;
  /**
   * Eager workflow start: when a worker of this process polls `taskQueue` on the client's
   * connection (pass the worker's `NativeConnection` to the client) and has a free slot, the
   * server returns the first workflow task with the start and that worker runs it at once,
   * without a poll. Throws when the connection is not a worker's.
   *
   * @example
   * ```ts
   * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
   * const worker = await Worker.create({ connection, taskQueue: 'hello', workflowsPath });
   * const client = new Client({ connection });
   * await worker.runUntil(client.workflow.execute(hello, { taskQueue: 'hello', workflowId: 'h-1', requestEagerStart: true }));
   * ```
   */
  requestEagerStart?: boolean;
}

/** Options for {@link WorkflowClient.start} and {@link WorkflowClient.execute}: the options plus `args`. */
export type WorkflowStartOptions<T extends Workflow = Workflow> = WithWorkflowArgs<T, WorkflowOptions>;

/** Options for {@link WorkflowClient.signalWithStart}. */
export type WorkflowSignalWithStartOptions<SignalArgs extends unknown[] = []> = SignalArgs extends [unknown, ...unknown[]]
  ? WorkflowSignalWithStartOptionsWithArgs<SignalArgs>
  : WorkflowSignalWithStartOptionsWithoutArgs<SignalArgs>;

export interface WorkflowSignalWithStartOptionsWithoutArgs<SignalArgs extends unknown[]>
  extends Omit<WorkflowOptions, 'requestEagerStart'> {
  /** Signal definition or name. */
  signal: SignalDefinition<SignalArgs> | string;
  /** Arguments for the signal handler. */
  signalArgs?: SignalArgs;
}

export interface WorkflowSignalWithStartOptionsWithArgs<SignalArgs extends unknown[]>
  extends Omit<WorkflowOptions, 'requestEagerStart'> {
  /** Signal definition or name. */
  signal: SignalDefinition<SignalArgs> | string;
  /** Arguments for the signal handler. */
  signalArgs: SignalArgs;
}

type Compiled<T> = Omit<T, keyof WorkflowDurationOptions | 'startDelay'> & {
  workflowExecutionTimeout?: google.protobuf.IDuration;
  workflowRunTimeout?: google.protobuf.IDuration;
  workflowTaskTimeout?: google.protobuf.IDuration;
  startDelay?: google.protobuf.IDuration;
};

/** Workflow options with durations converted to protobuf durations. */
export type WithCompiledWorkflowOptions<T extends WorkflowOptions> = Compiled<T>;

/** Options as sent: durations compiled, `args` always present. */
export interface CompiledWorkflowOptions extends WithCompiledWorkflowOptions<WorkflowOptions> {
  args: unknown[];
}

/** Converts the duration options of `options` to protobuf durations. */
export function compileWorkflowOptions<T extends WorkflowOptions>(options: T): WithCompiledWorkflowOptions<T> {
  const { workflowExecutionTimeout, workflowRunTimeout, workflowTaskTimeout, startDelay, ...rest } = options;
  return {
    ...rest,
    workflowExecutionTimeout: msOptionalToTs(workflowExecutionTimeout),
    workflowRunTimeout: msOptionalToTs(workflowRunTimeout),
    workflowTaskTimeout: msOptionalToTs(workflowTaskTimeout),
    startDelay: msOptionalToTs(startDelay),
  };
}
