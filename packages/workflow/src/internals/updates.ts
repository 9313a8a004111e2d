/**
 * Updates inside the sandbox, as the official SDK runs them: a request runs its
 * validator (not on replay), then is accepted or rejected; an accepted one runs
 * its handler, whose result or failure completes it. Each outcome leaves the
 * sandbox as a PROTOCOL_MESSAGE command carrying `update`, which the worker turns
 * into a protocol message (and, except for a rejection, the command naming it).
 * A request with no handler waits for one until the activation ends, then is rejected.
 */
import type { temporal } from '@temporalio/proto';
import { ApplicationFailure, TemporalFailure, arrayFromPayloads, toPayloads } from '@endure/common';
import { CommandType } from './commands.js';

type Payload = temporal.api.common.v1.IPayload;
type ProtoFailure = temporal.api.failure.v1.IFailure;
// Update handlers take any arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => unknown;

/** What the worker needs to answer the server for one update. */
export interface UpdateOutcome {
  kind: 'accept' | 'reject' | 'complete';
  updateId: string;
  /** The request's protocol instance id (the update id). */
  protocolInstanceId: string;
  /** A rejection's reason, or a failed handler's failure. */
  failure?: ProtoFailure;
  /** A completed handler's result. */
  result?: Payload[];
}

/** A request delivered in an activation. */
export interface UpdateRequest {
  updateId: string;
  protocolInstanceId: string;
  name: string;
  args: Payload[];
  /** False on replay: the update was accepted then, its validator does not run again. */
  runValidator: boolean;
}

export interface UpdateHandlerEntry {
  handler: Handler;
  validator?: Handler;
  unfinishedPolicy?: 'WARN_AND_ABANDON' | 'ABANDON';
}

/** The host of the updates: the activator's state and its hooks. */
export interface UpdateHost {
  handlers: Map<string, UpdateHandlerEntry>;
  buffered: UpdateRequest[];
  inProgress: Map<string, { name: string; unfinishedPolicy?: string }>;
  pushCommand(command: { commandType: number; update: UpdateOutcome }): void;
  payloadConverter: Parameters<typeof arrayFromPayloads>[0];
  errorToFailure(err: unknown): ProtoFailure;
  /** A handler threw something that is not a TemporalFailure: the workflow task fails. */
  failTask(err: unknown): void;
}

function outcome(host: UpdateHost, u: UpdateRequest, o: Omit<UpdateOutcome, 'updateId' | 'protocolInstanceId'>): void {
  host.pushCommand({ commandType: CommandType.PROTOCOL_MESSAGE, update: { updateId: u.updateId, protocolInstanceId: u.protocolInstanceId, ...o } });
}

/** An update request arrived: run it now, or keep it until its handler is set. */
export function deliverUpdate(host: UpdateHost, u: UpdateRequest): void {
  const entry = host.handlers.get(u.name);
  if (!entry) {
    host.buffered.push(u);
    return;
  }
  let args: unknown[];
  try {
    args = arrayFromPayloads(host.payloadConverter, u.args);
    if (u.runValidator && entry.validator) entry.validator(...args);
  } catch (err) {
    outcome(host, u, { kind: 'reject', failure: host.errorToFailure(err) });
    return;
  }
  outcome(host, u, { kind: 'accept' });
  host.inProgress.set(u.updateId, { name: u.name, unfinishedPolicy: entry.unfinishedPolicy });
  void Promise.resolve()
    .then(() => entry.handler(...args))
    .then(
      (result) => outcome(host, u, { kind: 'complete', result: toPayloads(host.payloadConverter, result) ?? [] }),
      (err: unknown) => {
        if (err instanceof TemporalFailure) outcome(host, u, { kind: 'complete', failure: host.errorToFailure(err) });
        else host.failTask(err);
      },
    )
    .finally(() => host.inProgress.delete(u.updateId));
}

/** A handler was set: run the requests that waited for it. */
export function deliverBufferedUpdates(host: UpdateHost, name: string): void {
  const waiting = host.buffered.filter((u) => u.name === name);
  host.buffered.splice(0, host.buffered.length, ...host.buffered.filter((u) => u.name !== name));
  for (const u of waiting) deliverUpdate(host, u);
}

/** At the end of an activation, requests no handler took are rejected (the official SDK's message). */
export function rejectUnhandledUpdates(host: UpdateHost): void {
  for (const u of host.buffered.splice(0)) {
    const err = ApplicationFailure.nonRetryable(`No registered handler for update: ${u.name}`);
    outcome(host, u, { kind: 'reject', failure: host.errorToFailure(err) });
  }
}

/** The warning the official SDK logs when a workflow finishes while update handlers still run. */
export function unfinishedHandlersWarning(host: UpdateHost): string | undefined {
  const updates = [...host.inProgress.entries()]
    .filter(([, u]) => u.unfinishedPolicy !== 'ABANDON')
    .map(([id, u]) => ({ name: u.name, id }));
  if (updates.length === 0) return undefined;
  return (
    "[TMPRL1102] Workflow finished while an update handler was still running. This may have interrupted work that the " +
    "update handler was doing, and the client that sent the update will receive a 'workflow execution " +
    "already completed' RPCError instead of the update result. You can wait for all update and signal " +
    "handlers to complete by using `await workflow.condition(workflow.allHandlersFinished)`. " +
    "Alternatively, if both you and the clients sending the update are okay with interrupting running handlers " +
    "when the workflow finishes, and causing clients to receive errors, then you can disable this warning by " +
    "passing an option when setting the handler: " +
    "`workflow.setHandler(myUpdate, myUpdateHandler, {unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON});`. " +
    `The following updates were unfinished (and warnings were not disabled for their handler): ${JSON.stringify(updates)}`
  );
}
