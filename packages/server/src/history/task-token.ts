/**
 * Task tokens: opaque to workers, they name the execution and the exact task
 * attempt, so an answer for a task that has moved on is recognised as stale.
 */
import { invalidArgument } from '../common/errors.js';

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
}

export interface QueryTaskToken {
  k: 'q';
  id: string;
}

export type TaskToken = WorkflowTaskToken | ActivityTaskToken | QueryTaskToken;

export function encodeTaskToken(token: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(token));
}

export function decodeTaskToken<K extends TaskToken['k']>(
  bytes: Uint8Array | null | undefined,
  kind: K,
): Extract<TaskToken, { k: K }> {
  if (!bytes || bytes.length === 0) throw invalidArgument('task_token is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalidArgument('task_token is malformed');
  }
  if (!isToken(parsed) || parsed.k !== kind) throw invalidArgument('task_token is malformed');
  return parsed as Extract<TaskToken, { k: K }>;
}

function isToken(v: unknown): v is TaskToken {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  if (t.k === 'q') return typeof t.id === 'string';
  return (
    (t.k === 'wt' || t.k === 'at') &&
    typeof t.ns === 'string' &&
    typeof t.wf === 'string' &&
    typeof t.run === 'string' &&
    Number.isInteger(t.s) &&
    Number.isInteger(t.a)
  );
}
