/**
 * The server is killed with SIGKILL in the middle of a run and restarted on the
 * same database file: every workflow still completes with the right result, and
 * no activity step whose completion the server had accepted runs again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startCrashRig, type CrashRig } from './helpers/crash-rig.js';
import { countEvents, eventIds, eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { stepsWorkflow } from './workflows/crash.js';

const workflowCount = 20;
const stepsPerWorkflow = 5;
/** Kill the server once this many steps have completed (of workflowCount * stepsPerWorkflow). */
const killAfterSteps = 30;

let rig: CrashRig | undefined;

afterAll(() => rig?.close());

describe('server crash', () => {
  it('loses nothing and re-runs no completed activity when the server is killed with SIGKILL', async () => {
    rig = await startCrashRig({ name: 'crash', stepLog: true });
    const { client, taskQueue, readStepLog } = rig;

    const runStartedMs = Date.now();
    const workflowIds = Array.from({ length: workflowCount }, (_, i) => `crash-${taskQueue}-${i}`);
    for (const workflowId of workflowIds) {
      await client.workflow.start(stepsWorkflow, {
        taskQueue,
        workflowId,
        args: [stepsPerWorkflow],
        workflowTaskTimeout: '5s',
      });
    }

    const doneBeforeKill = await waitFor(
      () => {
        const done = readStepLog().filter((l) => l.event === 'done').length;
        return done >= killAfterSteps && done;
      },
      { timeoutMs: 30_000, intervalMs: 5, description: `${killAfterSteps} completed steps` },
    );
    const killedAtMs = Date.now();
    const logAtKill = readStepLog();
    const inFlightAtKill =
      logAtKill.filter((l) => l.event === 'start').length - logAtKill.filter((l) => l.event === 'done').length;
    expect(doneBeforeKill, 'the kill must land mid-run').toBeLessThan(workflowCount * stepsPerWorkflow);
    await rig.killServer();
    await rig.startServer();
    const downtimeMs = Date.now() - killedAtMs;

    const results = await Promise.all(
      workflowIds.map((id) => client.workflow.getHandle<typeof stepsWorkflow>(id).result()),
    );
    const runMs = Date.now() - runStartedMs;
    await rig.stopWorker();

    for (const [i, id] of workflowIds.entries()) {
      expect(results[i]).toEqual(Array.from({ length: stepsPerWorkflow }, (_, s) => `${id}#${s + 1}`));
    }

    // A step that ran twice is a duplicate. It is excused (at-least-once) only if the workflow
    // had not moved on to the next step before the kill, i.e. the server may never have
    // accepted that completion: it finished just before the kill, or during the downtime
    // (its report then failed and the attempt was retried after its timeout).
    const log = readStepLog();
    const done = log.filter((l) => l.event === 'done');
    const starts = log.filter((l) => l.event === 'start');
    let duplicates = 0;
    let excused = 0;
    const violations: string[] = [];
    for (const id of workflowIds) {
      for (let step = 1; step <= stepsPerWorkflow; step++) {
        const runs = done.filter((l) => l.workflowId === id && l.step === step);
        expect(runs.length, `${id} step ${step} completions`).toBeGreaterThanOrEqual(1);
        if (runs.length < 2) continue;
        duplicates += runs.length - 1;
        const nextStepStartedBeforeKill = starts.some(
          (l) => l.workflowId === id && l.step === step + 1 && l.atMs < killedAtMs,
        );
        if (runs.length === 2 && !nextStepStartedBeforeKill) {
          excused += 1;
        } else {
          violations.push(`${id} step ${step} completed ${runs.length} times`);
        }
      }
    }
    // Where the time after the restart went: tasks the server had to time out and retry.
    const histories = await Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).fetchHistory()));
    const workflowTaskTimeouts = histories.reduce((n, h) => n + countEvents(h, 'WORKFLOW_TASK_TIMED_OUT'), 0);
    for (const history of histories) {
      expect(countEvents(history, 'ACTIVITY_TASK_COMPLETED')).toBe(stepsPerWorkflow);
      expect(eventTypes(history).at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
      expect(eventIds(history)).toEqual(Array.from({ length: history.events!.length }, (_, i) => i + 1));
    }
    const retriedActivities = histories
      .flatMap((h) => h.events ?? [])
      .filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
    console.log(
      `[server-crash] workflow task timeouts: ${workflowTaskTimeouts}; activities completed on a retry: ${retriedActivities}`,
    );
    console.log(
      `[server-crash] ${workflowCount} workflows x ${stepsPerWorkflow} steps; killed after ${doneBeforeKill} ` +
        `completed steps and ${inFlightAtKill} in flight (${killedAtMs - runStartedMs} ms in); server down ${downtimeMs} ms; ` +
        `all done ${runMs} ms after the first start; ` +
        `step starts logged: ${starts.length}, completions logged: ${done.length}; duplicates: ${duplicates} ` +
        `(${excused} in the at-least-once window, ${violations.length} after the server had accepted the completion)`,
    );
    expect(violations).toEqual([]);
    expect(done.length).toBe(workflowCount * stepsPerWorkflow + duplicates);
  });
});
