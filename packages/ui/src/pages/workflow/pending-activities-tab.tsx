/** The run's pending activities: where each stands, its retries and heartbeats, and why its last attempt failed. */
import { Field, PayloadView, Time } from '../../components/common';
import { FailureView } from '../../components/failure-view';
import { durationMs, enumLabel, formatDurationMs } from '../../format';
import type { PendingActivityInfo } from './workflow-types';

function attempts(activity: PendingActivityInfo): string {
  const attempt = activity.attempt ?? 1;
  // 0 maximum attempts is Temporal's "retry without limit".
  return activity.maximumAttempts ? `${attempt} of ${activity.maximumAttempts}` : `${attempt} (no limit)`;
}

function PendingActivity({ activity }: { activity: PendingActivityInfo }) {
  const state = enumLabel(activity.state, 'PENDING_ACTIVITY_STATE_');
  const retryInterval = durationMs(activity.currentRetryInterval);
  return (
    <article class="card pending-activity" aria-label={`Activity ${activity.activityId ?? ''}`}>
      <h2>
        {activity.activityType?.name ?? 'Activity'} <span class="muted mono">id {activity.activityId}</span>{' '}
        <span class={`badge activity-${state.toLowerCase().replace(/\s+/g, '-')}`}>{state}</span>
      </h2>
      <dl>
        <Field label="Attempt">{attempts(activity)}</Field>
        <Field label="Scheduled">
          <Time value={activity.scheduledTime} />
        </Field>
        <Field label="Last started">
          <Time value={activity.lastStartedTime} />
        </Field>
        <Field label="Last heartbeat">
          <Time value={activity.lastHeartbeatTime} />
        </Field>
        <Field label="Next retry">
          <Time value={activity.nextAttemptScheduleTime} />
          {retryInterval !== undefined && <span class="muted"> (every {formatDurationMs(retryInterval)})</span>}
        </Field>
        <Field label="Expires">
          <Time value={activity.expirationTime} />
        </Field>
        <Field label="Last worker">{activity.lastWorkerIdentity || <span class="muted">—</span>}</Field>
      </dl>
      {activity.heartbeatDetails !== undefined && (
        <div class="sub-section">
          <h3>Heartbeat details</h3>
          <PayloadView value={activity.heartbeatDetails} label="Heartbeat details" />
        </div>
      )}
      {activity.lastFailure && (
        <div class="sub-section">
          <h3>Last failure</h3>
          <FailureView failure={activity.lastFailure} />
        </div>
      )}
    </article>
  );
}

export function PendingActivitiesTab({ activities, running }: { activities: PendingActivityInfo[]; running: boolean }) {
  if (activities.length === 0) {
    return <p class="muted">{running ? 'No activity is pending.' : 'The workflow is closed: nothing is pending.'}</p>;
  }
  return (
    <div class="pending-activities">
      {activities.map((activity) => (
        <PendingActivity key={activity.activityId} activity={activity} />
      ))}
    </div>
  );
}
