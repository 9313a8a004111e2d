/**
 * The workflow runtime inside the sandbox: turns activation jobs into promise
 * resolutions and workflow-code calls into commands. The worker evaluates this
 * module anew for every workflow run (the bundle's per-run function), so this
 * module's state is that run's state, even when runs share a sandbox context.
 */
import type { temporal } from '@temporalio/proto';
import {
  CancelledFailure,
  IllegalStateError,
  TemporalFailure,
  WorkflowExecutionAlreadyStartedError,
  arrayFromPayloads,
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  defaultFailureConverter,
  defaultPayloadConverter,
  toPayloads,
} from '@endure/common';
import type {
  Activation,
  ActivationCompletion,
  ActivationJob,
  LocalActivityRequest,
  QueryResult,
  WorkflowInfo,
  WorkflowRuntime,
} from '../interfaces.js';
import { rootScope } from '../cancellation-scope.js';
import { ContinueAsNew, LocalActivityDoBackoff } from '../errors.js';
import { CommandType } from './commands.js';
import { seededRandom } from './random.js';
import {
  deliverUpdate,
  rejectUnhandledUpdates,
  unfinishedHandlersWarning,
  type UpdateHandlerEntry,
  type UpdateHost,
  type UpdateOutcome,
  type UpdateRequest,
} from './updates.js';

/** A command plus the sequence number the worker maps to history event ids (and, for updates, the outcome). */
export type SandboxCommand = temporal.api.command.v1.ICommand & { seq?: number; update?: UpdateOutcome };
type ICommand = SandboxCommand;
type Payload = temporal.api.common.v1.IPayload;
type ProtoFailure = temporal.api.failure.v1.IFailure;
// Workflow functions take any arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type WorkflowFunction = (...args: any[]) => Promise<unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => unknown;

interface Completion {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** A child workflow between its start command and its result. */
export interface ChildState {
  /** Settled by the child's start (its run id) or start failure; unset once settled. */
  start?: Completion;
  /** Settled by the child's close; unset once settled. */
  result?: Completion;
  runId?: string;
  /** Called once the child has started (a cancel requested before then is sent now). */
  onStarted?: (runId: string) => void;
}

interface Condition {
  fn: () => boolean;
  resolve(): void;
}

export const payloadConverter = defaultPayloadConverter;
export const failureConverter = defaultFailureConverter;

/** Mutable state of the run in this sandbox. */
export const state = {
  workflows: {} as Record<string, unknown>,
  info: undefined as WorkflowInfo | undefined,
  now: 0,
  isReplaying: false,
  random: Math.random,
  commands: [] as ICommand[],
  seq: { timer: 0, activity: 0, condition: 0, childWorkflow: 0, signalWorkflow: 0, cancelWorkflow: 0 },
  timers: new Map<number, Completion>(),
  activities: new Map<number, Completion>(),
  /** Local activities to start or cancel, for the worker (see local-activity.ts). */
  localActivityRequests: [] as LocalActivityRequest[],
  children: new Map<number, ChildState>(),
  externalSignals: new Map<number, Completion>(),
  externalCancels: new Map<number, Completion>(),
  conditions: new Map<number, Condition>(),
  signalHandlers: new Map<string, Handler>(),
  defaultSignalHandler: undefined as Handler | undefined,
  bufferedSignals: [] as { signalName: string; args: unknown[] }[],
  queryHandlers: new Map<string, Handler>(),
  updateHandlers: new Map<string, UpdateHandlerEntry>(),
  bufferedUpdates: [] as UpdateRequest[],
  updatesInProgress: new Map<string, { name: string; unfinishedPolicy?: string }>(),
  knownPatches: new Set<string>(),
  sentPatches: new Set<string>(),
  cancelRequested: false,
  /** Set once a close command was produced: nothing after it matters. */
  completed: false,
  /** An error that must fail the workflow task (not the workflow). */
  taskFailure: undefined as unknown,
};

/** The activator as the update runtime (internals/updates.ts) sees it. */
export const updateHost: UpdateHost = {
  handlers: state.updateHandlers,
  buffered: state.bufferedUpdates,
  inProgress: state.updatesInProgress,
  pushCommand: (command) => pushCommand(command),
  payloadConverter,
  errorToFailure: (err) => failureConverter.errorToFailure(err, payloadConverter),
  failTask: (err) => {
    state.taskFailure = err;
  },
};

declare const __endure_log: ((level: string, message: string, attrs?: Record<string, unknown>) => void) | undefined;

export function workflowInfo(): WorkflowInfo {
  if (!state.info) throw new IllegalStateError('Workflow uninitialized');
  return state.info;
}

export function pushCommand(command: ICommand): void {
  if (!state.completed) state.commands.push(command);
}

/** Remove a command produced in this activation and not yet sent; true if it was there. */
export function retractCommand(predicate: (c: ICommand) => boolean): boolean {
  const i = state.commands.findIndex(predicate);
  if (i < 0) return false;
  state.commands.splice(i, 1);
  return true;
}

export function nextSeq(kind: keyof typeof state.seq): number {
  return ++state.seq[kind];
}

function initialize(job: Extract<ActivationJob, { type: 'initialize' }>, activation: Activation): void {
  state.random = seededRandom(job.randomnessSeed);
  state.info = {
    ...job.info,
    searchAttributes: decodeSearchAttributes(job.searchAttributes),
    typedSearchAttributes: decodeTypedSearchAttributes(job.searchAttributes),
    lastResult: job.lastResult ? payloadConverter.fromPayload(job.lastResult) : undefined,
    lastFailure: job.lastFailure ? failureConverter.failureToError(job.lastFailure, payloadConverter) : undefined,
    startTime: new Date(job.info.startTime),
    runStartTime: new Date(job.info.runStartTime),
    unsafe: {
      get isReplaying() {
        return state.isReplaying;
      },
      now: () => Date.now(),
    },
  };
  updateInfo(activation);
  const fn = state.workflows[job.info.workflowType];
  if (typeof fn !== 'function') {
    const known = Object.keys(state.workflows)
      .filter((name) => typeof state.workflows[name] === 'function')
      .join(', ');
    throw new TypeError(
      `Failed to initialize workflow of type '${job.info.workflowType}': no such function is exported by the workflow bundle (exported: ${known})`,
    );
  }
  const args = arrayFromPayloads(payloadConverter, job.args);
  const run = () => (fn as WorkflowFunction)(...args);
  rootScope()
    .run(run)
    .then(
      (result) => complete({ commandType: CommandType.COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: { result: { payloads: toPayloads(payloadConverter, result) ?? [] } } }),
      (err: unknown) => failWorkflow(err),
    );
}

function complete(command: ICommand): void {
  pushCommand(command);
  state.completed = true;
  const warning = unfinishedHandlersWarning(updateHost);
  if (warning && !state.isReplaying && typeof __endure_log === 'function') {
    __endure_log('WARN', warning, { workflowId: state.info?.workflowId });
  }
}

function failWorkflow(err: unknown): void {
  if (err instanceof ContinueAsNew) {
    complete({ commandType: CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION, continueAsNewWorkflowExecutionCommandAttributes: err.command });
  } else if (state.cancelRequested && isCancelledFailure(err)) {
    complete({ commandType: CommandType.CANCEL_WORKFLOW_EXECUTION, cancelWorkflowExecutionCommandAttributes: {} });
  } else if (err instanceof TemporalFailure) {
    complete({
      commandType: CommandType.FAIL_WORKFLOW_EXECUTION,
      failWorkflowExecutionCommandAttributes: { failure: failureConverter.errorToFailure(err, payloadConverter) },
    });
  } else {
    // A plain error is a bug in workflow code: fail the task so a fixed worker can retry it.
    state.taskFailure = err;
  }
}

function isCancelledFailure(err: unknown): boolean {
  if (err instanceof CancelledFailure) return true;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return err instanceof TemporalFailure && cause instanceof CancelledFailure;
}

function updateInfo(activation: Activation): void {
  if (!state.info) return;
  const info = state.info as { -readonly [K in keyof WorkflowInfo]: WorkflowInfo[K] };
  info.historyLength = activation.historyLength;
  info.historySize = activation.historySizeBytes;
  info.currentBuildId = activation.currentBuildId ?? '';
}

function applyJob(job: ActivationJob, activation: Activation): void {
  switch (job.type) {
    case 'initialize':
      initialize(job, activation);
      return;
    case 'notifyHasPatch':
      state.knownPatches.add(job.patchId);
      return;
    case 'signal':
      deliverSignal(job.signalName, arrayFromPayloads(payloadConverter, job.args));
      return;
    case 'cancelWorkflow':
      state.cancelRequested = true;
      rootScope().cancel();
      return;
    case 'fireTimer':
      take(state.timers, job.seq)?.resolve(undefined);
      return;
    case 'resolveActivity':
      if ('backoff' in job.result) take(state.activities, job.seq)?.reject(new LocalActivityDoBackoff(job.result.backoff));
      else settle(take(state.activities, job.seq), job.result);
      return;
    case 'resolveChildStart':
      resolveChildStart(job);
      return;
    case 'resolveChild': {
      const child = state.children.get(job.seq);
      const completion = child?.result;
      if (!child || !completion) return;
      child.result = undefined;
      state.children.delete(job.seq);
      settle(completion, job.result);
      return;
    }
    case 'resolveSignalExternal':
      settle(take(state.externalSignals, job.seq), job.failure ? { failed: job.failure } : { completed: undefined });
      return;
    case 'resolveCancelExternal':
      settle(take(state.externalCancels, job.seq), job.failure ? { failed: job.failure } : { completed: undefined });
      return;
    case 'doUpdate':
      deliverUpdate(updateHost, job);
      return;
  }
}

function settle(completion: Completion | undefined, result: { completed: Payload | undefined } | { failed: ProtoFailure }): void {
  if (!completion) return;
  if ('completed' in result) {
    completion.resolve(result.completed ? payloadConverter.fromPayload(result.completed) : undefined);
  } else {
    completion.reject(failureConverter.failureToError(result.failed, payloadConverter));
  }
}

function resolveChildStart(job: Extract<ActivationJob, { type: 'resolveChildStart' }>): void {
  const child = state.children.get(job.seq);
  const completion = child?.start;
  if (!child || !completion) return;
  child.start = undefined;
  if ('runId' in job.result) {
    child.runId = job.result.runId;
    completion.resolve(job.result.runId);
    child.onStarted?.(job.result.runId);
    return;
  }
  const { workflowId, workflowType } = job.result.alreadyStarted;
  state.children.delete(job.seq);
  completion.reject(new WorkflowExecutionAlreadyStartedError('Workflow execution already started', workflowId, workflowType));
}

function take<T>(map: Map<number, T>, seq: number): T | undefined {
  const value = map.get(seq);
  map.delete(seq);
  return value;
}

export function deliverSignal(signalName: string, args: unknown[]): void {
  const handler = state.signalHandlers.get(signalName);
  if (handler) {
    void Promise.resolve()
      .then(() => handler(...args))
      .catch((err: unknown) => failWorkflow(err));
    return;
  }
  if (state.defaultSignalHandler) {
    const fallback = state.defaultSignalHandler;
    void Promise.resolve()
      .then(() => fallback(signalName, ...args))
      .catch((err: unknown) => failWorkflow(err));
    return;
  }
  state.bufferedSignals.push({ signalName, args });
}

/** The runtime surface the worker drives. */
export const runtime: WorkflowRuntime = {
  activate(activation: Activation): void {
    state.now = activation.timestampMs;
    state.isReplaying = activation.isReplaying;
    updateInfo(activation);
    // Patches first, then signals, then everything else: the order Temporal's core uses.
    const order = (j: ActivationJob) =>
      j.type === 'notifyHasPatch' ? 0 : j.type === 'initialize' ? 1 : j.type === 'signal' || j.type === 'doUpdate' ? 2 : 3;
    const jobs = [...activation.jobs].sort((a, b) => order(a) - order(b));
    for (const job of jobs) {
      try {
        applyJob(job, activation);
      } catch (err) {
        state.taskFailure = err;
      }
    }
  },

  tryUnblockConditions(): boolean {
    let changed = false;
    for (const [seq, condition] of state.conditions) {
      let satisfied = false;
      try {
        satisfied = condition.fn();
      } catch (err) {
        state.taskFailure = err;
      }
      if (satisfied) {
        state.conditions.delete(seq);
        condition.resolve();
        changed = true;
      }
    }
    return changed;
  },

  concludeActivation(): ActivationCompletion {
    rejectUnhandledUpdates(updateHost);
    const commands = state.commands;
    const localActivities = state.localActivityRequests;
    state.commands = [];
    state.localActivityRequests = [];
    if (state.taskFailure !== undefined) {
      const failure = failureConverter.errorToFailure(state.taskFailure, payloadConverter);
      state.taskFailure = undefined;
      return { commands: [], failure };
    }
    return { commands, localActivities };
  },

  query(queryType: string, args: Payload[]): QueryResult {
    try {
      const decoded = arrayFromPayloads(payloadConverter, args);
      if (queryType === '__stack_trace' || queryType === '__enhanced_stack_trace') {
        return { answer: payloadConverter.toPayload('') };
      }
      const handler = state.queryHandlers.get(queryType);
      if (!handler) {
        const known = [...state.queryHandlers.keys()].join(', ') || 'none';
        throw new ReferenceError(`Workflow did not register a handler for ${queryType}. Registered queries: [${known}]`);
      }
      return { answer: payloadConverter.toPayload(handler(...decoded)) };
    } catch (err) {
      return { failure: failureConverter.errorToFailure(err, payloadConverter) };
    }
  },
};
