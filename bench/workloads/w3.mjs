/**
 * W3 timers: `workflows` workflows each sleeping `sleepMs`, all started as fast as a closed
 * loop of `concurrency` starts allows. Lateness of each timer is read from its history on
 * the server's clock: TimerFired time − (TimerStarted time + sleepMs). Total time is first
 * start → last result at the load generator.
 *
 * `latenessResumedMs` is lateness as the peers' harness measures it (issue 16: from marks the
 * workflow code writes before and after its sleep), read from the same history: the workflow
 * task after TimerFired started − the first workflow task started (the code before the sleep
 * runs in it) − sleepMs. It adds registering the timer and resuming the code to the timer's
 * own lateness, split into `timerRegisterMs` (first workflow task started → TimerStarted) and
 * `timerResumeMs` (TimerFired → the next workflow task started). `warmup` W1-kind workflows (3 no-op activities, 10 at a time) run first,
 * untimed (the peers warm up with 20; 0 here by default).
 */
import { EventType, timedEvents } from '../lib/history.mjs';
import { closedLoop } from '../lib/loop.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W3 timers';
export const defaultSdks = ['endure'];
export const defaultParams = { workflows: 1000, sleepMs: 2000, concurrency: 100, warmup: 0 };
export const keyMetrics = ['latenessMs.p50', 'latenessMs.p99', 'latenessMs.max', 'latenessResumedMs.p50', 'latenessResumedMs.p99', 'timerRegisterMs.p50', 'timerResumeMs.p50', 'totalMs', 'startsPerSec'];

export function orchestrate({ sdk, params }) {
  return standardRun({ workload: 'w3', sdk, params, timeoutMs: 10 * 60_000 });
}

export async function load({ client, taskQueue, params, emit, warmUp }) {
  if (params.warmup) await warmUp({ count: params.warmup, concurrency: 10, activities: 3, prefix: 'w3' });
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
  const latenessResumed = [];
  const split = { register: [], resume: [] };
  await closedLoop(
    handles.length,
    10,
    async (i) => {
      const events = timedEvents(await handles[i].handle.fetchHistory());
      lateness.push(timerLateness(events, params.sleepMs));
      const { lateness: late, registerMs, resumeMs } = resumedLateness(events, params.sleepMs);
      latenessResumed.push(late);
      split.register.push(registerMs);
      split.resume.push(resumeMs);
    },
    5 * 60_000,
  );
  return {
    completed: latencies.length,
    totalMs: round(totalMs),
    startsPerSec: round((handles.length / startedMs) * 1000),
    workflowsPerSec: round((latencies.length / totalMs) * 1000),
    latencyMs: percentiles(latencies),
    latenessMs: { ...percentiles(lateness, [50, 99]), max: round(Math.max(...lateness)) },
    latenessResumedMs: { ...percentiles(latenessResumed, [50, 99]), max: round(Math.max(...latenessResumed)) },
    timerRegisterMs: percentiles(split.register, [50, 99]),
    timerResumeMs: percentiles(split.resume, [50, 99]),
  };
}

function timerLateness(events, sleepMs) {
  const started = events.find((e) => e.type === EventType.TimerStarted)?.ms;
  const fired = events.find((e) => e.type === EventType.TimerFired)?.ms;
  if (started === undefined || fired === undefined) throw new Error('W3: a history has no TimerStarted/TimerFired');
  return fired - (started + sleepMs);
}

/** `{lateness, registerMs, resumeMs}` of one history: see the module comment. */
function resumedLateness(events, sleepMs) {
  const firedAt = events.findIndex((e) => e.type === EventType.TimerFired);
  const codeBefore = events.find((e) => e.type === EventType.WorkflowTaskStarted)?.ms;
  const timerStarted = events.find((e) => e.type === EventType.TimerStarted)?.ms;
  const codeAfter = events.slice(firedAt + 1).find((e) => e.type === EventType.WorkflowTaskStarted)?.ms;
  if (firedAt < 0 || codeBefore === undefined || codeAfter === undefined) throw new Error('W3: a history has no workflow task after TimerFired');
  return { lateness: codeAfter - codeBefore - sleepMs, registerMs: timerStarted - codeBefore, resumeMs: codeAfter - events[firedAt].ms };
}
