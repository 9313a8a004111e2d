/**
 * W8 web UI at scale: the workflows page over a namespace holding `runs` (100,000) runs, and a
 * workflow whose history has `events` (10,000) events, in headless Chromium.
 * 1. A store with `runs` runs (lib/seeded-store.mjs, W7's template and seeder).
 * 2. The server started again on it as a user starts it, with its UI port.
 * 3. The long history (lib/w8-long-history.mjs): a workflow nobody polls, signalled through
 *    the HTTP API until its history is long enough.
 * 4. HTTP API latencies of the calls the workflows page opens with (lib/w8-api.mjs).
 * 5. The browser (lib/w8-browser.mjs): page weight, the list's first load, next page and a
 *    query, and the long history opened and scrolled to its end.
 * Each step is its own process; the server's CPU is read over steps 4 and 5.
 */
import { join } from 'node:path';
import { benchDir } from '../lib/paths.mjs';
import { withProcessGroup } from '../lib/run-once.mjs';
import { SEED_DEFAULTS, seedStore } from '../lib/seeded-store.mjs';
import { round } from '../lib/stats.mjs';

export const title = 'W8 web UI at scale';
export const defaultSdks = ['official'];
export const defaultParams = {
  runs: 100_000,
  ...SEED_DEFAULTS,
  events: 10_000,
  signalConcurrency: 32,
  /** The list's page size: the UI's default. */
  pageSize: 50,
  apiWarmup: 10,
  apiRepetitions: 100,
  apiCountRepetitions: 20,
  browserWarmup: 1,
  browserRepetitions: 5,
  scrollViewportsPerFrame: 2,
};
export const keyMetrics = [
  'pageWeight.list.js.brotliBytes',
  'pageWeight.list.css.brotliBytes',
  'list.firstLoadMs.median',
  'list.nextPageMs.median',
  'list.filterChangeMs.median',
  'listFirstPageMs.p99',
  'countByStatusMs.p99',
  'history.firstEventsMs.median',
  'history.toLastEventMs.median',
  'history.flingFrameP95Ms.median',
  'history.flingLongTasks.median',
  'history.flingTotalBlockingMs.median',
];

/** Bounds: 20 ms a signal (about ten times what one takes here) plus two minutes. */
const longHistoryTimeoutMs = (events) => 2 * 60_000 + events * 20;
const API_TIMEOUT_MS = 10 * 60_000;
const BROWSER_TIMEOUT_MS = 30 * 60_000;

export function orchestrate({ sdk, params }) {
  return withProcessGroup(async (group) => {
    const server = await group.startServer({ ui: true });
    const { seeded, bytes } = await seedStore(group, server, { sdk, params });
    const serverRestartReadyMs = await server.start();
    const childArgs = ['--ui-url', server.uiUrl, '--params', JSON.stringify(params)];

    const longHistory = await runChild(group, 'long-history', childArgs, longHistoryTimeoutMs(params.events));
    const serverCpuBefore = server.cpuSeconds();
    const api = await runChild(group, 'api', childArgs, API_TIMEOUT_MS);
    const browser = await runChild(group, 'browser', [...childArgs, '--run', JSON.stringify(longHistory)], BROWSER_TIMEOUT_MS);
    const serverCpuMeasures = server.cpuSeconds() - serverCpuBefore;
    const serverCpu = await server.stop();
    return {
      seededRuns: seeded.seededRuns,
      seedRunsPerSec: seeded.seedRunsPerSec,
      dbMb: round(bytes / 2 ** 20, 1),
      serverRestartReadyMs: round(serverRestartReadyMs),
      historyEvents: longHistory.events,
      longHistoryMs: longHistory.longHistoryMs,
      signalsPerSec: longHistory.signalsPerSec,
      listFirstPageMs: api.listFirstPageMs,
      countByStatusMs: api.countByStatusMs,
      browserVersion: browser.browserVersion,
      pageWeight: browser.pageWeight,
      list: browser.list,
      history: browser.history,
      // Over the API and browser steps; `load` is the API child.
      cpuSeconds: { server: round(serverCpuMeasures), worker: null, load: null },
      cpuSecondsTotal: { server: serverCpu, worker: null, load: null },
    };
  });
}

/** Runs bench/lib/w8-<name>.mjs to its end; its "result" message without the envelope. */
async function runChild(group, name, args, timeoutMs) {
  const child = group.spawn(name, [join(benchDir, `lib/w8-${name}.mjs`), ...args]);
  const result = { ...(await child.waitForEvent('result', timeoutMs)) };
  await child.waitForEvent('exit', 60_000);
  delete result.event;
  delete result.t;
  return result;
}
