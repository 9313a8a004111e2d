/**
 * A Temporal failure (`temporal.api.failure.v1.Failure`) as people read it: message and type
 * first, then the stack trace, then each cause in turn (an activity failure's cause is
 * usually the application error that made it fail).
 */
import { enumLabel } from '../format';
import { PayloadView } from './common';
import './failure-view.css';

/** A failure in Temporal's JSON form (only the fields shown). */
export interface Failure {
  message?: string;
  source?: string;
  stackTrace?: string;
  cause?: Failure;
  applicationFailureInfo?: { type?: string; nonRetryable?: boolean; details?: unknown };
  timeoutFailureInfo?: { timeoutType?: string; lastHeartbeatDetails?: unknown };
  canceledFailureInfo?: { details?: unknown; identity?: string };
  terminatedFailureInfo?: { identity?: string };
  serverFailureInfo?: { nonRetryable?: boolean };
  activityFailureInfo?: { activityId?: string; activityType?: { name?: string }; retryState?: string; identity?: string };
  childWorkflowExecutionFailureInfo?: { workflowExecution?: { workflowId?: string; runId?: string }; workflowType?: { name?: string }; retryState?: string };
}

/** Causes deeper than this are summarised, so a cyclic or runaway chain cannot hang the page. */
const CAUSE_DEPTH_MAX = 20;

/** The kind of failure (`ApplicationFailure: MyError`, `ActivityFailure`, `TimeoutFailure: StartToClose`, …). */
export function failureKind(failure: Failure): string {
  if (failure.applicationFailureInfo) {
    const type = failure.applicationFailureInfo.type;
    return type ? `ApplicationFailure: ${type}` : 'ApplicationFailure';
  }
  if (failure.activityFailureInfo) return 'ActivityFailure';
  if (failure.childWorkflowExecutionFailureInfo) return 'ChildWorkflowFailure';
  if (failure.timeoutFailureInfo) return `TimeoutFailure: ${enumLabel(failure.timeoutFailureInfo.timeoutType, 'TIMEOUT_TYPE_', '')}`;
  if (failure.canceledFailureInfo) return 'CanceledFailure';
  if (failure.terminatedFailureInfo) return 'TerminatedFailure';
  if (failure.serverFailureInfo) return 'ServerFailure';
  return 'Failure';
}

/** The facts a failure's info adds beside its message (activity, retry state, non-retryable). */
function failureFacts(failure: Failure): string[] {
  const facts: string[] = [];
  const activity = failure.activityFailureInfo;
  if (activity) {
    facts.push(`activity ${activity.activityType?.name ?? ''} (id ${activity.activityId ?? '?'})`);
    if (activity.retryState) facts.push(`retry state: ${enumLabel(activity.retryState, 'RETRY_STATE_')}`);
  }
  const child = failure.childWorkflowExecutionFailureInfo;
  if (child) {
    facts.push(`child ${child.workflowType?.name ?? ''} (${child.workflowExecution?.workflowId ?? '?'})`);
    if (child.retryState) facts.push(`retry state: ${enumLabel(child.retryState, 'RETRY_STATE_')}`);
  }
  if (failure.applicationFailureInfo?.nonRetryable) facts.push('non-retryable');
  if (failure.source) facts.push(`source: ${failure.source}`);
  return facts;
}

function details(failure: Failure): unknown {
  return failure.applicationFailureInfo?.details ?? failure.canceledFailureInfo?.details ?? failure.timeoutFailureInfo?.lastHeartbeatDetails;
}

function OneFailure({ failure, label }: { failure: Failure; label: string }) {
  const facts = failureFacts(failure);
  const extra = details(failure);
  return (
    <div class="failure-item">
      <div class="failure-head">
        <span class="failure-label muted">{label}</span> <strong class="failure-kind">{failureKind(failure)}</strong>
      </div>
      <div class="failure-message">{failure.message || <span class="muted">(no message)</span>}</div>
      {facts.length > 0 && <div class="muted">{facts.join(' · ')}</div>}
      {extra !== undefined && (
        <div>
          <span class="muted">Details</span>
          <PayloadView value={extra} label="Failure details" />
        </div>
      )}
      {failure.stackTrace && (
        <details open class="failure-stack">
          <summary>Stack trace</summary>
          <pre aria-label="Stack trace">{failure.stackTrace}</pre>
        </details>
      )}
    </div>
  );
}

/** A failure and its cause chain. */
export function FailureView({ failure }: { failure: Failure }) {
  const chain: Failure[] = [];
  for (let f: Failure | undefined = failure; f && chain.length < CAUSE_DEPTH_MAX; f = f.cause) chain.push(f);
  const truncated = chain.length === CAUSE_DEPTH_MAX && chain[chain.length - 1]?.cause !== undefined;
  return (
    <div class="failure" aria-label="Failure">
      {chain.map((f, i) => (
        <OneFailure key={i} failure={f} label={i === 0 ? 'Failure' : 'Caused by'} />
      ))}
      {truncated && <p class="muted">… more causes not shown</p>}
    </div>
  );
}
