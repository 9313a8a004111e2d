/**
 * The list query bar: the visibility query as text, applied on Enter or with the button. The
 * server's message for a query it refuses is shown right under it.
 */
import type { Ref } from 'preact';
import { useEffect, useState } from 'preact/hooks';

interface Props {
  value: string;
  error: string | undefined;
  inputRef: Ref<HTMLInputElement>;
  onApply: (query: string) => void;
}

export function QueryBar({ value, error, inputRef, onApply }: Props) {
  const [draft, setDraft] = useState(value);
  // The URL is the truth: back/forward or a chip click replace what was typed.
  useEffect(() => setDraft(value), [value]);

  return (
    <form
      class="query-bar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <div class="query-row">
        <input
          ref={inputRef}
          type="search"
          class="mono"
          aria-label="List query"
          placeholder="WorkflowType = 'Order' AND ExecutionStatus = 'Running'   ( / to focus )"
          value={draft}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'query-error' : undefined}
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLInputElement).blur()}
        />
        <button type="submit" class="primary">
          Apply query
        </button>
        {value && (
          <button type="button" onClick={() => onApply('')}>
            Clear query
          </button>
        )}
      </div>
      {error && (
        <p id="query-error" class="query-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
