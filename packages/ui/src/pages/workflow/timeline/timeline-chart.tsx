/**
 * The timeline itself: a time axis over one lane per item, lanes virtualised so hundreds of
 * items stay light. Bars are buttons (hover or focus shows name, times and duration; click
 * selects); signals are points; running items are drawn open-ended.
 */
import { useRef, useState } from 'preact/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatDurationMs, formatTime } from '../../../format';
import { useSettings } from '../../../settings';
import { KIND_LABELS, OUTCOME_LABELS } from '../history/compact-view';
import { timeTicks } from './axis';
import type { TimelineItem, TimelineRange } from './timeline-items';

interface TimelineChartProps {
  items: TimelineItem[];
  range: TimelineRange;
  selectedKey: string | undefined;
  onSelect: (key: string) => void;
}

const LANE_PX = 28;
const TICKS_MAX = 8;
const OVERSCAN_LANES = 10;
/** How far from the middle (as a fraction of the axis) a tick may be and keep its label. */
const TICK_LABEL_SPREAD_MAX = 0.46;

interface Hover {
  item: TimelineItem;
  x: number;
  y: number;
}

export function TimelineChart({ items, range, selectedKey, onSelect }: TimelineChartProps) {
  const { timeZone } = useSettings();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<Hover | undefined>();
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LANE_PX,
    overscan: OVERSCAN_LANES,
  });
  const spanMs = range.endMs - range.startMs;
  const pct = (ms: number) => `${(((ms - range.startMs) / spanMs) * 100).toFixed(3)}%`;
  const ticks = timeTicks(range.startMs, range.endMs, TICKS_MAX, timeZone);
  // Labels centred on ticks at the very edges would spill out of the axis.
  const labelled = ticks.filter((tick) => Math.abs((tick.ms - range.startMs) / spanMs - 0.5) < TICK_LABEL_SPREAD_MAX);
  const showTip = (item: TimelineItem, target: EventTarget | null) => {
    const rect = (target as HTMLElement).getBoundingClientRect();
    setHover({ item, x: rect.left, y: rect.bottom });
  };

  return (
    <div class="timeline">
      <div class="timeline-axis" aria-hidden="true">
        <div class="lane-label muted">{formatTime(new Date(range.startMs).toISOString(), timeZone).slice(0, 10)}</div>
        <div class="lane-track">
          {labelled.map((tick) => (
            <span key={tick.ms} class="tick" style={{ left: pct(tick.ms) }}>
              {tick.label}
            </span>
          ))}
        </div>
      </div>
      <div class="timeline-scroll" ref={scrollRef} onScroll={() => setHover(undefined)}>
        <div role="list" aria-label="Timeline" class="timeline-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <div class="gridlines" aria-hidden="true">
            {ticks.map((tick) => (
              <span key={tick.ms} class="gridline" style={{ left: pct(tick.ms) }} />
            ))}
          </div>
          {virtualizer.getVirtualItems().map((lane) => {
            const item = items[lane.index]!;
            const { group } = item;
            const classes = [item.point ? 'point' : 'bar', `outcome-${group.outcome}`, item.open && 'open', group.key === selectedKey && 'selected'];
            return (
              <div key={lane.key} role="listitem" class="lane" style={{ transform: `translateY(${lane.start}px)`, height: `${LANE_PX}px` }}>
                <div class="lane-label" title={group.name}>
                  <span class="muted">{KIND_LABELS[group.kind]}</span> {group.name}
                </div>
                <div class="lane-track">
                  <button
                    type="button"
                    class={classes.filter(Boolean).join(' ')}
                    data-kind={group.kind}
                    aria-label={itemLabel(item)}
                    aria-pressed={group.key === selectedKey}
                    style={item.point ? { left: pct(item.startMs) } : { left: pct(item.startMs), width: pct(range.startMs + (item.endMs - item.startMs)) }}
                    onClick={() => onSelect(group.key)}
                    onMouseEnter={(e) => showTip(item, e.currentTarget)}
                    onFocus={(e) => showTip(item, e.currentTarget)}
                    onMouseLeave={() => setHover(undefined)}
                    onBlur={() => setHover(undefined)}
                  />
                </div>
              </div>
            );
          })}
        </div>
      </div>
      {hover && <Tooltip hover={hover} />}
    </div>
  );
}

function Tooltip({ hover }: { hover: Hover }) {
  const { timeZone } = useSettings();
  const { item } = hover;
  return (
    <div class="timeline-tip" role="tooltip" style={{ left: `${hover.x}px`, top: `${hover.y + 4}px` }}>
      <strong>{item.group.name}</strong>
      <div>
        {KIND_LABELS[item.group.kind]} {OUTCOME_LABELS[item.group.outcome] && `· ${OUTCOME_LABELS[item.group.outcome]}`}
      </div>
      <div>{formatTime(new Date(item.startMs).toISOString(), timeZone)}</div>
      {!item.point && <div>{item.open ? 'still running' : formatTime(new Date(item.endMs).toISOString(), timeZone)}</div>}
      {!item.point && <div>{formatDurationMs(item.endMs - item.startMs)}</div>}
    </div>
  );
}

/** What a screen reader (and a test) hears for a bar: `greet, activity, completed, 27ms`. */
function itemLabel(item: TimelineItem): string {
  const { group } = item;
  const parts = [group.name, KIND_LABELS[group.kind], OUTCOME_LABELS[group.outcome], !item.point && formatDurationMs(item.endMs - item.startMs)];
  return parts.filter(Boolean).join(', ');
}
