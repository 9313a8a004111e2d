/**
 * The workflows list in a browser: filters and the query bar (with the server's message for
 * an invalid query), counts by status, column choice, paging, the keyboard, batch terminate
 * (its effect checked through the SDK's client) and an unknown namespace.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiEnv, type UiEnv } from './helpers/ui-env.js';

let ui: UiEnv;
/** Workflow types get a suffix of their own, so each test filters to its workflows only. */
const tag = randomUUID().slice(0, 8);
const completedIds: string[] = [];
const runningIds: string[] = [];
const FAILED_ID = `ui-list-failed-${tag}`;
const BOUND_MS = 15_000;

beforeAll(async () => {
  ui = await startUiEnv();
  const { client } = ui.env;
  const start = (type: string, id: string, args: unknown[] = []) =>
    client.workflow.start(type, { taskQueue: ui.taskQueue, workflowId: id, args });
  for (let i = 0; i < 3; i++) {
    const id = `ui-list-completed-${i}-${tag}`;
    completedIds.push(id);
    await (await start('uiCompleted', id, [`n${i}`])).result();
  }
  await start('uiFailed', FAILED_ID, ['test']).then((h) => h.result().catch(() => undefined));
  for (let i = 0; i < 4; i++) {
    const id = `ui-list-running-${i}-${tag}`;
    runningIds.push(id);
    await start('uiAwaitingApproval', id);
  }
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

const listPath = (search = '') => `/namespaces/default/workflows${search}`;

async function rowCount(page: Page): Promise<number> {
  return page.getByRole('table', { name: 'Workflows' }).locator('tbody tr').count();
}

async function statusOf(id: string): Promise<string | undefined> {
  return (await ui.env.client.workflow.getHandle(id).describe()).status.name;
}

async function terminateReason(id: string): Promise<string | null | undefined> {
  const history = await ui.env.client.workflow.getHandle(id).fetchHistory();
  return history.events?.find((e) => e.workflowExecutionTerminatedEventAttributes)?.workflowExecutionTerminatedEventAttributes?.reason;
}

describe('the workflows list', () => {
  it('lists every workflow with its status, and counts them by status', async () => {
    const page = await ui.newPage(listPath());
    await page.getByRole('link', { name: FAILED_ID }).waitFor();
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(8);
    const chips = page.getByRole('group', { name: 'Counts by status' });
    await expect.poll(() => chips.getByRole('button', { name: /^Running/ }).textContent(), { timeout: BOUND_MS }).toContain('4');
    expect(await chips.getByRole('button', { name: /^Completed/ }).textContent()).toContain('3');
    expect(await chips.getByRole('button', { name: /^Failed/ }).textContent()).toContain('1');
    expect(await chips.getByRole('button', { name: /^All/ }).textContent()).toContain('8');
    await ui.screenshot(page, 'workflows-list');

    await chips.getByRole('button', { name: /^Completed/ }).click();
    await page.waitForURL('**/workflows?status=Completed');
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(3);
    await page.context().close();
  });

  it('filters by status, type and time range, all kept in the URL', async () => {
    const page = await ui.newPage(listPath());
    await page.getByRole('combobox', { name: 'Status' }).selectOption('Running');
    await page.waitForURL(/status=Running/);
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(4);

    await page.getByRole('textbox', { name: 'Workflow type' }).fill('uiFailed');
    await page.getByRole('textbox', { name: 'Workflow type' }).press('Enter');
    await page.waitForURL(/type=uiFailed/);
    await page.getByText('No workflows match.').waitFor();

    await page.getByRole('combobox', { name: 'Status' }).selectOption('');
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('1h');
    await page.waitForURL(/range=1h/);
    await page.getByRole('link', { name: FAILED_ID }).waitFor();
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(1);

    // The URL alone brings the same list back, and Back undoes the last filter.
    await page.reload();
    await page.getByRole('link', { name: FAILED_ID }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Time range' }).inputValue()).toBe('1h');
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('range='));
    await page.context().close();
  });

  it('runs a typed query, and shows the server\'s message for an invalid one under the query bar', async () => {
    const page = await ui.newPage(listPath());
    const bar = page.getByRole('searchbox', { name: 'List query' });
    await bar.fill(`WorkflowId = '${completedIds[0]}'`);
    await bar.press('Enter');
    await page.getByRole('link', { name: completedIds[0] }).waitFor();
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(1);

    await bar.fill("NoSuchAttribute = 'x' AND");
    await page.getByRole('button', { name: 'Apply query' }).click();
    const alert = page.locator('#query-error');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect((await alert.textContent())?.length).toBeGreaterThan(5);
    expect(await bar.getAttribute('aria-invalid')).toBe('true');
    await ui.screenshot(page, 'workflows-invalid-query');
    await page.context().close();
  });

  it('shows and hides columns, and remembers the choice', async () => {
    const page = await ui.newPage(listPath());
    const table = page.getByRole('table', { name: 'Workflows' });
    await table.getByRole('columnheader', { name: 'Run ID' }).waitFor();
    expect(await table.getByRole('columnheader', { name: 'History length' }).count()).toBe(0);

    await page.getByText('Columns', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'History length' }).check();
    await page.getByRole('checkbox', { name: 'Run ID' }).uncheck();
    await table.getByRole('columnheader', { name: 'History length' }).waitFor();
    expect(await table.getByRole('columnheader', { name: 'Run ID' }).count()).toBe(0);

    await page.reload();
    await table.getByRole('columnheader', { name: 'History length' }).waitFor();
    expect(await table.getByRole('columnheader', { name: 'Run ID' }).count()).toBe(0);
    await page.context().close();
  });

  it('pages through the list with Next and Previous', async () => {
    const page = await ui.newPage(listPath('?pageSize=3'));
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(3);
    const firstPage = await page.getByRole('table', { name: 'Workflows' }).locator('tbody').textContent();
    expect(await pager.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);

    const seen = new Set<string>();
    for (let pageNo = 1; pageNo <= 3; pageNo++) {
      await pager.getByText(`Page ${pageNo} `).waitFor();
      await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBeGreaterThan(0);
      for (const link of await page.getByRole('table', { name: 'Workflows' }).locator('tbody tr td:nth-child(3) a').allTextContents()) seen.add(link);
      if (pageNo < 3) await pager.getByRole('button', { name: 'Next page' }).click();
    }
    expect(seen.size).toBe(8);
    expect(await pager.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await pager.getByRole('button', { name: 'Previous page' }).click();
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await pager.getByText('Page 1 ').waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Workflows' }).locator('tbody').textContent()).toBe(firstPage);
    await page.context().close();
  });

  it('moves through rows with j/k, toggles with x, keeps both across refreshes, and opens a row with Enter', async () => {
    const page = await ui.newPage(listPath('?status=Completed'));
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(3);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('x');
    const rows = page.getByRole('table', { name: 'Workflows' }).locator('tbody tr');
    // Keys re-render the table before the state shows: wait for it (bounded).
    await expect.poll(() => rows.nth(0).getAttribute('class')).toContain('highlighted');
    await expect.poll(() => rows.nth(0).getByRole('checkbox').isChecked()).toBe(true);
    const id = await rows.nth(0).locator('td:nth-child(3) a').textContent();

    // The list refreshes itself; the highlighted row and the selection survive it.
    await page.waitForResponse((r) => r.url().includes('/api/v1/namespaces/default/workflows?'), { timeout: BOUND_MS });
    await page.waitForResponse((r) => r.url().includes('/api/v1/namespaces/default/workflows?'), { timeout: BOUND_MS });
    expect(await rows.nth(0).getAttribute('class')).toContain('highlighted');
    expect(await rows.nth(0).getByRole('checkbox').isChecked()).toBe(true);

    await page.keyboard.press('/');
    await expect.poll(() => page.locator(':focus').getAttribute('aria-label')).toBe('List query');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/workflows/${id}/**`);
    await page.context().close();
  });

  it('terminates the selected workflows after a confirmation, then every running one the query matches', async () => {
    const page = await ui.newPage(listPath('?status=Running'));
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(4);
    await page.getByRole('checkbox', { name: `Select ${runningIds[0]}` }).check();
    await page.getByRole('checkbox', { name: `Select ${runningIds[1]}` }).check();
    await page.getByRole('button', { name: 'Terminate', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: 'Terminate workflows' });
    await dialog.getByText('This will terminate 2 workflows.').waitFor();
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('cleanup by the UI test');
    await ui.screenshot(page, 'workflows-batch-terminate');
    await dialog.getByRole('button', { name: 'Terminate 2 workflows' }).click();
    await dialog.getByText('2 succeeded (terminated), 0 failed.').waitFor({ timeout: BOUND_MS });
    await dialog.getByRole('button', { name: 'Close' }).click();

    expect(await statusOf(runningIds[0]!)).toBe('TERMINATED');
    expect(await statusOf(runningIds[1]!)).toBe('TERMINATED');
    expect(await statusOf(runningIds[2]!)).toBe('RUNNING');
    expect(await terminateReason(runningIds[0]!)).toBe('cleanup by the UI test');
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(2);

    // Nothing selected: the batch covers the query, counted first.
    await page.getByRole('button', { name: 'Terminate', exact: true }).click();
    await dialog.getByText('This will terminate 2 workflows.').waitFor();
    expect(await dialog.getByRole('radio', { name: /Every running workflow matching the query/ }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Terminate 2 workflows' }).click();
    await dialog.getByText('2 succeeded (terminated), 0 failed.').waitFor({ timeout: BOUND_MS });
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await statusOf(runningIds[2]!)).toBe('TERMINATED');
    expect(await statusOf(runningIds[3]!)).toBe('TERMINATED');
    expect(await terminateReason(runningIds[3]!)).toBe('Terminated from the Endure UI');
    await page.getByText('No workflows match.').waitFor({ timeout: BOUND_MS });
    await page.context().close();
  });

  it('cancels a selection, and reports the workflows it could not act on with the reason', async () => {
    const { client } = ui.env;
    const ids = [`ui-list-cancel-a-${tag}`, `ui-list-cancel-b-${tag}`];
    for (const id of ids) await client.workflow.start('uiAwaitingApproval', { taskQueue: ui.taskQueue, workflowId: id });
    const query = ids.map((id) => `WorkflowId = '${id}'`).join(' OR ');
    const page = await ui.newPage(listPath(`?query=${encodeURIComponent(query)}`));
    await expect.poll(() => rowCount(page), { timeout: BOUND_MS }).toBe(2);
    await page.getByRole('checkbox', { name: 'Select all on page' }).check();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel workflows' });
    await dialog.getByText('This will cancel 2 workflows.', { exact: false }).waitFor();

    // B closes after the confirmation was opened: its cancel fails, and the summary says why.
    await client.workflow.getHandle(ids[1]!).terminate('closed meanwhile');
    await dialog.getByRole('button', { name: 'Cancel 2 workflows' }).click();
    await dialog.getByText('1 succeeded (cancellation requested), 1 failed.').waitFor({ timeout: BOUND_MS });
    expect(await dialog.getByRole('listitem').first().textContent()).toContain(ids[1]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => statusOf(ids[0]!), { timeout: BOUND_MS }).toBe('CANCELLED');
    await page.context().close();
  });

  it('shows a not-found page for an unknown namespace', async () => {
    const page = await ui.newPage('/namespaces/no-such-namespace/workflows');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.getByText('This namespace does not exist.').count()).toBe(1);
    await page.context().close();
  });
});
