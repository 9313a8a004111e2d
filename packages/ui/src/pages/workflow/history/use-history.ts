/**
 * `useHistory(run)`: the run's events, all pages of them, and while the run is open the new
 * ones as they arrive (a read every 1.5 s while the tab is visible). Events already on
 * screen keep their identity, so only new rows render. The last few runs' readers are kept,
 * so switching between the history and timeline tabs does not read the history again.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEvent } from './events';
import { HistoryReader, type RunRef } from './history-reader';

export const FOLLOW_INTERVAL_MS = 1500;
const READERS_KEPT_MAX = 4;

export interface HistoryState {
  events: readonly HistoryEvent[];
  /** Every page has been read at least once. */
  loaded: boolean;
  /** The last read failed (events read before stay). */
  error: Error | undefined;
}

const readers = new Map<string, HistoryReader>();

function readerFor(run: RunRef): HistoryReader {
  const key = JSON.stringify([run.namespace, run.workflowId, run.runId]);
  let reader = readers.get(key);
  if (reader) readers.delete(key);
  else reader = new HistoryReader(run);
  readers.set(key, reader); // most recently used last
  while (readers.size > READERS_KEPT_MAX) readers.delete(readers.keys().next().value!);
  return reader;
}

export function useHistory(run: RunRef & { running: boolean }): HistoryState {
  const { namespace, workflowId, runId, running } = run;
  const [state, setState] = useState<HistoryState & { runKey: string }>({ runKey: '', events: [], loaded: false, error: undefined });
  const runKey = JSON.stringify([namespace, workflowId, runId]);

  useEffect(() => {
    const reader = readerFor({ namespace, workflowId, runId });
    const controller = new AbortController();
    const show = (patch: Partial<HistoryState>) =>
      !controller.signal.aborted && setState((s) => ({ ...(s.runKey === runKey ? s : { events: [], loaded: false, error: undefined }), ...patch, runKey }));
    show({ events: reader.events });

    let timer: ReturnType<typeof setTimeout> | undefined;
    const readOnce = async () => {
      try {
        await reader.read(controller.signal, (events) => show({ events }));
        show({ loaded: true, error: undefined });
      } catch (error) {
        if ((error as Error).name !== 'AbortError') show({ error: error as Error });
      }
      // Runs that closed are read once more (above) for their closing events, then left alone.
      if (running && !controller.signal.aborted) timer = setTimeout(() => void followWhenVisible(), FOLLOW_INTERVAL_MS);
    };
    const followWhenVisible = async () => {
      if (document.visibilityState === 'visible') await readOnce();
      else timer = setTimeout(() => void followWhenVisible(), FOLLOW_INTERVAL_MS);
    };
    void readOnce();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [runKey, running]);

  const current = state.runKey === runKey ? state : { events: [], loaded: false, error: undefined };
  return { events: current.events, loaded: current.loaded, error: current.error };
}
