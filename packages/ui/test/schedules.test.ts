/**
 * The schedules page against a server that has schedules: creating one with the form (an
 * interval, a cron string with a time zone, and a bad cron string answered by the server),
 * the list, the detail, pause and unpause with notes, trigger, backfill and delete (each
 * checked through the official client too), a schedule made with the official client
 * (calendars, time zone, jitter, memo, search attributes) read back as it was set, and a list
 * longer than one page.
 */
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { startUiEnv, type UiEnv } from './helpers/ui-env.js';

let ui: UiEnv;
const tag = randomUUID().slice(0, 8);
const BOUND_MS = 15_000;
const HOUR_MS = 3_600_000;
const LIST = '/namespaces/default/schedules';
/** Made with the official client in beforeAll: every part of a spec the page shows. */
const SDK_SCHEDULE = `ui-sched-sdk-${tag}`;

beforeAll(async () => {
  ui = await startUiEnv();
  await ui.env.client.schedule.create({
    scheduleId: SDK_SCHEDULE,
    spec: {
      calendars: [{ hour: [9, 17], minute: 30, dayOfWeek: 'MONDAY', comment: 'twice on mondays' }],
      cronExpressions: ['0 12 * * *'],
      intervals: [{ every: '90m', offset: '5m' }],
      timezone: 'Europe/Berlin',
      jitter: '30s',
      startAt: new Date('2026-01-01T00:00:00Z'),
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'uiCompleted',
      taskQueue: ui.taskQueue,
      workflowId: `ui-sched-sdk-wf-${tag}`,
      args: ['from the sdk'],
      memo: { owner: 'ops' },
    },
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1h', pauseOnFailure: true },
    state: { note: 'made by the official client', remainingActions: 5 },
    memo: { team: 'billing' },
    searchAttributes: { CustomKeywordField: ['nightly'] },
  });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

/** The value of the labelled field (`<dt>label</dt><dd>value</dd>`) inside `scope`. */
function field(scope: Locator, label: string): Locator {
  const exactly = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return scope.locator('div.field').filter({ has: scope.page().locator('dt', { hasText: exactly }) }).locator('dd');
}

/** A page whose waits give up within the bound, so a failure names what it waited for. */
async function openPage(path: string): Promise<Page> {
  const page = await ui.newPage(path);
  page.setDefaultTimeout(BOUND_MS);
  return page;
}

function detail(page: Page, id: string): Locator {
  return page.locator('section.card').filter({ has: page.getByRole('heading', { name: `Schedule ${id}`, exact: true }) });
}

function listRow(page: Page, id: string): Locator {
  return page.getByRole('table', { name: 'Schedules' }).getByRole('row').filter({ has: page.getByRole('link', { name: id, exact: true }) });
}

/** Opens the form and fills what every schedule needs. */
async function openForm(page: Page, id: string): Promise<void> {
  await page.getByRole('button', { name: 'New schedule' }).click();
  const form = page.getByRole('form', { name: 'New schedule' });
  await form.getByLabel('Schedule ID').fill(id);
  await form.getByLabel('Workflow type').fill('uiCompleted');
  await form.getByLabel('Task queue').fill(ui.taskQueue);
}

/** The instants of the `<time>` elements found by `locator` (their `datetime`), in page order. */
async function timesIn(locator: Locator): Promise<number[]> {
  const values = await Promise.all((await locator.all()).map((time) => time.getAttribute('datetime')));
  return values.map((value) => Date.parse(value ?? ''));
}

async function waitForText(locator: Locator, text: string): Promise<void> {
  await expect.poll(() => locator.textContent(), { timeout: BOUND_MS }).toContain(text);
}

describe('the schedules page', () => {
  it('creates an interval schedule with the form, lists it with its next run, and shows its detail', async () => {
    const id = `ui-sched-interval-${tag}`;
    const page = await openPage(LIST);
    await openForm(page, id);
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Every', { exact: true }).fill('1h');
    await form.getByLabel('Arguments (JSON array)').fill('["from the form"]');
    await form.getByLabel('Note').fill('hourly report');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.waitForURL(`**${LIST}?schedule=${id}`);

    const card = detail(page, id);
    await waitForText(field(card, 'Intervals'), 'every 1h');
    expect(await field(card, 'State').textContent()).toBe('Running');
    expect(await field(card, 'Notes').textContent()).toBe('hourly report');
    expect(await field(card, 'Workflow type').textContent()).toBe('uiCompleted');
    expect(await field(card, 'Task queue').textContent()).toBe(ui.taskQueue);
    expect(await field(card, 'Overlap policy').textContent()).toBe('Skip');
    expect(await field(card, 'Actions taken').textContent()).toBe('0');
    expect(await card.getByRole('region', { name: 'Workflow arguments' }).textContent()).toContain('from the form');

    // Upcoming runs are the server's, on the hour (an interval counts from the epoch).
    const described = await ui.env.client.schedule.getHandle(id).describe();
    const next = described.info.nextActionTimes[0]!;
    expect(next.getTime() % HOUR_MS).toBe(0);
    const upcoming = card.getByRole('region', { name: 'Upcoming runs' }).locator('time');
    expect(Date.parse((await upcoming.first().getAttribute('datetime')) ?? '')).toBe(next.getTime());

    const row = listRow(page, id);
    await waitForText(row, 'every 1h');
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Running');
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('uiCompleted');
    expect(Date.parse((await row.getByRole('cell').nth(5).locator('time').getAttribute('datetime')) ?? '')).toBe(next.getTime());
    expect(await row.getByRole('cell').nth(6).textContent()).toBe('hourly report');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });

  it('answers a bad cron string with the server\'s message in the form, then creates the schedule once it is fixed', async () => {
    const id = `ui-sched-cron-${tag}`;
    const page = await openPage(LIST);
    await openForm(page, id);
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('On a calendar (cron)').check();
    await form.getByLabel('Cron string').fill('61 * * * *');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const alert = form.getByRole('alert');
    await waitForText(alert, 'INVALID_ARGUMENT');
    expect(await alert.textContent()).toContain('minute 61 is out of range');
    await ui.screenshot(page, 'schedule-form-invalid');
    await expect(ui.env.client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    await form.getByLabel('Every interval').check();
    await form.getByLabel('Every', { exact: true }).fill('soon');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await waitForText(alert, '"soon" is not an interval');

    await form.getByLabel('On a calendar (cron)').check();
    await form.getByLabel('Cron string').fill('30 9 * * MON-FRI');
    await form.getByLabel('Time zone').fill('America/New_York');
    await form.getByLabel('Overlap policy').selectOption({ label: 'Buffer All' });
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.waitForURL(`**${LIST}?schedule=${id}`);

    const card = detail(page, id);
    await waitForText(field(card, 'Calendars'), 'at 09:30 on weekday Mon-Fri');
    expect(await field(card, 'Time zone').textContent()).toBe('America/New_York');
    expect(await field(card, 'Overlap policy').textContent()).toBe('Buffer All');
    const described = await ui.env.client.schedule.getHandle(id).describe();
    expect(described.spec.timezone).toBe('America/New_York');
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ALL);
    await waitForText(listRow(page, id), 'at 09:30 on weekday Mon-Fri (America/New_York)');
    await page.context().close();
  });

  it('pauses with a note and unpauses, in the detail and the list', async () => {
    const id = `ui-sched-pause-${tag}`;
    await createHourly(id);
    const handle = ui.env.client.schedule.getHandle(id);
    const page = await openPage(`${LIST}?schedule=${id}`);
    const card = detail(page, id);

    await card.getByRole('button', { name: 'Pause', exact: true }).click();
    const pauseDialog = page.getByRole('dialog', { name: 'Pause the schedule' });
    await pauseDialog.getByLabel('Note').fill('waiting for the new billing system');
    await pauseDialog.getByRole('button', { name: 'Pause schedule' }).click();
    await waitForText(field(card, 'State'), 'Paused');
    expect(await field(card, 'Notes').textContent()).toBe('waiting for the new billing system');
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'waiting for the new billing system' });
    const row = listRow(page, id);
    await waitForText(row, 'Paused');
    expect(await row.textContent()).toContain('waiting for the new billing system');

    await card.getByRole('button', { name: 'Unpause', exact: true }).click();
    const unpauseDialog = page.getByRole('dialog', { name: 'Unpause the schedule' });
    await unpauseDialog.getByLabel('Note').fill('billing is back');
    await unpauseDialog.getByRole('button', { name: 'Unpause schedule' }).click();
    await waitForText(field(card, 'State'), 'Running');
    expect((await handle.describe()).state).toMatchObject({ paused: false, note: 'billing is back' });
    await waitForText(row, 'Running');
    await page.context().close();
  });

  it('triggers a run: a recent run with its workflow link appears, and the counter moves', async () => {
    const id = `ui-sched-trigger-${tag}`;
    // Paused, so no hourly action of its own joins the runs the test counts (a trigger runs all the same).
    await createHourly(id, { paused: true });
    const page = await openPage(`${LIST}?schedule=${id}`);
    const card = detail(page, id);
    await card.getByRole('button', { name: 'Trigger now' }).click();

    const recent = card.getByRole('table', { name: 'Recent runs' });
    const link = recent.getByRole('link', { name: new RegExp(`^${id}-wf-`) });
    await link.waitFor({ timeout: BOUND_MS });
    await waitForText(field(card, 'Actions taken'), '1');
    const [action] = (await ui.env.client.schedule.getHandle(id).describe()).info.recentActions;
    expect(await link.textContent()).toBe(action!.action.workflow.workflowId);
    // The worker runs it to completion; the recent run shows the status the server records.
    await waitForText(recent.getByRole('row').nth(1), 'Completed');

    await link.click();
    const { workflowId, firstExecutionRunId } = action!.action.workflow;
    await page.waitForURL(`**/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${firstExecutionRunId}/history`);
    await page.getByText('uiCompleted').first().waitFor();
    await page.context().close();
  });

  it('backfills a past range, and refuses a range that is not times', async () => {
    const id = `ui-sched-backfill-${tag}`;
    // Paused, so no hourly action of its own joins the runs the test counts (a backfill runs all the same).
    await createHourly(id, { paused: true });
    const page = await openPage(`${LIST}?schedule=${id}`);
    const card = detail(page, id);

    await card.getByRole('button', { name: 'Backfill' }).click();
    const dialog = page.getByRole('dialog', { name: 'Backfill the schedule' });
    await dialog.getByLabel('From').fill('last tuesday');
    await dialog.getByRole('button', { name: 'Backfill', exact: true }).click();
    await waitForText(dialog.getByRole('alert'), '"last tuesday" is not a time');

    // Two whole hours back: the hourly spec has exactly two times in (from, to].
    const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const from = new Date(lastHour - 3 * HOUR_MS + 1000);
    const to = new Date(lastHour - HOUR_MS + 1000);
    await dialog.getByLabel('From').fill(from.toISOString());
    await dialog.getByLabel('To').fill(to.toISOString());
    await dialog.getByLabel('Overlap policy').selectOption({ label: 'Allow All' });
    await ui.screenshot(page, 'schedule-backfill-dialog');
    await dialog.getByRole('button', { name: 'Backfill', exact: true }).click();

    const recent = card.getByRole('table', { name: 'Recent runs' });
    await expect.poll(() => recent.locator('tbody tr').count(), { timeout: BOUND_MS }).toBe(2);
    const scheduled = await timesIn(recent.locator('tbody tr td:first-child time'));
    expect(scheduled.sort()).toEqual([lastHour - 2 * HOUR_MS, lastHour - HOUR_MS]);
    expect((await ui.env.client.schedule.getHandle(id).describe()).info.numActionsTaken).toBe(2);
    await page.context().close();
  });

  it('deletes a schedule after a confirmation', async () => {
    const id = `ui-sched-delete-${tag}`;
    await createHourly(id);
    const page = await openPage(`${LIST}?schedule=${id}`);
    await listRow(page, id).waitFor();
    await detail(page, id).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: `Delete schedule ${id}?` }).getByRole('button', { name: 'Delete schedule' }).click();
    await page.waitForURL(`**${LIST}`);
    await expect.poll(() => listRow(page, id).count(), { timeout: BOUND_MS }).toBe(0);
    await expect(ui.env.client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await page.context().close();
  });

  it('shows a schedule made with the official client as it was set: calendars, time zone, jitter, memo, search attributes', async () => {
    const page = await openPage(`${LIST}?schedule=${SDK_SCHEDULE}`);
    const card = detail(page, SDK_SCHEDULE);
    const calendars = field(card, 'Calendars');
    await waitForText(calendars, 'at 09:30, 17:30 on weekday Mon (twice on mondays)');
    expect(await calendars.textContent()).toContain('at 12:00 every day');
    expect(await field(card, 'Intervals').textContent()).toBe('every 1h 30m, offset 5m');
    expect(await field(card, 'Time zone').textContent()).toBe('Europe/Berlin');
    expect(await field(card, 'Jitter').textContent()).toBe('30s');
    expect(await field(card, 'Start time').locator('time').getAttribute('datetime')).toBe('2026-01-01T00:00:00Z');
    expect(await field(card, 'Overlap policy').textContent()).toBe('Buffer One');
    expect(await field(card, 'Catch-up window').textContent()).toBe('1h');
    expect(await field(card, 'Pause on failure').textContent()).toBe('Yes');
    expect(await field(card, 'Remaining actions').textContent()).toBe('5');
    expect(await field(card, 'Notes').textContent()).toBe('made by the official client');
    expect(await field(card, 'Memo').textContent()).toBe('team: "billing"');
    expect(await field(card, 'Search attributes').textContent()).toBe('CustomKeywordField: ["nightly"]');
    expect(await field(card, 'Workflow memo').textContent()).toBe('owner: "ops"');
    expect(await card.getByRole('region', { name: 'Workflow arguments' }).textContent()).toContain('from the sdk');

    // The next times shown are the server's (jitter included), as the client reads them.
    const { info } = await ui.env.client.schedule.getHandle(SDK_SCHEDULE).describe();
    const shown = await timesIn(card.getByRole('region', { name: 'Upcoming runs' }).locator('time'));
    expect(shown.slice(0, 3)).toEqual(info.nextActionTimes.slice(0, 3).map((t) => t.getTime()));

    const row = listRow(page, SDK_SCHEDULE);
    await waitForText(row, 'at 09:30, 17:30 on weekday Mon (twice on mondays) +2 more (Europe/Berlin)');
    // A run in the picture: triggered from the page, it shows among the recent runs.
    await card.getByRole('button', { name: 'Trigger now' }).click();
    await card.getByRole('table', { name: 'Recent runs' }).getByRole('link').first().waitFor();
    await page.setViewportSize({ width: 1280, height: 1500 });
    await ui.screenshot(page, 'schedules');
    await page.context().close();
  });

  it('lists every schedule when they take more than one list page', async () => {
    const ids = Array.from({ length: 110 }, (_, i) => `ui-sched-many-${String(i).padStart(3, '0')}-${tag}`);
    for (const id of ids) await createHourly(id, { paused: true });
    const listed: string[] = [];
    for await (const schedule of ui.env.client.schedule.list()) listed.push(schedule.scheduleId);
    const total = listed.length;
    expect(total).toBeGreaterThan(100);

    const page = await openPage(LIST);
    const rows = page.getByRole('table', { name: 'Schedules' }).locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: BOUND_MS }).toBe(total);
    await listRow(page, ids.at(-1)!).waitFor();
    expect(await page.getByText(/The first \d+ schedules are shown/).count()).toBe(0);
    await page.context().close();
  });
});

/** An hourly schedule of the UI's completing workflow, made with the official client. */
async function createHourly(id: string, state: { paused?: boolean } = {}): Promise<void> {
  await ui.env.client.schedule.create({
    scheduleId: id,
    spec: { intervals: [{ every: '1h' }] },
    state,
    action: { type: 'startWorkflow', workflowType: 'uiCompleted', taskQueue: ui.taskQueue, workflowId: `${id}-wf`, args: ['scheduled'] },
  });
  await waitFor(() => ui.env.client.schedule.getHandle(id).describe(), { timeoutMs: BOUND_MS, description: `schedule ${id}` });
}
