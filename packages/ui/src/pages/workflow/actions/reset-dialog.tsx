/**
 * Resets the run to a completed workflow task: the server starts a new run from the history
 * up to that event, and the page moves to the new run.
 */
import { useState } from 'preact/hooks';
import { apiGet, apiPost } from '../../../api';
import { newRequestId } from '../../../components/request-id';
import { ErrorBox, Loading, Time } from '../../../components/common';
import { ModalDialog } from '../../../components/modal-dialog';
import { useLoad } from '../../../hooks';
import { workflowApiPath } from '../links';
import type { GetWorkflowExecutionHistoryResponse, HistoryEvent } from '../workflow-types';
import { UI_IDENTITY, type ActionProps } from './action-props';

const WORKFLOW_TASK_COMPLETED = 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED';
/** Pages of history read to find reset points; a longer history offers the points found so far. */
const HISTORY_PAGES_MAX = 20;
const HISTORY_PAGE_SIZE = 1000;

const REAPPLY_TYPES = [
  ['RESET_REAPPLY_TYPE_ALL_ELIGIBLE', 'Signals and updates'],
  ['RESET_REAPPLY_TYPE_SIGNAL', 'Signals only'],
  ['RESET_REAPPLY_TYPE_NONE', 'Nothing'],
] as const;

type Point = 'first' | 'last' | 'event';

interface ResetPoints {
  events: HistoryEvent[];
  /** More history exists than was read. */
  truncated: boolean;
}

async function loadResetPoints(namespace: string, workflowId: string, runId: string, signal: AbortSignal): Promise<ResetPoints> {
  const events: HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  for (let page = 0; page < HISTORY_PAGES_MAX; page++) {
    const response = await apiGet<GetWorkflowExecutionHistoryResponse>(
      `${workflowApiPath(namespace, workflowId)}/history`,
      { 'execution.runId': runId, maximumPageSize: HISTORY_PAGE_SIZE, nextPageToken },
      signal,
    );
    events.push(...(response.history?.events ?? []).filter((e) => e.eventType === WORKFLOW_TASK_COMPLETED));
    nextPageToken = response.nextPageToken || undefined;
    if (!nextPageToken) return { events, truncated: false };
  }
  return { events, truncated: true };
}

export function ResetDialog({ namespace, workflowId, runId, onClose, onReset }: Omit<ActionProps, 'onDone'> & { onReset: (newRunId: string) => void }) {
  const points = useLoad(`reset-points/${namespace}/${workflowId}/${runId}`, (signal) => loadResetPoints(namespace, workflowId, runId, signal));
  const [point, setPoint] = useState<Point>('last');
  const [eventId, setEventId] = useState('');
  const [reason, setReason] = useState('');
  const [reapply, setReapply] = useState<string>(REAPPLY_TYPES[0][0]);
  const events = points.data?.events ?? [];

  const chosenEventId = (): string | undefined => {
    if (point === 'first') return events[0]?.eventId;
    if (point === 'last') return events[events.length - 1]?.eventId;
    return eventId || undefined;
  };

  const submit = async () => {
    const target = chosenEventId();
    if (!target) throw new Error('Choose the workflow task to reset to.');
    const response = await apiPost<{ runId?: string }>(`${workflowApiPath(namespace, workflowId)}/reset`, {
      workflowExecution: { workflowId, runId },
      reason,
      workflowTaskFinishEventId: target,
      requestId: newRequestId(),
      resetReapplyType: reapply,
      identity: UI_IDENTITY,
    });
    if (!response.runId) throw new Error('The server did not name the new run.');
    onReset(response.runId);
  };

  const noPoints = points.data !== undefined && events.length === 0;
  return (
    <ModalDialog title="Reset the workflow" submitLabel="Reset workflow" danger onSubmit={submit} onClose={onClose} submitDisabled={!chosenEventId()}>
      <p>A new run starts from the history up to the chosen completed workflow task; this run is terminated if still open.</p>
      {points.error && <ErrorBox error={points.error} />}
      {!points.data && !points.error && <Loading />}
      {noPoints && <p class="form-message">This run has no completed workflow task to reset to.</p>}
      {events.length > 0 && (
        <fieldset class="reset-points">
          <legend>Reset to</legend>
          <label class="radio">
            <input type="radio" name="reset-point" checked={point === 'first'} onChange={() => setPoint('first')} />
            First workflow task (event {events[0]?.eventId})
          </label>
          <label class="radio">
            <input type="radio" name="reset-point" checked={point === 'last'} onChange={() => setPoint('last')} />
            Last workflow task (event {events[events.length - 1]?.eventId})
          </label>
          <label class="radio">
            <input type="radio" name="reset-point" checked={point === 'event'} onChange={() => setPoint('event')} />
            Workflow task completed at event
          </label>
          <select
            aria-label="Event"
            value={eventId}
            disabled={point !== 'event'}
            onChange={(e) => setEventId(e.currentTarget.value)}
          >
            <option value="">Choose an event…</option>
            {events.map((e) => (
              <option key={e.eventId} value={e.eventId}>
                {e.eventId} — WorkflowTaskCompleted
              </option>
            ))}
          </select>
          {point === 'event' && eventId && (
            <span class="muted">
              completed at <Time value={events.find((e) => e.eventId === eventId)?.eventTime} />
            </span>
          )}
          {points.data?.truncated && <span class="muted">Only the first {HISTORY_PAGES_MAX * HISTORY_PAGE_SIZE} events were read.</span>}
        </fieldset>
      )}
      <label>
        Reapply after the reset
        <select value={reapply} onChange={(e) => setReapply(e.currentTarget.value)}>
          {REAPPLY_TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reason
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
    </ModalDialog>
  );
}
