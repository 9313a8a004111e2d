/**
 * Replay testing: run saved histories through the workflow code and report
 * the first history whose replay does not produce the commands it recorded.
 */
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import temporal = proto.temporal;
import type protojsonModule from 'protobufjs/ext/protojson.js';
import type { Root } from 'protobufjs';
import { DeterminismViolationError } from '@endure/workflow';
import { WorkflowRun } from './workflow/workflow-run.js';
import type { SandboxFactory } from './workflow/sandbox.js';

type History = temporal.api.history.v1.IHistory;

/** One replay's outcome (mirrors @temporalio/worker's ReplayResult). */
export interface ReplayResult {
  workflowId: string;
  runId: string;
  error?: Error;
}

/** A history to replay with the workflow id it belongs to. */
export interface HistoryAndWorkflowId {
  workflowId: string;
  /** A History message, or its JSON form as saved by Temporal's tools. */
  history: unknown;
}

/**
 * protojson needs the reflection type (the static classes have none) and checks it
 * with `instanceof Type`, so both must come from the protobufjs copy behind
 * @temporalio/proto: npm often installs several copies (e.g. when grpc's protobufjs 7
 * is hoisted), so resolve protojson from @temporalio/proto's location.
 */
const requireHere = createRequire(import.meta.url);
const protoRoot = requireHere('@temporalio/proto/protos/root.js') as Root;
const historyType = protoRoot.lookupType('temporal.api.history.v1.History');
const requireFromProto = createRequire(requireHere.resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as typeof protojsonModule;

/**
 * Parse a history in Temporal's JSON format (as saved by the CLI or the UI:
 * enum names in either style, int64 as strings, durations and timestamps as text).
 */
export function historyFromJSON(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('Invalid history, expected an object with an array of events');
  }
  const events = (json as { events: Record<string, unknown>[] }).events.map(fixEventEnums);
  return protojson.fromJson(historyType, { events }, { ignoreUnknownFields: true }) as unknown as History;
}

function constantCase(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function fixEventEnums(e: Record<string, unknown>): Record<string, unknown> {
  const fixed = { ...e };
  const type = fixed.eventType;
  if (typeof type === 'string' && !type.startsWith('EVENT_TYPE_')) fixed.eventType = `EVENT_TYPE_${constantCase(type)}`;
  for (const [key, value] of Object.entries(fixed)) {
    if (!key.endsWith('EventAttributes') || typeof value !== 'object' || value === null) continue;
    const attrs = { ...(value as Record<string, unknown>) };
    const taskQueue = attrs.taskQueue as Record<string, unknown> | undefined;
    if (taskQueue && typeof taskQueue.kind === 'string' && !taskQueue.kind.startsWith('TASK_QUEUE_KIND_')) {
      attrs.taskQueue = { ...taskQueue, kind: `TASK_QUEUE_KIND_${constantCase(taskQueue.kind)}` };
    }
    for (const [field, prefix] of [['retryState', 'RETRY_STATE'], ['initiator', 'CONTINUE_AS_NEW_INITIATOR'], ['parentClosePolicy', 'PARENT_CLOSE_POLICY'], ['workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'], ['cause', 'WORKFLOW_TASK_FAILED_CAUSE'], ['timeoutType', 'TIMEOUT_TYPE']] as const) {
      const v = attrs[field];
      if (typeof v === 'string' && !v.startsWith(prefix)) attrs[field] = `${prefix}_${constantCase(v)}`;
    }
    fixed[key] = attrs;
  }
  return fixed;
}

function toHistory(history: unknown): History {
  const events = (history as { events?: { eventId?: unknown }[] } | null)?.events;
  if (events && events.length > 0 && typeof events[0]!.eventId === 'string') return historyFromJSON(history);
  return history as History;
}

/** Replay one history; resolves with the result instead of throwing. */
export async function replayOne(sandboxes: SandboxFactory, item: HistoryAndWorkflowId): Promise<ReplayResult> {
  const history = toHistory(item.history);
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const runId = started?.originalExecutionRunId ?? '';
  try {
    if (!started) throw new TypeError('history does not start with WorkflowExecutionStarted');
    const run = new WorkflowRun(
      { namespace: 'default', taskQueue: started.taskQueue?.name ?? '', workflowId: item.workflowId, runId, workflowType: started.workflowType?.name ?? '' },
      sandboxes.create(),
    );
    await run.advance(events, 0);
    return { workflowId: item.workflowId, runId };
  } catch (err) {
    const error = err instanceof Error && err.name === 'NondeterminismError' ? new DeterminismViolationError(err.message) : (err as Error);
    return { workflowId: item.workflowId, runId, error };
  }
}
