/**
 * Signals and cancel requests a workflow sends to another workflow. The
 * command writes its Initiated event and an `external_request` row in the
 * sender's transaction; the row delivers the request to the target (signals
 * carry a request id, so a repeat after a crash is not delivered twice; a
 * cancel request is idempotent by nature), then records the outcome in the
 * sender and deletes itself in that same transaction.
 */
import { randomUUID } from 'node:crypto';
import Long from 'long';
import { EventType, HistoryEvent, enums, type proto } from '../common/proto.js';
import type { TimerTask } from '../persistence/store.js';
import type { ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { isRunning, type ExecutionState, type ExternalRequestState } from './mutable-state.js';
import { addSignal, requestCancel } from './workflow-lifecycle.js';
import { isNotFound, readOrNull } from './read-or-null.js';
import type { NamespaceLookup } from './child-workflows.js';

type SignalAttributes = proto.temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes;
type CancelAttributes = proto.temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes;
type HistoryEventMessage = proto.temporal.api.history.v1.HistoryEvent;

interface ExternalRequestData {
  initiatedEventId: number;
}

/** A message naming the bad field, or null. */
export function validateSignalExternal(attrs: SignalAttributes, idMax: number): string | null {
  if (!attrs.execution?.workflowId) return 'execution.workflow_id is not set';
  if (attrs.execution.workflowId.length > idMax) return 'execution.workflow_id is too long';
  if (!attrs.signalName) return 'signal_name is not set';
  if (attrs.signalName.length > idMax) return 'signal_name is too long';
  return null;
}

export function validateCancelExternal(attrs: CancelAttributes, idMax: number): string | null {
  const workflowId = attrs.workflowId;
  if (!workflowId) return 'execution.workflow_id is not set';
  if (workflowId.length > idMax) return 'execution.workflow_id is too long';
  return null;
}

export function initiateSignalExternal(tx: ExecutionTx, attrs: SignalAttributes, completedEventId: number): void {
  const namespace = attrs.namespace || tx.state.namespace;
  const initiatedEventId = tx.appendEvent({
    eventType: EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    signalExternalWorkflowExecutionInitiatedEventAttributes: {
      workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
      namespace,
      namespaceId: namespace === tx.state.namespace ? tx.state.namespaceId : '',
      workflowExecution: attrs.execution,
      signalName: attrs.signalName,
      input: attrs.input,
      control: attrs.control,
      childWorkflowOnly: attrs.childWorkflowOnly,
      header: attrs.header,
    },
  });
  track(tx, 'signal', initiatedEventId, namespace, attrs.execution);
}

export function initiateCancelExternal(tx: ExecutionTx, attrs: CancelAttributes, completedEventId: number): void {
  const namespace = attrs.namespace || tx.state.namespace;
  const execution = { workflowId: attrs.workflowId, runId: attrs.runId };
  const initiatedEventId = tx.appendEvent({
    eventType: EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    requestCancelExternalWorkflowExecutionInitiatedEventAttributes: {
      workflowTaskCompletedEventId: Long.fromNumber(completedEventId),
      namespace,
      namespaceId: namespace === tx.state.namespace ? tx.state.namespaceId : '',
      workflowExecution: execution,
      control: attrs.control,
      childWorkflowOnly: attrs.childWorkflowOnly,
      reason: attrs.reason,
    },
  });
  track(tx, 'cancel', initiatedEventId, namespace, execution);
}

function track(
  tx: ExecutionTx,
  kind: ExternalRequestState['kind'],
  initiatedEventId: number,
  namespace: string,
  execution: proto.temporal.api.common.v1.IWorkflowExecution | null | undefined,
): void {
  tx.state.externalRequests[initiatedEventId] = {
    initiatedEventId,
    kind,
    namespace,
    workflowId: execution?.workflowId ?? '',
    runId: execution?.runId ?? '',
    requestId: randomUUID(),
  };
  tx.addTimer('external_request', tx.nowMs, { initiatedEventId } satisfies ExternalRequestData);
}

/** The `external_request` row: deliver to the target, then record the outcome in the sender. */
export async function onExternalRequest(es: ExecutionStore, timer: TimerTask, namespaces: NamespaceLookup): Promise<void> {
  const senderRef = { namespaceId: timer.namespaceId, workflowId: timer.workflowId, runId: timer.runId };
  const { initiatedEventId } = JSON.parse(timer.data) as ExternalRequestData;
  const sender = await readOrNull(es, senderRef);
  const request = sender && isRunning(sender) ? sender.externalRequests[initiatedEventId] : undefined;
  if (!sender || !request) {
    await es.store.deleteTimerTasks([timer.id]);
    return;
  }
  const [row] = await es.store.readHistory(sender.namespaceId, sender.runId, initiatedEventId, 1);
  const initiated = HistoryEvent.decode(row!.data);
  const ns = namespaces(request.namespace);
  const delivered = ns ? await deliver(es, ns.id, sender, request, initiated) : false;
  await es.update(senderRef, (tx) => {
    tx.doneTimerTaskIds.push(timer.id);
    tx.markDirty();
    if (!tx.isRunning || !tx.state.externalRequests[initiatedEventId]) return;
    delete tx.state.externalRequests[initiatedEventId];
    const cause = ns ? 'EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND' : 'NAMESPACE_NOT_FOUND';
    tx.addExternalEvent(outcomeEvent(request, initiated, delivered ? null : cause));
    tx.ensureWorkflowTask();
  });
}

/** True when the target took the request; false when it does not exist, has closed, or is not the sender's child. */
async function deliver(
  es: ExecutionStore,
  namespaceId: string,
  sender: ExecutionState,
  request: ExternalRequestState,
  initiated: HistoryEventMessage,
): Promise<boolean> {
  const ref = { namespaceId, workflowId: request.workflowId, runId: request.runId };
  const signal = initiated.signalExternalWorkflowExecutionInitiatedEventAttributes;
  const cancel = initiated.requestCancelExternalWorkflowExecutionInitiatedEventAttributes;
  const childOnly = signal?.childWorkflowOnly ?? cancel?.childWorkflowOnly ?? false;
  try {
    return await es.update(ref, (tx) => {
      if (!tx.isRunning) return false;
      if (childOnly && tx.state.parent?.workflowId !== sender.workflowId) return false;
      if (request.kind === 'signal') {
        addSignal(tx, {
          signalName: signal!.signalName ?? '',
          input: signal!.input,
          header: signal!.header,
          identity: '',
          requestId: request.requestId,
        });
      } else {
        requestCancel(tx, cancel?.reason ?? '', '', {
          initiatedEventId: request.initiatedEventId,
          workflowId: sender.workflowId,
          runId: sender.runId,
        });
      }
      return true;
    });
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function outcomeEvent(request: ExternalRequestState, initiated: HistoryEventMessage, failedCause: string | null) {
  const signal = initiated.signalExternalWorkflowExecutionInitiatedEventAttributes;
  const cancel = initiated.requestCancelExternalWorkflowExecutionInitiatedEventAttributes;
  const common = {
    namespace: request.namespace,
    workflowExecution: { workflowId: request.workflowId, runId: request.runId },
    initiatedEventId: Long.fromNumber(request.initiatedEventId),
  };
  const completedEventId = signal?.workflowTaskCompletedEventId ?? cancel?.workflowTaskCompletedEventId;
  if (request.kind === 'signal') {
    if (!failedCause) {
      return {
        eventType: EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
        externalWorkflowExecutionSignaledEventAttributes: { ...common, control: signal?.control },
      };
    }
    return {
      eventType: EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
      signalExternalWorkflowExecutionFailedEventAttributes: {
        ...common,
        cause: enums.SignalExternalWorkflowExecutionFailedCause[
          `SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_${failedCause}` as keyof typeof enums.SignalExternalWorkflowExecutionFailedCause
        ],
        workflowTaskCompletedEventId: completedEventId,
        control: signal?.control,
      },
    };
  }
  if (!failedCause) {
    return {
      eventType: EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
      externalWorkflowExecutionCancelRequestedEventAttributes: common,
    };
  }
  return {
    eventType: EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
    requestCancelExternalWorkflowExecutionFailedEventAttributes: {
      ...common,
      cause: enums.CancelExternalWorkflowExecutionFailedCause[
        `CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_${failedCause}` as keyof typeof enums.CancelExternalWorkflowExecutionFailedCause
      ],
      workflowTaskCompletedEventId: completedEventId,
      control: cancel?.control,
    },
  };
}
