/**
 * Schedules as a user of Temporal relies on them, driven through the client's
 * `client.schedule` (the official SDK's, or Endure's in the endure-sdk project) against a
 * server on a clock the test moves: minutes of schedule time pass in milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleHandle, type ScheduleOptions } from '@temporalio/client';
import { SearchAttributeType, defineSearchAttributeKey, type TypedSearchAttributes } from '@temporalio/common';
import { TimeSkippingClock } from '../src/index.js';
import { startTestEnv, uniqueTaskQueue, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';

const MINUTE = 60_000;

let env: TestEnv;
let clock: TimeSkippingClock;
let taskQueue: string;
let stopWorker: () => void;
let workerDone: Promise<void>;

beforeAll(async () => {
  clock = new TimeSkippingClock();
  // Start on a whole minute plus a little, so "every minute" lands where the test expects.
  clock.advanceTo(Math.ceil(Date.now() / MINUTE) * MINUTE + 5_000);
  env = await startTestEnv({ clock });
  taskQueue = uniqueTaskQueue('schedules');
  const worker = await env.createWorker({ taskQueue });
  workerDone = worker.run();
  stopWorker = () => worker.shutdown();
});

afterAll(async () => {
  stopWorker?.();
  await workerDone;
  await env?.close();
});

let counter = 0;
function scheduleId(name: string): string {
  return `${name}-${++counter}-${Date.now()}`;
}

function everyMinute(id: string, mode: 'complete' | 'fail' | 'hold', extra: Partial<ScheduleOptions> = {}): ScheduleOptions {
  return {
    scheduleId: id,
    spec: { intervals: [{ every: MINUTE }] },
    action: { type: 'startWorkflow', workflowType: 'scheduledJob', args: [mode], taskQueue, workflowId: `${id}-wf` },
    ...extra,
  };
}

function advanceMinutes(n: number): void {
  clock.advanceBy(n * MINUTE);
}

/** Move to 5 s past the next whole minute: every-minute schedules then fire on each advance. */
function alignClock(): void {
  clock.advanceTo(Math.ceil(clock.nowMs() / MINUTE) * MINUTE + 5_000);
}

function idAt(base: string, ms: number): string {
  return `${base}-${new Date(ms).toISOString().replace('.000Z', 'Z')}`;
}

async function release(workflowId: string): Promise<void> {
  await env.client.workflow.getHandle(workflowId).signal('release');
}

async function statusOf(workflowId: string): Promise<string> {
  return (await env.client.workflow.getHandle(workflowId).describe()).status.name;
}

/** What gRPC status a raw call ends with (0 when it succeeds). */
async function grpcCode(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
    return { code: 0, message: '' };
  } catch (err) {
    return { code: (err as { code: number }).code, message: (err as Error).message };
  }
}

async function describeUntil(handle: ScheduleHandle, what: string, test: (d: Awaited<ReturnType<ScheduleHandle['describe']>>) => boolean) {
  return waitFor(
    async () => {
      const d = await handle.describe();
      return test(d) ? d : false;
    },
    { description: what },
  );
}

describe('schedules', () => {
  it('takes one action per interval: ids carry the scheduled time, runs carry the schedule search attributes', async () => {
    alignClock();
    const id = scheduleId('interval');
    const handle = await env.client.schedule.create(everyMinute(id, 'complete'));
    const first = await handle.describe();
    expect(first.info.numActionsTaken).toBe(0);
    expect(first.info.nextActionTimes).toHaveLength(10);
    expect(first.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    const nextAt = first.info.nextActionTimes[0]!;
    expect(nextAt.getTime() % MINUTE).toBe(0);

    advanceMinutes(1);
    const d1 = await describeUntil(handle, 'one action', (d) => d.info.numActionsTaken === 1 && d.info.recentActions[0] !== undefined);
    const action = d1.info.recentActions[0]!;
    expect(action.scheduledAt.getTime()).toBe(nextAt.getTime());
    expect(action.action.workflow.workflowId).toBe(`${id}-wf-${nextAt.toISOString().replace('.000Z', 'Z')}`);
    const result: unknown = await env.client.workflow.getHandle(action.action.workflow.workflowId).result();
    expect(result).toEqual({ workflowId: action.action.workflow.workflowId, previous: null });

    const listed = await waitFor(async () => {
      const runs = [];
      for await (const run of env.client.workflow.list({ query: `TemporalScheduledById = '${id}'` })) runs.push(run);
      return runs.length === 1 ? runs : false;
    }, { description: 'the scheduled run in visibility' });
    expect(listed[0]!.workflowId).toBe(action.action.workflow.workflowId);
    const attributes = listed[0]!.searchAttributes as Record<string, unknown[]>;
    expect((attributes.TemporalScheduledStartTime?.[0] as Date).getTime()).toBe(nextAt.getTime());

    await describeUntil(handle, 'the first run closed', (d) => d.info.runningActions.length === 0);
    advanceMinutes(1);
    const d2 = await describeUntil(handle, 'two actions, the second one completed', (d) => d.info.numActionsTaken === 2 && d.info.runningActions.length === 0);
    // The second run got the first one's result as its last completion result.
    const second: unknown = await env.client.workflow.getHandle(d2.info.recentActions[1]!.action.workflow.workflowId).result();
    expect((second as { previous: unknown }).previous).toEqual({ workflowId: action.action.workflow.workflowId, previous: null });
    await handle.delete();
  });

  it('SKIP drops an action while the previous one runs', async () => {
    alignClock();
    const id = scheduleId('skip');
    const handle = await env.client.schedule.create(everyMinute(id, 'hold'));
    advanceMinutes(1);
    const d1 = await describeUntil(handle, 'the first action running', (d) => d.info.runningActions.length === 1);
    advanceMinutes(1);
    await describeUntil(handle, 'the second time skipped', (d) => d.info.numActionsSkippedOverlap === 1);
    await release(d1.info.runningActions[0]!.workflow.workflowId);
    await describeUntil(handle, 'the first run closed', (d) => d.info.runningActions.length === 0 && d.info.recentActions[0]!.action !== undefined);
    advanceMinutes(1);
    const d3 = await describeUntil(handle, 'the third time taken', (d) => d.info.numActionsTaken === 2);
    expect(d3.info.numActionsSkippedOverlap).toBe(1);
    await release(d3.info.runningActions[0]!.workflow.workflowId);
    await handle.delete();
  });

  it('BUFFER_ONE keeps one action for after the running one and drops the rest', async () => {
    alignClock();
    const id = scheduleId('buffer-one');
    const handle = await env.client.schedule.create(everyMinute(id, 'hold', { policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE } }));
    advanceMinutes(1);
    const d1 = await describeUntil(handle, 'the first action running', (d) => d.info.runningActions.length === 1);
    advanceMinutes(1);
    await describeUntil(handle, 'one buffered', (d) => d.raw.info?.bufferSize?.toString() === '1');
    advanceMinutes(1);
    const d3 = await describeUntil(handle, 'the third dropped', (d) => d.info.numActionsSkippedOverlap === 1);
    expect(d3.info.numActionsTaken).toBe(1);
    const firstId = d1.info.runningActions[0]!.workflow.workflowId;
    await release(firstId);
    const d4 = await describeUntil(handle, 'the buffered action started', (d) => d.info.numActionsTaken === 2 && d.info.runningActions.length === 1);
    const secondId = d4.info.runningActions[0]!.workflow.workflowId;
    // The buffered start keeps its scheduled time in its id.
    expect(secondId).toBe(idAt(`${id}-wf`, new Date(firstId.slice(`${id}-wf-`.length)).getTime() + MINUTE));
    await release(secondId);
    await handle.delete();
  });

  it('BUFFER_ALL runs every action, one after the other', async () => {
    alignClock();
    const id = scheduleId('buffer-all');
    const handle = await env.client.schedule.create(everyMinute(id, 'hold', { policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL } }));
    advanceMinutes(1);
    await describeUntil(handle, 'the first action running', (d) => d.info.runningActions.length === 1);
    advanceMinutes(1);
    advanceMinutes(1);
    await describeUntil(handle, 'two buffered', (d) => d.raw.info?.bufferSize?.toString() === '2');
    for (let n = 1; n <= 3; n++) {
      const d = await describeUntil(handle, `action ${n} running`, (x) => x.info.numActionsTaken === n && x.info.runningActions.length === 1);
      await release(d.info.runningActions[0]!.workflow.workflowId);
    }
    const done = await describeUntil(handle, 'all three done', (d) => d.info.runningActions.length === 0 && d.raw.info?.bufferSize?.toString() === '0');
    expect(done.info.numActionsTaken).toBe(3);
    expect(done.info.numActionsSkippedOverlap).toBe(0);
    await handle.delete();
  });

  for (const [policy, status] of [
    [ScheduleOverlapPolicy.CANCEL_OTHER, 'CANCELLED'],
    [ScheduleOverlapPolicy.TERMINATE_OTHER, 'TERMINATED'],
  ] as const) {
    it(`${policy} stops the running action and starts the new one after it closed`, async () => {
      alignClock();
      const id = scheduleId(policy.toLowerCase());
      const handle = await env.client.schedule.create(everyMinute(id, 'hold', { policies: { overlap: policy } }));
      advanceMinutes(1);
      const d1 = await describeUntil(handle, 'the first action running', (d) => d.info.runningActions.length === 1);
      const firstId = d1.info.runningActions[0]!.workflow.workflowId;
      advanceMinutes(1);
      const d2 = await describeUntil(handle, 'the second action running', (d) => d.info.numActionsTaken === 2 && d.info.runningActions.length === 1);
      expect(await statusOf(firstId)).toBe(status);
      const secondId = d2.info.runningActions[0]!.workflow.workflowId;
      expect(secondId).not.toBe(firstId);
      expect(d2.info.recentActions[0]!.action.workflow.workflowId).toBe(firstId);
      await release(secondId);
      await handle.delete();
    });
  }

  it('ALLOW_ALL starts every action at once, without tracking them as running', async () => {
    alignClock();
    const id = scheduleId('allow-all');
    const handle = await env.client.schedule.create(everyMinute(id, 'hold', { policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL } }));
    advanceMinutes(1);
    advanceMinutes(1);
    const d = await describeUntil(handle, 'two actions', (x) => x.info.numActionsTaken === 2);
    const ids = d.info.recentActions.map((a) => a.action.workflow.workflowId);
    expect(await Promise.all(ids.map(statusOf))).toEqual(['RUNNING', 'RUNNING']);
    expect(d.info.runningActions).toHaveLength(0);
    await Promise.all(ids.map(release));
    await handle.delete();
  });

  it('after an outage, takes the times inside the catch-up window and counts the rest as missed', async () => {
    alignClock();
    const id = scheduleId('catch-up');
    const handle = await env.client.schedule.create(
      everyMinute(id, 'complete', { policies: { catchupWindow: 2 * MINUTE, overlap: ScheduleOverlapPolicy.BUFFER_ALL } }),
    );
    const created = clock.nowMs();
    // Ten minutes pass in one jump, as if the server had been down.
    advanceMinutes(10);
    const d = await describeUntil(handle, 'the catch-up done', (x) => x.info.numActionsTaken === 2 && x.info.runningActions.length === 0);
    expect(d.info.numActionsMissedCatchupWindow).toBe(8);
    const taken = d.info.recentActions.map((a) => a.scheduledAt.getTime());
    const lastMinute = Math.floor((created + 10 * MINUTE) / MINUTE) * MINUTE;
    expect(taken).toEqual([lastMinute - MINUTE, lastMinute]);
    await handle.delete();
  });

  it('pause stops actions without catching up later; notes say why', async () => {
    alignClock();
    const id = scheduleId('pause');
    const handle = await env.client.schedule.create(
      everyMinute(id, 'complete', {
        searchAttributes: { CustomKeywordField: [id] },
        action: { ...everyMinute(id, 'complete').action, searchAttributes: { CustomKeywordField: ['of the run'] } },
      }),
    );
    // The action's attributes come back typed too (the client drops untyped ones from typedSearchAttributes).
    const described = await handle.describe();
    const runKeyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
    expect((described.action.typedSearchAttributes as TypedSearchAttributes).get(runKeyword)).toBe('of the run');
    await handle.pause('maintenance window');
    const paused = await handle.describe();
    expect(paused.state.paused).toBe(true);
    expect(paused.state.note).toBe('maintenance window');
    const listed = [];
    for await (const s of env.client.schedule.list({ query: `TemporalSchedulePaused = true AND CustomKeywordField = '${id}'` })) listed.push(s.scheduleId);
    expect(listed).toEqual([id]);
    advanceMinutes(3);
    // Let a pass happen: a trigger-free describe after the tick shows nothing taken.
    await describeUntil(handle, 'the paused minutes processed', (d) => d.info.numActionsTaken === 0 && d.info.numActionsMissedCatchupWindow === 0);
    await handle.unpause('back');
    const unpaused = await handle.describe();
    expect(unpaused.state).toMatchObject({ paused: false, note: 'back' });
    advanceMinutes(1);
    const d = await describeUntil(handle, 'one action after unpause', (x) => x.info.numActionsTaken === 1);
    expect(d.info.numActionsMissedCatchupWindow).toBe(0);
    // The paused minutes were not taken late (nor skipped as overlaps of a late one).
    expect(d.info.numActionsSkippedOverlap).toBe(0);
    expect(d.info.recentActions[0]!.scheduledAt.getTime()).toBe(Math.floor(clock.nowMs() / MINUTE) * MINUTE);
    const notPaused = [];
    for await (const s of env.client.schedule.list({ query: `TemporalSchedulePaused = true AND CustomKeywordField = '${id}'` })) notPaused.push(s.scheduleId);
    expect(notPaused).toEqual([]);
    await handle.delete();
  });

  it('trigger starts an action now, whatever the spec says', async () => {
    alignClock();
    const id = scheduleId('trigger');
    const handle = await env.client.schedule.create({
      ...everyMinute(id, 'complete'),
      spec: { intervals: [{ every: 24 * 60 * MINUTE }] },
    });
    const before = clock.nowMs();
    await handle.trigger();
    const d = await describeUntil(handle, 'the triggered action', (x) => x.info.numActionsTaken === 1);
    const workflowId = d.info.recentActions[0]!.action.workflow.workflowId;
    expect(new Date(workflowId.slice(`${id}-wf-`.length)).getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    await env.client.workflow.getHandle(workflowId).result();
    await handle.delete();
  });

  it('backfill takes every time of a past range, start included', async () => {
    alignClock();
    const id = scheduleId('backfill');
    const handle = await env.client.schedule.create(everyMinute(id, 'complete'));
    const lastMinute = Math.floor(clock.nowMs() / MINUTE) * MINUTE;
    const start = new Date(lastMinute - 10 * MINUTE);
    const end = new Date(lastMinute - 5 * MINUTE);
    await handle.backfill({ start, end, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    const d = await describeUntil(handle, 'six backfilled actions', (x) => x.info.numActionsTaken === 6);
    const ids = d.info.recentActions.map((a) => a.action.workflow.workflowId).sort();
    expect(ids).toEqual([0, 1, 2, 3, 4, 5].map((n) => idAt(`${id}-wf`, start.getTime() + n * MINUTE)));
    await handle.delete();
  });

  it('limited actions: the schedule stops after the remaining actions', async () => {
    alignClock();
    const id = scheduleId('limited');
    const handle = await env.client.schedule.create(everyMinute(id, 'complete', { state: { remainingActions: 2 } }));
    for (let n = 1; n <= 2; n++) {
      advanceMinutes(1);
      // Each run completes before the next time, so no time is skipped as an overlap.
      await describeUntil(handle, `action ${n} done`, (d) => d.info.numActionsTaken === n && d.info.runningActions.length === 0);
    }
    advanceMinutes(2);
    const d = await describeUntil(handle, 'no actions left', (x) => x.state.remainingActions === 0);
    expect(d.info.numActionsTaken).toBe(2);
    expect(d.info.nextActionTimes).toEqual([]);
    await handle.delete();
  });

  it('jitter delays each action by up to the jitter, the same way every time', async () => {
    alignClock();
    const id = scheduleId('jitter');
    const handle = await env.client.schedule.create({ ...everyMinute(id, 'complete'), spec: { intervals: [{ every: MINUTE }], jitter: 30_000 } });
    const d = await handle.describe();
    const offsets = d.info.nextActionTimes.map((t) => t.getTime() % MINUTE);
    for (const offset of offsets) {
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(30_000);
    }
    expect(new Set(offsets).size).toBeGreaterThan(1);
    expect((await handle.describe()).info.nextActionTimes).toEqual(d.info.nextActionTimes);
    const firstAt = d.info.nextActionTimes[0]!.getTime();
    clock.advanceTo(firstAt + 1);
    const taken = await describeUntil(handle, 'the jittered action', (x) => x.info.numActionsTaken === 1);
    expect(taken.info.recentActions[0]!.scheduledAt.getTime()).toBe(firstAt);
    // The id carries the nominal (unjittered) time.
    expect(taken.info.recentActions[0]!.action.workflow.workflowId).toBe(idAt(`${id}-wf`, Math.floor(firstAt / MINUTE) * MINUTE));
    await handle.delete();
  });

  it('a calendar in a time zone keeps its wall-clock time across a daylight-saving change', async () => {
    const id = scheduleId('time-zone');
    const handle = await env.client.schedule.create({
      ...everyMinute(id, 'complete'),
      spec: { calendars: [{ hour: 9, minute: 0 }], timezone: 'America/New_York' },
      state: { paused: true },
    });
    // US daylight saving starts on 2030-03-10 at 02:00.
    const response = await env.client.workflowService.listScheduleMatchingTimes({
      namespace: 'default',
      scheduleId: id,
      startTime: { seconds: Long.fromNumber(Date.parse('2030-03-08T00:00:00Z') / 1000) },
      endTime: { seconds: Long.fromNumber(Date.parse('2030-03-12T00:00:00Z') / 1000) },
    });
    const { startTime } = response as { startTime?: { seconds?: unknown }[] | null };
    const times = (startTime ?? []).map((t) => new Date(Number(t.seconds) * 1000).toISOString());
    expect(times).toEqual(['2030-03-08T14:00:00.000Z', '2030-03-09T14:00:00.000Z', '2030-03-10T13:00:00.000Z', '2030-03-11T13:00:00.000Z']);
    await handle.delete();
  });

  it('pauses itself when an action fails, if asked to', async () => {
    alignClock();
    const id = scheduleId('pause-on-failure');
    const handle = await env.client.schedule.create(everyMinute(id, 'fail', { policies: { pauseOnFailure: true } }));
    advanceMinutes(1);
    const d = await describeUntil(handle, 'paused after the failure', (x) => x.state.paused);
    const failedId = d.info.recentActions[0]!.action.workflow.workflowId;
    expect(d.state.note).toBe(`paused due to workflow failure: ${failedId}: scheduled job failed on purpose`);
    expect(d.raw.info?.recentActions?.[0]?.startWorkflowStatus).toBe(3); // FAILED
    advanceMinutes(2);
    await describeUntil(handle, 'no more actions while paused', (x) => x.info.numActionsTaken === 1);
    await handle.delete();
  });

  it('update replaces the schedule; a stale conflict token is refused', async () => {
    alignClock();
    const id = scheduleId('update');
    const handle = await env.client.schedule.create(everyMinute(id, 'complete'));
    await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every: 5 * MINUTE }] } }));
    const d = await handle.describe();
    expect(d.spec.intervals).toEqual([{ every: 5 * MINUTE }]);
    expect(d.info.nextActionTimes[0]!.getTime() % (5 * MINUTE)).toBe(0);

    const raw = await env.client.workflowService.describeSchedule({ namespace: 'default', scheduleId: id });
    await handle.pause('a change in between');
    const stale = await grpcCode(
      env.client.workflowService.updateSchedule({ namespace: 'default', scheduleId: id, schedule: raw.schedule, conflictToken: raw.conflictToken }),
    );
    expect(stale.code).toBe(9); // FAILED_PRECONDITION
    expect(stale.message).toMatch(/conflict token/);
    await handle.delete();
  });

  it('answers bad input with INVALID_ARGUMENT naming the field and the value, duplicates and unknown ids as the client expects', async () => {
    const id = scheduleId('bad');
    const base = everyMinute(id, 'complete');
    const cases: [ScheduleOptions['spec'], RegExp][] = [
      [{ cronExpressions: ['61 * * * *'] }, /cron_string\[0\].*61/],
      [{ intervals: [{ every: MINUTE }], timezone: 'Mars/Base' }, /timezone_name.*Mars\/Base/],
    ];
    for (const [spec, message] of cases) {
      // The server answers INVALID_ARGUMENT "Invalid schedule spec: …", which clients raise as a TypeError.
      const error = await env.client.schedule.create({ ...base, spec }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(message);
    }
    const zero = await grpcCode(
      env.client.workflowService.createSchedule({
        namespace: 'default',
        scheduleId: id,
        requestId: 'r',
        schedule: { spec: { interval: [{ interval: {} }] }, action: { startWorkflow: { workflowId: 'w', workflowType: { name: 't' }, taskQueue: { name: 'q' } } } },
      }),
    );
    expect(zero.code).toBe(3);
    expect(zero.message).toMatch(/interval\[0\]\.interval/);
    // The official client checks calendar values itself; the server does too, for any client.
    const day32 = await grpcCode(
      env.client.workflowService.createSchedule({
        namespace: 'default',
        scheduleId: id,
        requestId: 'r',
        schedule: { spec: { structuredCalendar: [{ dayOfMonth: [{ start: 32 }] }] }, action: { startWorkflow: { workflowId: 'w', workflowType: { name: 't' }, taskQueue: { name: 'q' } } } },
      }),
    );
    expect(day32.code).toBe(3);
    expect(day32.message).toMatch(/structured_calendar\[0\]\.day_of_month\[0\]: 32/);

    const handle = await env.client.schedule.create(base);
    await expect(env.client.schedule.create(base)).rejects.toBeInstanceOf(ScheduleAlreadyRunning);
    await handle.delete();
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(env.client.schedule.getHandle(`${id}-never`).trigger()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('lists schedules by their search attributes, a page at a time', async () => {
    const tag = `list-${Date.now()}`;
    const ids = [1, 2, 3].map((n) => scheduleId(`list${n}`));
    for (const id of ids) await env.client.schedule.create(everyMinute(id, 'complete', { searchAttributes: { CustomKeywordField: [tag] }, state: { paused: true } }));
    await env.client.schedule.create(everyMinute(scheduleId('unlisted'), 'complete', { state: { paused: true } }));
    const listed = [];
    for await (const s of env.client.schedule.list({ query: `CustomKeywordField = '${tag}'`, pageSize: 2 })) listed.push(s);
    expect(listed.map((s) => s.scheduleId).sort()).toEqual([...ids].sort());
    expect(listed[0]!.action).toEqual({ type: 'startWorkflow', workflowType: 'scheduledJob' });
    // Values come back typed, as the client decodes typed search attributes by their type.
    expect(listed[0]!.typedSearchAttributes?.get(defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD))).toBe(tag);
    const bad = await grpcCode(env.client.workflowService.listSchedules({ namespace: 'default', query: 'NoSuchAttribute = 1' }));
    expect(bad.code).toBe(3);
    for (const id of ids) await env.client.schedule.getHandle(id).delete();
  });
});
