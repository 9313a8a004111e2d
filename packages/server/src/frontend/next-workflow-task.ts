/**
 * The wire side of the next workflow task in an activity's answer (history/next-workflow-task.ts
 * says what it is). Our SDK asks with the request header `endure-next-workflow-task: <its sticky
 * queue>`; the task comes back as field NEXT_WORKFLOW_TASK_FIELD (a PollWorkflowTaskQueueResponse)
 * appended to the RespondActivityTaskCompleted/FailedResponse bytes, a field number Temporal's
 * protos do not use, so any other decoder skips it. The official SDK never sends the header and
 * gets the same answer as ever.
 *
 * Only gRPC calls may ask: the HTTP API answers in JSON, where an appended field has no place.
 * The client's side is packages/client/src/next-workflow-task.ts; the two must agree on the
 * header name and the field number.
 */
import { protoRoot, protobufRuntime, temporal, type proto } from '../common/proto.js';
import { encodeHistoryField, rawHistoryOf } from '../common/raw-history.js';
import type { ExecutionStore } from '../history/engine.js';
import { abandonStartedWorkflowTask, type NextWorkflowTask, type NextWorkflowTaskRequest } from '../history/next-workflow-task.js';
import { withAppendedFields } from './appended-fields.js';
import type { CallContext } from './grpc-server.js';

export const NEXT_WORKFLOW_TASK_HEADER = 'endure-next-workflow-task';
/** Far above Temporal's field numbers (and below protobuf's reserved 19000–19999). */
export const NEXT_WORKFLOW_TASK_FIELD = 9_001;

const PollResponse = temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
let pollResponseHistoryField: number | undefined;

/** Looked up on first use: most servers never see the header. */
function historyFieldNumber(): number {
  pollResponseHistoryField ??= protoRoot.lookupType('temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse').fields['history']!.id;
  return pollResponseHistoryField;
}
const WIRE_TYPE_LEN = 2;

/** What the call asks for, or null when it does not ask (every client but ours) or may not. */
export function nextWorkflowTaskRequestOf(ctx: CallContext, identity: string | null | undefined): NextWorkflowTaskRequest | null {
  const stickyQueue = ctx.headers[NEXT_WORKFLOW_TASK_HEADER];
  if (typeof stickyQueue !== 'string' || stickyQueue === '') return null;
  const contentType = ctx.headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return null;
  return { stickyQueue, identity: identity ?? '' };
}

/**
 * The activity call's (empty) answer carrying `next`. When the caller is gone already, the
 * task is timed out at once rather than left started until its timeout.
 */
export async function answerWithNextWorkflowTask(es: ExecutionStore, ctx: CallContext, next: NextWorkflowTask | null): Promise<object> {
  if (!next) return {};
  if (ctx.signal.aborted) {
    await abandonStartedWorkflowTask(es, next.started);
    return {};
  }
  return withAppendedFields({}, encodeNextWorkflowTaskField(next.response));
}

function encodeNextWorkflowTaskField(task: proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse): Uint8Array {
  const head = PollResponse.encode(task).finish();
  const history = encodeHistoryField(historyFieldNumber(), rawHistoryOf(task) ?? []);
  const length = head.length + history.length;
  const prefix = protobufRuntime.Writer.create()
    .uint32((NEXT_WORKFLOW_TASK_FIELD << 3) | WIRE_TYPE_LEN)
    .uint32(length)
    .finish();
  const out = new Uint8Array(prefix.length + length);
  out.set(prefix);
  out.set(head, prefix.length);
  out.set(history, prefix.length + head.length);
  return out;
}
