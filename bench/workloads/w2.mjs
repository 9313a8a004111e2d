/**
 * W2 step latency: one workflow at a time, `activities` sequential no-op activities,
 * `repetitions` times. Whole-workflow latency is start→result at the load generator.
 *
 * A step is measured on the server's clock from the history, after the timed part:
 * step i = ActivityTaskScheduled(i) → ActivityTaskScheduled(i+1), and for the last one
 * → WorkflowExecutionCompleted. That is everything one step costs: dispatching the activity
 * task, running it, recording its completion, the workflow task that reacts to it and the
 * command it produces. It is split into an activity part (Scheduled → Completed) and a
 * workflow part (Completed → next Scheduled / workflow Completed). Event times have the
 * server's resolution (1 ms for Endure), so sub-millisecond figures are quantised.
 *
 * `warmup` workflows of the same kind run first, one at a time, untimed (the peers warm up
 * with 20; 0 here by default, so figures stay comparable).
 */
import { EventType, timedEvents } from '../lib/history.mjs';
import { closedLoop } from '../lib/loop.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W2 step latency';
export const defaultSdks = ['endure', 'official'];
export const defaultParams = { repetitions: 200, activities: 10, warmup: 0 };
export const keyMetrics = ['perStepMs.p50', 'perStepMs.p99', 'latencyMs.p50', 'latencyMs.p99', 'perStepActivityMs.p50', 'perStepWorkflowMs.p50'];
export const ratioMetrics = ['perStepMs.p50', 'perStepMs.p99', 'latencyMs.p50'];

export function orchestrate({ sdk, params }) {
  return standardRun({ workload: 'w2', sdk, params, timeoutMs: 15 * 60_000 });
}

export async function load({ clients, taskQueue, params, emit, warmUp }) {
  if (params.warmup) await warmUp({ count: params.warmup, concurrency: 1, activities: params.activities, prefix: 'w2' });
  const latencies = [];
  const handles = [];
  emit({ event: 'begin' });
  const t0 = performance.now();
  for (let i = 0; i < params.repetitions; i++) {
    // Several connections (several nodes, `--nodes`): workflow i on connection i mod n.
    const client = clients[i % clients.length];
    const start = performance.now();
    const handle = await client.workflow.start('sequentialNoops', { taskQueue, workflowId: `w2-${i}`, args: [params.activities] });
    await handle.result();
    latencies.push(performance.now() - start);
    handles.push(handle);
  }
  const wallMs = performance.now() - t0;
  emit({ event: 'end' });
  const steps = { whole: [], activity: [], workflow: [] };
  await closedLoop(handles.length, 10, async (i) => addSteps(await handles[i].fetchHistory(), steps), 5 * 60_000);
  return {
    completed: latencies.length,
    wallMs: round(wallMs),
    workflowsPerSec: round((latencies.length / wallMs) * 1000),
    latencyMs: percentiles(latencies),
    perStepMs: percentiles(steps.whole, [50, 99]),
    perStepActivityMs: percentiles(steps.activity, [50, 99]),
    perStepWorkflowMs: percentiles(steps.workflow, [50, 99]),
    stepsMeasured: steps.whole.length,
  };
}

function addSteps(history, steps) {
  const events = timedEvents(history);
  const scheduled = events.filter((e) => e.type === EventType.ActivityTaskScheduled).map((e) => e.ms);
  const completed = events.filter((e) => e.type === EventType.ActivityTaskCompleted).map((e) => e.ms);
  const end = events.find((e) => e.type === EventType.WorkflowExecutionCompleted)?.ms;
  if (end === undefined || completed.length !== scheduled.length) throw new Error('W2: a workflow history is incomplete');
  const next = [...scheduled.slice(1), end];
  for (let i = 0; i < scheduled.length; i++) {
    steps.whole.push(next[i] - scheduled[i]);
    steps.activity.push(completed[i] - scheduled[i]);
    steps.workflow.push(next[i] - completed[i]);
  }
}
