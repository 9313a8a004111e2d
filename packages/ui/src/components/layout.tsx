/** The frame of every page: navigation, namespace switcher, theme and time-zone switches, the token prompt. */
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { apiGet } from '../api';
import { useLoad } from '../hooks';
import { useSettings } from '../settings';
import { ForgetTokenButton, TokenPrompt } from './token-prompt';

interface ListNamespacesResponse {
  namespaces?: Array<{ namespaceInfo?: { name?: string; state?: string } }>;
}

/** The namespace the URL names (`/namespaces/:ns/...`), or undefined. */
export function namespaceOfPath(path: string): string | undefined {
  const match = /^\/namespaces\/([^/]+)/.exec(path);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

export function Layout({ children }: { children: ComponentChildren }) {
  const { path, route } = useLocation();
  const settings = useSettings();
  const namespace = namespaceOfPath(path) ?? 'default';
  const namespaces = useLoad('namespaces', (signal) => apiGet<ListNamespacesResponse>('/namespaces', { pageSize: 1000 }, signal));
  const names = (namespaces.data?.namespaces ?? [])
    .filter((n) => n.namespaceInfo?.state !== 'NAMESPACE_STATE_DELETED')
    .map((n) => n.namespaceInfo?.name ?? '')
    .filter(Boolean);
  if (!names.includes(namespace)) names.push(namespace);
  names.sort();

  const switchNamespace = (next: string) => {
    const section = /^\/namespaces\/[^/]+\/(schedules)/.exec(path)?.[1] ?? 'workflows';
    route(`/namespaces/${encodeURIComponent(next)}/${section}`);
  };
  const ns = encodeURIComponent(namespace);
  const current = (section: string) => (path.startsWith(`/namespaces/${ns}/${section}`) ? 'page' : undefined);

  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={`/namespaces/${ns}/workflows`}>
          Endure
        </a>
        <nav aria-label="Sections">
          <a href={`/namespaces/${ns}/workflows`} aria-current={current('workflows')}>
            Workflows
          </a>
          <a href={`/namespaces/${ns}/schedules`} aria-current={current('schedules')}>
            Schedules
          </a>
          <a href="/namespaces" aria-current={path === '/namespaces' ? 'page' : undefined}>
            Namespaces
          </a>
        </nav>
        <span class="spacer" />
        <label class="inline">
          <span class="muted">Namespace</span>
          <select
            aria-label="Namespace"
            value={namespace}
            onChange={(e) => switchNamespace((e.target as HTMLSelectElement).value)}
          >
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="ghost"
          title="Show times in UTC or local time"
          onClick={() => settings.setTimeZone(settings.timeZone === 'utc' ? 'local' : 'utc')}
        >
          {settings.timeZone === 'utc' ? 'UTC' : 'Local time'}
        </button>
        <button
          type="button"
          class="ghost"
          title="Switch between light and dark theme"
          aria-label={settings.theme === 'dark' ? 'Use light theme' : 'Use dark theme'}
          onClick={() => settings.setTheme(settings.theme === 'dark' ? 'light' : 'dark')}
        >
          {settings.theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        <ForgetTokenButton />
      </header>
      <TokenPrompt />
      <main>{children}</main>
    </div>
  );
}
