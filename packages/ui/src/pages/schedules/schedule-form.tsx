/** The form that creates a schedule: what to start, and when (a cron expression or an interval). */
import { useState } from 'preact/hooks';
import { Card, ErrorBox } from '../../components/common';
import { createSchedule, type NewSchedule } from './schedules-api';
import './schedules.css';

interface Props {
  ns: string;
  onCreated: (id: string) => void;
  onClose: () => void;
}

const EMPTY = { scheduleId: '', workflowType: '', workflowId: '', taskQueue: '', when: '', args: '[]' };

export function ScheduleForm({ ns, onCreated, onClose }: Props) {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const field = (name: keyof typeof EMPTY, label: string, hint = '', required = true) => (
    <label class="field">
      <span>{label}</span>
      <input
        type="text"
        required={required}
        value={form[name]}
        placeholder={hint}
        onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );

  const submit = (event: Event) => {
    event.preventDefault();
    let args: unknown;
    try {
      args = JSON.parse(form.args);
    } catch (err) {
      setError(new Error(`Arguments: not JSON (${(err as Error).message})`));
      return;
    }
    if (!Array.isArray(args)) {
      setError(new Error('Arguments: a JSON array, one element per workflow argument'));
      return;
    }
    const schedule: NewSchedule = { ...form, workflowId: form.workflowId || form.scheduleId, args };
    setBusy(true);
    createSchedule(ns, schedule).then(
      () => onCreated(schedule.scheduleId),
      (err: unknown) => {
        setError(err);
        setBusy(false);
      },
    );
  };

  return (
    <Card title="New schedule">
      <form class="schedule-form" onSubmit={submit}>
        {field('scheduleId', 'Schedule ID')}
        {field('workflowType', 'Workflow type')}
        {field('workflowId', 'Workflow ID', 'the schedule ID when empty', false)}
        {field('taskQueue', 'Task queue')}
        {field('when', 'When', "cron ('0 * * * *') or interval ('30s', '5m', '1h')")}
        <label class="field">
          <span>Arguments (JSON array)</span>
          <textarea value={form.args} onInput={(e) => setForm({ ...form, args: (e.target as HTMLTextAreaElement).value })} />
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
