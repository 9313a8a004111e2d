/** "Previous page" / "Next page" over the page tokens. */
interface Props {
  index: number;
  hasNext: boolean;
  rowsOnPage: number;
  pageSize: number;
  onPrevious: () => void;
  onNext: () => void;
}

export function Pager({ index, hasNext, rowsOnPage, pageSize, onPrevious, onNext }: Props) {
  const first = index * pageSize + (rowsOnPage > 0 ? 1 : 0);
  const last = index * pageSize + rowsOnPage;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={index === 0} onClick={onPrevious}>
        Previous page
      </button>
      <span class="muted" aria-live="polite">
        Page {index + 1} · rows {first.toLocaleString()}–{last.toLocaleString()}
      </span>
      <button type="button" disabled={!hasNext} onClick={onNext}>
        Next page
      </button>
    </nav>
  );
}
