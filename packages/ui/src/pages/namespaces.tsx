/** The namespaces (`/namespaces`): name, state, description, retention and owner, each linking to its workflows. */
import { apiGet } from '../api';
import { ErrorBox, Loading } from '../components/common';
import { durationMs, enumLabel, formatDurationMs } from '../format';
import { useLoad } from '../hooks';

interface DescribeNamespaceResponse {
  namespaceInfo?: { name?: string; state?: string; description?: string; ownerEmail?: string };
  config?: { workflowExecutionRetentionTtl?: string };
}

interface ListNamespacesResponse {
  namespaces?: DescribeNamespaceResponse[];
}

/** Namespaces per call; far more than any Endure server holds. */
const PAGE_SIZE = 1000;

export function NamespacesPage() {
  const loaded = useLoad('namespaces', (signal) => apiGet<ListNamespacesResponse>('/namespaces', { pageSize: PAGE_SIZE }, signal));
  const namespaces = [...(loaded.data?.namespaces ?? [])].sort((a, b) => (a.namespaceInfo?.name ?? '').localeCompare(b.namespaceInfo?.name ?? ''));

  return (
    <section>
      <h1>Namespaces</h1>
      {loaded.error && <ErrorBox error={loaded.error} />}
      {!loaded.data && !loaded.error && <Loading />}
      {loaded.data && (
        <table aria-label="Namespaces">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Description</th>
              <th scope="col">Retention</th>
              <th scope="col">Owner email</th>
            </tr>
          </thead>
          <tbody>
            {namespaces.map(({ namespaceInfo: info, config }) => {
              const retentionMs = durationMs(config?.workflowExecutionRetentionTtl);
              return (
                <tr key={info?.name}>
                  <td>
                    <a href={`/namespaces/${encodeURIComponent(info?.name ?? '')}/workflows`}>{info?.name}</a>
                  </td>
                  <td>{enumLabel(info?.state, 'NAMESPACE_STATE_')}</td>
                  <td>{info?.description || <span class="muted">—</span>}</td>
                  <td>{retentionMs === undefined ? <span class="muted">—</span> : formatDurationMs(retentionMs)}</td>
                  <td>{info?.ownerEmail || <span class="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {loaded.data && namespaces.length === 0 && <p class="muted">No namespaces.</p>}
    </section>
  );
}
