/** How many workflows match, per status, as chips: a click filters the list to that status. */
import { STATUSES } from './list-query';
import type { StatusCounts } from './workflows-api';

interface Props {
  counts: StatusCounts | undefined;
  /** The counts failed (the query is refused): show dashes, not a wait. */
  failed: boolean;
  status: string;
  onStatus: (status: string) => void;
}

export function StatusChips({ counts, failed, status, onStatus }: Props) {
  const n = (value: number | undefined) => (counts ? (value ?? 0).toLocaleString() : failed ? '—' : '…');
  return (
    <div class="status-chips" role="group" aria-label="Counts by status">
      <button type="button" class="chip" aria-pressed={status === ''} onClick={() => onStatus('')}>
        All <span class="chip-count">{n(counts?.total)}</span>
      </button>
      {STATUSES.map((s) => (
        <button
          type="button"
          key={s}
          class={`chip status-${s.toLowerCase()}`}
          aria-pressed={status === s}
          onClick={() => onStatus(status === s ? '' : s)}
        >
          {s} <span class="chip-count">{n(counts?.byStatus[s])}</span>
        </button>
      ))}
    </div>
  );
}
