/**
 * The list's keyboard: j/k or the arrow keys move the highlighted row, Enter opens it, x
 * toggles its selection, / focuses the query bar. Keys typed into a field, or while a
 * dialog is open, are left alone.
 */
import { useEffect, useRef } from 'preact/hooks';

export interface ListKeyActions {
  rowCount: number;
  highlighted: number;
  setHighlighted: (index: number) => void;
  open: (index: number) => void;
  toggle: (index: number) => void;
  focusQuery: () => void;
}

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useListKeys(actions: ListKeyActions): void {
  // Read through a ref, so the listener is added once and never sees stale rows.
  const ref = useRef(actions);
  ref.current = actions;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typingInto(event.target) || document.querySelector('dialog[open]')) return;
      const a = ref.current;
      const last = a.rowCount - 1;
      const move = (index: number) => a.setHighlighted(Math.max(0, Math.min(last, index)));
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          if (a.rowCount === 0) return;
          move(a.highlighted < 0 ? 0 : a.highlighted + 1);
          break;
        case 'k':
        case 'ArrowUp':
          if (a.rowCount === 0) return;
          move(a.highlighted < 0 ? 0 : a.highlighted - 1);
          break;
        case 'Enter':
          // Enter on a focused link or button does that control's own thing.
          if (a.highlighted < 0 || (event.target as HTMLElement).closest?.('a, button, summary')) return;
          a.open(a.highlighted);
          break;
        case 'x':
          if (a.highlighted < 0) return;
          a.toggle(a.highlighted);
          break;
        case '/':
          a.focusQuery();
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
