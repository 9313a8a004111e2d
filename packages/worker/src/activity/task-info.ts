/**
 * Turns an activity task from the server into the `Info` the activity sees, and the log
 * attributes every line about that activity carries.
 */
import type { temporal } from '@temporalio/proto';
import type { Info, Priority } from '@endure/activity';
import {
  ApplicationFailure,
  decompileRetryPolicy,
  optionalTsToMs,
  requiredTsToMs,
  type LoadedDataConverter,
} from '@endure/common';
import { decodeFirst } from './payloads.js';

export type ActivityTask = temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;

export interface TaskInfoContext {
  namespace: string;
  taskQueue: string;
  dataConverter: LoadedDataConverter;
}

/**
 * The `Info` of an activity task, heartbeat details of the previous attempt decoded.
 *
 * @throws ApplicationFailure (retryable) when the heartbeat details cannot be decoded, so the
 * caller can report it as the attempt's failure.
 */
export async function activityInfoFromTask(task: ActivityTask, context: TaskInfoContext): Promise<Info> {
  const activityId = task.activityId;
  let heartbeatDetails: unknown;
  try {
    heartbeatDetails = await decodeFirst(context.dataConverter, task.heartbeatDetails?.payloads);
  } catch (err) {
    throw ApplicationFailure.create({
      message: `Failed to parse heartbeat details for activity ${activityId}: ${messageOf(err)}`,
      nonRetryable: false,
      cause: err instanceof Error ? err : undefined,
    });
  }
  const workflowId = task.workflowExecution?.workflowId ?? '';
  const inWorkflow = workflowId !== '';
  const taskToken = task.taskToken;
  return {
    taskToken,
    base64TaskToken: Buffer.from(taskToken).toString('base64'),
    activityId,
    activityType: task.activityType?.name ?? '',
    activityNamespace: context.namespace,
    attempt: task.attempt,
    isLocal: false,
    workflowExecution: inWorkflow ? { workflowId, runId: task.workflowExecution?.runId ?? '' } : undefined,
    workflowNamespace: inWorkflow ? task.workflowNamespace : undefined,
    workflowType: inWorkflow ? (task.workflowType?.name ?? undefined) : undefined,
    scheduledTimestampMs: requiredTsToMs(task.scheduledTime, 'scheduledTime'),
    currentAttemptScheduledTimestampMs: requiredTsToMs(task.currentAttemptScheduledTime, 'currentAttemptScheduledTime'),
    startedTimestampMs: optionalTsToMs(task.startedTime) ?? Date.now(),
    scheduleToCloseTimeoutMs: requiredTsToMs(task.scheduleToCloseTimeout, 'scheduleToCloseTimeout'),
    startToCloseTimeoutMs: requiredTsToMs(task.startToCloseTimeout, 'startToCloseTimeout'),
    heartbeatTimeoutMs: optionalTsToMs(task.heartbeatTimeout),
    heartbeatDetails,
    taskQueue: context.taskQueue,
    priority: decodePriority(task.priority),
    retryPolicy: decompileRetryPolicy(task.retryPolicy),
    namespace: task.workflowNamespace || context.namespace,
    activityRunId: inWorkflow ? undefined : task.activityRunId || undefined,
    inWorkflow,
  };
}

function decodePriority(priority: temporal.api.common.v1.IPriority | null | undefined): Priority | undefined {
  if (!priority) return undefined;
  return {
    priorityKey: priority.priorityKey || undefined,
    fairnessKey: priority.fairnessKey || undefined,
    fairnessWeight: priority.fairnessWeight || undefined,
  };
}

/** Attributes attached to every log line about one activity attempt. */
export function activityLogAttributes(info: Info): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    isLocal: info.isLocal,
    attempt: info.attempt,
    namespace: info.namespace,
    taskToken: info.base64TaskToken,
    activityId: info.activityId,
    activityType: info.activityType,
    taskQueue: info.taskQueue,
  };
  if (info.workflowExecution !== undefined) {
    attributes.workflowId = info.workflowExecution.workflowId;
    attributes.workflowRunId = info.workflowExecution.runId;
    attributes.workflowType = info.workflowType;
  } else {
    attributes.activityRunId = info.activityRunId;
  }
  return attributes;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
