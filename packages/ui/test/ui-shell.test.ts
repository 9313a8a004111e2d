/**
 * The web UI as served by the server: the app loads from the UI port with no other server,
 * routes live in the URL, and the theme and time-zone switches stick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiEnv, type UiEnv } from './helpers/ui-env.js';

let ui: UiEnv;

beforeAll(async () => {
  ui = await startUiEnv();
});

afterAll(async () => {
  await ui?.close();
});

describe('the web UI shell', () => {
  it('opens the default namespace\'s workflows from the root URL', async () => {
    const page = await ui.newPage('/');
    await page.waitForURL('**/namespaces/default/workflows');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Workflows' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Namespace' }).inputValue()).toBe('default');
    await page.context().close();
  });

  it('keeps the dark theme across a reload', async () => {
    const page = await ui.newPage('/namespaces');
    const theme = () => page.locator('html').getAttribute('data-theme');
    await page.getByRole('button', { name: 'Use dark theme' }).click();
    await expect.poll(theme).toBe('dark');
    await page.reload();
    await expect.poll(theme).toBe('dark');
    await page.getByRole('button', { name: 'Use light theme' }).click();
    await expect.poll(theme).toBe('light');
    await page.context().close();
  });

  it('shows a not-found page for an unknown path', async () => {
    const page = await ui.newPage('/no/such/page');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.context().close();
  });

  it('serves its assets compressed, and no file outside its folder', async () => {
    const html = await fetch(`${ui.baseUrl}/`).then((r) => r.text());
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${ui.baseUrl}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    const missing = await fetch(`${ui.baseUrl}/assets/..%2F..%2Fpackage.json`);
    expect(missing.status).toBe(404);
  });
});
