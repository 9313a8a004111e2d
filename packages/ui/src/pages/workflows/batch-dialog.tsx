/**
 * The confirmation for a batch cancel or terminate: which workflows (the running ones of the
 * selection, or every running workflow the query matches, counted first), a reason for
 * terminate, then progress and a summary of what succeeded and what failed.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from '../../components/common';
import { useLoad } from '../../hooks';
import { runOnQuery, runOnRefs, type BatchProgress } from './batch-run';
import { cancelWorkflow, countWorkflows, terminateWorkflow, type ExecutionRef } from './workflows-api';

export type BatchKind = 'cancel' | 'terminate';
type Scope = 'selection' | 'query';

interface Props {
  ns: string;
  kind: BatchKind;
  /** The running workflows among the selection. */
  selection: ExecutionRef[];
  /** How many selected workflows are not running (and are left out). */
  skipped: number;
  /** The list's query with `ExecutionStatus = 'Running'` added. */
  runningQuery: string;
  onClose: (changed: boolean) => void;
}

const plural = (n: number) => `${n.toLocaleString()} workflow${n === 1 ? '' : 's'}`;

export function BatchDialog({ ns, kind, selection, skipped, runningQuery, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [scope, setScope] = useState<Scope>(selection.length > 0 ? 'selection' : 'query');
  const [reason, setReason] = useState('');
  const [progress, setProgress] = useState<BatchProgress>();
  const [failure, setFailure] = useState<unknown>();
  const matching = useLoad(`batch-count\n${ns}\n${runningQuery}`, (signal) => countWorkflows(ns, runningQuery, signal));

  useEffect(() => dialog.current?.showModal(), []);

  const running = progress !== undefined && !progress.finished;
  const verb = kind === 'cancel' ? 'Cancel' : 'Terminate';
  const count = scope === 'selection' ? selection.length : matching.data;

  const start = () => {
    if (!count) return;
    const action =
      kind === 'cancel'
        ? (ref: ExecutionRef) => cancelWorkflow(ns, ref)
        : (ref: ExecutionRef) => terminateWorkflow(ns, ref, reason.trim() || 'Terminated from the Endure UI');
    setProgress({ total: count, succeeded: 0, failed: 0, reasons: [], finished: false });
    const run = scope === 'selection' ? runOnRefs(selection, action, setProgress) : runOnQuery(ns, runningQuery, count, action, setProgress);
    run.catch((err: unknown) => {
      setFailure(err);
      setProgress((p) => p && { ...p, finished: true });
    });
  };

  return (
    <dialog
      ref={dialog}
      class="batch-dialog"
      aria-labelledby="batch-title"
      onCancel={(e) => (running ? e.preventDefault() : onClose(progress !== undefined))}
    >
      <h2 id="batch-title">{verb} workflows</h2>
      {progress === undefined ? (
        <>
          <fieldset class="batch-scope">
            <legend>Which workflows</legend>
            <label>
              <input type="radio" name="scope" checked={scope === 'selection'} disabled={selection.length === 0} onChange={() => setScope('selection')} />
              The selected running workflows ({selection.length.toLocaleString()})
              {skipped > 0 && <span class="muted"> — {plural(skipped)} selected but not running are left out</span>}
            </label>
            <label>
              <input type="radio" name="scope" checked={scope === 'query'} onChange={() => setScope('query')} />
              Every running workflow matching the query ({matching.data === undefined ? '…' : matching.data.toLocaleString()})
            </label>
          </fieldset>
          {matching.error && scope === 'query' && <ErrorBox error={matching.error} />}
          {kind === 'terminate' && (
            <label class="batch-reason">
              <span>Reason</span>
              <input type="text" value={reason} placeholder="Terminated from the Endure UI" onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
            </label>
          )}
          <p>
            {count === undefined ? 'Counting…' : count === 0 ? 'No running workflow to act on.' : `This will ${kind} ${plural(count)}.`}
            {kind === 'cancel' && count ? ' Each workflow is asked to cancel; it decides how.' : ''}
          </p>
        </>
      ) : (
        <BatchSummary kind={kind} progress={progress} />
      )}
      {failure !== undefined && <ErrorBox error={failure}>{' '}(the batch stopped there)</ErrorBox>}
      <div class="dialog-buttons">
        {progress === undefined && (
          <button type="button" class="danger" disabled={!count} onClick={start}>
            {verb} {count ? plural(count) : 'workflows'}
          </button>
        )}
        <button type="button" disabled={running} onClick={() => onClose(progress !== undefined)}>
          Close
        </button>
      </div>
    </dialog>
  );
}

function BatchSummary({ kind, progress }: { kind: BatchKind; progress: BatchProgress }) {
  const done = progress.succeeded + progress.failed;
  const past = kind === 'cancel' ? 'cancellation requested' : 'terminated';
  return (
    <div class="batch-summary" role="status">
      {progress.finished ? (
        <p>
          {progress.succeeded.toLocaleString()} succeeded ({past}), {progress.failed.toLocaleString()} failed.
        </p>
      ) : (
        <p>
          <progress max={progress.total} value={done} /> {done.toLocaleString()} of {progress.total.toLocaleString()} done…
        </p>
      )}
      {progress.reasons.length > 0 && (
        <ul class="batch-reasons">
          {progress.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
