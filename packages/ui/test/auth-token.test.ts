/**
 * The UI on a server with auth: without a token the API answers 401 and the UI asks for an API
 * key or token; once one is entered every request carries it, and it sticks across a reload
 * until the user forgets it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { EndureServer } from '../../server/src/index.js';
import { CHROMIUM_PATH } from './helpers/ui-env.js';

const adminKey = randomBytes(32).toString('hex');
let server: EndureServer;
let browser: Browser;

beforeAll(async () => {
  server = await EndureServer.start({ port: 0, uiPort: 0, inMemory: true, logLevel: 'error', namespaces: ['billing'], auth: { adminApiKey: adminKey } });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the token prompt', () => {
  it('asks for a token on 401, sends the one entered with every request, and forgets it on request', async () => {
    const context = await browser.newContext({ baseURL: server.uiAddress! });
    const page = await context.newPage();
    const sent: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/')) sent.push(request.headers()['authorization']);
    });
    await page.goto('/namespaces');
    const prompt = page.getByRole('region', { name: 'Sign in' });
    await prompt.getByText('This server needs an API key or token: missing authorization header').waitFor();

    await prompt.getByLabel('API key or token').fill(adminKey);
    await prompt.getByRole('button', { name: 'Use it' }).click();
    await page.getByRole('combobox', { name: 'Namespace' }).locator('option', { hasText: 'billing' }).waitFor({ state: 'attached' });
    expect(await prompt.count()).toBe(0);
    expect(sent.at(-1)).toBe(`Bearer ${adminKey}`);

    await page.reload();
    await page.getByRole('combobox', { name: 'Namespace' }).locator('option', { hasText: 'billing' }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Forget token' }).click();
    await prompt.waitFor();
    expect(await page.evaluate("localStorage.getItem('endure.apiToken')")).toBeNull();
    await context.close();
  });
});
