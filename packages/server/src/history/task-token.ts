/**
 * Task tokens: opaque to workers, they name the execution and the exact task
 * attempt, so an answer for a task that has moved on is recognised as stale.
 *
 * Workflow and activity tokens use the bytes of Temporal's own
 * `temporal.server.api.token.v1.Task` and query tokens those of its `QueryTask`:
 * a client holding a token Temporal issued (async activity completion) gets the
 * answer Temporal would give, NOT_FOUND for an activity we do not have.
 */
import Long from 'long';
import { invalidArgument } from '../common/errors.js';
import { protobufRuntime } from '../common/proto.js';

export interface WorkflowTaskToken {
  k: 'wt';
  ns: string;
  wf: string;
  run: string;
  /** scheduled event id */
  s: number;
  /** attempt */
  a: number;
}

export interface ActivityTaskToken {
  k: 'at';
  ns: string;
  wf: string;
  run: string;
  s: number;
  a: number;
  activityId?: string;
}

export interface QueryTaskToken {
  k: 'q';
  id: string;
}

export type TaskToken = WorkflowTaskToken | ActivityTaskToken | QueryTaskToken;

// Field numbers are Temporal's (proto/internal/temporal/server/api/token/v1/message.proto).
const TaskMessage = protobufRuntime.Type.fromJSON('Task', {
  fields: {
    namespaceId: { type: 'string', id: 1 },
    workflowId: { type: 'string', id: 2 },
    runId: { type: 'string', id: 3 },
    scheduledEventId: { type: 'int64', id: 4 },
    attempt: { type: 'int32', id: 5 },
    activityId: { type: 'string', id: 6 },
  },
});

const QueryTaskMessage = protobufRuntime.Type.fromJSON('QueryTask', {
  fields: {
    namespaceId: { type: 'string', id: 1 },
    taskQueue: { type: 'string', id: 2 },
    taskId: { type: 'string', id: 3 },
  },
});

interface TaskFields {
  namespaceId: string;
  workflowId: string;
  runId: string;
  scheduledEventId: Long | number;
  attempt: number;
  activityId: string;
}

export function encodeTaskToken(token: TaskToken): Buffer {
  if (token.k === 'q') return Buffer.from(QueryTaskMessage.encode({ taskId: token.id }).finish());
  const fields = {
    namespaceId: token.ns,
    workflowId: token.wf,
    runId: token.run,
    scheduledEventId: Long.fromNumber(token.s),
    attempt: token.a,
    activityId: token.k === 'at' ? token.activityId : undefined,
  };
  return Buffer.from(TaskMessage.encode(fields).finish());
}

export function decodeTaskToken<K extends TaskToken['k']>(
  bytes: Uint8Array | null | undefined,
  kind: K,
): Extract<TaskToken, { k: K }> {
  if (!bytes || bytes.length === 0) throw invalidArgument('task_token is empty');
  const token = kind === 'q' ? decodeQueryToken(bytes) : decodeTask(bytes, kind);
  if (!token) throw invalidArgument('task_token is malformed');
  return token as Extract<TaskToken, { k: K }>;
}

function decodeTask(bytes: Uint8Array, kind: 'wt' | 'at'): WorkflowTaskToken | ActivityTaskToken | null {
  const t = decodeOrNull(() => TaskMessage.toObject(TaskMessage.decode(bytes), { defaults: true }) as TaskFields);
  if (!t?.namespaceId || !t.workflowId || !t.runId) return null;
  const s = Long.isLong(t.scheduledEventId) ? t.scheduledEventId.toNumber() : t.scheduledEventId;
  const base = { ns: t.namespaceId, wf: t.workflowId, run: t.runId, s, a: t.attempt };
  return kind === 'wt' ? { k: 'wt', ...base } : { k: 'at', ...base, activityId: t.activityId || undefined };
}

function decodeQueryToken(bytes: Uint8Array): QueryTaskToken | null {
  const q = decodeOrNull(() => QueryTaskMessage.toObject(QueryTaskMessage.decode(bytes), { defaults: true }) as { taskId: string });
  return q?.taskId ? { k: 'q', id: q.taskId } : null;
}

/** Bytes that are not the message at all: protobufjs throws, and the caller answers INVALID_ARGUMENT. */
function decodeOrNull<T>(decode: () => T): T | null {
  try {
    return decode();
  } catch {
    return null;
  }
}
