/**
 * Download: the whole history as `<workflowId>_<runId>_history.json`, `{events: […]}` with
 * canonical payloads, the file `endure workflow show -o json` (and `temporal`) write, which
 * SDK replayers read.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from '../../../components/common';
import { readCanonicalHistory, type RunRef } from './history-reader';
import { historyJson } from './json-view';

export function DownloadButton({ run }: { run: RunRef }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const controller = useRef<AbortController>();
  useEffect(() => () => controller.current?.abort(), []);

  const download = async () => {
    controller.current = new AbortController();
    setBusy(true);
    setError(undefined);
    try {
      const events = await readCanonicalHistory(run, controller.current.signal);
      saveFile(`${run.workflowId}_${run.runId}_history.json`, `${historyJson(events)}\n`);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" disabled={busy} aria-busy={busy} onClick={() => void download()}>
        Download
      </button>
      {error && <ErrorBox error={error} />}
    </>
  );
}

function saveFile(name: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The click has started the download; the object URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
