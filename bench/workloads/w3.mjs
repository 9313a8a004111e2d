/**
 * W3 timers: `workflows` workflows each sleeping `sleepMs`, all started as fast as a closed
 * loop of `concurrency` starts allows. Lateness of each timer is read from its history on
 * the server's clock: TimerFired time − (TimerStarted time + sleepMs). Total time is first
 * start → last result at the load generator.
 */
import { EventType, timedEvents } from '../lib/history.mjs';
import { closedLoop } from '../lib/loop.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W3 timers';
export const defaultSdks = ['endure'];
export const defaultParams = { workflows: 1000, sleepMs: 2000, concurrency: 100 };
export const keyMetrics = ['latenessMs.p50', 'latenessMs.p99', 'latenessMs.max', 'totalMs', 'startsPerSec'];

export function orchestrate({ sdk, params }) {
  return standardRun({ workload: 'w3', sdk, params, timeoutMs: 10 * 60_000 });
}

export async function load({ client, taskQueue, params, emit }) {
  const handles = [];
  const latencies = [];
  emit({ event: 'begin' });
  const t0 = performance.now();
  await closedLoop(
    params.workflows,
    params.concurrency,
    async (i) => {
      const start = performance.now();
      const handle = await client.workflow.start('sleeper', { taskQueue, workflowId: `w3-${i}`, args: [params.sleepMs] });
      handles.push({ handle, start });
    },
    5 * 60_000,
  );
  const startedMs = performance.now() - t0;
  await closedLoop(
    handles.length,
    params.concurrency,
    async (i) => {
      await handles[i].handle.result();
      latencies.push(performance.now() - handles[i].start);
    },
    5 * 60_000,
  );
  const totalMs = performance.now() - t0;
  emit({ event: 'end' });
  const lateness = [];
  await closedLoop(handles.length, 10, async (i) => lateness.push(timerLateness(await handles[i].handle.fetchHistory(), params.sleepMs)), 5 * 60_000);
  return {
    completed: latencies.length,
    totalMs: round(totalMs),
    startsPerSec: round((handles.length / startedMs) * 1000),
    workflowsPerSec: round((latencies.length / totalMs) * 1000),
    latencyMs: percentiles(latencies),
    latenessMs: { ...percentiles(lateness, [50, 99]), max: round(Math.max(...lateness)) },
  };
}

function timerLateness(history, sleepMs) {
  const events = timedEvents(history);
  const started = events.find((e) => e.type === EventType.TimerStarted)?.ms;
  const fired = events.find((e) => e.type === EventType.TimerFired)?.ms;
  if (started === undefined || fired === undefined) throw new Error('W3: a history has no TimerStarted/TimerFired');
  return fired - (started + sleepMs);
}
