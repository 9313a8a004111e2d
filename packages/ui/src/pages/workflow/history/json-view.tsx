/**
 * The history as pretty JSON, one line per row of a virtualised list, so 10,000 events
 * (hundreds of thousands of lines) never sit in the DOM at once.
 */
import { useMemo, useRef } from 'preact/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { HistoryEvent } from './events';

const LINE_PX = 18;
const OVERSCAN_LINES = 40;

export function historyJson(events: readonly unknown[]): string {
  return JSON.stringify({ events }, null, 2);
}

export function JsonView({ events }: { events: readonly HistoryEvent[] }) {
  const lines = useMemo(() => historyJson(events).split('\n'), [events]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_PX,
    overscan: OVERSCAN_LINES,
  });
  return (
    <div class="virtual-scroll json-scroll" ref={scrollRef} tabIndex={0} role="region" aria-label="History JSON">
      <pre class="json-lines" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {virtualizer.getVirtualItems().map((line) => (
          <div key={line.key} class="json-line" style={{ transform: `translateY(${line.start}px)` }}>
            {lines[line.index]}
          </div>
        ))}
      </pre>
    </div>
  );
}
