/** The table of one page of workflows: a checkbox per row, the chosen columns, a highlighted row. */
import { useEffect, useRef } from 'preact/hooks';
import type { Column } from './columns';
import type { WorkflowExecutionInfo } from './workflows-api';

/** A run's identity as one string (selection and row keys). */
export function rowKey(wf: WorkflowExecutionInfo): string {
  return `${wf.execution?.workflowId ?? ''}\u0000${wf.execution?.runId ?? ''}`;
}

interface Props {
  ns: string;
  rows: WorkflowExecutionInfo[];
  columns: Column[];
  selected: ReadonlySet<string>;
  highlighted: number;
  onHighlight: (index: number) => void;
  onToggle: (wf: WorkflowExecutionInfo) => void;
  onToggleAll: (select: boolean) => void;
}

export function WorkflowTable({ ns, rows, columns, selected, highlighted, onHighlight, onToggle, onToggleAll }: Props) {
  const body = useRef<HTMLTableSectionElement>(null);
  const selectedOnPage = rows.filter((wf) => selected.has(rowKey(wf))).length;
  const allSelected = rows.length > 0 && selectedOnPage === rows.length;

  useEffect(() => {
    body.current?.children[highlighted]?.scrollIntoView({ block: 'nearest' });
  }, [highlighted]);

  return (
    <table class="wf-table" aria-label="Workflows">
      <thead>
        <tr>
          <th class="select">
            <input
              type="checkbox"
              aria-label="Select all on page"
              checked={allSelected}
              indeterminate={selectedOnPage > 0 && !allSelected}
              disabled={rows.length === 0}
              onChange={() => onToggleAll(!allSelected)}
            />
          </th>
          {columns.map((c) => (
            <th key={c.id} scope="col" class={`col-${c.id}`}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody ref={body}>
        {rows.map((wf, i) => {
          const key = rowKey(wf);
          const isSelected = selected.has(key);
          return (
            <tr key={key} aria-selected={isSelected} class={i === highlighted ? 'highlighted' : undefined} onClick={() => onHighlight(i)}>
              <td class="select">
                <input
                  type="checkbox"
                  aria-label={`Select ${wf.execution?.workflowId ?? ''}`}
                  checked={isSelected}
                  onChange={() => onToggle(wf)}
                />
              </td>
              {columns.map((c) => (
                <td key={c.id} class={`col-${c.id}`} title={c.title?.(wf)}>
                  {c.cell(wf, ns)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
