/**
 * Reading a run's history through `@endure/client`'s raw WorkflowService: every event in
 * order (optionally long polling for new ones until the run closes, and optionally going on
 * into the run a continue-as-new starts), or only the close event of a chain of runs. Used by
 * `workflow show`, `execute`, `result`, `describe`, `trace` and `reset`.
 */
import type { Connection } from '@endure/client';
import proto from '@temporalio/proto';

export type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const { EventType, HistoryEventFilterType } = proto.temporal.api.enums.v1;

/** Events asked for per page; the server may send fewer. */
const HISTORY_PAGE_SIZE_MAX = 1000;
/** Long polls that may end empty before a run closes; bounds a loop on a server that never answers. */
const EMPTY_POLLS_MAX = 100_000;

export interface HistorySource {
  connection: Connection;
  namespace: string;
  signal: AbortSignal;
}

export interface ReadHistoryOptions {
  workflowId: string;
  /** The run to read; the latest when empty. */
  runId?: string;
  /** Long poll for new events until the run closes. */
  follow?: boolean;
  /** After a ContinuedAsNew event, go on with the events of the new run. */
  followContinueAsNew?: boolean;
}

/** The events of a run in order (see ReadHistoryOptions). */
export async function* readHistory(source: HistorySource, options: ReadHistoryOptions): AsyncGenerator<HistoryEvent> {
  let runId = options.runId ?? '';
  let nextPageToken: Uint8Array | undefined;
  for (let emptyPolls = 0; emptyPolls < EMPTY_POLLS_MAX; ) {
    const response = await source.connection.withAbortSignal(source.signal, () =>
      source.connection.workflowService.getWorkflowExecutionHistory({
        namespace: source.namespace,
        execution: { workflowId: options.workflowId, runId },
        maximumPageSize: HISTORY_PAGE_SIZE_MAX,
        waitNewEvent: options.follow === true,
        nextPageToken,
      }),
    );
    const events = response.history?.events ?? [];
    emptyPolls = events.length === 0 ? emptyPolls + 1 : 0;
    let continuedAs: string | undefined;
    for (const event of events) {
      yield event;
      const next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (options.followContinueAsNew === true && next) continuedAs = next;
    }
    if (continuedAs !== undefined) {
      runId = continuedAs;
      nextPageToken = undefined;
      continue;
    }
    if (!response.nextPageToken?.length) return;
    nextPageToken = response.nextPageToken;
  }
  throw new Error(`gave up reading the history of ${options.workflowId} after ${EMPTY_POLLS_MAX} empty long polls`);
}

/** Every event of a run (or of the chain of runs, with `followContinueAsNew`), read to the end. */
export async function readAllEvents(source: HistorySource, options: ReadHistoryOptions): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(source, options)) events.push(event);
  return events;
}

/**
 * The close event of a run, waiting for it with long polls when `wait`; with
 * `followContinueAsNew`, the close event of the last run of the chain. Undefined when the
 * run is still open and `wait` is false.
 */
export async function readCloseEvent(
  source: HistorySource,
  options: { workflowId: string; runId?: string; wait: boolean; followContinueAsNew: boolean },
): Promise<HistoryEvent | undefined> {
  let runId = options.runId ?? '';
  for (let emptyPolls = 0; emptyPolls < EMPTY_POLLS_MAX; ) {
    const response = await source.connection.withAbortSignal(source.signal, () =>
      source.connection.workflowService.getWorkflowExecutionHistory({
        namespace: source.namespace,
        execution: { workflowId: options.workflowId, runId },
        waitNewEvent: options.wait,
        historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
      }),
    );
    const event = response.history?.events?.[0];
    if (event === undefined) {
      if (!options.wait) return undefined;
      emptyPolls++;
      continue;
    }
    const next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!options.followContinueAsNew || !next) return event;
    runId = next;
    emptyPolls = 0;
  }
  throw new Error(`gave up waiting for ${options.workflowId} to close after ${EMPTY_POLLS_MAX} empty long polls`);
}

/**
 * Whether `type` ends a run with an outcome to print as its result: completed, failed, timed
 * out, cancelled or terminated (`temporal` leaves terminations out and prints nothing; we
 * show them). A continue-as-new is not an outcome: the chain goes on.
 */
export function isOutcomeEvent(type: number | null | undefined): boolean {
  return (
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED
  );
}
