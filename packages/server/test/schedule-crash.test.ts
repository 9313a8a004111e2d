/**
 * Each schedule action is taken exactly once across a crash: the server kills itself with
 * SIGKILL at the two points that matter (the starts recorded but not made; made but not
 * recorded), is started again on the same database, and the schedule then has taken every
 * action of its window once — no workflow missing, none started twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { startCrashRig, type CrashRig } from './helpers/crash-rig.js';
import { waitFor } from './helpers/wait-for.js';

const SECOND = 1000;
/** Actions in each test's window, one a second. */
const ACTIONS = 4;

let rig: CrashRig | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('schedules across a server crash', () => {
  for (const fault of ['schedule-after-record', 'schedule-after-start']) {
    it(`takes every action exactly once when the server dies at ${fault}`, async () => {
      rig = await startCrashRig({ name: 'schedule-crash', serverEnv: { ENDURE_TEST_FAULT: fault } });
      const { client, taskQueue } = rig;
      const faulty = rig.server;
      const scheduleId = `crash-${fault}`;
      // The window starts a little later, on a whole second, so creating it never races its first action.
      const firstMs = Math.ceil((Date.now() + 2 * SECOND) / SECOND) * SECOND;
      const handle = await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: SECOND }], startAt: new Date(firstMs), endAt: new Date(firstMs + (ACTIONS - 1) * SECOND) },
        action: { type: 'startWorkflow', workflowType: 'scheduledJob', args: ['complete'], taskQueue, workflowId: scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
      });
      // The first action kills the server at the fault point.
      await waitFor(() => faulty.process.exitCode !== null || faulty.process.signalCode !== null, {
        timeoutMs: 20_000,
        description: 'the server to kill itself at the fault point',
      });
      expect(faulty.process.signalCode).toBe('SIGKILL');
      await rig.startServer();

      const done = await waitFor(
        async () => {
          const d = await handle.describe();
          return d.info.numActionsTaken >= ACTIONS && d.info.nextActionTimes.length === 0 ? d : false;
        },
        { timeoutMs: 30_000, description: `${ACTIONS} actions after the restart` },
      );
      expect(done.info.numActionsTaken).toBe(ACTIONS);
      const expected = Array.from({ length: ACTIONS }, (_, n) => `${scheduleId}-${new Date(firstMs + n * SECOND).toISOString().replace('.000Z', 'Z')}`);
      const runs = await waitFor(
        async () => {
          const found: string[] = [];
          for await (const run of client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) found.push(run.workflowId);
          return found.length >= ACTIONS ? found : false;
        },
        { description: 'the runs in visibility' },
      );
      // One run per scheduled time: none missing, none started twice.
      expect(runs.sort()).toEqual(expected);
      await Promise.all(expected.map((id) => client.workflow.getHandle(id).result()));
    });
  }
});
