/** Status, workflow type, time range and page size: each composes into the list query. */
import { useEffect, useState } from 'preact/hooks';
import { PAGE_SIZES, STATUSES, TIME_RANGES, type ListFilters, type TimeRange } from './list-query';

interface Props {
  filters: ListFilters;
  onChange: (change: Partial<ListFilters>) => void;
}

export function QuickFilters({ filters, onChange }: Props) {
  const [type, setType] = useState(filters.type);
  useEffect(() => setType(filters.type), [filters.type]);
  const applyType = () => type.trim() !== filters.type && onChange({ type: type.trim() });

  return (
    <div class="quick-filters">
      <label>
        <span>Status</span>
        <select value={filters.status} onChange={(e) => onChange({ status: (e.target as HTMLSelectElement).value })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Workflow type</span>
        <input
          type="text"
          value={type}
          placeholder="Any type"
          onInput={(e) => setType((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === 'Enter' && applyType()}
          onBlur={applyType}
        />
      </label>
      <label>
        <span>Time range</span>
        <select value={filters.range} onChange={(e) => onChange({ range: (e.target as HTMLSelectElement).value as TimeRange })}>
          {TIME_RANGES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Page size</span>
        <select value={filters.pageSize} onChange={(e) => onChange({ pageSize: Number((e.target as HTMLSelectElement).value) })}>
          {[...new Set<number>([...PAGE_SIZES, filters.pageSize])].sort((a, b) => a - b).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
