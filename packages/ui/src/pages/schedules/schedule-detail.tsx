/**
 * One schedule: when it runs, what it starts, its recent and upcoming runs, and the buttons
 * to pause or unpause it, trigger it now, or delete it (after a confirmation).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Card, ErrorBox, Field, Loading, Time } from '../../components/common';
import { useLoad } from '../../hooks';
import { deleteSchedule, describeSchedule, patchSchedule } from './schedules-api';

const REFRESH_MS = 5000;

interface Props {
  ns: string;
  id: string;
  /** A pause, unpause or trigger went through (the list shows the state too). */
  onChanged: () => void;
  onDeleted: () => void;
}

export function ScheduleDetail({ ns, id, onChanged, onDeleted }: Props) {
  const loaded = useLoad(`schedule\n${ns}\n${id}`, (signal) => describeSchedule(ns, id, signal), REFRESH_MS);
  const [actionError, setActionError] = useState<unknown>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const act = (call: () => Promise<unknown>, after = () => (loaded.reload(), onChanged())) =>
    call().then(
      () => {
        setActionError(undefined);
        after();
      },
      (err: unknown) => setActionError(err),
    );

  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { schedule, info } = loaded.data;
  const paused = schedule?.state?.paused ?? false;
  const start = schedule?.action?.startWorkflow;
  const spec = schedule?.spec;
  const when = [...(spec?.cronString ?? []), ...(spec?.interval ?? []).map((i) => `every ${i.interval ?? ''}`)].join(', ');

  return (
    <Card title={`Schedule ${id}`}>
      <div class="toolbar">
        <button type="button" onClick={() => void act(() => patchSchedule(ns, id, paused ? { unpause: 'Unpaused from the Endure UI' } : { pause: 'Paused from the Endure UI' }))}>
          {paused ? 'Unpause' : 'Pause'}
        </button>
        <button type="button" onClick={() => void act(() => patchSchedule(ns, id, { triggerImmediately: {} }))}>
          Trigger now
        </button>
        <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
      </div>
      {actionError !== undefined && <ErrorBox error={actionError} />}
      <dl>
        <Field label="State">{paused ? 'Paused' : 'Running'}</Field>
        <Field label="Runs">{when || '—'}{spec?.timezoneName ? ` (${spec.timezoneName})` : ''}</Field>
        <Field label="Workflow type">{start?.workflowType?.name ?? '—'}</Field>
        <Field label="Workflow ID">{start?.workflowId ?? '—'}</Field>
        <Field label="Task queue">{start?.taskQueue?.name ?? '—'}</Field>
        <Field label="Actions taken">{info?.actionCount ?? '0'}</Field>
        <Field label="Created"><Time value={info?.createTime} /></Field>
        <Field label="Updated"><Time value={info?.updateTime} /></Field>
        <Field label="Notes">{schedule?.state?.notes || '—'}</Field>
      </dl>
      <h3>Upcoming runs</h3>
      <ul>
        {(info?.futureActionTimes ?? []).map((t) => (
          <li key={t}>
            <Time value={t} />
          </li>
        ))}
      </ul>
      <h3>Recent runs</h3>
      <ul>
        {(info?.recentActions ?? []).map((a) => {
          const wf = a.startWorkflowResult;
          return (
            <li key={a.actualTime}>
              <Time value={a.actualTime} />{' '}
              {wf?.workflowId && (
                <a href={`/namespaces/${encodeURIComponent(ns)}/workflows/${encodeURIComponent(wf.workflowId)}/${encodeURIComponent(wf.runId ?? '')}/history`}>
                  {wf.workflowId}
                </a>
              )}
            </li>
          );
        })}
      </ul>
      {confirmDelete && (
        <ConfirmDelete
          id={id}
          onClose={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false);
            void act(() => deleteSchedule(ns, id), onDeleted);
          }}
        />
      )}
    </Card>
  );
}

function ConfirmDelete({ id, onClose, onConfirm }: { id: string; onClose: () => void; onConfirm: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} aria-labelledby="delete-title" onCancel={onClose}>
      <h2 id="delete-title">Delete schedule {id}?</h2>
      <p>The schedule stops; workflows it already started keep running.</p>
      <div class="toolbar">
        <button type="button" class="danger" onClick={onConfirm}>
          Delete schedule
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
