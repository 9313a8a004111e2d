/**
 * A long list of expandable rows, virtualised: only the rows in view are in the DOM, each
 * measured as it renders (expanded rows are taller), so 10,000 events open and scroll
 * smoothly. Keyboard: j/k or the arrow keys move between rows, Home/End jump, Enter or Space
 * (the row's button) expands.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface VirtualRowsProps<T> {
  items: readonly T[];
  /** The list's accessible name. */
  label: string;
  rowKey: (item: T) => string;
  estimateRowPx: number;
  expanded: ReadonlySet<string>;
  onToggle: (key: string) => void;
  /** The row's always-visible line, inside its expand button. */
  renderHead: (item: T) => ComponentChildren;
  /** What an expanded row shows below its line. */
  renderBody: (item: T) => ComponentChildren;
}

const OVERSCAN_ROWS = 12;
/** Frames to wait for a row scrolled to to render before focusing it. */
const FOCUS_FRAMES_MAX = 10;

export function VirtualRows<T>({ items, label, rowKey, estimateRowPx, expanded, onToggle, renderHead, renderBody }: VirtualRowsProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [focusRequest, setFocusRequest] = useState(0);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateRowPx,
    overscan: OVERSCAN_ROWS,
    getItemKey: (index) => rowKey(items[index]!),
  });
  const activeIndex = Math.min(active, Math.max(0, items.length - 1));

  useEffect(() => {
    if (focusRequest === 0) return;
    let frames = 0;
    let frame = 0;
    const focusActive = () => {
      const button = scrollRef.current?.querySelector<HTMLButtonElement>(`[data-index="${activeIndex}"] > button`);
      if (button) button.focus();
      else if (++frames < FOCUS_FRAMES_MAX) frame = requestAnimationFrame(focusActive);
    };
    focusActive();
    return () => cancelAnimationFrame(frame);
  }, [focusRequest]);

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(items.length - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    setFocusRequest((n) => n + 1);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.target as HTMLElement).closest('.row-body')) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / estimateRowPx));
    const moves: Record<string, number> = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) moveTo(activeIndex + moves[e.key]!);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(items.length - 1);
    else return;
    e.preventDefault();
  };

  return (
    <div class="virtual-scroll" ref={scrollRef} onKeyDown={onKeyDown}>
      <div role="list" aria-label={label} class="virtual-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index]!;
          const key = rowKey(item);
          const open = expanded.has(key);
          return (
            <div
              key={row.key}
              role="listitem"
              class={open ? 'vrow open' : 'vrow'}
              data-index={row.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              <button
                type="button"
                class="row-head"
                aria-expanded={open}
                tabIndex={row.index === activeIndex ? 0 : -1}
                onClick={() => onToggle(key)}
                onFocus={() => setActive(row.index)}
              >
                {renderHead(item)}
              </button>
              {open && <div class="row-body">{renderBody(item)}</div>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
