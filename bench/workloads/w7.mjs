/**
 * W7 visibility at scale: list and count over a store holding `runs` (1,000,000) runs.
 * 1. Template: the real server and worker run one closed workflow (3 activities) and one
 *    open one (waiting for a signal), both with the 3 custom search attributes (the load half
 *    below; `Region` is registered through OperatorService first). Their stored rows are what
 *    the seeded runs are copied from, so state, history and visibility rows have real sizes.
 * 2. Seeding (bench/lib/w7-seed.mjs, server stopped): `runs` runs written through the store's
 *    own commitExecution, many in flight so the group commit batches them.
 * 3. Queries (bench/lib/w7-query.mjs): the server started again on that file, queried with
 *    the official client as a user would; latencies measured at the client.
 * Figures are printed beside the targets (`targets`).
 */
import { join } from 'node:path';
import { benchDir } from '../lib/paths.mjs';
import { withProcessGroup } from '../lib/run-once.mjs';
import { copyDb, SEED_DEFAULTS, seedStore } from '../lib/seeded-store.mjs';
import { round } from '../lib/stats.mjs';
import { EventType, timedEvents } from '../lib/history.mjs';
import { waitUntil } from '../lib/loop.mjs';

export const title = 'W7 visibility at scale';
export const defaultSdks = ['official'];
export const defaultParams = {
  runs: 1_000_000,
  ...SEED_DEFAULTS,
  repetitions: 200,
  warmup: 10,
  countRepetitions: 20,
  pageSize: 100,
  pagingResults: 10_000,
  pagingPasses: 5,
};
export const keyMetrics = [
  'seedRunsPerSec',
  'typeStatusFirstPageMs.p99',
  'customKeywordFirstPageMs.p99',
  'countByStatusMs.p99',
  'pagingMaxToFirstRatio',
  'pagingLastTenToFirstTenRatio',
  'bytesPerRun',
  'bytesPerClosedRun',
  'serverRestartReadyMs',
];

/** The targets: metric → [comparison, bound]. */
export const targets = {
  'typeStatusFirstPageMs.p99': ['<=', 20],
  'customKeywordFirstPageMs.p99': ['<=', 50],
  'countByStatusMs.p99': ['<=', 300],
  'pagingMaxToFirstRatio': ['<=', 2],
};

/** The template runs' ids have the width of the seeded ones (w7-0000000), so ids can be swapped in place. */
export const TEMPLATE_IDS = { closed: 'w7-tmpl-c0', running: 'w7-tmpl-r0' };
export const TEMPLATE_ATTRIBUTES = { CustomKeywordField: ['customer-0000'], CustomIntField: [0], Region: ['region-0'] };
const INDEXED_VALUE_TYPE_KEYWORD = 2;
const TEMPLATE_TIMEOUT_MS = 120_000;
const QUERY_TIMEOUT_MS = 20 * 60_000;

export function orchestrate({ sdk, params }) {
  return withProcessGroup(async (group) => {
    const server = await group.startServer();
    const { seeded, bytes } = await seedStore(group, server, { sdk, params });
    // BENCH_W7_KEEP_DB=FILE keeps a copy of the seeded store (to look at plans or sizes after).
    if (process.env.BENCH_W7_KEEP_DB) copyDb(server.dbFile, process.env.BENCH_W7_KEEP_DB);

    const serverRestartReadyMs = await server.start();
    const serverCpuBefore = server.cpuSeconds();
    const queryArgs = ['--address', server.address, '--sdk', sdk, '--params', JSON.stringify(params)];
    const query = group.spawn('query', [join(benchDir, 'lib/w7-query.mjs'), ...queryArgs]);
    const queried = await query.waitForEvent('result', QUERY_TIMEOUT_MS);
    const serverCpuQueries = server.cpuSeconds() - serverCpuBefore;
    await query.waitForEvent('exit', 60_000);
    const serverCpu = await server.stop();
    return {
      ...pick(seeded, ['seededRuns', 'closedRuns', 'seedMs', 'seedRunsPerSec', 'eventsPerClosedRun', 'eventsPerRunningRun', 'stateBytes', 'bytesPerRunByPart', 'plans']),
      ...pick(queried, ['typeStatusFirstPageMs', 'customKeywordFirstPageMs', 'regionRunningFirstPageMs', 'defaultFirstPageMs', 'countByStatusMs', 'countAllMs', 'paging', 'pagingMaxToFirstRatio', 'pagingLastTenToFirstTenRatio', 'counts']),
      dbMb: round(bytes / 2 ** 20, 1),
      bytesPerRun: Math.round(bytes / seeded.seededRuns),
      // Bytes shared out by what each kind of run wrote (state, events, visibility row): the
      // indexes and page overhead grow with the rows, so this is how much a closed run costs.
      bytesPerClosedRun: Math.round((bytes * seeded.closedPayloadShare) / seeded.closedRuns),
      serverRestartReadyMs: round(serverRestartReadyMs),
      // Over the query phase; `load` is the query client.
      cpuSeconds: { server: round(serverCpuQueries), worker: null, load: round(queried.cpuSeconds) },
      cpuSecondsTotal: { server: serverCpu, worker: null, load: null },
    };
  });
}

function pick(obj, names) {
  return Object.fromEntries(names.filter((n) => obj[n] !== undefined).map((n) => [n, obj[n]]));
}

/**
 * The load half (run by bench/load.mjs with the worker up): registers `Region` and runs the
 * two template workflows; reports their ids.
 */
export async function load({ client, taskQueue, params, emit }) {
  emit({ event: 'begin' });
  // Our client has no OperatorService: the official one registers the attribute either way.
  const { Connection } = await import('@temporalio/client');
  const operator = await Connection.connect({ address: params.address });
  try {
    await operator.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: { Region: INDEXED_VALUE_TYPE_KEYWORD } });
  } finally {
    await operator.close();
  }
  const searchAttributes = TEMPLATE_ATTRIBUTES;
  const closed = await client.workflow.start('sequentialNoops', { taskQueue, workflowId: TEMPLATE_IDS.closed, args: [3], searchAttributes });
  await closed.result();
  const running = await client.workflow.start('waitForRelease', { taskQueue, workflowId: TEMPLATE_IDS.running, searchAttributes });
  const firstTaskDone = async () => timedEvents(await running.fetchHistory()).some((e) => e.type === EventType.WorkflowTaskCompleted);
  await waitUntil('the open template run to finish its first workflow task', firstTaskDone, TEMPLATE_TIMEOUT_MS, 50);
  emit({ event: 'end' });
  return {
    closed: { workflowId: TEMPLATE_IDS.closed, runId: closed.firstExecutionRunId },
    running: { workflowId: TEMPLATE_IDS.running, runId: running.firstExecutionRunId },
  };
}
