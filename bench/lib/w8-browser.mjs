#!/usr/bin/env node
/**
 * W8's browser half: `node bench/lib/w8-browser.mjs --ui-url URL --params JSON --run JSON`
 * (`run`: the long-history workflow's ids and event count). Headless Chromium through
 * playwright-core, a fresh context (cold cache) for every measure, 1280×800:
 * - page weight: the JS and CSS the workflows page and the history page load, as the browser
 *   received them and as the server sends them brotli'd, gzip'd and raw;
 * - the workflows list: first load until the table shows rows, next page and a query until
 *   the rows change;
 * - the long history (`?view=full`): first events on screen, scrolled to the end until the
 *   last event id is on screen, then a fling from top to bottom; long tasks and blocking time.
 * `browserWarmup` unmeasured loads, then `browserRepetitions` measured: each figure is reported
 * as {median, max} over them. Timing is in the page (lib/w8-probes.js).
 */
/* global window -- the functions handed to evaluate() run in the page */
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { emit, exitReporting, exitWithParent } from './child.mjs';
import { benchDir } from './paths.mjs';
import { median, round } from './stats.mjs';

const { values: opts } = parseArgs({ options: { 'ui-url': { type: 'string' }, params: { type: 'string' }, run: { type: 'string' } } });
const params = JSON.parse(opts.params);
const run = JSON.parse(opts.run);
const baseUrl = opts['ui-url'];
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PROBES = join(benchDir, 'lib/w8-probes.js');
const LIST_PATH = '/namespaces/default/workflows';
const HISTORY_PATH = `/namespaces/default/workflows/${encodeURIComponent(run.workflowId)}/${encodeURIComponent(run.runId)}/history?view=full`;
/** Bounds on each wait in the page. */
const LOAD_TIMEOUT_MS = 60_000;
const HISTORY_TIMEOUT_MS = 5 * 60_000;

exitWithParent();
let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const pageWeight = { list: await pageWeightOf(LIST_PATH, listLoaded), history: await pageWeightOf(HISTORY_PATH, firstEventShown) };
  const list = await repeated(measureList);
  const history = await repeated(measureHistory);
  emit({ event: 'result', browserVersion: browser.version(), pageWeight, list, history });
  await browser.close();
  exitReporting(0);
} catch (err) {
  process.stderr.write(`browser measures failed: ${err?.stack ?? err}\n`);
  await browser?.close().catch(() => undefined);
  exitReporting(1);
}

/** A page in a fresh context (empty cache) with the probes installed, opened at `path`. */
async function freshPage(path, onResponse) {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ path: PROBES });
  const page = await context.newPage();
  if (onResponse) page.on('response', onResponse);
  await page.goto(path, { waitUntil: 'commit' });
  return { page, close: () => context.close() };
}

function listLoaded(page) {
  return page.evaluate((ms) => window.__w8.listRowsShown(ms), LOAD_TIMEOUT_MS);
}

function firstEventShown(page) {
  return page.evaluate((ms) => window.__w8.eventShown(1, ms), LOAD_TIMEOUT_MS);
}

/**
 * The scripts and style sheets a cold load of `path` fetched: bytes as the browser received
 * them (its Accept-Encoding) and as the server sends each with brotli, gzip and none.
 */
async function pageWeightOf(path, loaded) {
  const assets = [];
  const { page, close } = await freshPage(path, (response) => {
    const type = response.request().resourceType();
    if (type === 'script' || type === 'stylesheet') assets.push({ type, response });
  });
  try {
    await loaded(page);
    const weight = {};
    for (const { type, response } of assets) {
      const kind = type === 'script' ? 'js' : 'css';
      const sizes = await response.request().sizes();
      const [brotli, gzip, raw] = await Promise.all(['br', 'gzip', 'identity'].map((encoding) => bytesSent(response.url(), encoding)));
      const w = (weight[kind] ??= { files: 0, receivedBytes: 0, brotliBytes: 0, gzipBytes: 0, rawBytes: 0, receivedEncodings: [] });
      w.files++;
      w.receivedBytes += sizes.responseBodySize;
      w.brotliBytes += brotli;
      w.gzipBytes += gzip;
      w.rawBytes += raw;
      const encoding = response.headers()['content-encoding'] ?? 'identity';
      if (!w.receivedEncodings.includes(encoding)) w.receivedEncodings.push(encoding);
    }
    return weight;
  } finally {
    await close();
  }
}

/** Body bytes the server sends for `url` with `Accept-Encoding: encoding` (node:http does not decode). */
function bytesSent(url, encoding) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': encoding }, timeout: LOAD_TIMEOUT_MS }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${LOAD_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The workflows page: first load, next page, a query. */
async function measureList() {
  const { page, close } = await freshPage(LIST_PATH);
  try {
    const firstLoadMs = await listLoaded(page);
    const firstLoadLongTasks = await page.evaluate((to) => window.__w8.longTasksUntil(to), firstLoadMs);
    const next = await page.getByRole('button', { name: /next/i }).elementHandle({ timeout: LOAD_TIMEOUT_MS });
    const nextPage = await next.evaluate((button, ms) => window.__w8.listChangeAfter(() => button.click(), ms), LOAD_TIMEOUT_MS);
    // A query typed in the query bar and submitted as Enter would (the form's submit).
    const queryBox = page.getByRole('searchbox').first();
    await queryBox.fill("ExecutionStatus = 'Running'");
    const filter = await queryBox.evaluate((input, ms) => window.__w8.listChangeAfter(() => input.form.requestSubmit(), ms), LOAD_TIMEOUT_MS);
    return {
      firstLoadMs,
      firstLoadTotalBlockingMs: firstLoadLongTasks.totalBlockingMs,
      nextPageMs: nextPage.ms,
      filterChangeMs: filter.ms,
      filterRows: filter.rows,
    };
  } finally {
    await close();
  }
}

/** The long history: open, scroll to the last event, fling from top to bottom. */
async function measureHistory() {
  const { page, close } = await freshPage(HISTORY_PATH);
  try {
    const firstEventsMs = await firstEventShown(page);
    const toEnd = await page.evaluate(([last, ms]) => window.__w8.scrollToEvent(last, ms), [run.events, HISTORY_TIMEOUT_MS]);
    const fling = await page.evaluate(([perFrame, ms]) => window.__w8.scrollThrough(perFrame, ms), [params.scrollViewportsPerFrame, HISTORY_TIMEOUT_MS]);
    return {
      firstEventsMs,
      toLastEventMs: toEnd.ms,
      toLastEventLongTasks: toEnd.longTasks.count,
      toLastEventTotalBlockingMs: toEnd.longTasks.totalBlockingMs,
      flingMs: fling.ms,
      flingFrames: fling.frames,
      flingPxPerFrame: fling.pxPerFrame,
      flingAskedPxPerFrame: fling.askedPxPerFrame,
      flingFrameP50Ms: fling.frameP50Ms,
      flingFrameP95Ms: fling.frameP95Ms,
      flingFrameMaxMs: fling.frameMaxMs,
      flingLongTasks: fling.longTasks.count,
      flingLongTaskMaxMs: fling.longTasks.maxMs,
      flingTotalBlockingMs: fling.longTasks.totalBlockingMs,
    };
  } finally {
    await close();
  }
}

/** `browserWarmup` unmeasured calls of `measure`, then {median, max} of each figure over `browserRepetitions`. */
async function repeated(measure) {
  for (let i = 0; i < params.browserWarmup; i++) await measure();
  const samples = [];
  for (let i = 0; i < params.browserRepetitions; i++) samples.push(await measure());
  const out = {};
  for (const name of Object.keys(samples[0])) {
    const values = samples.map((s) => s[name]).filter((v) => typeof v === 'number');
    out[name] = values.length ? { median: round(median(values)), max: round(Math.max(...values)) } : null;
  }
  return out;
}
