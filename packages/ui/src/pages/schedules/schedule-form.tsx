/**
 * The form that creates a schedule: what to start, and when (an interval, or a cron string,
 * which the server turns into a calendar). Only what cannot be sent is checked here (an
 * interval that does not parse, arguments that are not JSON); everything else is the
 * server's to judge, and its INVALID_ARGUMENT message is shown in the form.
 */
import { useState } from 'preact/hooks';
import { Card, ErrorBox } from '../../components/common';
import { parseJsonArgs } from '../../components/json-args';
import { enumLabel } from '../../format';
import { parseInterval } from './schedule-spec';
import { createSchedule, OVERLAP_POLICIES, OVERLAP_PREFIX, type SpecJson } from './schedules-api';
import './schedules.css';

interface Props {
  ns: string;
  onCreated: (id: string) => void;
  onClose: () => void;
}

const EMPTY = {
  scheduleId: '',
  workflowType: '',
  workflowId: '',
  taskQueue: '',
  kind: 'interval' as 'interval' | 'cron',
  every: '',
  offset: '',
  cron: '',
  timezone: '',
  overlapPolicy: '',
  notes: '',
  paused: false,
  args: '[]',
};
type Form = typeof EMPTY;
type TextField = { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form];

/** The spec the form describes, or the reason it cannot be sent. */
function specOf(form: Form): SpecJson | string {
  const timezoneName = form.timezone.trim() || undefined;
  if (form.kind === 'cron') return { cronString: [form.cron.trim()], timezoneName };
  const interval = parseInterval(form.every);
  if (!interval) return `Every: "${form.every}" is not an interval such as 90s, 5m, 1h30m or 1d`;
  const phase = form.offset.trim() ? parseInterval(form.offset) : undefined;
  if (form.offset.trim() && !phase) return `Offset: "${form.offset}" is not a duration such as 30s or 5m`;
  return { interval: [{ interval, phase }], timezoneName };
}

export function ScheduleForm({ ns, onCreated, onClose }: Props) {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Form>) => setForm((f) => ({ ...f, ...change }));
  const field = (name: TextField, label: string, hint = '', required = true) => (
    <label class="field">
      <span>{label}</span>
      <input
        type="text"
        required={required}
        value={form[name]}
        placeholder={hint}
        onInput={(e) => set({ [name]: e.currentTarget.value })}
      />
    </label>
  );

  const submit = (event: Event) => {
    event.preventDefault();
    const args = parseJsonArgs(form.args);
    if (!args.ok) return setError(new Error(`Arguments: ${args.message}`));
    const spec = specOf(form);
    if (typeof spec === 'string') return setError(new Error(spec));
    setBusy(true);
    setError(undefined);
    const workflowId = form.workflowId.trim() || form.scheduleId.trim();
    createSchedule(ns, { ...form, scheduleId: form.scheduleId.trim(), workflowId, spec, args: args.args }).then(
      () => onCreated(form.scheduleId.trim()),
      (err: unknown) => {
        setError(err);
        setBusy(false);
      },
    );
  };

  return (
    <Card title="New schedule">
      <form class="schedule-form" aria-label="New schedule" onSubmit={submit}>
        {field('scheduleId', 'Schedule ID')}
        {field('workflowType', 'Workflow type')}
        {field('workflowId', 'Workflow ID', 'the schedule ID when empty; each run adds its time', false)}
        {field('taskQueue', 'Task queue')}
        <fieldset class="schedule-when">
          <legend>Runs</legend>
          <label class="radio">
            <input type="radio" name="kind" checked={form.kind === 'interval'} onChange={() => set({ kind: 'interval' })} />
            Every interval
          </label>
          <label class="radio">
            <input type="radio" name="kind" checked={form.kind === 'cron'} onChange={() => set({ kind: 'cron' })} />
            On a calendar (cron)
          </label>
          {form.kind === 'interval' ? (
            <>
              {field('every', 'Every', '90s, 5m, 1h30m, 1d')}
              {field('offset', 'Offset', 'from the epoch, e.g. 5m (optional)', false)}
            </>
          ) : (
            field('cron', 'Cron string', "'30 9 * * MON-FRI', '@daily', '@every 2h'")
          )}
          {field('timezone', 'Time zone', 'an IANA name such as Europe/Berlin; UTC when empty', false)}
        </fieldset>
        <label class="field">
          <span>Overlap policy</span>
          <select value={form.overlapPolicy} onChange={(e) => set({ overlapPolicy: e.currentTarget.value })}>
            <option value="">Skip (default)</option>
            {OVERLAP_POLICIES.slice(1).map((p) => (
              <option key={p} value={p}>
                {enumLabel(p, OVERLAP_PREFIX)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Arguments (JSON array)</span>
          <textarea value={form.args} onInput={(e) => set({ args: e.currentTarget.value })} />
        </label>
        {field('notes', 'Note', 'why this schedule exists (optional)', false)}
        <label class="radio">
          <input type="checkbox" checked={form.paused} onChange={(e) => set({ paused: e.currentTarget.checked })} />
          Start paused
        </label>
        {error !== undefined && <ErrorBox error={error} />}
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy}>
            Create schedule
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </Card>
  );
}
