/**
 * Workflow updates, Temporal's update protocol. An update is admitted to the
 * registry (update-registry.ts: this process's memory, or the run's state when
 * several nodes share the database) and goes to the worker as a protocol message
 * on a workflow task; it enters history only when the worker accepts it: the
 * WorkflowExecutionUpdateAccepted and …Completed events, and the run's
 * `updates` entry, which answers every repeat of the same update id for as long
 * as the run exists. A rejection is never written to history.
 *
 * When no workflow task is pending, an update gets a speculative one: kept out
 * of history like a transient attempt, and dropped at completion when the
 * worker only rejected (no commands, no events it had not seen), so a rejected
 * update leaves history as it was. The speculative task is in the run's state and
 * has a task row like any other, so on several nodes any node can start and
 * complete it. Admitted updates kept in memory are lost with the process, as in
 * Temporal: the client repeats its request until the update is accepted.
 */
import Long from 'long';
import { EventType, enums, temporal, type IFailure, type proto } from '../common/proto.js';
import { ServiceError, notFound } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import type { ExecutionState, WorkflowTaskState } from './mutable-state.js';
import type { ExecutionRef, ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import type { CommandError } from './commands.js';
import { MemoryUpdateRegistry, updateRegistry, type AdmittedUpdate, type UpdateRegistry } from './update-registry.js';

export { updateRegistry, type AdmittedUpdate, type UpdateRegistry } from './update-registry.js';

type IRequest = proto.temporal.api.update.v1.IRequest;
type IMessage = proto.temporal.api.protocol.v1.IMessage;
type Command = proto.temporal.api.command.v1.ICommand;
const Cause = enums.WorkflowTaskFailedCause;
const U = temporal.api.update.v1;

/** Temporal's default limit on updates admitted or accepted and not yet completed, per run. */
export const UPDATES_IN_FLIGHT_MAX = 10;

const TYPE_URL_PREFIX = 'type.googleapis.com/';

// ---------------------------------------------------------------- admission

/**
 * Admit an update to a running run (a repeat of a known id changes nothing) and
 * see that a workflow task will carry it. Answers the run it went to.
 */
export async function admitUpdate(
  es: ExecutionStore,
  ref: ExecutionRef,
  request: IRequest,
  firstExecutionRunId = '',
): Promise<{ runId: string; admitted: AdmittedUpdate | undefined }> {
  const registry = updateRegistry(es);
  const updateId = request.meta!.updateId!;
  let added: ExecutionState | null = null;
  try {
    return await es.update(ref, (tx) => {
      const s = tx.state;
      if (firstExecutionRunId && s.firstExecutionRunId !== firstExecutionRunId) {
        throw notFound(`workflow execution not found: first_execution_run_id ${firstExecutionRunId} is not the chain of the current run`);
      }
      if (s.updates?.[updateId]) return { runId: s.runId, admitted: undefined };
      // A rejected id starts over.
      const known = registry.get(s, updateId);
      if (known && known.runId === s.runId && !known.rejection) return { runId: s.runId, admitted: known };
      if (!tx.isRunning) throw workflowCompleted();
      checkInFlightLimit(s, registry);
      const admitted: AdmittedUpdate = { updateId, runId: s.runId, request, sentIn: null, rejection: null };
      registry.add(tx, admitted);
      added = s;
      deliverUpdates(tx, registry);
      return { runId: s.runId, admitted };
    });
  } catch (err) {
    const s = added as ExecutionState | null;
    if (s) registry.discard(s, updateId);
    throw err;
  }
}

/** An update-with-start's admission, around the start of its workflow. */
export interface StartAdmission {
  /** Runs in the commit that creates the run (startWorkflow's `onCreated`). */
  onCreated(tx: ExecutionTx): void;
  /** The start failed: take the admission back. */
  cancel(): void;
  /** The start answered with `runId` (a new run, or one that was running already): the update goes to it. */
  bind(runId: string): Promise<void>;
}

/**
 * Update-with-start: the update is admitted so that a new run's first workflow
 * task carries it. In memory it waits for the run under its workflow id; in the
 * run's state it is written by the commit that creates the run, so no node can
 * start the first task without it.
 */
export function admitUpdateBeforeStart(es: ExecutionStore, namespaceId: string, workflowId: string, request: IRequest): StartAdmission {
  const registry = updateRegistry(es);
  const updateId = request.meta!.updateId!;
  if (!(registry instanceof MemoryUpdateRegistry)) {
    let created = false;
    return {
      onCreated: (tx) => {
        registry.add(tx, { updateId, runId: tx.state.runId, request, sentIn: null, rejection: null });
        created = true;
      },
      cancel: () => undefined,
      // A run that was there already (USE_EXISTING, a repeated request id) gets it as any update.
      bind: async (runId) => {
        if (!created) await admitUpdate(es, { namespaceId, workflowId, runId }, request);
      },
    };
  }
  const workflow = { namespaceId, workflowId };
  const existing = registry.get(workflow, updateId);
  if (!existing) registry.addTo(workflow, { updateId, runId: '', request, sentIn: null, rejection: null });
  return {
    onCreated: () => undefined,
    cancel: () => {
      if (!existing) registry.discard(workflow, updateId);
    },
    /** Bind the update to the run (or, for a run that already held the id, drop it). */
    bind: async (runId: string) => {
      const update = registry.get(workflow, updateId);
      if (!update || update.runId !== '') return;
      const state = await es.read({ namespaceId, workflowId, runId });
      if (state.updates?.[updateId]) {
        registry.discard(workflow, updateId);
        return;
      }
      update.runId = runId;
      // A workflow that was already running (USE_EXISTING) may need a task to carry it.
      await es.update({ namespaceId, workflowId, runId }, (tx) => deliverUpdates(tx, registry));
    },
  };
}

function checkInFlightLimit(s: ExecutionState, registry: UpdateRegistry): void {
  const accepted = Object.values(s.updates ?? {}).filter((u) => u.completedEventId === 0).length;
  if (accepted + registry.pendingFor(s).length < UPDATES_IN_FLIGHT_MAX) return;
  const details = temporal.api.errordetails.v1.ResourceExhaustedFailure.encode({
    cause: enums.ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT,
    scope: enums.ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE,
  }).finish();
  throw new ServiceError(
    Status.RESOURCE_EXHAUSTED,
    `limit on number of concurrent in-flight updates has been reached (${UPDATES_IN_FLIGHT_MAX})`,
    { typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.ResourceExhaustedFailure', value: details },
  );
}

function workflowCompleted(): ServiceError {
  return notFound('workflow execution already completed');
}

/**
 * Updates waiting with no workflow task to carry them get a speculative one
 * (not while the first task waits out a start delay: that task will carry them).
 */
export function deliverUpdates(tx: ExecutionTx, registry: UpdateRegistry, answered: ReadonlySet<string> = new Set()): void {
  const s = tx.state;
  if (!tx.isRunning || s.workflowTask || s.firstTaskBackoffUntilMs > 0) return;
  if (registry.pendingFor(s).every((u) => u.runId === '' || answered.has(u.updateId))) return;
  s.speculativeTaskCount = (s.speculativeTaskCount ?? 0) + 1;
  // Negative: an identity no event id and no transient attempt of this run can have.
  const identity = -s.speculativeTaskCount;
  s.workflowTask = {
    scheduledEventId: identity,
    startedEventId: 0,
    attempt: 1,
    scheduledTimeMs: tx.nowMs,
    startedTimeMs: 0,
    requestId: '',
    transient: true,
    speculativeBaseEventId: s.nextEventId,
  };
  tx.addTaskQueueTask('workflow', s.taskQueue, identity, 1);
  // To the worker that has the run cached, as any task of a sticky run (history/sticky.ts).
  if (s.sticky) {
    const { taskQueue: stickyQueue, scheduleToStartMs } = s.sticky;
    tx.stickyDispatch = { runId: s.runId, scheduledEventId: identity, attempt: 1, stickyQueue, scheduleToStartMs };
  }
}

// ---------------------------------------------------------------- to the worker

/** The update requests a starting workflow task carries, as Temporal sends them. */
export function requestMessages(es: ExecutionStore, tx: ExecutionTx, wt: WorkflowTaskState): IMessage[] {
  const s = tx.state;
  const registry = updateRegistry(es);
  return registry
    .pendingFor(s)
    .map((u) => {
      registry.markSent(tx, u, wt);
      return {
        id: `${u.updateId}/request`,
        protocolInstanceId: u.updateId,
        eventId: Long.fromNumber(wt.startedEventId - 1),
        body: { type_url: `${TYPE_URL_PREFIX}temporal.api.update.v1.Request`, value: U.Request.encode(u.request).finish() },
      };
    });
}

// ---------------------------------------------------------------- from the worker

interface WorkerMessage {
  messageId: string;
  updateId: string;
  acceptance?: proto.temporal.api.update.v1.IAcceptance;
  rejection?: proto.temporal.api.update.v1.IRejection;
  response?: proto.temporal.api.update.v1.IResponse;
}

/**
 * The update messages of one workflow task completion, checked against the
 * run before anything is written, then applied: those a PROTOCOL_MESSAGE
 * command names at that command's place, the others after all commands.
 */
export class UpdateMessages {
  private readonly byId = new Map<string, WorkerMessage>();
  private readonly applied = new Set<string>();
  private readonly answered = new Set<string>();

  /** Updates this completion accepted or rejected (the registry learns of it only after the commit). */
  get answeredIds(): ReadonlySet<string> {
    return this.answered;
  }
  /** Registry changes, made once the completion is committed (memory). */
  private readonly afterCommit: Array<() => void> = [];

  private constructor(
    private readonly es: ExecutionStore,
    private readonly messages: WorkerMessage[],
  ) {
    for (const m of messages) this.byId.set(m.messageId, m);
  }

  /** Read and check the messages; a problem fails the task with BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE. */
  static read(es: ExecutionStore, s: ExecutionState, messages: IMessage[], commands: Command[]): UpdateMessages | CommandError {
    const parsed: WorkerMessage[] = [];
    for (const [i, m] of messages.entries()) {
      const message = parseMessage(m);
      if (typeof message === 'string') return badMessage(`messages[${i}]: ${message}`);
      parsed.push(message);
    }
    const batch = new UpdateMessages(es, parsed);
    const problem = batch.check(s, commands);
    return problem ? badMessage(problem) : batch;
  }

  /** The worker accepted or completed an update: the task writes events and cannot be dropped. */
  get writesEvents(): boolean {
    return this.messages.some((m) => !m.rejection);
  }

  private check(s: ExecutionState, commands: Command[]): string | null {
    const ordered: WorkerMessage[] = [];
    for (const [i, c] of commands.entries()) {
      if (c.commandType !== enums.CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE) continue;
      const id = c.protocolMessageCommandAttributes?.messageId ?? '';
      const m = this.byId.get(id);
      if (!m) return `command ${i}: protocol message ${id} is not among the completion's messages`;
      if (ordered.includes(m)) return `command ${i}: protocol message ${id} is named by two commands`;
      ordered.push(m);
    }
    ordered.push(...this.messages.filter((m) => !ordered.includes(m)));
    const registry = updateRegistry(this.es);
    const running = new Set(Object.entries(s.updates ?? {}).filter(([, u]) => u.completedEventId === 0).map(([id]) => id));
    const decided = new Set<string>();
    for (const m of ordered) {
      if (m.response) {
        if (!running.delete(m.updateId)) return `update ${m.updateId} has a response but is not accepted and running`;
        continue;
      }
      const admitted = registry.get(s, m.updateId);
      if (!admitted || admitted.runId !== s.runId || admitted.rejection || decided.has(m.updateId) || s.updates?.[m.updateId]) {
        return `update ${m.updateId} is not waiting to be accepted or rejected`;
      }
      decided.add(m.updateId);
      if (m.acceptance) running.add(m.updateId);
    }
    return null;
  }

  /** A PROTOCOL_MESSAGE command: apply its message now. */
  applyCommand(tx: ExecutionTx, command: Command): void {
    this.apply(tx, this.byId.get(command.protocolMessageCommandAttributes!.messageId!)!);
  }

  /**
   * After the commands: the messages no command named, then the updates this
   * task carried that the worker did not answer (rejected, as Temporal does).
   */
  finish(tx: ExecutionTx, wt: WorkflowTaskState): void {
    if (!tx.isRunning) return;
    for (const m of this.messages) if (!this.applied.has(m.messageId)) this.apply(tx, m);
    for (const u of updateRegistry(this.es).pendingFor(tx.state)) {
      const sent = u.sentIn?.scheduledEventId === wt.scheduledEventId && u.sentIn.attempt === wt.attempt;
      if (sent && !this.answered.has(u.updateId)) this.reject(tx, u.updateId, unprocessedFailure());
    }
  }

  /** Registry changes of the committed completion; wakes the callers. */
  committed(ref: { namespaceId: string; workflowId: string }): void {
    for (const change of this.afterCommit) change();
    updateRegistry(this.es).notify(ref.namespaceId, ref.workflowId);
  }

  private apply(tx: ExecutionTx, m: WorkerMessage): void {
    this.applied.add(m.messageId);
    const s = tx.state;
    if (m.acceptance) {
      const registry = updateRegistry(this.es);
      const admitted = registry.get(s, m.updateId)!;
      const acceptedEventId = tx.appendEvent({
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        workflowExecutionUpdateAcceptedEventAttributes: {
          protocolInstanceId: m.updateId,
          acceptedRequestMessageId: m.acceptance.acceptedRequestMessageId,
          acceptedRequestSequencingEventId: m.acceptance.acceptedRequestSequencingEventId,
          acceptedRequest: m.acceptance.acceptedRequest ?? admitted.request,
        },
      });
      (s.updates ??= {})[m.updateId] = { acceptedEventId, completedEventId: 0 };
      this.answered.add(m.updateId);
      this.settle(registry.settle(tx, m.updateId, null));
    } else if (m.response) {
      const record = s.updates![m.updateId]!;
      record.completedEventId = tx.appendEvent({
        eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        workflowExecutionUpdateCompletedEventAttributes: {
          meta: m.response.meta ?? { updateId: m.updateId },
          acceptedEventId: Long.fromNumber(record.acceptedEventId),
          outcome: m.response.outcome,
        },
      });
    } else {
      this.reject(tx, m.updateId, m.rejection?.failure ?? unprocessedFailure());
    }
  }

  private reject(tx: ExecutionTx, updateId: string, failure: IFailure): void {
    this.answered.add(updateId);
    this.settle(updateRegistry(this.es).settle(tx, updateId, failure));
  }

  private settle(afterCommit: (() => void) | null): void {
    if (afterCommit) this.afterCommit.push(afterCommit);
  }
}

function parseMessage(m: IMessage): WorkerMessage | string {
  const messageId = m.id ?? '';
  if (!messageId) return 'id is not set';
  const typeUrl = (m.body as { type_url?: string } | null)?.type_url ?? '';
  const value = m.body?.value ?? new Uint8Array();
  const type = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  try {
    switch (type) {
      case 'temporal.api.update.v1.Acceptance': {
        const acceptance = U.Acceptance.decode(value);
        return { messageId, updateId: m.protocolInstanceId || acceptance.acceptedRequest?.meta?.updateId || '', acceptance };
      }
      case 'temporal.api.update.v1.Rejection': {
        const rejection = U.Rejection.decode(value);
        return { messageId, updateId: m.protocolInstanceId || rejection.rejectedRequest?.meta?.updateId || '', rejection };
      }
      case 'temporal.api.update.v1.Response': {
        const response = U.Response.decode(value);
        return { messageId, updateId: m.protocolInstanceId || response.meta?.updateId || '', response };
      }
      default:
        return `body type ${typeUrl || '(none)'} is not an update message`;
    }
  } catch (err) {
    return `body does not decode as ${type}: ${(err as Error).message}`;
  }
}

function badMessage(message: string): CommandError {
  return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, message };
}

function unprocessedFailure(): IFailure {
  return {
    message:
      "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
    source: 'Server',
    applicationFailureInfo: { type: 'UnprocessedUpdate', nonRetryable: true },
  };
}

/** Admitted updates the worker has not seen yet: a task that closes the run must see them first. */
export function hasUndeliveredUpdates(es: ExecutionStore, s: ExecutionState, wt: WorkflowTaskState): boolean {
  return updateRegistry(es)
    .pendingFor(s)
    .some((u) => u.sentIn?.scheduledEventId !== wt.scheduledEventId || u.sentIn.attempt !== wt.attempt);
}

/** The speculative task changed nothing (only rejections, no events it had not seen): drop it. */
export function isDiscardable(
  s: ExecutionState,
  wt: WorkflowTaskState,
  commands: Command[],
  messages: UpdateMessages,
  forceNewTask: boolean,
): boolean {
  return (
    wt.speculativeBaseEventId !== undefined &&
    wt.transientScheduledEventId === wt.speculativeBaseEventId &&
    commands.length === 0 &&
    !messages.writesEvents &&
    s.bufferedEvents.length === 0 &&
    !forceNewTask
  );
}
