/**
 * The web UI's browser tests: an Endure server with its UI port, the official SDK's client
 * and a worker running the UI test workflows (packages/server/test/workflows/ui.ts), and
 * Debian's headless Chromium driven by playwright-core.
 *
 *   const ui = await startUiEnv();
 *   const page = await ui.newPage('/namespaces/default/workflows');
 *   await page.getByRole('link', { name: workflowId }).click();
 *   await ui.screenshot(page, 'workflows-list');
 *   await ui.close();
 *
 * Screenshots go to packages/ui/test-artifacts/ (kept by CI as artifacts, ignored by git);
 * with UPDATE_SCREENSHOTS=1 they also replace the README's pictures in docs/ui/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestEnv, uniqueTaskQueue, type TestEnv } from '../../../server/test/helpers/env.js';
import type { Worker } from '@temporalio/worker';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS_DIR = join(here, '..', '..', 'test-artifacts');
const DOCS_DIR = join(here, '..', '..', '..', '..', 'docs', 'ui');

/** Where `.ci/run` installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Activities of the UI test workflows. */
export const uiActivities = {
  // eslint-disable-next-line @typescript-eslint/require-await
  async greet(name: string): Promise<string> {
    return `Hello, ${name}!`;
  },
  // eslint-disable-next-line @typescript-eslint/require-await
  async alwaysFails(message: string): Promise<never> {
    throw new Error(message);
  },
};

export interface UiEnv {
  env: TestEnv;
  /** `http://127.0.0.1:<port>`: the UI and the HTTP API. */
  baseUrl: string;
  /** The task queue the worker polls: start the UI workflows on it. */
  taskQueue: string;
  worker: Worker;
  browser: Browser;
  /** A new page (1280×800, its own context) opened at `path`. */
  newPage(path?: string): Promise<Page>;
  /** Saves a screenshot of the page as `<name>.png` (see the file comment). */
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startUiEnv(): Promise<UiEnv> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  // The 10,000-event history of workflow-history.test.ts is made of signals: Temporal's limit of
  // 10,000 signals per run (`signalsPerRunMax`) would refuse the one that completes it.
  const env = await startTestEnv({ uiPort: 0, limits: { signalsPerRunMax: 20_000 } });
  const closers: Array<() => Promise<unknown>> = [() => env.close()];
  try {
    const taskQueue = uniqueTaskQueue('ui');
    const worker = await env.createWorker({ taskQueue, activities: uiActivities });
    const running = worker.run();
    closers.unshift(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-gpu',
      ],
    });
    closers.unshift(() => browser.close());
    const baseUrl = env.server.uiAddress!;
    return {
      env,
      baseUrl,
      taskQueue,
      worker,
      browser,
      async newPage(path = '/') {
        const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        await page.goto(path);
        return page;
      },
      async screenshot(page, name) {
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const file = join(ARTIFACTS_DIR, `${name}.png`);
        await page.screenshot({ path: file, fullPage: false });
        if (process.env['UPDATE_SCREENSHOTS'] === '1') {
          mkdirSync(DOCS_DIR, { recursive: true });
          await copyFile(file, join(DOCS_DIR, `${name}.png`));
        }
      },
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: Array<() => Promise<unknown>>): Promise<void> {
  for (const close of closers) {
    await close().catch(() => undefined);
  }
}
