/**
 * The Store contract for schedules, run against every implementation: what the schedule
 * engine relies on to take each action exactly once — a schedule's state and its timer rows
 * change together or not at all, a writer at a stale version changes nothing, and a deleted
 * schedule (or namespace) leaves no timer behind to fire.
 */
import { describe, expect, it } from 'vitest';
import {
  ConditionFailedError,
  SCHEDULE_TIMER_RUN_ID,
  type NamespaceRecord,
  type NewTimerTask,
  type ScheduleCommit,
  type Store,
} from './store.js';
import { freshStoreEachTest, stores } from './store-backends.test-support.js';

const NS = 'ns-1';
const OTHER_NS = 'ns-2';

/** The timer row that wakes a schedule at `fireAtMs`. */
function tick(scheduleId: string, fireAtMs: number, namespaceId = NS): NewTimerTask {
  return {
    fireAtMs,
    namespaceId,
    workflowId: scheduleId,
    runId: SCHEDULE_TIMER_RUN_ID,
    kind: 'schedule_tick',
    data: JSON.stringify({ at: fireAtMs }),
  };
}

function create(scheduleId: string, overrides: Partial<ScheduleCommit> = {}): ScheduleCommit {
  return {
    namespaceId: NS,
    scheduleId,
    expectedDbVersion: null,
    state: `state of ${scheduleId}`,
    newTimerTasks: [],
    doneTimerTaskIds: [],
    ...overrides,
  };
}

function update(scheduleId: string, expectedDbVersion: number, state: string | null, overrides: Partial<ScheduleCommit> = {}): ScheduleCommit {
  return { ...create(scheduleId), expectedDbVersion, state, ...overrides };
}

describe.each(stores)('%s store: schedules', (_name, backend) => {
  let store: Store;
  freshStoreEachTest(backend, (opened) => (store = opened));

  /** Every timer row, earliest first, as `namespace/owner/run@fireAtMs` (`schedule` for a schedule's). */
  async function timers(): Promise<string[]> {
    const rows = await store.listDueTimerTasks(Number.MAX_SAFE_INTEGER, 1000);
    return rows.map((t) => `${t.namespaceId}/${t.workflowId}/${t.runId || 'schedule'}@${t.fireAtMs}`);
  }

  it('creates a schedule at version 1 with its first timer, and refuses a second one with the same id, writing nothing of it', async () => {
    const created = await store.commitSchedule(create('daily', { newTimerTasks: [tick('daily', 100)] }));
    expect(created.dbVersion).toBe(1);
    expect(created.timerTasks).toEqual([{ ...tick('daily', 100), id: created.timerTasks[0]!.id }]);
    expect(await store.getSchedule(NS, 'daily')).toEqual({ namespaceId: NS, scheduleId: 'daily', state: 'state of daily', dbVersion: 1 });

    const duplicate = create('daily', { state: 'the other one', newTimerTasks: [tick('daily', 50)], doneTimerTaskIds: [created.timerTasks[0]!.id] });
    await expect(store.commitSchedule(duplicate)).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getSchedule(NS, 'daily')).toMatchObject({ state: 'state of daily', dbVersion: 1 });
    expect(await timers()).toEqual([`${NS}/daily/schedule@100`]);
    // The same id in another namespace is another schedule.
    expect((await store.commitSchedule(create('daily', { namespaceId: OTHER_NS }))).dbVersion).toBe(1);
    expect(await store.getSchedule(NS, 'nope')).toBeNull();
  });

  it('updates only at the expected version; a stale writer or a missing schedule gets ConditionFailedError', async () => {
    await store.commitSchedule(create('s'));
    expect((await store.commitSchedule(update('s', 1, 'second'))).dbVersion).toBe(2);
    expect((await store.commitSchedule(update('s', 2, 'third'))).dbVersion).toBe(3);
    await expect(store.commitSchedule(update('s', 2, 'stale'))).rejects.toBeInstanceOf(ConditionFailedError);
    await expect(store.commitSchedule(update('s', 4, 'from the future'))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getSchedule(NS, 's')).toEqual({ namespaceId: NS, scheduleId: 's', state: 'third', dbVersion: 3 });
    await expect(store.commitSchedule(update('missing', 1, 'x'))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getSchedule(NS, 'missing')).toBeNull();
  });

  it('completes and adds timers in the commit that moves the schedule on, and does neither when the commit conflicts', async () => {
    const first = await store.commitSchedule(create('s', { newTimerTasks: [tick('s', 100)] }));
    const firstTimer = first.timerTasks[0]!;
    const next = await store.commitSchedule(
      update('s', 1, 'fired at 100', { doneTimerTaskIds: [firstTimer.id], newTimerTasks: [tick('s', 300), tick('s', 200)] }),
    );
    expect(next.timerTasks.map((t) => t.fireAtMs)).toEqual([300, 200]);
    expect(next.timerTasks[0]!.id).toBeGreaterThan(firstTimer.id);
    expect(next.timerTasks[1]!.id).toBeGreaterThan(next.timerTasks[0]!.id);
    expect(await timers()).toEqual([`${NS}/s/schedule@200`, `${NS}/s/schedule@300`]);

    // A second owner still at version 1: its done timer stays, its new one is not written.
    const stale = update('s', 1, 'fired at 100 again', { doneTimerTaskIds: [next.timerTasks[1]!.id], newTimerTasks: [tick('s', 150)] });
    await expect(store.commitSchedule(stale)).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await timers()).toEqual([`${NS}/s/schedule@200`, `${NS}/s/schedule@300`]);
    expect(await store.getSchedule(NS, 's')).toMatchObject({ state: 'fired at 100', dbVersion: 2 });
    expect(await store.nextTimerFireMs()).toBe(200);
  });

  it('deletes a schedule with every timer row it owns, and nothing of other schedules or runs', async () => {
    await store.commitSchedule(create('gone', { newTimerTasks: [tick('gone', 100), tick('gone', 400)] }));
    await store.commitSchedule(create('kept', { newTimerTasks: [tick('kept', 200)] }));
    await store.commitSchedule(create('gone', { namespaceId: OTHER_NS, newTimerTasks: [tick('gone', 300, OTHER_NS)] }));
    // A run whose workflow id is the schedule's id: its timers are its own.
    const run = await store.commitExecution({
      namespaceId: NS,
      workflowId: 'gone',
      runId: 'run-1',
      expectedDbVersion: null,
      state: 'run state',
      summary: { workflowType: 'wf', taskQueue: 'tq', status: 1, startTimeMs: 1, closeTimeMs: null },
      newEvents: [],
      newTaskQueueTasks: [],
      doneTaskQueueTaskIds: [],
      newTimerTasks: [{ fireAtMs: 500, namespaceId: NS, workflowId: 'gone', runId: 'run-1', kind: 'user-timer', data: '{}' }],
      doneTimerTaskIds: [],
    });
    expect(run.timerTasks).toHaveLength(1);

    await expect(store.commitSchedule(update('gone', 2, null))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getSchedule(NS, 'gone')).not.toBeNull();
    const deleted = await store.commitSchedule(update('gone', 1, null));
    expect(deleted).toEqual({ dbVersion: 0, timerTasks: [] });
    expect(await store.getSchedule(NS, 'gone')).toBeNull();
    expect(await timers()).toEqual([`${NS}/kept/schedule@200`, `${OTHER_NS}/gone/schedule@300`, `${NS}/gone/run-1@500`]);
    expect(await store.getSchedule(OTHER_NS, 'gone')).toMatchObject({ dbVersion: 1 });

    // Deleted is gone: it cannot be deleted again, and its id can be taken anew.
    await expect(store.commitSchedule(update('gone', 1, null))).rejects.toBeInstanceOf(ConditionFailedError);
    expect((await store.commitSchedule(create('gone'))).dbVersion).toBe(1);
  });

  it('lets exactly one of many writers at the same version win', async () => {
    await store.commitSchedule(create('s'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.commitSchedule(update('s', 1, `writer ${i}`, { newTimerTasks: [tick('s', 1000 + i)] }))),
    );
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConditionFailedError);
    expect(await store.getSchedule(NS, 's')).toMatchObject({ state: `writer ${won[0]}`, dbVersion: 2 });
    expect(await timers()).toEqual([`${NS}/s/schedule@${1000 + won[0]!}`]);
  });

  it('lists a namespace\'s schedules in id order (code points, not a locale), a page at a time after the last id', async () => {
    const ids = ['b', 'B', 'a-2', 'a', 'Z', 'a-10', 'é'];
    for (const id of ids) await store.commitSchedule(create(id));
    await store.commitSchedule(create('A', { namespaceId: OTHER_NS }));
    const sorted = ['B', 'Z', 'a', 'a-10', 'a-2', 'b', 'é'];

    const pages: string[][] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const rows = await store.listSchedules(NS, after, 3);
      if (rows.length === 0) break;
      pages.push(rows.map((r) => r.scheduleId));
      after = rows[rows.length - 1]!.scheduleId;
    }
    expect(pages).toEqual([sorted.slice(0, 3), sorted.slice(3, 6), sorted.slice(6)]);
    expect(await store.listSchedules(NS, null, 1)).toEqual([{ namespaceId: NS, scheduleId: 'B', state: 'state of B', dbVersion: 1 }]);
    // After an id that is not there (a schedule deleted between pages) the page starts at the next one.
    expect((await store.listSchedules(NS, 'a-1', 2)).map((r) => r.scheduleId)).toEqual(['a-10', 'a-2']);
    expect(await store.listSchedules(NS, null, 0)).toEqual([]);
    expect((await store.listSchedules(OTHER_NS, null, 10)).map((r) => r.scheduleId)).toEqual(['A']);
    expect(await store.listSchedules('ns-empty', null, 10)).toEqual([]);
  });

  it('deleting a namespace deletes its schedules and their timer rows, and nothing of another namespace', async () => {
    await store.createNamespace(namespace(NS, 'one'));
    await store.createNamespace(namespace(OTHER_NS, 'two'));
    await store.commitSchedule(create('s1', { newTimerTasks: [tick('s1', 100)] }));
    await store.commitSchedule(create('s2', { newTimerTasks: [tick('s2', 200)] }));
    await store.commitSchedule(create('s1', { namespaceId: OTHER_NS, newTimerTasks: [tick('s1', 300, OTHER_NS)] }));

    await store.deleteNamespace(NS);
    expect(await store.listSchedules(NS, null, 10)).toEqual([]);
    expect(await store.getSchedule(NS, 's1')).toBeNull();
    expect(await timers()).toEqual([`${OTHER_NS}/s1/schedule@300`]);
    expect((await store.listSchedules(OTHER_NS, null, 10)).map((r) => r.scheduleId)).toEqual(['s1']);
    expect((await store.listNamespaces()).map((n) => n.name)).toEqual(['two']);
  });
});

function namespace(id: string, name: string): NamespaceRecord {
  return {
    id,
    name,
    retentionMs: 10,
    createdMs: id === NS ? 1 : 2,
    state: 1,
    description: '',
    ownerEmail: '',
    data: {},
    customSearchAttributes: {},
  };
}
