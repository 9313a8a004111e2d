/**
 * The workflow page in a real browser: the summary of completed and failed runs, a pending
 * activity's last failure, the family tree, queries, every action (its effect checked through
 * the official client), and bad input (unknown ids, invalid JSON, binary payloads).
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueTaskQueue, uniqueWorkflowId } from '../../server/test/helpers/env.js';
import { startUiEnv, type UiEnv } from './helpers/ui-env.js';

/** Bound on waiting for the page (or the server, through the client) to show a change. */
const WAIT_MS = 15_000;

let ui: UiEnv;

beforeAll(async () => {
  ui = await startUiEnv();
});

afterAll(async () => {
  await ui?.close();
});

async function start(type: string, args: unknown[] = [], taskQueue = ui.taskQueue) {
  return ui.env.client.workflow.start(type, { taskQueue, workflowId: uniqueWorkflowId(type), args });
}

async function openRun(workflowId: string, runId: string, tab = ''): Promise<Page> {
  const page = await ui.newPage(`/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}${tab ? `/${tab}` : ''}`);
  page.setDefaultTimeout(WAIT_MS);
  await page.getByRole('heading', { name: workflowId }).waitFor();
  return page;
}

async function statusOf(workflowId: string): Promise<string> {
  return (await ui.env.client.workflow.getHandle(workflowId).describe()).status.name;
}

/** The run's section of the page (a tab panel, the input/result card, …) as text. */
async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ');
}

describe('the workflow page', () => {
  it('summarises a completed run with its input and result', async () => {
    const handle = await start('uiCompleted', ['Ada']);
    await handle.result();
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId);
    await page.getByText('Completed', { exact: true }).first().waitFor();
    await page.getByLabel('Result').getByText('Hello, Ada!', { exact: false }).waitFor();
    expect(await textOf(page, '.input-result')).toContain('"Ada"');
    const summary = await textOf(page, '.card >> nth=0');
    expect(summary).toContain('uiCompleted');
    expect(summary).toContain(handle.firstExecutionRunId);
    expect(await page.getByRole('link', { name: ui.taskQueue }).getAttribute('href')).toBe(`/namespaces/default/task-queues/${ui.taskQueue}`);
    await ui.screenshot(page, 'workflow-completed');
    await page.context().close();
  });

  it('shows a failed run\'s failure with its type, stack trace and cause', async () => {
    const handle = await start('uiFailed', ['too big']);
    await expect(handle.result()).rejects.toThrow();
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId);
    const failure = page.getByLabel('Failure', { exact: true });
    await failure.getByText('order rejected: too big', { exact: true }).waitFor();
    await failure.getByText('ApplicationFailure: OrderRejected', { exact: true }).waitFor();
    await failure.getByText('ApplicationFailure: OutOfStock', { exact: true }).waitFor();
    await failure.getByText('inventory is empty', { exact: true }).waitFor();
    expect(await failure.getByLabel('Stack trace').first().innerText()).toContain('checkOrder');
    await ui.screenshot(page, 'workflow-failed');
    await page.context().close();
  });

  it('shows a pending activity\'s attempts and last failure, and terminates the run', async () => {
    const handle = await start('uiPendingFailingActivity', ['disk full']);
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId, 'pending-activities');
    const activity = page.getByRole('article', { name: 'Activity 1' });
    // The page refreshes by itself while the activity retries.
    await activity.getByLabel('Failure').getByText('disk full', { exact: true }).waitFor();
    await activity.scrollIntoViewIfNeeded();
    expect(await activity.innerText()).toMatch(/Attempt\s+\d+ \(no limit\)/);
    expect(await activity.getByLabel('Stack trace').first().innerText()).toContain('alwaysFails');
    await ui.screenshot(page, 'workflow-pending-activity');

    await page.getByRole('button', { name: 'Terminate', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Terminate the workflow' });
    await dialog.getByLabel('Reason').fill('stuck on a full disk');
    await dialog.getByRole('button', { name: 'Terminate workflow' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf(handle.workflowId), { timeout: WAIT_MS }).toBe('TERMINATED');
    await page.getByText('stuck on a full disk').waitFor();
    expect(await page.getByRole('button', { name: 'Terminate', exact: true }).isDisabled()).toBe(true);

    await page.context().close();
  });

  it('draws the family tree of a parent and its children', async () => {
    const handle = await start('uiParent');
    await handle.result();
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId, 'relationships');
    const tree = page.getByRole('list', { name: 'Workflow family' });
    await tree.getByRole('link', { name: `${handle.workflowId}-child-1` }).waitFor();
    await tree.scrollIntoViewIfNeeded();
    await ui.screenshot(page, 'workflow-relationships');
    await tree.getByRole('link', { name: `${handle.workflowId}-child-2` }).click();
    await page.getByRole('heading', { name: `${handle.workflowId}-child-2` }).waitFor();
    // The child names its parent, in the summary and in its own tree.
    await page.getByRole('link', { name: new RegExp(`^${handle.workflowId} / `) }).waitFor();
    await page.context().close();
  });

  it('runs queries, the stack trace included, and shows a failing query\'s reason', async () => {
    const handle = await start('uiAwaitingApproval');
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId, 'queries');
    await page.getByLabel('Query type').fill('state');
    await page.getByLabel('Arguments (JSON array, one element per argument)').fill('[oops');
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.getByRole('alert').getByText('Invalid JSON').waitFor();

    await page.getByLabel('Arguments (JSON array, one element per argument)').fill('[]');
    await page.getByRole('button', { name: 'Run query' }).click();
    const answer = page.getByRole('region', { name: 'Query answer' });
    await answer.getByText('"approvedBy": null').waitFor();

    await page.getByRole('button', { name: 'Stack trace' }).click();
    expect(await answer.getByLabel('Call stack').innerText()).toContain('uiAwaitingApproval');
    await answer.scrollIntoViewIfNeeded();
    await ui.screenshot(page, 'workflow-stack-trace');

    await page.getByLabel('Query type').fill('noSuchQuery');
    await page.getByRole('button', { name: 'Run query' }).click();
    await answer.getByRole('alert').getByText('noSuchQuery').waitFor();
    await handle.terminate('test over');
    await page.context().close();
  });

  it('sends an update and a signal, checked through the client', async () => {
    const handle = await start('uiAwaitingApproval');
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId);

    await page.getByRole('button', { name: 'Update', exact: true }).click();
    const update = page.getByRole('dialog', { name: 'Send an update' });
    await update.getByLabel('Update name').fill('addNote');
    await update.getByLabel('Arguments (JSON array, one element per argument)').fill('["first note"]');
    await update.getByRole('button', { name: 'Run update' }).click();
    await update.getByRole('region', { name: 'Update outcome' }).getByText('Update completed').waitFor();
    expect(await update.getByLabel('Update result').innerText()).toContain('1');
    // An update the workflow does not handle fails; its failure shows in the dialog.
    await update.getByLabel('Update name').fill('noSuchUpdate');
    await update.getByRole('button', { name: 'Run update' }).click();
    await update.getByRole('region', { name: 'Update outcome' }).getByText('Update failed').waitFor();
    await update.getByLabel('Failure').getByText(/noSuchUpdate/).first().waitFor();
    await update.getByRole('button', { name: 'Close' }).click();
    expect(await handle.query<{ notes: string[] }>('state')).toMatchObject({ notes: ['first note'] });

    await page.getByRole('button', { name: 'Signal', exact: true }).click();
    const signal = page.getByRole('dialog', { name: 'Send a signal' });
    await signal.getByLabel('Signal name').fill('approve');
    const args = signal.getByLabel('Arguments (JSON array, one element per argument)');
    await args.fill('"Grace"');
    await signal.getByRole('button', { name: 'Send signal' }).click();
    await signal.getByRole('alert').getByText('must be a JSON array').waitFor();
    await args.fill('["Grace"]');
    await signal.getByRole('button', { name: 'Send signal' }).click();
    await signal.waitFor({ state: 'detached' });
    expect(await handle.result()).toBe('approved by Grace');
    await page.getByLabel('Result').getByText('approved by Grace').waitFor();
    await page.context().close();
  });

  it('requests cancellation of a run', async () => {
    const handle = await start('uiAwaitingApproval');
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('dialog', { name: 'Cancel the workflow' }).getByRole('button', { name: 'Request cancellation' }).click();
    await expect.poll(() => statusOf(handle.workflowId), { timeout: WAIT_MS }).toBe('CANCELLED');
    await page.getByRole('heading', { name: 'Canceled' }).waitFor();
    await page.context().close();
  });

  it('resets a run to its first workflow task and opens the new run', async () => {
    const handle = await start('uiCompleted', ['Reset me']);
    await handle.result();
    const oldRunId = handle.firstExecutionRunId;
    const page = await openRun(handle.workflowId, oldRunId);
    await page.getByRole('button', { name: 'Reset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the workflow' });
    await dialog.getByLabel(/First workflow task/).check();
    await dialog.getByLabel('Reason').fill('try again');
    await ui.screenshot(page, 'workflow-reset-dialog');
    await dialog.getByRole('button', { name: 'Reset workflow' }).click();
    await page.waitForURL((url) => !url.pathname.includes(oldRunId), { timeout: WAIT_MS });
    const newRunId = decodeURIComponent(new URL(page.url()).pathname.split('/')[5] ?? '');
    expect(newRunId).not.toBe(oldRunId);
    const latest = await ui.env.client.workflow.getHandle(handle.workflowId).describe();
    expect(latest.runId).toBe(newRunId);
    await page.getByText(newRunId).first().waitFor();
    await page.context().close();
  });

  it('keeps an open dialog across refreshes and shows the server\'s reason when the action fails', async () => {
    const handle = await start('uiAwaitingApproval');
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId);
    await page.getByRole('button', { name: 'Signal', exact: true }).click();
    const signal = page.getByRole('dialog', { name: 'Send a signal' });
    await signal.getByLabel('Signal name').fill('approve');
    await handle.terminate('closed behind the page');
    // The page refreshes (the run is now closed) and the dialog stays, with what was typed.
    await page.getByRole('button', { name: 'Signal', exact: true }).and(page.locator(':disabled')).waitFor();
    expect(await signal.getByLabel('Signal name').inputValue()).toBe('approve');
    await signal.getByRole('button', { name: 'Send signal' }).click();
    await signal.getByRole('alert').waitFor();
    expect(await signal.getByRole('alert').innerText()).toMatch(/completed|closed|terminated/i);
    await ui.screenshot(page, 'workflow-action-failed');
    await page.context().close();
  });

  it('shows the workers polling the task queue', async () => {
    const handle = await start('uiCompleted', ['workers']);
    await handle.result();
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId, 'workers');
    const pollers = page.getByRole('table', { name: 'Workflow task pollers' });
    await pollers.getByRole('row').nth(1).waitFor();
    await page.getByRole('table', { name: 'Activity task pollers' }).getByRole('row').nth(1).waitFor();
    await page.context().close();
  });

  it('shows a binary payload as base64 with its encoding, and decodes memo and search attributes', async () => {
    // No worker polls this queue: the run stays open with its input unread.
    const handle = await ui.env.client.workflow.start('uiCompleted', {
      taskQueue: uniqueTaskQueue('ui-idle'),
      workflowId: uniqueWorkflowId('binary'),
      args: [new Uint8Array([0, 1, 2, 250, 251, 252])],
      memo: { owner: 'team-payments', limits: { max: 3 } },
      searchAttributes: { CustomKeywordField: ['blue'] },
    });
    const page = await openRun(handle.workflowId, handle.firstExecutionRunId);
    const input = page.getByLabel('Input');
    await input.getByText('encoding: binary/plain').waitFor();
    expect(await input.innerText()).toContain(Buffer.from([0, 1, 2, 250, 251, 252]).toString('base64'));
    const memo = page.getByRole('table', { name: 'Memo' });
    expect(await memo.getByRole('row', { name: /owner/ }).innerText()).toContain('team-payments');
    expect((await memo.getByRole('row', { name: /limits/ }).innerText()).replace(/\s+/g, '')).toContain('"max":3');
    const attributes = page.getByRole('table', { name: 'Search attributes' });
    expect(await attributes.getByRole('row', { name: /CustomKeywordField/ }).innerText()).toContain('blue');
    await handle.terminate('test over');
    await page.context().close();
  });

  it('shows a not-found page for an unknown workflow or run', async () => {
    const page = await ui.newPage(`/namespaces/default/workflows/no-such-workflow/${randomUUID()}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor({ timeout: WAIT_MS });
    await page.getByRole('link', { name: 'Back to the workflows of default' }).click();
    await page.waitForURL('**/namespaces/default/workflows');

    const handle = await start('uiCompleted', ['known']);
    await handle.result();
    await page.goto(`/namespaces/default/workflows/${handle.workflowId}/${randomUUID()}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor({ timeout: WAIT_MS });
    await page.goto(`/namespaces/default/workflows/${handle.workflowId}/not-a-run-id`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor({ timeout: WAIT_MS });
    await page.goto(`/namespaces/default/workflows/${handle.workflowId}/${handle.firstExecutionRunId}/no-such-tab`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });
});
