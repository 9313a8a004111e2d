/**
 * Workflow commands → history events, in command order. Commands are checked
 * first, all of them, so a bad one fails the workflow task before anything
 * from the batch is written.
 */
import Long from 'long';
import { EventType, enums, temporal, type proto } from '../common/proto.js';
import { fromBase64, toBase64, type ExecutionState } from './mutable-state.js';
import { durationMs } from '../common/time.js';
import type { ExecutionTx } from './execution-tx.js';
import { requestCancelActivity, scheduleActivity, validateScheduleActivity } from './activity.js';
import { closeExecution } from './workflow-lifecycle.js';
import { completeRun, continueAsNew, failRun, validateContinueAsNew } from './run-chain.js';
import { initiateChild, validateStartChild } from './child-workflows.js';
import {
  initiateCancelExternal,
  initiateSignalExternal,
  validateCancelExternal,
  validateSignalExternal,
} from './external-workflows.js';
import type { UserTimerData } from './timer-tasks.js';
import type { UpdateMessages } from './updates.js';
import type { NamespaceRecord } from '../persistence/store.js';
import { searchAttributesProblem } from '../visibility/search-attribute-values.js';
import type { Limits } from '../config.js';

type Command = proto.temporal.api.command.v1.ICommand;
type IPayload = proto.temporal.api.common.v1.IPayload;
const CommandType = enums.CommandType;
const Cause = enums.WorkflowTaskFailedCause;
const Status = enums.WorkflowExecutionStatus;

export interface CommandError {
  /** temporal.api.enums.v1.WorkflowTaskFailedCause */
  cause: number;
  message: string;
  /** The run cannot go on: it is terminated after the task fails (a too-large payload, command-sizes.ts). */
  terminate?: boolean;
}

const CLOSE_COMMANDS = new Set<number>([
  CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export function closesWorkflow(commands: Command[]): boolean {
  return commands.some((c) => CLOSE_COMMANDS.has(c.commandType ?? 0));
}

export function validateCommands(
  tx: ExecutionTx,
  commands: Command[],
  idMax: number,
  ns: NamespaceRecord | undefined,
  limits: PendingLimits,
): CommandError | null {
  const s = tx.state;
  const pending = new PendingCounter(s, limits);
  const badSearchAttributes = (where: string, fields: Record<string, IPayload> | null | undefined): CommandError | null => {
    const problem = ns ? searchAttributesProblem(ns, fields) : null;
    return problem ? { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, message: `${where}: ${problem}` } : null;
  };
  const activityIds = new Set(Object.values(s.activities).map((a) => a.activityId));
  const timerIds = new Set(Object.keys(s.timers));
  for (const [i, c] of commands.entries()) {
    const where = `command ${i}`;
    switch (c.commandType) {
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const attrs = c.scheduleActivityTaskCommandAttributes;
        const problem = attrs ? validateScheduleActivity(attrs, s.runTimeoutMs) : 'attributes are not set';
        if (problem) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, message: `${where}: ${problem}` };
        if (activityIds.has(attrs!.activityId!)) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_SCHEDULE_ACTIVITY_DUPLICATE_ID,
            message: `${where}: activity_id ${attrs!.activityId} is already in use`,
          };
        }
        activityIds.add(attrs!.activityId!);
        const overLimit = pending.add('activities', where);
        if (overLimit) return overLimit;
        break;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: {
        const id = Number(c.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0);
        if (!s.activities[id]) {
          return {
            cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
            message: `${where}: no pending activity with scheduled_event_id ${id}`,
          };
        }
        break;
      }
      case CommandType.COMMAND_TYPE_START_TIMER: {
        const attrs = c.startTimerCommandAttributes;
        if (!attrs?.timerId) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: `${where}: timer_id is not set` };
        if (durationMs(attrs.startToFireTimeout) <= 0) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: `${where}: start_to_fire_timeout must be positive` };
        }
        if (timerIds.has(attrs.timerId)) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID, message: `${where}: timer_id ${attrs.timerId} is already in use` };
        }
        timerIds.add(attrs.timerId);
        break;
      }
      case CommandType.COMMAND_TYPE_CANCEL_TIMER: {
        const timerId = c.cancelTimerCommandAttributes?.timerId ?? '';
        if (!timerIds.has(timerId)) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES, message: `${where}: no pending timer ${timerId}` };
        }
        timerIds.delete(timerId);
        break;
      }
      case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
        const attrs = c.startChildWorkflowExecutionCommandAttributes;
        const problem = attrs ? validateStartChild(attrs, idMax) : 'attributes are not set';
        if (problem) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, message: `${where}: ${problem}` };
        // A child in another namespace is checked against that namespace when it starts.
        const sameNamespace = !attrs!.namespace || attrs!.namespace === s.namespace;
        const bad = sameNamespace ? badSearchAttributes(where, attrs!.searchAttributes?.indexedFields) : null;
        if (bad) return bad;
        const overLimit = pending.add('children', where);
        if (overLimit) return overLimit;
        break;
      }
      case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
        const attrs = c.signalExternalWorkflowExecutionCommandAttributes;
        const problem = attrs ? validateSignalExternal(attrs, idMax) : 'attributes are not set';
        if (problem) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message: `${where}: ${problem}` };
        const overLimit = pending.add('signals', where);
        if (overLimit) return overLimit;
        break;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: {
        const attrs = c.requestCancelExternalWorkflowExecutionCommandAttributes;
        const problem = attrs ? validateCancelExternal(attrs, idMax) : 'attributes are not set';
        if (problem) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message: `${where}: ${problem}` };
        }
        const overLimit = pending.add('cancelRequests', where);
        if (overLimit) return overLimit;
        break;
      }
      case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: {
        const attrs = c.continueAsNewWorkflowExecutionCommandAttributes;
        const problem = attrs ? validateContinueAsNew(attrs) : 'attributes are not set';
        if (problem) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES, message: `${where}: ${problem}` };
        const bad = badSearchAttributes(where, attrs!.searchAttributes?.indexedFields);
        if (bad) return bad;
        break;
      }
      case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const bad = badSearchAttributes(where, c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes?.indexedFields);
        if (bad) return bad;
        break;
      }
      case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      case CommandType.COMMAND_TYPE_RECORD_MARKER:
      case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
      case CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE: // checked with the messages (updates.ts)
        break;
      default:
        return {
          cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
          message: `${where}: ${enums.CommandType[c.commandType ?? 0] ?? c.commandType} is not supported by this server yet`,
        };
    }
  }
  return null;
}

export type PendingLimits = Pick<Limits, 'pendingActivitiesMax' | 'pendingChildrenMax' | 'pendingSignalsMax' | 'pendingCancelRequestsMax'>;

/**
 * What a run has pending, counted up as a task's commands add to it: a command that would
 * start one more than its limit allows fails the task with Temporal's cause and message (its
 * workflowSizeChecker). The worker retries the task, which passes once some have finished.
 */
class PendingCounter {
  private readonly counts: Record<PendingKind, number>;

  constructor(
    s: ExecutionState,
    private readonly limits: PendingLimits,
  ) {
    const external = Object.values(s.externalRequests);
    this.counts = {
      activities: Object.keys(s.activities).length,
      children: Object.keys(s.children).length,
      signals: external.filter((r) => r.kind === 'signal').length,
      cancelRequests: external.filter((r) => r.kind === 'cancel').length,
    };
  }

  add(kind: PendingKind, where: string): CommandError | null {
    const { cause, description, limit } = PENDING[kind];
    const max = this.limits[limit];
    const count = this.counts[kind];
    // As in Temporal, 0 means no limit.
    if (max > 0 && count >= max) {
      return { cause, message: `${where}: the number of ${description}, ${count}, has reached the per-workflow limit of ${max} (limits.${limit})` };
    }
    this.counts[kind] = count + 1;
    return null;
  }
}

type PendingKind = 'activities' | 'children' | 'signals' | 'cancelRequests';

const PENDING: Record<PendingKind, { cause: number; description: string; limit: keyof PendingLimits }> = {
  activities: { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED, description: 'pending activities', limit: 'pendingActivitiesMax' },
  children: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED,
    description: 'pending child workflow executions',
    limit: 'pendingChildrenMax',
  },
  signals: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_SIGNALS_LIMIT_EXCEEDED,
    description: 'pending signals to external workflows',
    limit: 'pendingSignalsMax',
  },
  cancelRequests: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_REQUEST_CANCEL_LIMIT_EXCEEDED,
    description: 'pending requests to cancel external workflows',
    limit: 'pendingCancelRequestsMax',
  },
};

/** Activities a workflow task may start eagerly (Temporal's default limit). */
const EAGER_ACTIVITIES_PER_TASK_MAX = 3;

export interface AppliedCommands {
  /** They produced an event the workflow must see in a new task (an activity canceled before it started). */
  needsWorkflowTask: boolean;
  /** Activity tasks started eagerly for the worker that completed the workflow task. */
  activityTasks: proto.temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse[];
}

/** Apply validated commands, in order. */
export function applyCommands(
  tx: ExecutionTx,
  commands: Command[],
  completedEventId: number,
  identity: string,
  updates: UpdateMessages,
): AppliedCommands {
  let needsWorkflowTask = false;
  const activityTasks: AppliedCommands['activityTasks'] = [];
  const completed = Long.fromNumber(completedEventId);
  for (const c of commands) {
    if (!tx.isRunning) break;
    switch (c.commandType) {
      case CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE:
        updates.applyCommand(tx, c);
        break;
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const attrs = c.scheduleActivityTaskCommandAttributes!;
        const eager =
          attrs.requestEagerExecution === true &&
          (attrs.taskQueue?.name || tx.state.taskQueue) === tx.state.taskQueue &&
          activityTasks.length < EAGER_ACTIVITIES_PER_TASK_MAX;
        const task = scheduleActivity(tx, attrs, completedEventId, { eagerFor: eager ? identity : undefined, userMetadata: c.userMetadata });
        if (task) activityTasks.push(task);
        break;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: {
        const id = Number(c.requestCancelActivityTaskCommandAttributes!.scheduledEventId);
        if (requestCancelActivity(tx, tx.state.activities[id]!, completedEventId)) needsWorkflowTask = true;
        break;
      }
      case CommandType.COMMAND_TYPE_START_TIMER: {
        const attrs = c.startTimerCommandAttributes!;
        const startedEventId = tx.appendEvent({
          eventType: EventType.EVENT_TYPE_TIMER_STARTED,
          timerStartedEventAttributes: {
            timerId: attrs.timerId,
            startToFireTimeout: attrs.startToFireTimeout,
            workflowTaskCompletedEventId: completed,
          },
          userMetadata: c.userMetadata,
        });
        const fireAtMs = tx.nowMs + durationMs(attrs.startToFireTimeout);
        tx.state.timers[attrs.timerId!] = { timerId: attrs.timerId!, startedEventId, fireAtMs };
        tx.addTimer('user_timer', fireAtMs, { timerId: attrs.timerId!, startedEventId } satisfies UserTimerData);
        break;
      }
      case CommandType.COMMAND_TYPE_CANCEL_TIMER: {
        const timerId = c.cancelTimerCommandAttributes!.timerId!;
        const timer = tx.state.timers[timerId]!;
        tx.appendEvent({
          eventType: EventType.EVENT_TYPE_TIMER_CANCELED,
          timerCanceledEventAttributes: {
            timerId,
            startedEventId: Long.fromNumber(timer.startedEventId),
            workflowTaskCompletedEventId: completed,
            identity,
          },
        });
        delete tx.state.timers[timerId];
        break;
      }
      case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
        completeRun(tx, c.completeWorkflowExecutionCommandAttributes?.result, completedEventId);
        break;
      case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
        failRun(tx, c.failWorkflowExecutionCommandAttributes?.failure, completedEventId);
        break;
      case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        continueAsNew(tx, c.continueAsNewWorkflowExecutionCommandAttributes!, completedEventId);
        break;
      case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
        initiateChild(tx, c.startChildWorkflowExecutionCommandAttributes!, completedEventId, c.userMetadata);
        break;
      case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        initiateSignalExternal(tx, c.signalExternalWorkflowExecutionCommandAttributes!, completedEventId);
        break;
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        initiateCancelExternal(tx, c.requestCancelExternalWorkflowExecutionCommandAttributes!, completedEventId);
        break;
      case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        closeExecution(tx, Status.WORKFLOW_EXECUTION_STATUS_CANCELED, {
          eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
          workflowExecutionCanceledEventAttributes: {
            details: c.cancelWorkflowExecutionCommandAttributes?.details,
            workflowTaskCompletedEventId: completed,
          },
        });
        break;
      case CommandType.COMMAND_TYPE_RECORD_MARKER: {
        const attrs = c.recordMarkerCommandAttributes;
        tx.appendEvent({
          eventType: EventType.EVENT_TYPE_MARKER_RECORDED,
          markerRecordedEventAttributes: {
            markerName: attrs?.markerName,
            details: attrs?.details,
            header: attrs?.header,
            failure: attrs?.failure,
            workflowTaskCompletedEventId: completed,
          },
        });
        break;
      }
      case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        mergeSearchAttributes(tx.state, c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes?.indexedFields);
        tx.visibilityChanged = true;
        tx.appendEvent({
          eventType: EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          upsertWorkflowSearchAttributesEventAttributes: {
            searchAttributes: c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes,
            workflowTaskCompletedEventId: completed,
          },
        });
        break;
      case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
        mergeMemo(tx.state, c.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo?.fields);
        tx.visibilityChanged = true;
        tx.appendEvent({
          eventType: EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
          workflowPropertiesModifiedEventAttributes: {
            upsertedMemo: c.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo,
            workflowTaskCompletedEventId: completed,
          },
        });
        break;
    }
  }
  return { needsWorkflowTask, activityTasks };
}

type PayloadFields = Record<string, proto.temporal.api.common.v1.IPayload> | null | undefined;

/** Upserted fields replace existing ones; a null or empty-list value removes the field. */
function merged(current: string | null | undefined, decode: (b: Buffer) => PayloadFields, fields: PayloadFields) {
  const all = { ...(current ? decode(fromBase64(current)) : {}), ...fields };
  for (const [k, v] of Object.entries(all)) if (isEmptyValue(v)) delete all[k];
  return Object.keys(all).length > 0 ? all : null;
}

/** An empty payload, JSON `null` or `[]` removes a memo field or search attribute, as in Temporal. */
function isEmptyValue(p: proto.temporal.api.common.v1.IPayload): boolean {
  if (!p.data?.length) return true;
  const text = Buffer.from(p.data).toString('utf8');
  return text === '[]' || text === 'null';
}

export function mergeSearchAttributes(s: ExecutionState, fields: PayloadFields): void {
  const SA = temporal.api.common.v1.SearchAttributes;
  const all = merged(s.searchAttributes, (b) => SA.decode(b).indexedFields, fields);
  s.searchAttributes = all ? toBase64(SA.encode({ indexedFields: all }).finish()) : null;
}

export function mergeMemo(s: ExecutionState, fields: PayloadFields): void {
  const Memo = temporal.api.common.v1.Memo;
  const all = merged(s.memo, (b) => Memo.decode(b).fields, fields);
  s.memo = all ? toBase64(Memo.encode({ fields: all }).finish()) : null;
}

export function onUserTimer(tx: ExecutionTx, timerTaskId: number, data: UserTimerData): void {
  tx.doneTimerTaskIds.push(timerTaskId);
  tx.markDirty();
  const timer = tx.state.timers[data.timerId];
  if (!tx.isRunning || !timer || timer.startedEventId !== data.startedEventId) return;
  delete tx.state.timers[data.timerId];
  tx.addExternalEvent({
    eventType: EventType.EVENT_TYPE_TIMER_FIRED,
    timerFiredEventAttributes: { timerId: data.timerId, startedEventId: Long.fromNumber(data.startedEventId) },
  });
  tx.ensureWorkflowTask();
}
