#!/usr/bin/env node
/**
 * W7's query half: `node bench/lib/w7-query.mjs --address HOST:PORT --sdk official|endure
 * --params JSON`. Sends W7's list and count queries (lib/w7-queries.mjs) one at a time
 * through the SDK's `connection.workflowService`, as a user's tool would, and times each
 * call at the client: first pages (`warmup` unmeasured, then `repetitions`), counts, and
 * `pagingPasses` passes through `pagingResults` results. Reports on stdout (lib/child.mjs).
 */
import { parseArgs } from 'node:util';
import { cpuSeconds, emit, exitReporting, exitWithParent } from './child.mjs';
import { median, percentiles, round } from './stats.mjs';
import { countQueries, firstPageQueries, pagingQueries } from './w7-queries.mjs';

const { values: opts } = parseArgs({ options: { address: { type: 'string' }, sdk: { type: 'string' }, params: { type: 'string' } } });
const params = JSON.parse(opts.params);
const NAMESPACE = 'default';
const DEADLINE_MS = 15 * 60_000;
const COUNT_WARMUP = 2;
const deadline = Date.now() + DEADLINE_MS;

exitWithParent();
try {
  const { Connection } = await import(opts.sdk === 'endure' ? '@endure/client' : '@temporalio/client');
  const connection = await Connection.connect({ address: opts.address });
  const service = connection.workflowService;
  const cpuBefore = cpuSeconds().total;
  const result = {};
  for (const [name, query] of Object.entries(firstPageQueries)) result[name] = await firstPages(service, query);
  for (const [name, query] of Object.entries(countQueries)) result[name] = await counts(service, query);
  result.counts = await statusCounts(service);
  result.paging = {};
  for (const [name, query] of Object.entries(pagingQueries)) result.paging[name] = await paging(service, query);
  result.pagingMaxToFirstRatio = Math.max(...Object.values(result.paging).map((p) => p.maxToFirstRatio));
  result.pagingLastTenToFirstTenRatio = Math.max(...Object.values(result.paging).map((p) => p.lastTenToFirstTenRatio));
  result.cpuSeconds = round(cpuSeconds().total - cpuBefore);
  await connection.close();
  emit({ event: 'result', ...result });
  exitReporting(0);
} catch (err) {
  process.stderr.write(`query client failed: ${err?.stack ?? err}\n`);
  exitReporting(1);
}

async function timed(fn) {
  if (Date.now() > deadline) throw new Error(`queries passed their ${DEADLINE_MS} ms bound`);
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** First page of `pageSize`; `rows` is the median row count (a filter matching nothing would be fast and wrong). */
async function firstPages(service, query) {
  const latencies = [];
  const rows = [];
  for (let i = 0; i < params.warmup + params.repetitions; i++) {
    const request = { namespace: NAMESPACE, query: query(i, params), pageSize: params.pageSize };
    const { ms, value } = await timed(() => service.listWorkflowExecutions(request));
    if (i < params.warmup) continue;
    latencies.push(ms);
    rows.push(value.executions.length);
  }
  return { ...percentiles(latencies), max: round(Math.max(...latencies)), rows: median(rows) };
}

async function counts(service, query) {
  const latencies = [];
  for (let i = 0; i < COUNT_WARMUP + params.countRepetitions; i++) {
    const { ms } = await timed(() => service.countWorkflowExecutions({ namespace: NAMESPACE, query }));
    if (i >= COUNT_WARMUP) latencies.push(ms);
  }
  return { ...percentiles(latencies), max: round(Math.max(...latencies)) };
}

/** Runs per status, from the grouped count's payloads (json/plain values). */
async function statusCounts(service) {
  const response = await service.countWorkflowExecutions({ namespace: NAMESPACE, query: countQueries.countByStatusMs });
  const byStatus = {};
  for (const group of response.groups ?? []) {
    const value = JSON.parse(Buffer.from(group.groupValues[0].data).toString('utf8'));
    byStatus[value] = Number(group.count);
  }
  return { total: Number(response.count), ...byStatus };
}

/**
 * `pagingPasses` passes through `pagingResults` results. Per page index, the median over
 * passes; `maxToFirstRatio` = the slowest page's median / the first page's (target ≤ 2), so
 * one pause in one pass does not decide it (on a busy machine a few still can: see
 * `lastTenToFirstTenRatio`); `worstPageMs` is the slowest single call.
 */
async function paging(service, query) {
  const pages = Math.ceil(params.pagingResults / params.pageSize);
  const byPage = Array.from({ length: pages }, () => []);
  let results = 0;
  for (let pass = 0; pass < params.pagingPasses; pass++) {
    let token = undefined;
    results = 0;
    for (let page = 0; page < pages; page++) {
      const request = { namespace: NAMESPACE, query, pageSize: params.pageSize, nextPageToken: token };
      const { ms, value } = await timed(() => service.listWorkflowExecutions(request));
      byPage[page].push(ms);
      results += value.executions.length;
      token = value.nextPageToken;
      if (!token?.length) break;
    }
  }
  const measured = byPage.filter((l) => l.length > 0);
  const medians = measured.map(median);
  const first = medians[0];
  const slowest = Math.max(...medians);
  return {
    results,
    pages: medians.length,
    firstPageMs: round(first),
    slowestPageMs: round(slowest),
    slowestPageIndex: medians.indexOf(slowest),
    lastPageMs: round(medians.at(-1)),
    worstPageMs: round(Math.max(...byPage.flat())),
    maxToFirstRatio: round(slowest / first),
    // Whether depth costs anything, with the machine's noise averaged out: all calls for the
    // last ten pages against all calls for the first ten.
    lastTenToFirstTenRatio: round(median(measured.slice(-10).flat()) / median(measured.slice(0, 10).flat())),
  };
}
