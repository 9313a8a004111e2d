/**
 * An Endure extension for our own worker: an activity's completion (or failure) that also asks
 * the server for the run's next workflow task. The worker names its sticky queue in the request
 * header NEXT_WORKFLOW_TASK_HEADER; an Endure server that starts the task in the same commit
 * returns it as field NEXT_WORKFLOW_TASK_FIELD appended to the (otherwise empty) response,
 * which the official response types do not know, so only this module reads it. Any other
 * server ignores the header and the answer carries no task.
 *
 * The server's side is packages/server/src/frontend/next-workflow-task.ts; the two must agree
 * on the header name and the field number.
 */
import protobuf from 'protobufjs';
import proto from '@temporalio/proto';

type PollResponse = proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
const ws = proto.temporal.api.workflowservice.v1;

export const NEXT_WORKFLOW_TASK_HEADER = 'endure-next-workflow-task';
export const NEXT_WORKFLOW_TASK_FIELD = 9_001;
const WIRE_TYPE_LEN = 2;

/** The activity answer to send: a completion or a failure of the attempt its task token names. */
export type ActivityTaskAnswer =
  | { completed: proto.temporal.api.workflowservice.v1.IRespondActivityTaskCompletedRequest }
  | { failed: proto.temporal.api.workflowservice.v1.IRespondActivityTaskFailedRequest };

/** The method and encoded request of `answer`. */
export function encodeActivityTaskAnswer(answer: ActivityTaskAnswer): { method: string; namespace: string; bytes: Uint8Array } {
  if ('completed' in answer) {
    return {
      method: 'RespondActivityTaskCompleted',
      namespace: answer.completed.namespace ?? '',
      bytes: ws.RespondActivityTaskCompletedRequest.encode(answer.completed).finish(),
    };
  }
  return {
    method: 'RespondActivityTaskFailed',
    namespace: answer.failed.namespace ?? '',
    bytes: ws.RespondActivityTaskFailedRequest.encode(answer.failed).finish(),
  };
}

/** The workflow task a response carries in NEXT_WORKFLOW_TASK_FIELD, or null when it carries none. */
export function nextWorkflowTaskOf(response: Uint8Array): PollResponse | null {
  const reader = protobuf.Reader.create(response);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === NEXT_WORKFLOW_TASK_FIELD && (tag & 7) === WIRE_TYPE_LEN) return ws.PollWorkflowTaskQueueResponse.decode(reader.bytes());
    reader.skipType(tag & 7);
  }
  return null;
}
