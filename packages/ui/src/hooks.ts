import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Loads again now (keeps showing the current data meanwhile). */
  reload: () => void;
}

/**
 * Calls `load` when `key` changes, and again every `refreshMs` while the tab is visible when
 * given. The data on screen stays until new data arrives, so a refresh never blanks a page
 * or loses its scroll position.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error; loading: boolean }>({ key, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, loading: true }));
    loadRef.current(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ key, data, loading: false }),
      (error: Error) =>
        !controller.signal.aborted &&
        error.name !== 'AbortError' &&
        setState((s) => ({ key, data: s.key === key ? s.data : undefined, error, loading: false })),
    );
    return () => controller.abort();
  }, [key, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [key, refreshMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}
