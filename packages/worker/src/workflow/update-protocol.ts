/**
 * Temporal's update protocol on the worker side: update requests (poll response
 * messages, or Accepted events on replay) become `doUpdate` activation jobs, and
 * the sandbox's update outcomes become the completion's protocol messages plus the
 * PROTOCOL_MESSAGE commands that place acceptances and responses among the
 * other commands (a rejection is a message only, as the official core sends it).
 */
import Long from 'long';
import proto from '@temporalio/proto';
import temporal = proto.temporal;
import type { ActivationJob, SandboxCommand } from '@endure/workflow/internal';
import { CommandType } from '@endure/workflow/internal';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type IMessage = temporal.api.protocol.v1.IMessage;
type ICommand = temporal.api.command.v1.ICommand;
type IRequest = temporal.api.update.v1.IRequest;
const U = temporal.api.update.v1;
const TYPE_PREFIX = 'type.googleapis.com/temporal.api.update.v1.';

/** A request as it came: what its acceptance must name. */
interface ReceivedRequest {
  messageId: string;
  sequencingEventId: Long;
  request: IRequest;
}

export class UpdateProtocol {
  private readonly received = new Map<string, ReceivedRequest>();

  /** The update requests of a workflow task, as activation jobs (validators run). */
  requestJobs(messages: IMessage[] | null | undefined): ActivationJob[] {
    const jobs: ActivationJob[] = [];
    for (const m of messages ?? []) {
      const typeUrl = (m.body as { type_url?: string } | null)?.type_url ?? '';
      if (typeUrl !== `${TYPE_PREFIX}Request` || !m.body?.value) continue;
      const request = U.Request.decode(m.body.value);
      const updateId = m.protocolInstanceId || request.meta?.updateId || '';
      this.received.set(updateId, { messageId: m.id ?? '', sequencingEventId: Long.fromValue(m.eventId ?? 0), request });
      jobs.push(doUpdateJob(updateId, request, true));
    }
    return jobs;
  }

  /** On replay, an update accepted in a completed task is delivered again, without its validator. */
  static acceptedJob(e: HistoryEvent): ActivationJob | undefined {
    const a = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (!a?.acceptedRequest) return undefined;
    return doUpdateJob(a.protocolInstanceId || a.acceptedRequest.meta?.updateId || '', a.acceptedRequest, false);
  }

  /** The sandbox's commands as the server takes them: commands, and the protocol messages they name. */
  toCompletion(commands: SandboxCommand[], toProto: (c: SandboxCommand) => ICommand): { commands: ICommand[]; messages: IMessage[] } {
    const out: ICommand[] = [];
    const messages: IMessage[] = [];
    for (const c of commands) {
      if (!c.update) {
        out.push(toProto(c));
        continue;
      }
      const u = c.update;
      const received = this.received.get(u.updateId);
      const base = { protocolInstanceId: u.protocolInstanceId, eventId: received?.sequencingEventId };
      if (u.kind === 'reject') {
        const body = U.Rejection.encode({
          rejectedRequestMessageId: received?.messageId,
          rejectedRequestSequencingEventId: received?.sequencingEventId,
          rejectedRequest: received?.request,
          failure: u.failure,
        }).finish();
        messages.push({ ...base, id: `${u.protocolInstanceId}/reject`, body: { type_url: `${TYPE_PREFIX}Rejection`, value: body } });
        this.received.delete(u.updateId);
        continue;
      }
      const id = `${u.protocolInstanceId}/${u.kind}`;
      const body =
        u.kind === 'accept'
          ? {
              type_url: `${TYPE_PREFIX}Acceptance`,
              value: U.Acceptance.encode({
                acceptedRequestMessageId: received?.messageId,
                acceptedRequestSequencingEventId: received?.sequencingEventId,
                acceptedRequest: received?.request,
              }).finish(),
            }
          : {
              type_url: `${TYPE_PREFIX}Response`,
              value: U.Response.encode({
                meta: { updateId: u.updateId },
                outcome: u.failure ? { failure: u.failure } : { success: { payloads: u.result ?? [] } },
              }).finish(),
            };
      if (u.kind === 'complete') this.received.delete(u.updateId);
      messages.push({ ...base, id, body });
      out.push({ commandType: CommandType.PROTOCOL_MESSAGE, protocolMessageCommandAttributes: { messageId: id } });
    }
    return { commands: out, messages };
  }
}

function doUpdateJob(updateId: string, request: IRequest, runValidator: boolean): ActivationJob {
  return {
    type: 'doUpdate',
    updateId,
    protocolInstanceId: updateId,
    name: request.input?.name ?? '',
    args: request.input?.args?.payloads ?? [],
    runValidator,
  };
}

/** The update an Accepted or Completed event belongs to. */
export function updateIdOfEvent(e: HistoryEvent): string | undefined {
  const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
  if (accepted) return accepted.protocolInstanceId || accepted.acceptedRequest?.meta?.updateId || undefined;
  return e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId || undefined;
}

