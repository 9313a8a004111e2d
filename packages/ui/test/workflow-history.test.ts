/**
 * The workflow page's History and Timeline tabs in a real browser, over workflows the
 * official SDK ran: groups in the compact view, an event expanded in the full list, the JSON
 * view, the download, timeline bars by outcome, and a 10,000-event history that opens and
 * scrolls to its end.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { WorkflowHandle } from '@temporalio/client';
import { uniqueWorkflowId } from '../../server/test/helpers/env.js';
import { startUiEnv, type UiEnv } from './helpers/ui-env.js';

let ui: UiEnv;
/** Completed: an activity, then a timer. */
let completed: WorkflowHandle;
/** Completed: two child workflows. */
let parent: WorkflowHandle;
/** Completed on its `approve` signal. */
let approved: WorkflowHandle;
/** Failed with a cause and stack traces. */
let failed: WorkflowHandle;
/** Running: its activity fails and retries. */
let pending: WorkflowHandle;

const BIG_HISTORY_EVENTS_MIN = 10_000;
/** Signals in flight at once while the big history is written. */
const SIGNALS_IN_FLIGHT_MAX = 64;
const BIG_HISTORY_OPEN_MS_MAX = 15_000;
const LAST_EVENT_VISIBLE_MS_MAX = 3_000;
/** The history is read again every 1.5 s while the run is open. */
const FOLLOW_SEEN_MS_MAX = 10_000;

beforeAll(async () => {
  ui = await startUiEnv();
  const { client } = ui.env;
  const start = (type: string, args: unknown[] = []) =>
    client.workflow.start(type, { taskQueue: ui.taskQueue, workflowId: uniqueWorkflowId(type), args });
  completed = await start('uiCompleted', ['Ada']);
  parent = await start('uiParent');
  approved = await start('uiAwaitingApproval');
  failed = await start('uiFailed', ['no stock']);
  pending = await start('uiPendingFailingActivity', ['card declined']);
  await approved.signal('approve', 'Bob');
  await Promise.all([completed.result(), parent.result(), approved.result(), failed.result().catch(() => undefined)]);
}, 120_000);

afterAll(async () => {
  await pending?.terminate('test over').catch(() => undefined); // when its test did not get to it
  await ui?.close();
});

function tabPath(handle: WorkflowHandle, runId: string, tab: 'history' | 'timeline', query = ''): string {
  return `/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${runId}/${tab}${query}`;
}

async function open(handle: WorkflowHandle, tab: 'history' | 'timeline', query = ''): Promise<Page> {
  const { runId } = await handle.describe();
  return ui.newPage(tabPath(handle, runId, tab, query));
}

async function historyLength(handle: WorkflowHandle): Promise<number> {
  return (await handle.fetchHistory()).events?.length ?? 0;
}

describe('history tab', () => {
  it('groups an activity and a timer in the compact view, and expands a group to its events', async () => {
    const page = await open(completed, 'history');
    const groups = page.getByRole('list', { name: 'Event groups' });
    const activity = groups.getByRole('button', { name: /^Activity greet Completed/ });
    await activity.waitFor();
    await groups.getByRole('button', { name: /^Timer Timer 1 .* Completed/ }).waitFor();
    // Workflow tasks that went well are left out of the compact view.
    expect(await groups.getByRole('button', { name: /^Workflow task/ }).count()).toBe(0);
    await activity.click();
    await expect.poll(() => activity.getAttribute('aria-expanded')).toBe('true');
    for (const type of ['ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted']) {
      await groups.getByRole('heading', { name: new RegExp(type) }).waitFor();
    }
    await ui.screenshot(page, 'workflow-history-compact');
    await page.context().close();
  });

  it('shows child workflows and signals as groups', async () => {
    const page = await open(parent, 'history');
    const children = page.getByRole('list', { name: 'Event groups' }).getByRole('button', { name: /^Child workflow uiCompleted .* Completed/ });
    await children.first().waitFor();
    expect(await children.count()).toBe(2);
    await page.goto(tabPath(approved, (await approved.describe()).runId, 'history'));
    await page.getByRole('list', { name: 'Event groups' }).getByRole('button', { name: /^Signal approve/ }).waitFor();
    await page.context().close();
  });

  it('expands an event of the full list with its failure and stack trace, by mouse and keyboard', async () => {
    const page = await open(failed, 'history', '?view=full');
    const events = page.getByRole('list', { name: 'Events' });
    const closeEvent = events.getByRole('button', { name: /WorkflowExecutionFailed/ });
    await closeEvent.click();
    await events.getByText('OutOfStock', { exact: false }).waitFor();
    await events.getByText(/order rejected: no stock/).first().waitFor();
    await events.locator('.stack-trace').first().waitFor();
    // The same row closes with Enter once focused; k moves up to the row above.
    await closeEvent.focus();
    await page.keyboard.press('Enter');
    // Each key re-renders the list before focus and state settle: wait for them (bounded).
    await expect.poll(() => closeEvent.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('k');
    const above = events.getByRole('button', { name: /WorkflowTaskCompleted/ }).last();
    // A string, evaluated in the page: the test's TypeScript has no DOM types.
    await expect.poll(() => page.evaluate('document.activeElement.textContent')).toMatch(/WorkflowTaskCompleted/);
    await page.keyboard.press('Enter');
    await expect.poll(() => above.getAttribute('aria-expanded')).toBe('true');
    await ui.screenshot(page, 'workflow-history-full');
    await page.context().close();
  });

  it('follows a running workflow: new events are appended, rows on screen stay as they are', async () => {
    const live = await ui.env.client.workflow.start('uiAwaitingApproval', { taskQueue: ui.taskQueue, workflowId: uniqueWorkflowId('ui-live-history') });
    const page = await open(live, 'history', '?view=full');
    const events = page.getByRole('list', { name: 'Events' });
    const first = events.getByRole('button', { name: /^1 .*WorkflowExecutionStarted/ });
    await first.click();
    // A row that rendered again from scratch would lose this mark (and its expanded state).
    await page.evaluate(`document.querySelector('[role=list] [data-index="0"]').setAttribute('data-test-mark', 'seen')`);
    await live.signal('approve', 'Cy');
    await events.getByRole('button', { name: /WorkflowExecutionSignaled approve/ }).waitFor({ timeout: FOLLOW_SEEN_MS_MAX });
    await events.getByRole('button', { name: /WorkflowExecutionCompleted/ }).waitFor({ timeout: FOLLOW_SEEN_MS_MAX });
    expect(await events.locator('[data-index="0"]').getAttribute('data-test-mark')).toBe('seen');
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    await page.context().close();
  });

  it('lists the newest event first when asked, and switches views by links kept in the URL', async () => {
    const page = await open(completed, 'history', '?view=full');
    await page.getByRole('combobox', { name: 'Order' }).selectOption('desc');
    await page.waitForURL(/order=desc/);
    const firstRow = page.getByRole('list', { name: 'Events' }).getByRole('button').first();
    expect(await firstRow.textContent()).toContain('WorkflowExecutionCompleted');
    await page.getByRole('navigation', { name: 'History view' }).getByRole('link', { name: 'JSON' }).click();
    await page.waitForURL(/view=json/);
    const json = page.getByRole('region', { name: 'History JSON' });
    await json.getByText('"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"').waitFor();
    await page.context().close();
  });

  it('downloads the whole history as <workflowId>_<runId>_history.json with canonical payloads', async () => {
    const page = await open(completed, 'history');
    const { runId } = await completed.describe();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(`${completed.workflowId}_${runId}_history.json`);
    const file = JSON.parse(await readFile(await download.path(), 'utf8')) as { events: Array<Record<string, unknown>> };
    expect(file.events).toHaveLength(await historyLength(completed));
    const started = file.events[0]!['workflowExecutionStartedEventAttributes'] as { input: { payloads: Array<{ metadata: unknown; data: string }> } };
    expect(JSON.parse(Buffer.from(started.input.payloads[0]!.data, 'base64').toString())).toBe('Ada');
    await page.context().close();
  });
});

describe('timeline tab', () => {
  it('draws a bar per activity and timer, children, and signals as points, coloured by outcome', async () => {
    const page = await open(completed, 'timeline');
    const lanes = page.getByRole('list', { name: 'Timeline' });
    await lanes.locator('.bar').first().waitFor();
    expect(await lanes.locator('.bar').count()).toBe(2);
    expect(await lanes.locator('.bar.outcome-completed').count()).toBe(2);
    await lanes.getByRole('button', { name: /^greet, Activity, Completed/ }).hover();
    await page.getByRole('tooltip').getByText('greet').waitFor();
    await lanes.getByRole('button', { name: /^greet/ }).click();
    await page.getByRole('heading', { name: 'greet — events' }).waitFor();
    await ui.screenshot(page, 'workflow-timeline');

    await page.goto(tabPath(parent, (await parent.describe()).runId, 'timeline'));
    await lanes.locator('[data-kind="child"]').first().waitFor();
    expect(await lanes.locator('.bar.outcome-completed[data-kind="child"]').count()).toBe(2);

    await page.goto(tabPath(approved, (await approved.describe()).runId, 'timeline'));
    await lanes.locator('.point[data-kind="signal"]').waitFor();
    expect(await lanes.locator('.point').count()).toBe(1);
    await page.context().close();
  });

  it('draws a running activity open-ended', async () => {
    const page = await open(pending, 'timeline');
    await page.getByRole('list', { name: 'Timeline' }).locator('.bar.outcome-running.open[data-kind="activity"]').waitFor();
    await page.context().close();
    await pending.terminate('seen running'); // its retries need not go on for the rest of the file
  });
});

describe('a history of 10,000 events', () => {
  it('opens, and scrolls to its last event', async () => {
    const big = await ui.env.client.workflow.start('uiAwaitingApproval', {
      taskQueue: ui.taskQueue,
      workflowId: uniqueWorkflowId('ui-big-history'),
    });
    // Each signal is one event; signals arriving together share a workflow task.
    let sent = 0;
    const sendSignals = async () => {
      while (sent < BIG_HISTORY_EVENTS_MIN) {
        sent++;
        await big.signal('note', sent);
      }
    };
    await Promise.all(Array.from({ length: SIGNALS_IN_FLIGHT_MAX }, sendSignals));
    await big.signal('approve', 'Bob');
    await big.result();
    const events = await historyLength(big);
    expect(events).toBeGreaterThan(BIG_HISTORY_EVENTS_MIN);

    const openedAt = Date.now();
    const page = await open(big, 'history', '?view=full');
    await page.getByText(`${events} events`, { exact: true }).waitFor({ timeout: BIG_HISTORY_OPEN_MS_MAX });
    expect(Date.now() - openedAt).toBeLessThan(BIG_HISTORY_OPEN_MS_MAX);
    const list = page.getByRole('list', { name: 'Events' });
    // Virtualised: a screenful of rows in the DOM, not 10,000.
    expect(await list.getByRole('listitem').count()).toBeLessThan(100);
    await list.getByRole('button').first().focus();
    const pressedAt = Date.now();
    await page.keyboard.press('End');
    const lastRow = list.getByRole('button', { name: new RegExp(`^${events} .*WorkflowExecutionCompleted`) });
    await lastRow.waitFor({ timeout: LAST_EVENT_VISIBLE_MS_MAX });
    expect(Date.now() - pressedAt).toBeLessThan(LAST_EVENT_VISIBLE_MS_MAX);
    // In the window, not only in the DOM: the focused row is scrolled into view.
    const box = (await lastRow.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    await ui.screenshot(page, 'workflow-history-10k');
    await page.context().close();
  }, 180_000);
});
