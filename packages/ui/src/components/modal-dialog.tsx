/**
 * A modal <dialog> holding a form: the browser traps focus in it and Escape closes it. The
 * form's submit runs `onSubmit`; while it runs the buttons are disabled, and an error it
 * throws stays in the dialog (the server's reason, such as "workflow already completed").
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from './common';
import './modal-dialog.css';

export interface ModalDialogProps {
  title: string;
  /** The text of the submit button, which is also its accessible name. */
  submitLabel: string;
  danger?: boolean;
  /** Runs on submit; a thrown error is shown in the dialog. */
  onSubmit: () => Promise<void>;
  onClose: () => void;
  /** Disables the submit button (e.g. nothing chosen yet). */
  submitDisabled?: boolean;
  children?: ComponentChildren;
}

export function ModalDialog({ title, submitLabel, danger, onSubmit, onClose, submitDisabled, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const titleId = `dialog-title-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={ref} class="modal" aria-labelledby={titleId} onClose={onClose}>
      <form method="dialog" onSubmit={(e) => void submit(e)}>
        <h2 id={titleId}>{title}</h2>
        <div class="modal-body">{children}</div>
        {error !== undefined && <ErrorBox error={error} />}
        <div class="modal-buttons">
          <button type="button" onClick={onClose} disabled={busy}>
            Close
          </button>
          <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy || submitDisabled}>
            {busy ? `${submitLabel}…` : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
