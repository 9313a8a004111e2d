/** Memo and search attributes, decoded, as name/value tables. */
import { PayloadView } from '../../components/common';
import { decodeJsonPayload } from '../../components/payload-decode';
import type { WorkflowExecutionInfo } from './workflow-types';

function Value({ value }: { value: unknown }) {
  const decoded = decodeJsonPayload(value);
  if (typeof decoded === 'string') return <span class="mono">{decoded}</span>;
  if (typeof decoded === 'number' || typeof decoded === 'boolean') return <span class="mono">{String(decoded)}</span>;
  if (Array.isArray(decoded) && decoded.every((v) => typeof v === 'string')) return <span class="mono">{decoded.join(', ')}</span>;
  return <PayloadView value={decoded} />;
}

function Table({ title, fields }: { title: string; fields: Record<string, unknown> }) {
  const names = Object.keys(fields).sort();
  return (
    <div>
      <h2>{title}</h2>
      {names.length === 0 ? (
        <p class="muted">None</p>
      ) : (
        <table aria-label={title}>
          <tbody>
            {names.map((name) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  <Value value={fields[name]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function AttributesCard({ info }: { info: WorkflowExecutionInfo }) {
  const memo = info.memo?.fields ?? {};
  const searchAttributes = info.searchAttributes?.indexedFields ?? {};
  // Most runs have neither: one line then, so the tabs stay near the top of the page.
  if (Object.keys(memo).length === 0 && Object.keys(searchAttributes).length === 0) {
    return <p class="muted attributes-none">No memo and no search attributes.</p>;
  }
  return (
    <section class="card attributes">
      <Table title="Memo" fields={memo} />
      <Table title="Search attributes" fields={searchAttributes} />
    </section>
  );
}
