/**
 * The parts of Temporal's JSON messages the workflow page reads (canonical protobuf JSON with
 * the payload shorthand: a payload is `unknown` because it is either its JSON value or the
 * canonical `{metadata, data}` form). Only the fields shown are declared.
 */

import type { Failure } from '../../components/failure-view';

export type { Failure };

export interface WorkflowExecution {
  workflowId?: string;
  runId?: string;
}

export interface WorkflowExecutionInfo {
  execution?: WorkflowExecution;
  type?: { name?: string };
  startTime?: string;
  closeTime?: string;
  executionTime?: string;
  status?: string;
  historyLength?: string;
  historySizeBytes?: string;
  stateTransitionCount?: string;
  parentNamespaceId?: string;
  parentExecution?: WorkflowExecution;
  rootExecution?: WorkflowExecution;
  firstRunId?: string;
  taskQueue?: string;
  executionDuration?: string;
  memo?: { fields?: Record<string, unknown> };
  searchAttributes?: { indexedFields?: Record<string, unknown> };
}

export interface PendingActivityInfo {
  activityId?: string;
  activityType?: { name?: string };
  state?: string;
  heartbeatDetails?: unknown;
  lastHeartbeatTime?: string;
  lastStartedTime?: string;
  attempt?: number;
  maximumAttempts?: number;
  scheduledTime?: string;
  expirationTime?: string;
  lastFailure?: Failure;
  lastWorkerIdentity?: string;
  currentRetryInterval?: string;
  nextAttemptScheduleTime?: string;
}

export interface PendingChildExecutionInfo {
  workflowId?: string;
  runId?: string;
  workflowTypeName?: string;
  initiatedId?: string;
  parentClosePolicy?: string;
}

export interface DescribeWorkflowExecutionResponse {
  executionConfig?: {
    taskQueue?: { name?: string };
    workflowExecutionTimeout?: string;
    workflowRunTimeout?: string;
    defaultWorkflowTaskTimeout?: string;
  };
  workflowExecutionInfo?: WorkflowExecutionInfo;
  pendingActivities?: PendingActivityInfo[];
  pendingChildren?: PendingChildExecutionInfo[];
  pendingWorkflowTask?: { state?: string; scheduledTime?: string; startedTime?: string; attempt?: number };
  workflowExtendedInfo?: { cancelRequested?: boolean; lastResetTime?: string; originalStartTime?: string; resetRunId?: string };
}

/** One history event; the attributes of its type sit under `<eventType in camelCase>EventAttributes`. */
export interface HistoryEvent {
  eventId?: string;
  eventTime?: string;
  eventType?: string;
  [attributes: string]: unknown;
}

export interface GetWorkflowExecutionHistoryResponse {
  history?: { events?: HistoryEvent[] };
  nextPageToken?: string;
}

export interface WorkflowExecutionListItem {
  execution?: WorkflowExecution;
  type?: { name?: string };
  status?: string;
  startTime?: string;
  closeTime?: string;
  parentExecution?: WorkflowExecution;
}

export interface ListWorkflowExecutionsResponse {
  executions?: WorkflowExecutionListItem[];
  nextPageToken?: string;
}

export const RUNNING = 'WORKFLOW_EXECUTION_STATUS_RUNNING';
