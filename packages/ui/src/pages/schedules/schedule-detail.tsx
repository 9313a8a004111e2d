/**
 * One schedule: when it runs (its spec as the server canonicalized it), what it starts, its
 * policies and counters, its upcoming, running and recent runs, and what can be done to it.
 */
import type { ComponentChildren } from 'preact';
import { Card, ErrorBox, Field, Loading, PayloadView, StatusBadge, Time } from '../../components/common';
import { enumLabel } from '../../format';
import { useLoad } from '../../hooks';
import { taskQueuePath, workflowPath } from '../workflow/links';
import { ScheduleActions } from './schedule-actions';
import { calendarText, durationText, intervalText } from './schedule-spec';
import { describeSchedule, OVERLAP_PREFIX, type DescribeScheduleResponse, type ScheduleActionResult } from './schedules-api';
import { decodeJsonPayload } from '../../components/payload-decode';

const REFRESH_MS = 5000;

interface Props {
  ns: string;
  id: string;
  /** A pause, unpause, trigger or backfill went through (the list shows the state too). */
  onChanged: () => void;
  onDeleted: () => void;
}

export function ScheduleDetail({ ns, id, onChanged, onDeleted }: Props) {
  const loaded = useLoad(`schedule\n${ns}\n${id}`, (signal) => describeSchedule(ns, id, signal), REFRESH_MS);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const paused = loaded.data.schedule?.state?.paused ?? false;
  return (
    <Card title={`Schedule ${id}`}>
      <ScheduleActions
        ns={ns}
        id={id}
        paused={paused}
        onChanged={() => {
          loaded.reload();
          onChanged();
        }}
        onDeleted={onDeleted}
      />
      <Overview ns={ns} described={loaded.data} />
      <Runs ns={ns} info={loaded.data.info} />
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section aria-label={title}>
      <h3 class="schedule-section">{title}</h3>
      {children}
    </section>
  );
}

/** An int64 counter: a string in JSON, absent when 0. */
const count = (value: string | undefined) => value ?? '0';

function Overview({ ns, described }: { ns: string; described: DescribeScheduleResponse }) {
  const { schedule, info, memo, searchAttributes } = described;
  const { spec, policies, state } = schedule ?? {};
  const start = schedule?.action?.startWorkflow;
  const queue = start?.taskQueue?.name;
  return (
    <>
      <dl>
        <Field label="State">{state?.paused ? 'Paused' : 'Running'}</Field>
        <Field label="Notes">{state?.notes || '—'}</Field>
        <Field label="Workflow type">{start?.workflowType?.name ?? '—'}</Field>
        <Field label="Workflow ID">{start?.workflowId ?? '—'}</Field>
        <Field label="Task queue">{queue ? <a href={taskQueuePath(ns, queue)}>{queue}</a> : '—'}</Field>
        <Field label="Created"><Time value={info?.createTime} /></Field>
        <Field label="Updated"><Time value={info?.updateTime} /></Field>
      </dl>
      <Section title="Spec">
        <dl>
          <Field label="Calendars">{lines((spec?.structuredCalendar ?? []).map(calendarText))}</Field>
          <Field label="Intervals">{lines((spec?.interval ?? []).map(intervalText))}</Field>
          <Field label="Excluded">{lines((spec?.excludeStructuredCalendar ?? []).map(calendarText))}</Field>
          <Field label="Time zone">{spec?.timezoneName || 'UTC'}</Field>
          <Field label="Jitter">{spec?.jitter ? durationText(spec.jitter) : 'none'}</Field>
          <Field label="Start time"><Time value={spec?.startTime} /></Field>
          <Field label="End time"><Time value={spec?.endTime} /></Field>
        </dl>
      </Section>
      <Section title="Policies">
        <dl>
          <Field label="Overlap policy">{enumLabel(policies?.overlapPolicy, OVERLAP_PREFIX) || 'Skip'}</Field>
          {/* Temporal's default catch-up window is one year. */}
          <Field label="Catch-up window">{policies?.catchupWindow ? durationText(policies.catchupWindow) : '365d (default)'}</Field>
          <Field label="Pause on failure">{policies?.pauseOnFailure ? 'Yes' : 'No'}</Field>
          <Field label="Remaining actions">{state?.limitedActions ? count(state.remainingActions) : 'Unlimited'}</Field>
        </dl>
      </Section>
      <Section title="Counters">
        <dl>
          <Field label="Actions taken">{count(info?.actionCount)}</Field>
          <Field label="Missed catch-up window">{count(info?.missedCatchupWindow)}</Field>
          <Field label="Skipped by overlap">{count(info?.overlapSkipped)}</Field>
          <Field label="Buffer dropped">{count(info?.bufferDropped)}</Field>
          <Field label="Buffered">{count(info?.bufferSize)}</Field>
        </dl>
      </Section>
      <Section title="Workflow arguments">
        <PayloadView value={start?.input} label="Workflow arguments" />
      </Section>
      <Section title="Memo and search attributes">
        <dl>
          <Field label="Memo">{keyValues(memo?.fields)}</Field>
          <Field label="Search attributes">{keyValues(searchAttributes?.indexedFields)}</Field>
          <Field label="Workflow memo">{keyValues(start?.memo?.fields)}</Field>
          <Field label="Workflow search attributes">{keyValues(start?.searchAttributes?.indexedFields)}</Field>
        </dl>
      </Section>
    </>
  );
}

function lines(items: string[]) {
  if (items.length === 0) return '—';
  return items.map((item) => <div key={item}>{item}</div>);
}

/** A memo's or search attributes' fields (payloads shown as their JSON value) as `key: value` lines. */
function keyValues(fields: Record<string, unknown> | undefined) {
  const entries = Object.entries(fields ?? {});
  if (entries.length === 0) return '—';
  return entries.map(([key, value]) => (
    <div key={key} class="mono">
      {key}: {JSON.stringify(decodeJsonPayload(value))}
    </div>
  ));
}

function Runs({ ns, info }: { ns: string; info: DescribeScheduleResponse['info'] }) {
  const recent = [...(info?.recentActions ?? [])].reverse();
  const running = info?.runningWorkflows ?? [];
  return (
    <>
      <Section title="Upcoming runs">
        <ul class="schedule-runs">
          {(info?.futureActionTimes ?? []).map((t) => (
            <li key={t}>
              <Time value={t} />
            </li>
          ))}
        </ul>
        {(info?.futureActionTimes ?? []).length === 0 && <p class="muted">None.</p>}
      </Section>
      {running.length > 0 && (
        <Section title="Running workflows">
          <ul class="schedule-runs">
            {running.map((r) => (
              <li key={`${r.workflowId}/${r.runId}`}>
                <a class="mono" href={workflowPath(ns, r.workflowId ?? '', r.runId ?? '', 'history')}>
                  {r.workflowId}
                </a>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section title="Recent runs">
        {recent.length === 0 ? <p class="muted">None yet.</p> : <RecentRuns ns={ns} actions={recent} />}
      </Section>
    </>
  );
}

function RecentRuns({ ns, actions }: { ns: string; actions: ScheduleActionResult[] }) {
  return (
    <table aria-label="Recent runs">
      <thead>
        <tr>
          <th scope="col">Scheduled for</th>
          <th scope="col">Started</th>
          <th scope="col">Workflow</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((a) => {
          const wf = a.startWorkflowResult;
          return (
            <tr key={`${a.scheduleTime}/${wf?.workflowId}/${wf?.runId}`}>
              <td><Time value={a.scheduleTime} /></td>
              <td><Time value={a.actualTime} /></td>
              <td>
                {wf?.workflowId ? (
                  <a class="mono" href={workflowPath(ns, wf.workflowId, wf.runId ?? '', 'history')}>
                    {wf.workflowId}
                  </a>
                ) : (
                  '—'
                )}
              </td>
              <td>{a.startWorkflowStatus ? <StatusBadge status={a.startWorkflowStatus} /> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
