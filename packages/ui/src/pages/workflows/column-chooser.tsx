/** A drop-down of checkboxes: which columns the table shows. */
import { COLUMNS } from './columns';

interface Props {
  isShown: (id: string) => boolean;
  toggle: (id: string) => void;
}

export function ColumnChooser({ isShown, toggle }: Props) {
  return (
    <details class="column-chooser">
      <summary>Columns</summary>
      <fieldset>
        <legend>Show columns</legend>
        {COLUMNS.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={isShown(c.id)} onChange={() => toggle(c.id)} />
            {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
