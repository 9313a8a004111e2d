/** The run's input (from its first event) and how it ended (from its closing event). */
import { ErrorBox, Loading, PayloadView } from '../../components/common';
import { FailureView, type Failure } from '../../components/failure-view';
import { enumLabel } from '../../format';
import { eventAttributes, type RunEnds } from './run-ends';

interface StartedAttributes {
  input?: unknown;
}

interface CloseAttributes {
  result?: unknown;
  failure?: Failure;
  details?: unknown;
  reason?: string;
  identity?: string;
  retryState?: string;
  newExecutionRunId?: string;
}

function Input({ ends }: { ends: RunEnds }) {
  const { first } = ends;
  if (first.error) return <ErrorBox error={first.error} />;
  if (first.loading && !first.data) return <Loading />;
  const input = eventAttributes<StartedAttributes>(first.data)?.input;
  if (input === undefined || (Array.isArray(input) && input.length === 0)) return <span class="muted">No arguments</span>;
  return <PayloadView value={input} label="Input" />;
}

/** The closing event's content: a result, a failure with its causes, a termination reason. */
function Outcome({ ends, running }: { ends: RunEnds; running: boolean }) {
  const { close } = ends;
  if (running) return <span class="muted">The workflow is running.</span>;
  if (close.error) return <ErrorBox error={close.error} />;
  if (!close.data) return close.loading ? <Loading /> : <span class="muted">—</span>;
  const attributes = eventAttributes<CloseAttributes>(close.data) ?? {};
  const kind = enumLabel(close.data.eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_', '');
  return (
    <div class="outcome">
      {attributes.failure && <FailureView failure={attributes.failure} />}
      {attributes.result !== undefined && <PayloadView value={attributes.result} label="Result" />}
      {attributes.reason !== undefined && (
        <p>
          <span class="muted">Reason: </span>
          {attributes.reason || <span class="muted">(none given)</span>}
          {attributes.identity && <span class="muted"> (by {attributes.identity})</span>}
        </p>
      )}
      {attributes.details !== undefined && <PayloadView value={attributes.details} label="Details" />}
      {kind === 'TimedOut' && <p>The workflow timed out.</p>}
      {kind === 'ContinuedAsNew' && <p>The workflow continued as a new run.</p>}
      {attributes.retryState && attributes.retryState !== 'RETRY_STATE_UNSPECIFIED' && (
        <p class="muted">Retry state: {enumLabel(attributes.retryState, 'RETRY_STATE_')}</p>
      )}
    </div>
  );
}

export function InputResult({ ends, running }: { ends: RunEnds; running: boolean }) {
  return (
    <section class="card input-result">
      <div>
        <h2>Input</h2>
        <Input ends={ends} />
      </div>
      <div>
        <h2>{running ? 'Result' : resultTitle(ends)}</h2>
        <Outcome ends={ends} running={running} />
      </div>
    </section>
  );
}

function resultTitle(ends: RunEnds): string {
  const type = ends.close.data?.eventType;
  if (type === 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED') return 'Failure';
  if (type === 'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED') return 'Terminated';
  if (type === 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED') return 'Canceled';
  return 'Result';
}
