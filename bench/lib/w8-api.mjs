#!/usr/bin/env node
/**
 * W8's HTTP API latencies: `node bench/lib/w8-api.mjs --ui-url URL --params JSON`. The two
 * calls the workflows page makes when it opens, one at a time, latency at the client (Node's
 * fetch, keep-alive): the list's first page (`pageSize` rows, no query) and the count by
 * status (`GROUP BY ExecutionStatus`). `apiWarmup` unmeasured calls each first.
 */
import { parseArgs } from 'node:util';
import { emit, exitReporting, exitWithParent } from './child.mjs';
import { percentiles } from './stats.mjs';
import { apiJson } from './w8-http.mjs';

const { values: opts } = parseArgs({ options: { 'ui-url': { type: 'string' }, params: { type: 'string' } } });
const params = JSON.parse(opts.params);
const namespace = `${opts['ui-url']}/api/v1/namespaces/default`;

exitWithParent();
try {
  const listUrl = `${namespace}/workflows?pageSize=${params.pageSize}`;
  const countUrl = `${namespace}/workflow-count?query=${encodeURIComponent('GROUP BY ExecutionStatus')}`;
  const listFirstPageMs = await timeCalls(listUrl, params.apiRepetitions, (body) => body.executions?.length === params.pageSize);
  const countByStatusMs = await timeCalls(countUrl, params.apiCountRepetitions, (body) => Number(body.count) >= params.runs);
  emit({ event: 'result', listFirstPageMs, countByStatusMs });
  exitReporting(0);
} catch (err) {
  process.stderr.write(`API latencies failed: ${err?.stack ?? err}\n`);
  exitReporting(1);
}

/** p50/p95/p99 of `repetitions` calls of GET `url`; every answer must pass `check`. */
async function timeCalls(url, repetitions, check) {
  const ms = [];
  for (let i = 0; i < params.apiWarmup + repetitions; i++) {
    const t0 = performance.now();
    const body = await apiJson('GET', url);
    const elapsed = performance.now() - t0;
    if (!check(body)) throw new Error(`unexpected answer to ${url}: ${JSON.stringify(body).slice(0, 300)}`);
    if (i >= params.apiWarmup) ms.push(elapsed);
  }
  return percentiles(ms);
}
