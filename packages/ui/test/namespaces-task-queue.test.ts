/**
 * The namespaces page, a task queue's page with the test worker among its pollers (reached
 * from the list's task queue column), and the schedules page on a server without schedules.
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

  it('says plainly when the server has no schedules, and lists them when it has', async () => {
    const answer = (await fetch(`${ui.baseUrl}/api/v1/namespaces/default/schedules`).then((r) => r.json())) as { code?: number };
    const page = await ui.newPage('/namespaces/default/schedules');
    if (answer.code === 12) {
      await page.getByRole('status').getByText('This server does not support schedules yet.').waitFor();
    } else {
      await page.getByText('No schedules in default.').waitFor();
    }
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });

  it('shows an error, not a blank page, for an unknown namespace\'s task queue', async () => {
    const page = await ui.newPage('/namespaces/no-such-namespace/task-queues/q');
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('NOT_FOUND');
    await page.context().close();
  });
});
