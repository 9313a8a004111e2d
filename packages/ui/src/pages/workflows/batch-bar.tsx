/** The selection's toolbar: how many are selected, and the Cancel / Terminate batch buttons. */
import type { BatchKind } from './batch-dialog';

interface Props {
  selected: number;
  onClear: () => void;
  onBatch: (kind: BatchKind) => void;
}

export function BatchBar({ selected, onClear, onBatch }: Props) {
  return (
    <div class="batch-bar" role="group" aria-label="Batch actions">
      <span class="muted" aria-live="polite">
        {selected > 0 ? `${selected.toLocaleString()} selected` : 'None selected: actions apply to the query'}
      </span>
      {selected > 0 && (
        <button type="button" class="ghost" onClick={onClear}>
          Clear selection
        </button>
      )}
      <button type="button" onClick={() => onBatch('cancel')}>
        Cancel
      </button>
      <button type="button" class="danger" onClick={() => onBatch('terminate')}>
        Terminate
      </button>
    </div>
  );
}
