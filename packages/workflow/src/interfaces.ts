/**
 * Types shared by workflow code and the worker that runs it: workflow info,
 * and the activation protocol between the worker (outside the sandbox) and
 * the runtime (inside it).
 */
import type { UpdateOutcome } from './internals/updates.js';
import type { temporal } from '@temporalio/proto';
import type { Duration, RetryPolicy, SearchAttributePair, SearchAttributes, TypedSearchAttributes } from '@endure/common';

type Payload = temporal.api.common.v1.IPayload;
type ProtoFailure = temporal.api.failure.v1.IFailure;

/** Information about the running workflow (mirrors @temporalio/workflow's WorkflowInfo). */
export interface WorkflowInfo {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly firstExecutionRunId: string;
  readonly continuedFromExecutionRunId?: string;
  readonly originalRunId?: string;
  readonly attempt: number;
  /**
   * The Workflow's search attributes, current after each `upsertSearchAttributes`.
   *
   * @deprecated Use {@link typedSearchAttributes}.
   */
  readonly searchAttributes: SearchAttributes;
  /** The Workflow's search attributes with their types, current after each `upsertSearchAttributes`. */
  readonly typedSearchAttributes: TypedSearchAttributes;
  readonly memo?: Record<string, unknown>;
  readonly executionTimeoutMs?: number;
  readonly runTimeoutMs?: number;
  readonly taskTimeoutMs: number;
  readonly retryPolicy?: RetryPolicy;
  readonly cronSchedule?: string;
  readonly startTime: Date;
  readonly runStartTime: Date;
  readonly executionExpirationTime?: Date;
  readonly historyLength: number;
  readonly historySize: number;
  readonly continueAsNewSuggested: boolean;
  readonly unsafe: { readonly isReplaying: boolean; readonly now: () => number };
  /** The previous run's result (cron and continue-as-new). */
  readonly lastResult?: unknown;
  /** Why the previous run failed (workflow retries). */
  readonly lastFailure?: Error;
  /** The workflow that started this one as a child. */
  readonly parent?: { workflowId: string; runId: string; namespace: string };
  /** The top of this workflow's parent chain (the workflow itself when it has no parent). */
  readonly root?: { workflowId: string; runId: string };
  /**
   * Build id of the worker that completed the current workflow task: this worker's on a first
   * run of the task, the recorded one on replay ('' when none was recorded).
   */
  readonly currentBuildId?: string;
}

/** Options for continueAsNew (mirrors @temporalio/workflow's ContinueAsNewOptions). */
export interface ContinueAsNewOptions {
  workflowType?: string;
  taskQueue?: string;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  memo?: Record<string, unknown>;
  /** @deprecated Use {@link typedSearchAttributes}. */
  searchAttributes?: SearchAttributes;
  /** The new run's search attributes; where a name is also in `searchAttributes`, this value wins. */
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
  /** Wait this long before the new run's first workflow task. */
  backoffStartInterval?: Duration;
}

/** One thing that happened, delivered to the runtime in an activation. */
export type ActivationJob =
  | {
      type: 'initialize';
      info: Omit<WorkflowInfo, 'unsafe' | 'lastResult' | 'lastFailure' | 'searchAttributes' | 'typedSearchAttributes'>;
      args: Payload[];
      randomnessSeed: string;
      /** Decoded inside the sandbox, so that values and errors belong to the workflow's realm. */
      lastResult?: Payload;
      lastFailure?: ProtoFailure;
      searchAttributes?: Record<string, Payload>;
    }
  | { type: 'signal'; signalName: string; args: Payload[] }
  | { type: 'cancelWorkflow' }
  | { type: 'fireTimer'; seq: number }
  | {
      type: 'resolveActivity';
      seq: number;
      /** `backoff` (local activities only): retry after a durable timer, as attempt `attempt`. */
      result: { completed: Payload | undefined } | { failed: ProtoFailure } | { backoff: LocalActivityBackoff };
    }
  | { type: 'notifyHasPatch'; patchId: string }
  | { type: 'resolveChildStart'; seq: number; result: { runId: string } | { alreadyStarted: { workflowId: string; workflowType: string } } }
  | { type: 'resolveChild'; seq: number; result: { completed: Payload | undefined } | { failed: ProtoFailure } }
  | { type: 'resolveSignalExternal'; seq: number; failure?: ProtoFailure }
  | { type: 'resolveCancelExternal'; seq: number; failure?: ProtoFailure }
  | { type: 'doUpdate'; updateId: string; protocolInstanceId: string; name: string; args: Payload[]; runValidator: boolean };

export interface Activation {
  /** Workflow time for this activation (the workflow task's start time). */
  timestampMs: number;
  isReplaying: boolean;
  historyLength: number;
  historySizeBytes: number;
  /** See {@link WorkflowInfo.currentBuildId}. */
  currentBuildId?: string;
  jobs: ActivationJob[];
}

/** A local activity the workflow asks its worker to run, or to stop. */
export type LocalActivityRequest = LocalActivitySchedule | { type: 'cancel'; seq: number };

/** What the worker needs to run a local activity and to record its marker. */
export interface LocalActivitySchedule {
  type: 'schedule';
  seq: number;
  activityId: string;
  activityType: string;
  args: Payload[];
  /** The first attempt to run: above 1 after a backoff on a durable timer. */
  attempt: number;
  /** When attempt 1 was scheduled (epoch ms); unset for a first schedule. */
  originalScheduleTimeMs?: number;
  startToCloseTimeoutMs?: number;
  scheduleToCloseTimeoutMs?: number;
  scheduleToStartTimeoutMs?: number;
  /** Backoffs above this are taken on a durable timer. */
  localRetryThresholdMs: number;
  retry?: RetryPolicy;
  cancellationType: 'TRY_CANCEL' | 'WAIT_CANCELLATION_COMPLETED' | 'ABANDON';
  /** Copied onto the RecordMarker command. */
  userMetadata?: temporal.api.sdk.v1.IUserMetadata;
}

/** A local activity attempt failed and the next one waits longer than the local retry threshold. */
export interface LocalActivityBackoff {
  /** The attempt to schedule after the backoff. */
  attempt: number;
  backoffMs: number;
  originalScheduleTimeMs: number;
}

/** What the runtime answers after an activation settles. */
export interface ActivationCompletion {
  /** Commands; `seq` links activity commands to the worker's event-id map. */
  commands: (temporal.api.command.v1.ICommand & { seq?: number; update?: UpdateOutcome })[];
  /** Local activities to start or cancel, in the order the workflow asked. */
  localActivities?: LocalActivityRequest[];
  /** Set when the workflow task itself must fail (a bug in workflow code, not a workflow failure). */
  failure?: ProtoFailure;
}

export interface QueryResult {
  answer?: Payload;
  failure?: ProtoFailure;
}

/** The surface of the runtime inside the sandbox, as seen by the worker. */
export interface WorkflowRuntime {
  activate(activation: Activation): void;
  /** Resolve satisfied conditions; true when something changed (run microtasks and call again). */
  tryUnblockConditions(): boolean;
  concludeActivation(): ActivationCompletion;
  query(queryType: string, args: Payload[]): QueryResult;
}

/**
 * Options for a durable timer ({@link sleep}).
 *
 * @example
 * ```ts
 * await sleep('1 hour', { summary: 'wait for the payment to settle' });
 * ```
 */
export interface TimerOptions {
  /** A single-line summary for UIs, recorded on the TimerStarted event. @experimental */
  summary?: string;
}
