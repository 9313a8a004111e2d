/**
 * Drives one workflow run from its history: groups events into activations
 * at workflow-task boundaries, replays completed tasks (checking that the
 * commands the code produces match the command events in history), and
 * returns the commands of the current task. The role Temporal's Rust core
 * plays for the official SDK, in TypeScript.
 */
import Long from 'long';
import proto from '@temporalio/proto';
import temporal = proto.temporal;
import type { ActivationJob, SandboxCommand } from '@endure/workflow/internal';
import { CommandType, PATCH_MARKER_DETAILS_KEY, PATCH_MARKER_NAME } from '@endure/workflow/internal';
import { decompileRetryPolicy, defaultPayloadConverter } from '@endure/common';
import type { LocalActivityExecutor } from '../activity/local-activity-executor.js';
import { LocalActivities, type LocalActivityResolution } from './local-activities.js';
import { LOCAL_ACTIVITY_MARKER_NAME, isLocalActivityMarker, readLocalActivityMarker } from './local-activity-markers.js';
import { NondeterminismError } from './nondeterminism.js';
import type { WorkflowSandbox } from './sandbox.js';
import { UpdateProtocol, updateIdOfEvent } from './update-protocol.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ICommand = temporal.api.command.v1.ICommand;
const EventType = temporal.api.enums.v1.EventType;
const RetryState = temporal.api.enums.v1.RetryState;
const CHANGE_VERSION_SEARCH_ATTRIBUTE = 'TemporalChangeVersion';
/** While local activities run, a workflow task is completed as a heartbeat at this fraction of its timeout (Temporal core's). */
const TASK_HEARTBEAT_FRACTION = 0.8;

/** What answers a workflow task. */
export interface TaskCompletion {
  commands: ICommand[];
  failure?: temporal.api.failure.v1.IFailure;
  /** Local activities still run: complete the task as a heartbeat, asking for a new one. */
  forceNewWorkflowTask?: boolean;
  /** The update protocol messages the commands name (and rejections, which no command names). */
  messages?: temporal.api.protocol.v1.IMessage[];
}

export { NondeterminismError };

/** Which command produces which event, and how to tell that they belong together. */
const COMMAND_FOR_EVENT = new Map<number, { commandType: number; same(c: ICommand, e: HistoryEvent): boolean }>([
  [EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
    commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
    same: (c, e) =>
      c.scheduleActivityTaskCommandAttributes?.activityId === e.activityTaskScheduledEventAttributes?.activityId &&
      c.scheduleActivityTaskCommandAttributes?.activityType?.name === e.activityTaskScheduledEventAttributes?.activityType?.name,
  }],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, { commandType: CommandType.REQUEST_CANCEL_ACTIVITY_TASK, same: () => true }],
  [EventType.EVENT_TYPE_TIMER_STARTED, {
    commandType: CommandType.START_TIMER,
    same: (c, e) => c.startTimerCommandAttributes?.timerId === e.timerStartedEventAttributes?.timerId,
  }],
  [EventType.EVENT_TYPE_TIMER_CANCELED, {
    commandType: CommandType.CANCEL_TIMER,
    same: (c, e) => c.cancelTimerCommandAttributes?.timerId === e.timerCanceledEventAttributes?.timerId,
  }],
  [EventType.EVENT_TYPE_MARKER_RECORDED, {
    commandType: CommandType.RECORD_MARKER,
    same: (c, e) => c.recordMarkerCommandAttributes?.markerName === e.markerRecordedEventAttributes?.markerName,
  }],
  [EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
    commandType: CommandType.START_CHILD_WORKFLOW_EXECUTION,
    same: (c, e) =>
      c.startChildWorkflowExecutionCommandAttributes?.workflowId === e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId &&
      c.startChildWorkflowExecutionCommandAttributes?.workflowType?.name === e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name,
  }],
  [EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
    commandType: CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
    same: (c, e) =>
      c.signalExternalWorkflowExecutionCommandAttributes?.execution?.workflowId === e.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId &&
      c.signalExternalWorkflowExecutionCommandAttributes?.signalName === e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName,
  }],
  [EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
    commandType: CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
    same: (c, e) =>
      c.requestCancelExternalWorkflowExecutionCommandAttributes?.workflowId ===
      e.requestCancelExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId,
  }],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, { commandType: CommandType.COMPLETE_WORKFLOW_EXECUTION, same: () => true }],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, { commandType: CommandType.FAIL_WORKFLOW_EXECUTION, same: () => true }],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, { commandType: CommandType.CANCEL_WORKFLOW_EXECUTION, same: () => true }],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, { commandType: CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION, same: () => true }],
  [EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, { commandType: CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, same: () => true }],
  [EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, { commandType: CommandType.MODIFY_WORKFLOW_PROPERTIES, same: () => true }],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
    commandType: CommandType.PROTOCOL_MESSAGE,
    same: (c, e) => (c as SandboxCommand).update?.kind === 'accept' && (c as SandboxCommand).update?.updateId === updateIdOfEvent(e),
  }],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
    commandType: CommandType.PROTOCOL_MESSAGE,
    same: (c, e) => (c as SandboxCommand).update?.kind === 'complete' && (c as SandboxCommand).update?.updateId === updateIdOfEvent(e),
  }],
]);


export interface RunIdentity {
  namespace: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  /** This worker's build id, reported to the workflow for tasks it runs for the first time. */
  buildId?: string;
}

interface ChildRef {
  seq: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId?: string;
  startedEventId?: number;
}

interface ActivityRef {
  seq: number;
  activityId: string;
  activityType: string;
}

export class WorkflowRun {
  /** Id of the last history event applied. */
  lastEventId = 0;
  private pending: SandboxCommand[] = [];
  private matching = false;
  private readonly activities = new Map<number, ActivityRef>();
  private readonly scheduledIdBySeq = new Map<number, number>();
  /** Command seq of each child start, signal and cancel, by the id of its Initiated event. */
  private readonly children = new Map<number, ChildRef>();
  private readonly signalsSent = new Map<number, number>();
  private readonly cancelsSent = new Map<number, number>();

  /** Build id of the worker that completed the task being run (as Temporal's core tracks it: kept until another is known). */
  private buildIdOfTask = '';
  private readonly localActivities: LocalActivities;
  /** Start-to-close timeout of the latest workflow task scheduled. */
  private taskTimeoutMs = 10_000;
  private readonly updates = new UpdateProtocol();

  constructor(
    readonly id: RunIdentity,
    private readonly sandbox: WorkflowSandbox,
    localActivityExecutor?: LocalActivityExecutor,
  ) {
    this.localActivities = new LocalActivities(localActivityExecutor, id);
  }

  /** Stop the run's local activities: it leaves the cache. */
  dispose(): void {
    this.localActivities.dispose();
  }

  /**
   * Apply history up to `startedEventId` (the task to answer); 0 replays
   * everything (for queries and replay tests) and returns no commands. `receivedAtMs`, when the
   * worker got the task, times the heartbeat of a task that waits for local activities.
   */
  async advance(
    events: HistoryEvent[],
    startedEventId: number,
    receivedAtMs = Date.now(),
    messages?: temporal.api.protocol.v1.IMessage[] | null,
  ): Promise<TaskCompletion> {
    let jobs: ActivationJob[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const id = Number(e.eventId);
      if (id <= this.lastEventId) continue;
      if (id !== this.lastEventId + 1) throw new Error(`history skips from event ${this.lastEventId} to ${id}`);
      if (this.matching) {
        if (COMMAND_FOR_EVENT.has(e.eventType!)) {
          this.matchCommandEvent(e);
          this.lastEventId = id;
          continue;
        }
        this.finishMatching();
      }
      this.lastEventId = id;
      switch (e.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
          this.matching = true;
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
          if (id === startedEventId) return this.activate([...jobs, ...this.updates.requestJobs(messages)], e, false, receivedAtMs + TASK_HEARTBEAT_FRACTION * this.taskTimeoutMs);
          if (events[i + 1]?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
            this.buildIdOfTask = buildIdOf(events[i + 1]!) || this.buildIdOfTask;
            const patches = [...this.peekPatches(events, i + 2), ...this.peekAcceptedUpdates(events, i + 2)];
            const resolved = this.localActivities.peek(events, i + 2, (c) => COMMAND_FOR_EVENT.has(c.eventType!));
            const replayed = await this.activate([...patches, ...jobs], e, true, Infinity, resolved);
            if (replayed.failure) throw new NondeterminismError(`replay of workflow task ${id} failed: ${replayed.failure.message}`);
            jobs = [];
          }
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
          this.taskTimeoutMs = durationMs(e.workflowTaskScheduledEventAttributes?.startToCloseTimeout) ?? this.taskTimeoutMs;
          break;
        default:
          jobs.push(...this.jobsFor(e));
      }
    }
    if (this.matching && startedEventId === 0) {
      // Replaying a whole history: the last completed task's commands end it.
      this.finishMatching();
    }
    if (startedEventId !== 0) throw new Error(`history ended before workflow task started event ${startedEventId}`);
    return { commands: [] };
  }

  query(queryType: string, args: temporal.api.common.v1.IPayload[]) {
    return this.sandbox.query(queryType, args);
  }

  /**
   * Run one workflow task's activations: the first with `jobs`, then one per batch of local
   * activity outcomes, until the workflow waits on nothing local (or, live, until the heartbeat
   * is due: then the task completes with what it has and asks for a new one).
   */
  private async activate(
    jobs: ActivationJob[],
    started: HistoryEvent,
    isReplaying: boolean,
    heartbeatAtMs: number,
    resolvedAhead: LocalActivityResolution[] = [],
  ): Promise<TaskCompletion> {
    if (!isReplaying) {
      this.buildIdOfTask = this.id.buildId ?? '';
      this.localActivities.startUnresolved();
    }
    const commands: SandboxCommand[] = [];
    let nowMs = eventTimeMs(started);
    let resolutions = resolvedAhead;
    let next = jobs;
    for (;;) {
      nowMs = Math.max(nowMs, ...resolutions.map((r) => r.completeTimeMs ?? 0));
      commands.push(...resolutions.flatMap((r) => (r.marker ? [r.marker] : [])));
      const completion = await this.sandbox.activate({
        currentBuildId: this.buildIdOfTask,
        timestampMs: nowMs,
        isReplaying,
        historyLength: Number(started.eventId),
        historySizeBytes: Number(started.workflowTaskStartedEventAttributes?.historySizeBytes ?? 0),
        jobs: [...next, ...resolutions.map((r) => r.job)],
      });
      if (completion.failure) return this.conclude([], completion.failure);
      commands.push(...completion.commands);
      if (completion.commands.some(closesRun)) break;
      resolutions = this.localActivities.accept(completion.localActivities ?? [], isReplaying, nowMs);
      if (resolutions.length === 0 && !isReplaying && this.localActivities.busy) {
        resolutions = await this.localActivities.next(heartbeatAtMs);
        if (resolutions.length === 0) return this.conclude(commands, undefined, true);
      }
      if (resolutions.length === 0) break;
      next = [];
    }
    return this.conclude(commands);
  }

  private conclude(commands: SandboxCommand[], failure?: temporal.api.failure.v1.IFailure, forceNewWorkflowTask = false): TaskCompletion {
    // A rejection leaves no event: there is nothing in history to match it with.
    this.pending = commands.filter((c) => c.update?.kind !== 'reject');
    const { commands: out, messages } = this.updates.toCompletion(commands, (c) => this.toProtoCommand(c));
    return { commands: out, messages, failure, forceNewWorkflowTask };
  }

  /** Updates accepted in a completed task: replay delivers them to that task again. */
  private peekAcceptedUpdates(events: HistoryEvent[], from: number): ActivationJob[] {
    const jobs: ActivationJob[] = [];
    for (let j = from; j < events.length && COMMAND_FOR_EVENT.has(events[j]!.eventType!); j++) {
      const job = events[j]!.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED ? UpdateProtocol.acceptedJob(events[j]!) : undefined;
      if (job) jobs.push(job);
    }
    return jobs;
  }

  /** Patch markers among the command events of a completed task: replay must know them up front. */
  private peekPatches(events: HistoryEvent[], from: number): ActivationJob[] {
    const jobs: ActivationJob[] = [];
    for (let j = from; j < events.length && COMMAND_FOR_EVENT.has(events[j]!.eventType!); j++) {
      const patchId = patchIdOf(events[j]!);
      if (patchId !== undefined) jobs.push({ type: 'notifyHasPatch', patchId });
    }
    return jobs;
  }

  private matchCommandEvent(e: HistoryEvent): void {
    // The official SDK follows each patch marker with this upsert; this SDK does not write it, so it matches no command.
    if (isChangeVersionUpsert(e)) return;
    if (isLocalActivityMarker(e)) {
      this.matchLocalActivityMarker(e);
      return;
    }
    const expected = COMMAND_FOR_EVENT.get(e.eventType!)!;
    for (;;) {
      const command = this.pending[0];
      if (command && command.commandType === expected.commandType && expected.same(command, e)) {
        this.pending.shift();
        if (command.seq !== undefined) this.rememberSeq(command.seq, e);
        return;
      }
      // A deprecated patch may be gone from history, and a removed patch from code.
      if (command && isDeprecatedPatch(command)) {
        this.pending.shift();
        continue;
      }
      if (patchIdOf(e) !== undefined) return;
      const what = command ? `the workflow produced ${describeCommand(command)}` : 'the workflow produced no command';
      throw new NondeterminismError(`history has ${describeEvent(e)} at event ${String(e.eventId)} but ${what}`);
    }
  }

  /** A local activity marker: sent by this run (found by seq, not position), else resolved from history. */
  private matchLocalActivityMarker(e: HistoryEvent): void {
    const seq = readLocalActivityMarker(e)!.data.seq;
    const sent = this.pending.findIndex((c) => c.seq === seq && c.recordMarkerCommandAttributes?.markerName === LOCAL_ACTIVITY_MARKER_NAME);
    if (sent >= 0) this.pending.splice(sent, 1);
    else this.localActivities.matchMarkerEvent(e);
  }

  /** Link a command's seq to the event it produced, for the events that later resolve it. */
  private rememberSeq(seq: number, e: HistoryEvent): void {
    const eventId = Number(e.eventId);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const attrs = e.activityTaskScheduledEventAttributes!;
        this.activities.set(eventId, { seq, activityId: attrs.activityId ?? '', activityType: attrs.activityType?.name ?? '' });
        this.scheduledIdBySeq.set(seq, eventId);
        return;
      }
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
        const attrs = e.startChildWorkflowExecutionInitiatedEventAttributes!;
        this.children.set(eventId, {
          seq,
          namespace: attrs.namespace || this.id.namespace,
          workflowId: attrs.workflowId ?? '',
          workflowType: attrs.workflowType?.name ?? '',
        });
        return;
      }
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        this.signalsSent.set(eventId, seq);
        return;
      case EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        this.cancelsSent.set(eventId, seq);
        return;
    }
  }

  private finishMatching(): void {
    this.matching = false;
    const extra = this.pending.filter((c) => !isDeprecatedPatch(c));
    this.pending = [];
    if (extra.length > 0) {
      throw new NondeterminismError(
        `the workflow produced ${extra.map(describeCommand).join(', ')} that history does not have`,
      );
    }
  }

  private toProtoCommand(c: SandboxCommand): ICommand {
    const { seq, ...command } = c;
    if (c.commandType === CommandType.REQUEST_CANCEL_ACTIVITY_TASK && seq !== undefined) {
      const scheduledEventId = this.scheduledIdBySeq.get(seq);
      command.requestCancelActivityTaskCommandAttributes = { scheduledEventId: Long.fromNumber(scheduledEventId ?? 0) };
    }
    return command;
  }

  private jobsFor(e: HistoryEvent): ActivationJob[] {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        return [this.initializeJob(e)];
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const a = e.workflowExecutionSignaledEventAttributes!;
        return [{ type: 'signal', signalName: a.signalName ?? '', args: a.input?.payloads ?? [] }];
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        return [{ type: 'cancelWorkflow' }];
      case EventType.EVENT_TYPE_TIMER_FIRED:
        return [{ type: 'fireTimer', seq: Number(e.timerFiredEventAttributes?.timerId) }];
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const a = e.activityTaskCompletedEventAttributes!;
        const ref = this.activities.get(Number(a.scheduledEventId));
        return ref ? [{ type: 'resolveActivity', seq: ref.seq, result: { completed: a.result?.payloads?.[0] ?? undefined } }] : [];
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const a = e.activityTaskFailedEventAttributes!;
        return this.activityFailure(a.scheduledEventId, a.startedEventId, a.identity, a.retryState, 'Activity task failed', a.failure);
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const a = e.activityTaskTimedOutEventAttributes!;
        return this.activityFailure(a.scheduledEventId, a.startedEventId, '', a.retryState, 'Activity task timed out', a.failure);
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const a = e.activityTaskCanceledEventAttributes!;
        const cause = { message: 'Activity cancelled', canceledFailureInfo: { details: a.details } };
        return this.activityFailure(a.scheduledEventId, a.startedEventId, a.identity, temporal.api.enums.v1.RetryState.RETRY_STATE_CANCEL_REQUESTED, 'Activity cancelled', cause);
      }
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
        const a = e.startChildWorkflowExecutionFailedEventAttributes!;
        const ref = this.children.get(Number(a.initiatedEventId));
        if (!ref) return [];
        return [{ type: 'resolveChildStart', seq: ref.seq, result: { alreadyStarted: { workflowId: ref.workflowId, workflowType: ref.workflowType } } }];
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const a = e.childWorkflowExecutionStartedEventAttributes!;
        const ref = this.children.get(Number(a.initiatedEventId));
        if (!ref) return [];
        ref.runId = a.workflowExecution?.runId ?? '';
        ref.startedEventId = Number(e.eventId);
        return [{ type: 'resolveChildStart', seq: ref.seq, result: { runId: ref.runId } }];
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
        const a = e.childWorkflowExecutionCompletedEventAttributes!;
        const ref = this.children.get(Number(a.initiatedEventId));
        return ref ? [{ type: 'resolveChild', seq: ref.seq, result: { completed: a.result?.payloads?.[0] ?? undefined } }] : [];
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
        const a = e.childWorkflowExecutionFailedEventAttributes!;
        return this.childFailure(a.initiatedEventId, 'Child Workflow execution failed', a.retryState, a.failure);
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED: {
        const a = e.childWorkflowExecutionCanceledEventAttributes!;
        const cause = { message: 'Cancelled', canceledFailureInfo: { details: a.details } };
        return this.childFailure(a.initiatedEventId, 'Child Workflow execution cancelled', RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, cause);
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT: {
        const a = e.childWorkflowExecutionTimedOutEventAttributes!;
        const cause = { message: 'Timed out', timeoutFailureInfo: { timeoutType: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE } };
        return this.childFailure(a.initiatedEventId, 'Child Workflow execution timed out', a.retryState, cause);
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED: {
        const a = e.childWorkflowExecutionTerminatedEventAttributes!;
        const cause = { message: 'Terminated', terminatedFailureInfo: {} };
        return this.childFailure(a.initiatedEventId, 'Child Workflow execution terminated', RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, cause);
      }
      case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED: {
        const seq = this.signalsSent.get(Number(e.externalWorkflowExecutionSignaledEventAttributes?.initiatedEventId));
        return seq === undefined ? [] : [{ type: 'resolveSignalExternal', seq }];
      }
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
        const a = e.signalExternalWorkflowExecutionFailedEventAttributes!;
        const seq = this.signalsSent.get(Number(a.initiatedEventId));
        if (seq === undefined) return [];
        const Cause = temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause;
        const reason = a.cause === Cause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_SIGNAL_COUNT_LIMIT_EXCEEDED
          ? 'the per-workflow signal limit was exceeded'
          : 'it was not found';
        return [{ type: 'resolveSignalExternal', seq, failure: externalFailure(`Unable to signal external workflow because ${reason}`, Cause[a.cause ?? 0]) }];
      }
      case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED: {
        const seq = this.cancelsSent.get(Number(e.externalWorkflowExecutionCancelRequestedEventAttributes?.initiatedEventId));
        return seq === undefined ? [] : [{ type: 'resolveCancelExternal', seq }];
      }
      case EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
        const a = e.requestCancelExternalWorkflowExecutionFailedEventAttributes!;
        const seq = this.cancelsSent.get(Number(a.initiatedEventId));
        if (seq === undefined) return [];
        const Cause = temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause;
        return [{ type: 'resolveCancelExternal', seq, failure: externalFailure('Unable to cancel external workflow because not found', Cause[a.cause ?? 0]) }];
      }
      default:
        return [];
    }
  }

  /** A child's close other than completion, as Temporal's core SDK reports it: a ChildWorkflowFailure wrapping the cause. */
  private childFailure(
    initiatedEventId: Long | number | null | undefined,
    message: string,
    retryState: number | null | undefined,
    cause: temporal.api.failure.v1.IFailure | null | undefined,
  ): ActivationJob[] {
    const ref = this.children.get(Number(initiatedEventId));
    if (!ref) return [];
    return [{
      type: 'resolveChild',
      seq: ref.seq,
      result: {
        failed: {
          message,
          childWorkflowExecutionFailureInfo: {
            namespace: ref.namespace,
            workflowExecution: { workflowId: ref.workflowId, runId: ref.runId ?? '' },
            workflowType: { name: ref.workflowType },
            initiatedEventId: Long.fromValue(initiatedEventId ?? 0),
            startedEventId: Long.fromNumber(ref.startedEventId ?? 0),
            retryState: retryState ?? 0,
          },
          cause: cause ?? undefined,
        },
      },
    }];
  }

  private activityFailure(
    scheduledEventId: Long | number | null | undefined,
    startedEventId: Long | number | null | undefined,
    identity: string | null | undefined,
    retryState: number | null | undefined,
    message: string,
    cause: temporal.api.failure.v1.IFailure | null | undefined,
  ): ActivationJob[] {
    const ref = this.activities.get(Number(scheduledEventId));
    if (!ref) return [];
    return [{
      type: 'resolveActivity',
      seq: ref.seq,
      result: {
        failed: {
          message,
          activityFailureInfo: {
            scheduledEventId: Long.fromValue(scheduledEventId ?? 0),
            startedEventId: Long.fromValue(startedEventId ?? 0),
            identity: identity ?? '',
            activityType: { name: ref.activityType },
            activityId: ref.activityId,
            retryState: retryState ?? 0,
          },
          cause: cause ?? undefined,
        },
      },
    }];
  }

  private initializeJob(e: HistoryEvent): ActivationJob {
    const a = e.workflowExecutionStartedEventAttributes!;
    const startMs = eventTimeMs(e);
    return {
      type: 'initialize',
      args: a.input?.payloads ?? [],
      randomnessSeed: a.originalExecutionRunId || this.id.runId,
      lastResult: a.lastCompletionResult?.payloads?.[0] ?? undefined,
      lastFailure: a.continuedFailure ?? undefined,
      searchAttributes: a.searchAttributes?.indexedFields ?? undefined,
      info: {
        workflowId: this.id.workflowId,
        runId: this.id.runId,
        workflowType: a.workflowType?.name ?? this.id.workflowType,
        namespace: this.id.namespace,
        taskQueue: a.taskQueue?.name ?? this.id.taskQueue,
        firstExecutionRunId: a.firstExecutionRunId || this.id.runId,
        continuedFromExecutionRunId: a.continuedExecutionRunId || undefined,
        originalRunId: a.originalExecutionRunId || undefined,
        attempt: a.attempt || 1,
        memo: decodeMemo(a.memo),
        parent: a.parentWorkflowExecution?.workflowId
          ? {
              workflowId: a.parentWorkflowExecution.workflowId,
              runId: a.parentWorkflowExecution.runId ?? '',
              namespace: a.parentWorkflowNamespace || this.id.namespace,
            }
          : undefined,
        root: a.rootWorkflowExecution?.workflowId
          ? { workflowId: a.rootWorkflowExecution.workflowId, runId: a.rootWorkflowExecution.runId ?? '' }
          : undefined,
        retryPolicy: a.retryPolicy ? decompileRetryPolicy(a.retryPolicy) : undefined,
        executionExpirationTime: a.workflowExecutionExpirationTime ? new Date(timestampMs(a.workflowExecutionExpirationTime)) : undefined,
        executionTimeoutMs: durationMs(a.workflowExecutionTimeout),
        runTimeoutMs: durationMs(a.workflowRunTimeout),
        taskTimeoutMs: durationMs(a.workflowTaskTimeout) ?? 10_000,
        cronSchedule: a.cronSchedule || undefined,
        startTime: new Date(startMs),
        runStartTime: new Date(startMs),
        historyLength: Number(e.eventId),
        historySize: 0,
        continueAsNewSuggested: false,
      },
    };
  }
}

/** The failure of a signal or cancel aimed at another workflow. */
function externalFailure(message: string, type: string | undefined): temporal.api.failure.v1.IFailure {
  return { message, applicationFailureInfo: { type: type ?? '', nonRetryable: false } };
}

/** The build id a WorkflowTaskCompleted event records: the worker's version stamp, else its binary checksum. */
function buildIdOf(completed: HistoryEvent): string {
  const a = completed.workflowTaskCompletedEventAttributes;
  return a?.workerVersion?.buildId || a?.binaryChecksum || '';
}

function eventTimeMs(e: HistoryEvent): number {
  return e.eventTime ? timestampMs(e.eventTime) : 0;
}

function timestampMs(t: { seconds?: Long | number | null; nanos?: number | null }): number {
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

function durationMs(d: { seconds?: Long | number | null; nanos?: number | null } | null | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

function decodeMemo(memo: temporal.api.common.v1.IMemo | null | undefined): Record<string, unknown> | undefined {
  if (!memo?.fields) return undefined;
  return Object.fromEntries(Object.entries(memo.fields).map(([k, v]) => [k, defaultPayloadConverter.fromPayload(v)]));
}

function patchIdOf(e: HistoryEvent): string | undefined {
  const a = e.markerRecordedEventAttributes;
  if (!a || a.markerName !== PATCH_MARKER_NAME) return undefined;
  const payload = a.details?.[PATCH_MARKER_DETAILS_KEY]?.payloads?.[0];
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<{ id: string }>(payload).id;
  } catch {
    return undefined;
  }
}

/** The `TemporalChangeVersion` search attribute upsert Temporal's core SDK records with a patch marker. */
function isChangeVersionUpsert(e: HistoryEvent): boolean {
  const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
  if (!fields) return false;
  const names = Object.keys(fields);
  return names.length === 1 && names[0] === CHANGE_VERSION_SEARCH_ATTRIBUTE;
}

function isDeprecatedPatch(c: SandboxCommand): boolean {
  const a = c.recordMarkerCommandAttributes;
  if (c.commandType !== CommandType.RECORD_MARKER || a?.markerName !== PATCH_MARKER_NAME) return false;
  const payload = a.details?.[PATCH_MARKER_DETAILS_KEY]?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<{ deprecated?: boolean }>(payload).deprecated === true : false;
}

function closesRun(c: SandboxCommand): boolean {
  return (
    c.commandType === CommandType.COMPLETE_WORKFLOW_EXECUTION ||
    c.commandType === CommandType.FAIL_WORKFLOW_EXECUTION ||
    c.commandType === CommandType.CANCEL_WORKFLOW_EXECUTION ||
    c.commandType === CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION
  );
}

function commandName(type: number | null | undefined): string {
  return temporal.api.enums.v1.CommandType[type ?? 0] ?? `command ${type}`;
}

/** A command as a non-determinism message shows it: its type plus what tells it apart from its kind. */
function describeCommand(c: ICommand): string {
  const activity = c.scheduleActivityTaskCommandAttributes;
  if (activity) return `${commandName(c.commandType)} (activity type '${activity.activityType?.name ?? ''}', id '${activity.activityId ?? ''}')`;
  const timerId = c.startTimerCommandAttributes?.timerId ?? c.cancelTimerCommandAttributes?.timerId;
  if (timerId) return `${commandName(c.commandType)} (timer id '${timerId}')`;
  const marker = c.recordMarkerCommandAttributes?.markerName;
  if (marker) return `${commandName(c.commandType)} (marker '${marker}')`;
  return commandName(c.commandType);
}

/** An event the way {@link describeCommand} shows the command it came from. */
function describeEvent(e: HistoryEvent): string {
  const name = EventType[e.eventType ?? 0] ?? `event type ${e.eventType}`;
  const activity = e.activityTaskScheduledEventAttributes;
  if (activity) return `${name} (activity type '${activity.activityType?.name ?? ''}', id '${activity.activityId ?? ''}')`;
  const timerId = e.timerStartedEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
  if (timerId) return `${name} (timer id '${timerId}')`;
  const marker = e.markerRecordedEventAttributes?.markerName;
  if (marker) return `${name} (marker '${marker}')`;
  return name;
}
