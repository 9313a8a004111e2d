/**
 * Waiting for a Workflow's result: long-polls the history for the close event (no deadline, the
 * server answers empty pages at its long-poll timeout), follows the chain of runs and maps the
 * close event to a value or to the error the official client throws for it.
 */
import {
  CancelledFailure,
  decodeRetryState,
  RetryState,
  TerminatedFailure,
  TimeoutFailure,
  TimeoutType,
  type LoadedDataConverter,
} from '@endure/common';
import proto from '@temporalio/proto';
import { WorkflowContinuedAsNewError, WorkflowFailedError } from './errors.js';
import { rethrowGrpcError } from './grpc-errors.js';
import {
  decodeArrayFromPayloads,
  decodeFromPayloadsAtIndex,
  decodeOptionalFailureToOptionalError,
} from './payload-codec.js';
import type { WorkflowService } from './types.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface WaitForResultOptions {
  workflowService: WorkflowService;
  namespace: string;
  dataConverter: LoadedDataConverter;
  workflowId: string;
  /** Run to start from; the latest run when unset. */
  runId: string | undefined;
  followRuns: boolean;
}

/** What a close event means for the caller: a value, an error, or "wait for this next run". */
type CloseOutcome = { kind: 'value'; value: unknown } | { kind: 'error'; error: Error } | { kind: 'next'; runId: string };

/** Waits until the Workflow closes and returns its result, or throws why it did not complete. */
export async function waitForWorkflowResult<T>(options: WaitForResultOptions): Promise<T> {
  const { workflowService, namespace, dataConverter, workflowId, followRuns } = options;
  let runId = options.runId;
  let nextPageToken: Uint8Array | null | undefined;
  for (;;) {
    let response: proto.temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;
    try {
      response = await workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId, runId },
        skipArchival: true,
        waitNewEvent: true,
        historyEventFilterType: proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
        nextPageToken,
      });
    } catch (err) {
      rethrowGrpcError(err, 'Failed to get Workflow execution history', { workflowId, runId });
    }
    const events = response.history?.events ?? [];
    if (events.length === 0) {
      // The server's long poll ended without the run closing: poll again from where it left off.
      nextPageToken = response.nextPageToken;
      continue;
    }
    const [event] = events;
    if (events.length !== 1 || event === undefined) {
      throw new Error(`Expected at most 1 close event(s), got: ${events.length}`);
    }
    const outcome = await closeEventOutcome(event, dataConverter, followRuns);
    if (outcome.kind === 'value') return outcome.value as T;
    if (outcome.kind === 'error') throw outcome.error;
    runId = outcome.runId;
    nextPageToken = undefined;
  }
}

async function closeEventOutcome(
  event: HistoryEvent,
  dataConverter: LoadedDataConverter,
  followRuns: boolean,
): Promise<CloseOutcome> {
  const completed = event.workflowExecutionCompletedEventAttributes;
  if (completed) {
    if (followRuns && completed.newExecutionRunId) return { kind: 'next', runId: completed.newExecutionRunId };
    // A JavaScript Workflow returns one value: further payloads are ignored.
    return { kind: 'value', value: await decodeFromPayloadsAtIndex(dataConverter, 0, completed.result?.payloads) };
  }
  const failed = event.workflowExecutionFailedEventAttributes;
  if (failed) {
    if (followRuns && failed.newExecutionRunId) return { kind: 'next', runId: failed.newExecutionRunId };
    const cause = await decodeOptionalFailureToOptionalError(dataConverter, failed.failure);
    return error(new WorkflowFailedError('Workflow execution failed', cause, decodeRetryState(failed.retryState)));
  }
  const canceled = event.workflowExecutionCanceledEventAttributes;
  if (canceled) {
    const details = await decodeArrayFromPayloads(dataConverter, canceled.details?.payloads);
    const failure = withoutStack(new CancelledFailure('Workflow canceled', details));
    return error(new WorkflowFailedError('Workflow execution cancelled', failure, RetryState.NON_RETRYABLE_FAILURE));
  }
  const terminated = event.workflowExecutionTerminatedEventAttributes;
  if (terminated) {
    const message = terminated.reason || 'Workflow execution terminated';
    const failure = withoutStack(new TerminatedFailure(message));
    return error(new WorkflowFailedError(message, failure, RetryState.NON_RETRYABLE_FAILURE));
  }
  const timedOut = event.workflowExecutionTimedOutEventAttributes;
  if (timedOut) {
    if (followRuns && timedOut.newExecutionRunId) return { kind: 'next', runId: timedOut.newExecutionRunId };
    const failure = withoutStack(new TimeoutFailure('Workflow execution timed out', undefined, TimeoutType.START_TO_CLOSE));
    return error(new WorkflowFailedError('Workflow execution timed out', failure, decodeRetryState(timedOut.retryState)));
  }
  const continued = event.workflowExecutionContinuedAsNewEventAttributes;
  if (continued) {
    if (!continued.newExecutionRunId) {
      throw new TypeError('Expected service to return newExecutionRunId for WorkflowExecutionContinuedAsNewEvent');
    }
    if (!followRuns) {
      return error(new WorkflowContinuedAsNewError('Workflow execution continued as new', continued.newExecutionRunId));
    }
    return { kind: 'next', runId: continued.newExecutionRunId };
  }
  throw new TypeError(`Expected a close event, got event type ${event.eventType ?? 'unset'}`);
}

function error(err: Error): CloseOutcome {
  return { kind: 'error', error: err };
}

/** These failures describe a server-side outcome: a client stack trace would only mislead. */
function withoutStack<E extends Error>(err: E): E {
  err.stack = '';
  return err;
}
