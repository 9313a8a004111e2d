/**
 * The namespaces page, a task queue's page with the test worker among its pollers (reached
 * from the list's task queue column), and the schedules page with no schedules, and on a server
 * without them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiEnv, type UiEnv } from './helpers/ui-env.js';

let ui: UiEnv;
const BOUND_MS = 15_000;
const workflowId = `ui-tq-${randomUUID()}`;

beforeAll(async () => {
  ui = await startUiEnv();
  await ui.env.client.workflow.execute('uiCompleted', { taskQueue: ui.taskQueue, workflowId, args: ['queue'] });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

describe('namespaces, task queues and schedules pages', () => {
  it('lists the namespaces, each linking to its workflows', async () => {
    const page = await ui.newPage('/namespaces');
    const table = page.getByRole('table', { name: 'Namespaces' });
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: 'default', exact: true }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Registered');
    await ui.screenshot(page, 'namespaces');
    await row.getByRole('link', { name: 'default', exact: true }).click();
    await page.waitForURL('**/namespaces/default/workflows');
    await page.context().close();
  });

  it('shows the workers polling a task queue, reached from the list', async () => {
    const page = await ui.newPage('/namespaces/default/workflows');
    await page.getByRole('link', { name: ui.taskQueue }).first().click();
    await page.waitForURL(`**/namespaces/default/task-queues/${ui.taskQueue}`);
    const identity = ui.worker.options.identity;
    for (const kind of ['Workflow tasks', 'Activity tasks']) {
      const pollers = page.getByRole('table', { name: `${kind} pollers` });
      await pollers.getByRole('cell', { name: identity, exact: true }).waitFor({ timeout: BOUND_MS });
    }
    expect(await page.getByText('Backlog').count()).toBe(2);
    await ui.screenshot(page, 'task-queue');
    await page.context().close();
  });

  it('lists no schedules on a fresh server, and says plainly when a server does not support them', async () => {
    const page = await ui.newPage('/namespaces/default/schedules');
    await page.getByText('No schedules in default.').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();

    // A Temporal server with schedules turned off answers UNIMPLEMENTED; Endure has them, so the answer is staged.
    const context = await ui.browser.newContext({ baseURL: ui.baseUrl });
    await context.route('**/api/v1/namespaces/default/schedules?*', (route) =>
      route.fulfill({ status: 501, contentType: 'application/json', body: JSON.stringify({ code: 12, message: 'schedules are disabled', details: [] }) }),
    );
    const staged = await context.newPage();
    await staged.goto('/namespaces/default/schedules');
    await staged.getByRole('status').getByText('This server does not support schedules.').waitFor();
    expect(await staged.getByRole('alert').count()).toBe(0);
    expect(await staged.getByRole('button', { name: 'New schedule' }).count()).toBe(0);
    await context.close();
  });

  it('shows an error, not a blank page, for an unknown namespace\'s task queue', async () => {
    const page = await ui.newPage('/namespaces/no-such-namespace/task-queues/q');
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('NOT_FOUND');
    await page.context().close();
  });
});
