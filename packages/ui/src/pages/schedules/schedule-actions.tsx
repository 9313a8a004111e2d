/**
 * What can be done to a schedule from its page: pause or unpause it with a note, trigger it
 * now, backfill a range of past times, delete it. Each goes through PatchSchedule or
 * DeleteSchedule; the server's refusal is shown where the user acted.
 */
import { useState } from 'preact/hooks';
import { ErrorBox } from '../../components/common';
import { ModalDialog } from '../../components/modal-dialog';
import { enumLabel } from '../../format';
import { deleteSchedule, OVERLAP_POLICIES, OVERLAP_PREFIX, patchSchedule } from './schedules-api';

interface Props {
  ns: string;
  id: string;
  paused: boolean;
  /** The schedule changed: load it again. */
  onChanged: () => void;
  onDeleted: () => void;
}

type Dialog = 'pause' | 'backfill' | 'delete' | undefined;

export function ScheduleActions({ ns, id, paused, onChanged, onDeleted }: Props) {
  const [dialog, setDialog] = useState<Dialog>();
  const [error, setError] = useState<unknown>();
  const done = () => {
    setDialog(undefined);
    onChanged();
  };
  const trigger = () =>
    patchSchedule(ns, id, { triggerImmediately: {} }).then(
      () => (setError(undefined), onChanged()),
      (err: unknown) => setError(err),
    );

  return (
    <>
      <div class="toolbar">
        <button type="button" onClick={() => setDialog('pause')}>
          {paused ? 'Unpause' : 'Pause'}
        </button>
        <button type="button" onClick={() => void trigger()}>
          Trigger now
        </button>
        <button type="button" onClick={() => setDialog('backfill')}>
          Backfill
        </button>
        <button type="button" class="danger" onClick={() => setDialog('delete')}>
          Delete
        </button>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      {dialog === 'pause' && <PauseDialog ns={ns} id={id} paused={paused} onDone={done} onClose={() => setDialog(undefined)} />}
      {dialog === 'backfill' && <BackfillDialog ns={ns} id={id} onDone={done} onClose={() => setDialog(undefined)} />}
      {dialog === 'delete' && (
        <ModalDialog
          title={`Delete schedule ${id}?`}
          submitLabel="Delete schedule"
          danger
          onSubmit={() => deleteSchedule(ns, id).then(onDeleted)}
          onClose={() => setDialog(undefined)}
        >
          <p>The schedule stops; workflows it already started keep running.</p>
        </ModalDialog>
      )}
    </>
  );
}

interface DialogProps {
  ns: string;
  id: string;
  onDone: () => void;
  onClose: () => void;
}

function PauseDialog({ ns, id, paused, onDone, onClose }: DialogProps & { paused: boolean }) {
  const [note, setNote] = useState('');
  const verb = paused ? 'Unpause' : 'Pause';
  const submit = async () => {
    const text = note.trim() || `${verb}d from the Endure UI`;
    await patchSchedule(ns, id, paused ? { unpause: text } : { pause: text });
    onDone();
  };
  return (
    <ModalDialog title={`${verb} the schedule`} submitLabel={`${verb} schedule`} onSubmit={submit} onClose={onClose}>
      <p>
        {paused
          ? 'The schedule takes its next actions again; the times it missed while paused are not taken.'
          : 'The schedule takes no action until it is unpaused; a trigger or a backfill still starts workflows.'}
      </p>
      <label>
        Note
        <input value={note} placeholder="shown with the schedule" onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
    </ModalDialog>
  );
}

const HOUR_MS = 3_600_000;

/** A time typed by the user (RFC 3339, or anything `Date` reads) as RFC 3339, or the reason it is not one. */
function timeOf(label: string, text: string): string | Error {
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? new Error(`${label}: "${text}" is not a time such as 2026-12-03T10:00:00Z`) : date.toISOString();
}

function BackfillDialog({ ns, id, onDone, onClose }: DialogProps) {
  const [range, setRange] = useState(() => {
    const now = Date.now();
    return { from: new Date(now - HOUR_MS).toISOString(), to: new Date(now).toISOString() };
  });
  const [overlapPolicy, setOverlapPolicy] = useState('');
  const submit = async () => {
    const startTime = timeOf('From', range.from);
    const endTime = timeOf('To', range.to);
    if (startTime instanceof Error) throw startTime;
    if (endTime instanceof Error) throw endTime;
    await patchSchedule(ns, id, { backfillRequest: [{ startTime, endTime, overlapPolicy: overlapPolicy || undefined }] });
    onDone();
  };
  return (
    <ModalDialog title="Backfill the schedule" submitLabel="Backfill" onSubmit={submit} onClose={onClose}>
      <p>The schedule takes the actions its spec had between these two times, now, as if they were due.</p>
      <label>
        From
        <input value={range.from} onInput={(e) => setRange({ ...range, from: e.currentTarget.value })} />
      </label>
      <label>
        To
        <input value={range.to} onInput={(e) => setRange({ ...range, to: e.currentTarget.value })} />
      </label>
      <label>
        Overlap policy
        <select value={overlapPolicy} onChange={(e) => setOverlapPolicy(e.currentTarget.value)}>
          <option value="">The schedule's policy</option>
          {OVERLAP_POLICIES.map((p) => (
            <option key={p} value={p}>
              {enumLabel(p, OVERLAP_PREFIX)}
            </option>
          ))}
        </select>
      </label>
    </ModalDialog>
  );
}
