/**
 * The first and the closing event of a run: the first holds the input (and the run it
 * continued), the closing one the result, failure or next run. Each is one small call: a
 * page of one event read forwards, and one read backwards (the closing event is the last).
 */
import { apiGet, type QueryParams } from '../../api';
import { useLoad, type Loaded } from '../../hooks';
import { workflowApiPath } from './links';
import type { GetWorkflowExecutionHistoryResponse, HistoryEvent } from './workflow-types';

export interface RunEnds {
  first: Loaded<HistoryEvent | undefined>;
  /** Loaded only once the run is closed. */
  close: Loaded<HistoryEvent | undefined>;
}

async function oneEvent(path: string, params: QueryParams, signal: AbortSignal): Promise<HistoryEvent | undefined> {
  const response = await apiGet<GetWorkflowExecutionHistoryResponse>(path, { ...params, maximumPageSize: 1 }, signal);
  return response.history?.events?.[0];
}

export function useRunEnds(namespace: string, workflowId: string, runId: string, closed: boolean): RunEnds {
  const base = workflowApiPath(namespace, workflowId);
  const run = `${namespace}/${workflowId}/${runId}`;
  const first = useLoad(`first-event/${run}`, (signal) => oneEvent(`${base}/history`, { 'execution.runId': runId }, signal));
  const close = useLoad(`close-event/${run}/${closed}`, (signal) =>
    closed ? oneEvent(`${base}/history-reverse`, { 'execution.runId': runId }, signal) : Promise.resolve(undefined),
  );
  return { first, close };
}

/** The attributes of an event (`workflowExecutionStartedEventAttributes` for `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`). */
export function eventAttributes<T>(event: HistoryEvent | undefined): T | undefined {
  if (!event?.eventType) return undefined;
  const camel = event.eventType
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return event[`${camel}EventAttributes`] as T | undefined;
}
