/**
 * The Store contract, run once against every implementation: what the history
 * engine, matching and the timer queue rely on from whichever store they get.
 * Schedules have their part in store-schedules.test.ts, API keys in store-api-keys.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConditionFailedError, type ExecutionCommit, type NamespaceRecord, type Store } from './store.js';
import { freshStoreEachTest, stores } from './store-backends.test-support.js';
import { makeResolver } from '../visibility/attributes.js';
import { cursorOf } from '../visibility/memory-evaluator.js';
import { bindQuery } from '../visibility/query-binder.js';
import { parseQuery } from '../visibility/query-parser.js';
import type { SearchAttributeType } from '../common/search-attribute-types.js';

const RUNNING = 1;
const COMPLETED = 2;
const NS = 'ns-1';

/** A commit that creates run `runId` of workflow `workflowId` and makes it current. */
function startCommit(workflowId: string, runId: string, overrides: Partial<ExecutionCommit> = {}): ExecutionCommit {
  return {
    namespaceId: NS,
    workflowId,
    runId,
    expectedDbVersion: null,
    state: `state of ${runId}`,
    summary: { workflowType: 'wf', taskQueue: 'tq', status: RUNNING, startTimeMs: 1000, closeTimeMs: null },
    newEvents: [{ eventId: 1, data: Uint8Array.of(1) }],
    current: {
      record: { namespaceId: NS, workflowId, runId, status: RUNNING, startRequestId: `req-${runId}` },
      expectedRunId: null,
    },
    newTaskQueueTasks: [],
    doneTaskQueueTaskIds: [],
    newTimerTasks: [],
    doneTimerTaskIds: [],
    ...overrides,
  };
}

function updateCommit(workflowId: string, runId: string, expectedDbVersion: number, overrides: Partial<ExecutionCommit> = {}): ExecutionCommit {
  return {
    ...startCommit(workflowId, runId),
    expectedDbVersion,
    current: undefined,
    newEvents: [],
    state: `state of ${runId} after v${expectedDbVersion}`,
    ...overrides,
  };
}

function task(workflowId: string, runId: string, scheduledEventId: number) {
  return { namespaceId: NS, taskQueue: 'tq', kind: 'workflow' as const, workflowId, runId, scheduledEventId, attempt: 1, createdMs: 5 };
}

function timer(workflowId: string, runId: string, fireAtMs: number) {
  return { fireAtMs, namespaceId: NS, workflowId, runId, kind: 'user-timer', data: '{}' };
}

describe.each(stores)('%s store', (_name, backend) => {
  let store: Store;
  freshStoreEachTest(backend, (opened) => (store = opened));

  it('creates, finds and lists namespaces, and refuses a second one with the same name', async () => {
    await store.createNamespace(namespace('b', 'beta', 2));
    await store.createNamespace(namespace('a', 'alpha', 1));
    expect(await store.getNamespaceByName('beta')).toEqual(namespace('b', 'beta', 2));
    expect(await store.getNamespaceByName('gamma')).toBeNull();
    expect((await store.listNamespaces()).map((n) => n.name)).toEqual(['alpha', 'beta']);
    await expect(async () => store.createNamespace(namespace('c', 'beta', 3))).rejects.toThrow();
  });

  it('updates a namespace in place (renamed, deprecated, new attributes) and deletes it', async () => {
    await store.createNamespace(namespace('a', 'alpha', 1));
    const changed: NamespaceRecord = {
      ...namespace('a', 'alpha-deleted', 1),
      state: 3,
      data: { team: 'x' },
      customSearchAttributes: { Color: { type: 'Keyword', column: 'keyword02' } },
    };
    await store.updateNamespace(changed);
    expect(await store.getNamespaceByName('alpha')).toBeNull();
    expect(await store.getNamespaceByName('alpha-deleted')).toEqual(changed);
    await expect(store.updateNamespace(namespace('zz', 'nope', 1))).rejects.toThrow();
    await store.deleteNamespace('a');
    expect(await store.listNamespaces()).toEqual([]);
  });

  it('writes a run\'s visibility row with its commit, and deletes it with the run', async () => {
    const commit = startCommit('wf-v', 'run-v');
    const columns = { workflow_id: 'wf-v', workflow_type: 'wf', task_queue: 'tq', status: RUNNING, start_time: 1000, execution_time: 1000,
      history_length: 2, history_size_bytes: 50, state_transition_count: 1 };
    commit.visibility = { namespaceId: NS, runId: 'run-v', columns, memo: Uint8Array.of(7), searchAttributes: null };
    await store.commitExecution(commit);
    expect(await store.listNamespaceRuns(NS, 10)).toEqual([{ workflowId: 'wf-v', runId: 'run-v' }]);
    await store.deleteExecution(NS, 'wf-v', 'run-v');
    expect(await store.listNamespaceRuns(NS, 10)).toEqual([]);
  });

  it('lists and counts visibility rows with a bound query, in order, paging after a cursor', async () => {
    for (let i = 0; i < 7; i++) {
      const runId = `run-l${i}`;
      const commit = startCommit(`wf-l${i}`, runId);
      const columns = {
        workflow_id: `wf-l${i}`, workflow_type: i % 2 ? 'odd' : 'even', task_queue: 'tq', status: i < 5 ? RUNNING : 2,
        start_time: 1000 + i, execution_time: 1000 + i, close_time: i < 5 ? null : 2000 + i,
        history_length: 2, history_size_bytes: 50, state_transition_count: 1, keyword01: i === 3 ? 'three' : null,
      };
      commit.visibility = { namespaceId: NS, runId, columns, memo: null, searchAttributes: null };
      await store.commitExecution(commit);
    }
    const custom = new Map([['Color', { type: 'Keyword' as const, column: 'keyword01' }]]);
    const query = (text: string, allowGroupBy = false) =>
      bindQuery(parseQuery(text), { resolve: makeResolver(custom), nowMs: 0, allowGroupBy });
    const evens = await store.listVisibility(NS, query("WorkflowType = 'even'"), null, 10);
    // Running first (newest first), then closed by close time.
    expect(evens.map((r) => r.runId)).toEqual(['run-l4', 'run-l2', 'run-l0', 'run-l6']);
    expect((await store.listVisibility(NS, query("Color = 'three'"), null, 10)).map((r) => r.runId)).toEqual(['run-l3']);
    const all = query('ORDER BY StartTime ASC');
    const firstPage = await store.listVisibility(NS, all, null, 3);
    const last = firstPage[2]!;
    const secondPage = await store.listVisibility(NS, all, cursorOf(all.orderBy, { ...last.columns, run_id: last.runId }), 3);
    expect([...firstPage, ...secondPage].map((r) => r.runId)).toEqual(['run-l0', 'run-l1', 'run-l2', 'run-l3', 'run-l4', 'run-l5']);
    expect(await store.countVisibility(NS, query(''))).toEqual({ count: 7, groups: [] });
    const grouped = await store.countVisibility(NS, query('GROUP BY ExecutionStatus', true));
    expect(grouped.count).toBe(7);
    expect(grouped.groups).toEqual([{ values: [RUNNING], count: 5 }, { values: [2], count: 2 }]);
    // After a delete and a close, the whole-namespace counts (kept as counters by SQLite) agree
    // with the same counts over a filter that matches every row.
    await store.deleteExecution(NS, 'wf-l0', 'run-l0');
    const closing = startCommit('wf-l1', 'run-l1', { current: undefined, newEvents: [], expectedDbVersion: 1 });
    closing.visibility = { ...evens[0]!, runId: 'run-l1', columns: { ...evens[0]!.columns, workflow_id: 'wf-l1', status: 2, close_time: 3000 } };
    await store.commitExecution(closing);
    const everything = query("WorkflowId STARTS_WITH 'wf' GROUP BY ExecutionStatus", true);
    const expected = { count: 6, groups: [{ values: [RUNNING], count: 3 }, { values: [2], count: 3 }] };
    expect(await store.countVisibility(NS, everything)).toEqual(expected);
    expect(await store.countVisibility(NS, query('GROUP BY ExecutionStatus', true))).toEqual(expected);
  });

  it('finds Text attributes by their words, as they are after every update, and not after the run is deleted', async () => {
    const custom = new Map([['Notes', { type: 'Text' as const, column: 'text02' }]]);
    const query = (text: string) => bindQuery(parseQuery(text), { resolve: makeResolver(custom), nowMs: 0, allowGroupBy: false });
    const found = async (words: string) => (await store.listVisibility(NS, query(`Notes = '${words}'`), null, 10)).map((r) => r.runId);
    const row = (text: string | null) => ({
      namespaceId: NS, runId: 'run-t', memo: null, searchAttributes: null,
      columns: { workflow_id: 'wf-t', workflow_type: 'w', task_queue: 'tq', status: RUNNING, start_time: 1, execution_time: 1,
        history_length: 2, history_size_bytes: 50, state_transition_count: 1, text02: text },
    });
    const first = await store.commitExecution({ ...startCommit('wf-t', 'run-t'), visibility: row('quick brown fox') });
    expect(await found('fox quick')).toEqual(['run-t']);
    const update = (version: number, text: string | null) => ({
      ...startCommit('wf-t', 'run-t'), current: undefined, newEvents: [], expectedDbVersion: version, visibility: row(text),
    });
    const second = await store.commitExecution(update(first.dbVersion, 'lazy dog'));
    expect(await found('fox')).toEqual([]);
    expect(await found('lazy')).toEqual(['run-t']);
    await store.commitExecution(update(second.dbVersion, null));
    expect(await found('lazy')).toEqual([]);
    await store.commitExecution(update(second.dbVersion + 1, 'back again'));
    expect(await found('again')).toEqual(['run-t']);
    await store.deleteExecution(NS, 'wf-t', 'run-t');
    expect(await found('again')).toEqual([]);
  });

  it('lists a row\'s columns as they were written, memo and search attribute bytes included', async () => {
    const columns = {
      workflow_id: 'wf-c', workflow_type: 'wf', task_queue: 'tq', status: COMPLETED, start_time: 1000, execution_time: 1500,
      close_time: 2000, execution_duration: 500_000_000, history_length: 9, history_size_bytes: 900, state_transition_count: 4,
      parent_workflow_id: 'parent', parent_run_id: 'parent-run', root_workflow_id: 'root', root_run_id: 'root-run',
    };
    const commit = startCommit('wf-c', 'run-c');
    commit.visibility = { namespaceId: NS, runId: 'run-c', columns, memo: Uint8Array.of(0, 255, 1), searchAttributes: Uint8Array.of(9) };
    await store.commitExecution(commit);
    const [row] = await store.listVisibility(NS, bind(new Map(), ''), null, 10);
    expect(row).toBeDefined();
    expect(Object.fromEntries(Object.entries(row!.columns).filter(([, value]) => value !== null))).toEqual(columns);
    expect([...row!.memo!]).toEqual([0, 255, 1]);
    expect([...row!.searchAttributes!]).toEqual([9]);
  });

  it('filters on keyword lists, booleans, numbers and prefixes as the query language means them', async () => {
    const custom = new Map([
      ['Tags', { type: 'KeywordList' as const, column: 'keyword_list01' }],
      ['Flag', { type: 'Bool' as const, column: 'bool01' }],
      ['Score', { type: 'Double' as const, column: 'double01' }],
    ]);
    const rows: [string, Record<string, string | number | null>][] = [
      ['run-a', { keyword_list01: '["red","blue"]', bool01: 1, double01: 1.5 }],
      ['run-b', { keyword_list01: '["green"]', bool01: 0, double01: 3 }],
      ['run-c', { keyword_list01: null, bool01: null, double01: null }],
    ];
    for (const [runId, extra] of rows) {
      const commit = startCommit(`wf-${runId}`, runId);
      commit.visibility = { namespaceId: NS, runId, memo: null, searchAttributes: null, columns: {
        workflow_id: `wf-${runId}`, workflow_type: 'wf', task_queue: 'tq', status: RUNNING, start_time: 1, execution_time: 1,
        history_length: 1, history_size_bytes: 1, state_transition_count: 1, ...extra,
      } };
      await store.commitExecution(commit);
    }
    const found = async (text: string) =>
      (await store.listVisibility(NS, bind(custom, text), null, 10)).map((r) => r.runId).sort();
    expect(await found("Tags = 'blue'")).toEqual(['run-a']);
    expect(await found("Tags IN ('green', 'red')")).toEqual(['run-a', 'run-b']);
    expect(await found("Tags != 'red'")).toEqual(['run-b', 'run-c']);
    expect(await found("Tags STARTS_WITH 'gr'")).toEqual(['run-b']);
    expect(await found('Flag = true')).toEqual(['run-a']);
    expect(await found('Flag = false')).toEqual(['run-b']);
    expect(await found('Score > 2')).toEqual(['run-b']);
    expect(await found("WorkflowId STARTS_WITH 'wf-run-'")).toEqual(['run-a', 'run-b', 'run-c']);
    expect(await found("WorkflowId STARTS_WITH 'wf-run_'")).toEqual([]);
    const byFlag = await store.listVisibility(NS, bind(custom, 'ORDER BY Flag DESC'), null, 10);
    expect(byFlag.map((r) => [r.runId, r.columns.bool01])).toEqual([['run-c', null], ['run-a', 1], ['run-b', 0]]);
  });

  it('pages through the default order without repeating or skipping a row, even with rows added between pages', async () => {
    const write = async (i: number, closeTime: number | null, startTime = 1000 + (i % 3)) => {
      const runId = `run-p${String(i).padStart(2, '0')}`;
      const commit = startCommit(`wf-p${i}`, runId);
      commit.visibility = { namespaceId: NS, runId, memo: null, searchAttributes: null, columns: {
        workflow_id: `wf-p${i}`, workflow_type: 'wf', task_queue: 'tq', status: closeTime === null ? RUNNING : COMPLETED,
        // Ties on start time, so the run id decides the order among them.
        start_time: startTime, execution_time: 1000, close_time: closeTime,
        history_length: 1, history_size_bytes: 1, state_transition_count: 1,
      } };
      await store.commitExecution(commit);
    };
    for (let i = 0; i < 12; i++) await write(i, i % 4 === 0 ? 5000 + i : null);
    const query = bind(new Map(), '');
    const seen: string[] = [];
    let after: unknown[] | null = null;
    for (let page = 0; page < 10; page++) {
      const rows = await store.listVisibility(NS, query, after, 5);
      seen.push(...rows.map((r) => r.runId));
      if (rows.length < 5) break;
      const last = rows[rows.length - 1]!;
      after = cursorOf(query.orderBy, { ...last.columns, run_id: last.runId });
      // A run started later sorts before the cursor (running, newest first): later pages never show it.
      if (page === 0) await write(99, null, 2000);
    }
    const all = await store.listVisibility(NS, query, null, 100);
    expect(all.map((r) => r.runId)[0]).toBe('run-p99');
    expect(seen).toEqual(all.map((r) => r.runId).filter((id) => id !== 'run-p99'));
    expect(new Set(seen).size).toBe(12);
  });

  it('lists at most the given number of a namespace\'s runs', async () => {
    for (let i = 0; i < 5; i++) await store.commitExecution(startCommit(`wf-n${i}`, `run-n${i}`));
    expect(await store.listNamespaceRuns(NS, 3)).toHaveLength(3);
    expect(await store.listNamespaceRuns(NS, 10)).toHaveLength(5);
    expect(await store.listNamespaceRuns('other-ns', 10)).toEqual([]);
  });

  it('starts a run: state at version 1, the current pointer and its first events', async () => {
    const result = await store.commitExecution(startCommit('wf-1', 'run-1'));
    expect(result.dbVersion).toBe(1);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toEqual({
      namespaceId: NS, workflowId: 'wf-1', runId: 'run-1', state: 'state of run-1', dbVersion: 1,
    });
    expect(await store.getCurrentExecution(NS, 'wf-1')).toEqual({
      namespaceId: NS, workflowId: 'wf-1', runId: 'run-1', status: RUNNING, startRequestId: 'req-run-1',
    });
    const events = await store.readHistory(NS, 'run-1', 1, 10);
    expect(events.map((e) => [e.eventId, [...e.data]])).toEqual([[1, [1]]]);
  });

  it('refuses a second current run for the same workflow id, and writes nothing of it', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await expect(store.commitExecution(startCommit('wf-1', 'run-2'))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-2')).toBeNull();
    expect(await store.readHistory(NS, 'run-2', 1, 10)).toEqual([]);
    expect((await store.getCurrentExecution(NS, 'wf-1'))?.runId).toBe('run-1');
  });

  it('updates only at the expected version; a stale writer gets ConditionFailedError', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    const second = await store.commitExecution(
      updateCommit('wf-1', 'run-1', 1, { newEvents: [{ eventId: 2, data: Uint8Array.of(2) }] }),
    );
    expect(second.dbVersion).toBe(2);
    await expect(
      store.commitExecution(updateCommit('wf-1', 'run-1', 1, { newEvents: [{ eventId: 3, data: Uint8Array.of(3) }] })),
    ).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 2, state: 'state of run-1 after v1' });
    expect((await store.readHistory(NS, 'run-1', 1, 10)).map((e) => e.eventId)).toEqual([1, 2]);
  });

  it('refuses an update of a run that does not exist', async () => {
    await expect(store.commitExecution(updateCommit('wf-x', 'run-x', 1))).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('refuses to create a run that exists, even without a current pointer change', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await expect(store.commitExecution(startCommit('wf-1', 'run-1', { current: undefined }))).rejects.toBeInstanceOf(
      ConditionFailedError,
    );
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 1 });
  });

  it('moves the current pointer only from the expected run', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    const moveFrom = (expectedRunId: string, runId: string) =>
      startCommit('wf-1', runId, {
        current: { record: { namespaceId: NS, workflowId: 'wf-1', runId, status: RUNNING, startRequestId: 'r' }, expectedRunId },
      });
    await expect(store.commitExecution(moveFrom('run-0', 'run-2'))).rejects.toBeInstanceOf(ConditionFailedError);
    await store.commitExecution(moveFrom('run-1', 'run-2'));
    expect((await store.getCurrentExecution(NS, 'wf-1'))?.runId).toBe('run-2');
  });

  it('updates the status on the pointer only while the run is current', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await store.commitExecution(updateCommit('wf-1', 'run-1', 1, { currentStatus: COMPLETED }));
    expect((await store.getCurrentExecution(NS, 'wf-1'))?.status).toBe(COMPLETED);
    await store.commitExecution(
      startCommit('wf-1', 'run-2', {
        current: { record: { namespaceId: NS, workflowId: 'wf-1', runId: 'run-2', status: RUNNING, startRequestId: 'r' }, expectedRunId: 'run-1' },
      }),
    );
    await store.commitExecution(updateCommit('wf-1', 'run-1', 2, { currentStatus: COMPLETED }));
    expect(await store.getCurrentExecution(NS, 'wf-1')).toMatchObject({ runId: 'run-2', status: RUNNING });
  });

  it('writes a chained new run with its parent, or neither when the new run conflicts', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await store.commitExecution(startCommit('wf-taken', 'run-taken'));
    const chained = (workflowId: string, newRunId: string) =>
      updateCommit('wf-1', 'run-1', 1, {
        newEvents: [{ eventId: 2, data: Uint8Array.of(2) }],
        newTimerTasks: [timer('wf-1', 'run-1', 50)],
        newRun: startCommit(workflowId, newRunId, { newTaskQueueTasks: [task(workflowId, newRunId, 2)] }),
      });
    await expect(store.commitExecution(chained('wf-taken', 'run-other'))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 1 });
    expect(await store.readHistory(NS, 'run-1', 2, 10)).toEqual([]);
    expect(await store.nextTimerFireMs()).toBeNull();
    expect(await store.listTaskQueueTasks()).toEqual([]);

    const result = await store.commitExecution(chained('wf-2', 'run-2'));
    expect(result).toMatchObject({ dbVersion: 2, newRunDbVersion: 1 });
    expect(result.timerTasks.map((t) => t.runId)).toEqual(['run-1']);
    expect(result.taskQueueTasks.map((t) => t.runId)).toEqual(['run-2']);
    expect(await store.getExecution(NS, 'wf-2', 'run-2')).toMatchObject({ dbVersion: 1 });
  });

  it('refuses a chained new run whose run id exists, and writes nothing of either run', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await store.commitExecution(startCommit('wf-9', 'run-9'));
    const chained = updateCommit('wf-1', 'run-1', 1, {
      newEvents: [{ eventId: 2, data: Uint8Array.of(2) }],
      currentStatus: COMPLETED,
      newRun: startCommit('wf-9', 'run-9', { current: undefined }),
    });
    await expect(store.commitExecution(chained)).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 1 });
    expect((await store.getCurrentExecution(NS, 'wf-1'))?.status).toBe(RUNNING);
    expect(await store.readHistory(NS, 'run-1', 2, 10)).toEqual([]);
  });

  it('refuses to move a pointer that does not exist', async () => {
    const move = startCommit('wf-1', 'run-2', {
      current: { record: { namespaceId: NS, workflowId: 'wf-1', runId: 'run-2', status: RUNNING, startRequestId: 'r' }, expectedRunId: 'run-1' },
    });
    await expect(store.commitExecution(move)).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-2')).toBeNull();
  });

  it('lets exactly one of many writers at the same version win', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    const writers = Array.from({ length: 8 }, (_, i) =>
      store.commitExecution(updateCommit('wf-1', 'run-1', 1, { state: `writer ${i}`, newEvents: [{ eventId: 2, data: Uint8Array.of(i) }] })),
    );
    const outcomes = await Promise.allSettled(writers);
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 2, state: `writer ${won[0]}` });
    expect((await store.readHistory(NS, 'run-1', 2, 10)).map((e) => [...e.data])).toEqual([[won[0]]]);
  });

  it('a conflict fails only its own commit among commits made at once', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    const outcomes = await Promise.allSettled([
      store.commitExecution(updateCommit('wf-1', 'run-1', 1)),
      store.commitExecution(updateCommit('wf-1', 'run-1', 1)),
      store.commitExecution(startCommit('wf-2', 'run-2')),
    ]);
    // Which of the two racing writers wins is up to the store (on PostgreSQL, to whichever
    // connection gets the row lock first); that exactly one does, and the third commit is
    // untouched, is the contract.
    const [first, second, third] = outcomes.map((o) => o.status);
    expect([first, second].sort()).toEqual(['fulfilled', 'rejected']);
    expect(third).toBe('fulfilled');
    expect(await store.getExecution(NS, 'wf-2', 'run-2')).not.toBeNull();
  });

  it('writes hundreds of commits made at once, each with its own task and timer ids in the order given', async () => {
    const runs = Array.from({ length: 300 }, (_, i) => `run-${i}`);
    const results = await Promise.all(
      runs.map((run, i) =>
        store.commitExecution(
          startCommit(`wf-${i}`, run, {
            newTaskQueueTasks: [task(`wf-${i}`, run, 1), task(`wf-${i}`, run, 2)],
            newTimerTasks: [timer(`wf-${i}`, run, 2000 + i), timer(`wf-${i}`, run, 1000 + i)],
          }),
        ),
      ),
    );
    results.forEach((result, i) => {
      expect(result.dbVersion).toBe(1);
      expect(result.taskQueueTasks.map((t) => t.scheduledEventId)).toEqual([1, 2]);
      expect(result.timerTasks.map((t) => t.fireAtMs)).toEqual([2000 + i, 1000 + i]);
    });
    const taskIds = results.flatMap((r) => r.taskQueueTasks.map((t) => t.id));
    expect(new Set(taskIds).size).toBe(600);
    // Within one commit, ids grow in the order the rows were given (claims take the oldest first).
    for (const r of results) expect(r.taskQueueTasks[0]!.id).toBeLessThan(r.taskQueueTasks[1]!.id);
    const stored = await store.listTaskQueueTasks();
    expect(stored.map((t) => t.id).sort((a, b) => a - b)).toEqual([...taskIds].sort((a, b) => a - b));
    expect(await store.getExecution(NS, 'wf-299', 'run-299')).toMatchObject({ dbVersion: 1, state: 'state of run-299' });
  });

  it('a commit that fails for another reason than a guard fails alone among commits made at once', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    const outcomes = await Promise.allSettled([
      store.commitExecution(startCommit('wf-2', 'run-2')),
      store.commitExecution(updateCommit('wf-1', 'run-1', 1, { newEvents: [{ eventId: 1, data: Uint8Array.of(9) }] })),
      store.commitExecution(startCommit('wf-3', 'run-3')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failed = outcomes[1] as PromiseRejectedResult;
    expect(failed.reason).not.toBeInstanceOf(ConditionFailedError);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 1 });
    expect(await store.getExecution(NS, 'wf-3', 'run-3')).not.toBeNull();
  });

  it('reads history in pages from an event id, in order', async () => {
    const events = [5, 3, 1, 2, 4].map((eventId) => ({ eventId, data: Uint8Array.of(eventId) }));
    await store.commitExecution(startCommit('wf-1', 'run-1', { newEvents: events }));
    expect((await store.readHistory(NS, 'run-1', 2, 2)).map((e) => e.eventId)).toEqual([2, 3]);
    expect((await store.readHistory(NS, 'run-1', 4, 100)).map((e) => e.eventId)).toEqual([4, 5]);
    expect(await store.readHistory(NS, 'run-1', 6, 100)).toEqual([]);
    expect(await store.readHistory('other-ns', 'run-1', 1, 100)).toEqual([]);
  });

  it('refuses an event id the run already has', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await expect(
      store.commitExecution(updateCommit('wf-1', 'run-1', 1, { newEvents: [{ eventId: 1, data: Uint8Array.of(9) }] })),
    ).rejects.toThrow();
    expect((await store.readHistory(NS, 'run-1', 1, 10)).map((e) => [...e.data])).toEqual([[1]]);
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toMatchObject({ dbVersion: 1 });
  });

  it('gives tasks growing ids, lists them in id order and completes them in a commit', async () => {
    const first = await store.commitExecution(
      startCommit('wf-1', 'run-1', { newTaskQueueTasks: [task('wf-1', 'run-1', 2), task('wf-1', 'run-1', 5)] }),
    );
    const [a, b] = first.taskQueueTasks;
    expect(a!.id).toBeLessThan(b!.id);
    expect(a).toEqual({ ...task('wf-1', 'run-1', 2), id: a!.id });
    const second = await store.commitExecution(
      updateCommit('wf-1', 'run-1', 1, { doneTaskQueueTaskIds: [a!.id], newTaskQueueTasks: [task('wf-1', 'run-1', 7)] }),
    );
    expect(second.taskQueueTasks[0]!.id).toBeGreaterThan(b!.id);
    expect((await store.listTaskQueueTasks()).map((t) => t.scheduledEventId)).toEqual([5, 7]);
    await store.deleteTaskQueueTasks([b!.id, 12345]);
    expect((await store.listTaskQueueTasks()).map((t) => t.scheduledEventId)).toEqual([7]);
  });

  it('lists due timers earliest first, up to a limit, and knows the next fire time', async () => {
    const result = await store.commitExecution(
      startCommit('wf-1', 'run-1', {
        newTimerTasks: [timer('wf-1', 'run-1', 300), timer('wf-1', 'run-1', 100), timer('wf-1', 'run-1', 200), timer('wf-1', 'run-1', 100)],
      }),
    );
    expect(await store.nextTimerFireMs()).toBe(100);
    const due = await store.listDueTimerTasks(200, 10);
    expect(due.map((t) => t.fireAtMs)).toEqual([100, 100, 200]);
    expect(due[0]!.id).toBeLessThan(due[1]!.id);
    expect(due[0]).toEqual({ ...timer('wf-1', 'run-1', 100), id: due[0]!.id });
    expect((await store.listDueTimerTasks(1000, 2)).map((t) => t.fireAtMs)).toEqual([100, 100]);
    await store.commitExecution(updateCommit('wf-1', 'run-1', 1, { doneTimerTaskIds: [due[0]!.id] }));
    await store.deleteTimerTasks([due[1]!.id]);
    expect(await store.nextTimerFireMs()).toBe(200);
    expect(result.timerTasks).toHaveLength(4);
  });

  it('deletes a run with its events, tasks, timers and current pointer, and nothing of another run', async () => {
    await store.commitExecution(
      startCommit('wf-1', 'run-1', { newTaskQueueTasks: [task('wf-1', 'run-1', 2)], newTimerTasks: [timer('wf-1', 'run-1', 10)] }),
    );
    await store.commitExecution(
      startCommit('wf-2', 'run-2', { newTaskQueueTasks: [task('wf-2', 'run-2', 2)], newTimerTasks: [timer('wf-2', 'run-2', 20)] }),
    );
    await store.deleteExecution(NS, 'wf-1', 'run-1');
    expect(await store.getExecution(NS, 'wf-1', 'run-1')).toBeNull();
    expect(await store.getCurrentExecution(NS, 'wf-1')).toBeNull();
    expect(await store.readHistory(NS, 'run-1', 1, 10)).toEqual([]);
    expect((await store.listTaskQueueTasks()).map((t) => t.runId)).toEqual(['run-2']);
    expect(await store.nextTimerFireMs()).toBe(20);
    expect(await store.getExecution(NS, 'wf-2', 'run-2')).not.toBeNull();
    await store.commitExecution(startCommit('wf-1', 'run-3'));
  });

  it('keeps the current pointer when deleting a run that is no longer current', async () => {
    await store.commitExecution(startCommit('wf-1', 'run-1'));
    await store.commitExecution(
      startCommit('wf-1', 'run-2', {
        current: { record: { namespaceId: NS, workflowId: 'wf-1', runId: 'run-2', status: RUNNING, startRequestId: 'r' }, expectedRunId: 'run-1' },
      }),
    );
    await store.deleteExecution(NS, 'wf-1', 'run-1');
    expect((await store.getCurrentExecution(NS, 'wf-1'))?.runId).toBe('run-2');
  });
});

function bind(custom: Map<string, { type: SearchAttributeType; column: string }>, text: string) {
  return bindQuery(parseQuery(text), { resolve: makeResolver(custom), nowMs: 0, allowGroupBy: false });
}

function namespace(id: string, name: string, createdMs: number): NamespaceRecord {
  return {
    id,
    name,
    retentionMs: 10,
    createdMs,
    state: 1,
    description: '',
    ownerEmail: '',
    data: {},
    customSearchAttributes: {},
  };
}
