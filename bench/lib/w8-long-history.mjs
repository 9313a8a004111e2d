#!/usr/bin/env node
/**
 * W8's long history: `node bench/lib/w8-long-history.mjs --ui-url URL --params JSON`. Starts
 * one workflow whose type no worker polls, through the HTTP API as the UI would, and signals
 * it (`signalConcurrency` at a time) until its history holds `events` events: the start, its
 * first workflow task (scheduled, never started) and one WorkflowExecutionSignaled per signal.
 * Reports the run's ids on stdout (lib/child.mjs).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { emit, exitReporting, exitWithParent } from './child.mjs';
import { closedLoop } from './loop.mjs';
import { round } from './stats.mjs';
import { apiJson } from './w8-http.mjs';

const { values: opts } = parseArgs({ options: { 'ui-url': { type: 'string' }, params: { type: 'string' } } });
const params = JSON.parse(opts.params);
const baseUrl = opts['ui-url'];
const WORKFLOW_ID = 'w8-long-history';
/** Bound: 20 ms a signal (about 10 times what it takes here) plus a minute. */
const deadlineMs = 60_000 + params.events * 20;
/** Rounds of signals, each topping up to `events` from the history's length (one is enough unless the server adds events we did not count). */
const ROUNDS_MAX = 3;

exitWithParent();
try {
  const workflows = `${baseUrl}/api/v1/namespaces/default/workflows`;
  const t0 = performance.now();
  const { runId } = await apiJson('POST', `${workflows}/${WORKFLOW_ID}`, {
    workflowType: { name: 'w8NobodyPolls' },
    taskQueue: { name: 'w8-nobody-polls' },
    requestId: randomUUID(),
  });
  let length = await historyLength(workflows, runId);
  for (let rounds = 0; length < params.events; rounds++) {
    if (rounds === ROUNDS_MAX) throw new Error(`history has ${length} of ${params.events} events after ${ROUNDS_MAX} rounds of signals`);
    const missing = params.events - length;
    const signal = (i) => apiJson('POST', `${workflows}/${WORKFLOW_ID}/signal/w8-signal`, { workflowExecution: { runId }, input: [i] });
    await closedLoop(missing, params.signalConcurrency, signal, deadlineMs);
    length = await historyLength(workflows, runId);
  }
  const ms = performance.now() - t0;
  emit({ event: 'result', workflowId: WORKFLOW_ID, runId, events: length, longHistoryMs: round(ms), signalsPerSec: round(((length - 2) / ms) * 1000) });
  exitReporting(0);
} catch (err) {
  process.stderr.write(`long history failed: ${err?.stack ?? err}\n`);
  exitReporting(1);
}

async function historyLength(workflows, runId) {
  const described = await apiJson('GET', `${workflows}/${WORKFLOW_ID}?execution.runId=${runId}`);
  return Number(described.workflowExecutionInfo.historyLength);
}
