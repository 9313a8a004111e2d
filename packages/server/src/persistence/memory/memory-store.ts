/**
 * Store kept in this process's memory, in plain JavaScript: nothing survives
 * the process, and nothing native has to be compiled. It is what
 * `@endure/testing` runs on, so a user's tests need no SQLite build.
 *
 * Semantics match the SQLite store (see persistence/store.test.ts, run
 * against both): a commit applies entirely or not at all (an undo log stands
 * in for SQLite's savepoint), conditional writes throw ConditionFailedError,
 * writes that would break a primary key throw, task and timer ids grow and
 * are never reused.
 */
import {
  ConditionFailedError,
  SCHEDULE_TIMER_RUN_ID,
  type ApiKeyRecord,
  type CommitResult,
  type CurrentExecutionRecord,
  type ExecutionCommit,
  type ExecutionRecord,
  type ExecutionSummary,
  type HistoryEventRow,
  type NamespaceRecord,
  type ScheduleCommit,
  type ScheduleCommitResult,
  type ScheduleRecord,
  type Store,
  type TaskQueueTask,
  type TimerTask,
  type VisibilityCount,
  type VisibilityRecord,
} from '../store.js';
import type { BoundQuery } from '../../visibility/query-binder.js';
import { compareRows, isAfterCursor, matches, type VisibilityRow } from '../../visibility/memory-evaluator.js';

interface StoredExecution {
  record: ExecutionRecord;
  summary: ExecutionSummary;
}

/** Steps that take back one commit's writes, run in reverse when a later step fails. */
type UndoLog = (() => void)[];

export class MemoryStore implements Store {
  private readonly namespaces = new Map<string, NamespaceRecord>();
  /** Keyed by `runKey(namespaceId, workflowId)`. */
  private readonly current = new Map<string, CurrentExecutionRecord>();
  /** Keyed by `runKey(namespaceId, workflowId, runId)`. */
  private readonly executions = new Map<string, StoredExecution>();
  /** Keyed by `runKey(namespaceId, runId)`; each list sorted by event id. */
  private readonly history = new Map<string, HistoryEventRow[]>();
  private readonly taskQueueTasks = new Map<number, TaskQueueTask>();
  private readonly timerTasks = new Map<number, TimerTask>();
  /** Keyed by `runKey(namespaceId, runId)`. */
  private readonly visibility = new Map<string, VisibilityRecord>();
  /** Keyed by `runKey(namespaceId, scheduleId)`. */
  private readonly schedules = new Map<string, ScheduleRecord>();
  private readonly apiKeys = new Map<string, ApiKeyRecord>();
  private lastTaskQueueTaskId = 0;
  private lastTimerTaskId = 0;
  private closed = false;

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  createNamespace(ns: NamespaceRecord): Promise<void> {
    return this.run(() => {
      const clash = [...this.namespaces.values()].find((n) => n.id === ns.id || n.name === ns.name);
      if (clash) throw new Error(`namespace ${ns.name} (${ns.id}) already exists`);
      this.namespaces.set(ns.id, copyNamespace(ns));
    });
  }

  updateNamespace(ns: NamespaceRecord): Promise<void> {
    return this.run(() => {
      if (!this.namespaces.has(ns.id)) throw new Error(`namespace ${ns.id} does not exist`);
      const clash = [...this.namespaces.values()].find((n) => n.id !== ns.id && n.name === ns.name);
      if (clash) throw new Error(`namespace ${ns.name} already exists`);
      this.namespaces.set(ns.id, copyNamespace(ns));
    });
  }

  deleteNamespace(id: string): Promise<void> {
    return this.run(() => {
      for (const [key, schedule] of this.schedules) if (schedule.namespaceId === id) this.schedules.delete(key);
      for (const [timerId, t] of this.timerTasks) {
        if (t.namespaceId === id && t.runId === SCHEDULE_TIMER_RUN_ID) this.timerTasks.delete(timerId);
      }
      this.namespaces.delete(id);
    });
  }

  getNamespaceByName(name: string): Promise<NamespaceRecord | null> {
    return this.run(() => {
      const ns = [...this.namespaces.values()].find((n) => n.name === name);
      return ns ? copyNamespace(ns) : null;
    });
  }

  listNamespaces(): Promise<NamespaceRecord[]> {
    return this.run(() =>
      [...this.namespaces.values()]
        .sort((a, b) => a.createdMs - b.createdMs || compareStrings(a.name, b.name))
        .map(copyNamespace),
    );
  }

  getCurrentExecution(namespaceId: string, workflowId: string): Promise<CurrentExecutionRecord | null> {
    return this.run(() => {
      const record = this.current.get(runKey(namespaceId, workflowId));
      return record ? { ...record } : null;
    });
  }

  getExecution(namespaceId: string, workflowId: string, runId: string): Promise<ExecutionRecord | null> {
    return this.run(() => {
      const stored = this.executions.get(runKey(namespaceId, workflowId, runId));
      return stored ? { ...stored.record } : null;
    });
  }

  commitExecution(commit: ExecutionCommit): Promise<CommitResult> {
    return this.run(() => {
      const undo: UndoLog = [];
      try {
        return this.commitOne(commit, undo);
      } catch (err) {
        for (const step of undo.reverse()) step();
        throw err;
      }
    });
  }

  private commitOne(c: ExecutionCommit, undo: UndoLog): CommitResult {
    this.writeCurrent(c, undo);
    const dbVersion = this.writeExecution(c, undo);
    this.appendEvents(c.namespaceId, c.runId, c.newEvents, undo);
    if (c.visibility) this.setEntry(this.visibility, runKey(c.namespaceId, c.runId), copyVisibility(c.visibility), undo);
    for (const id of c.doneTaskQueueTaskIds) this.deleteEntry(this.taskQueueTasks, id, undo);
    for (const id of c.doneTimerTaskIds) this.deleteEntry(this.timerTasks, id, undo);
    const taskQueueTasks = c.newTaskQueueTasks.map((t) => {
      const task = { ...t, id: ++this.lastTaskQueueTaskId };
      this.setEntry(this.taskQueueTasks, task.id, task, undo);
      return { ...task };
    });
    const timerTasks = c.newTimerTasks.map((t) => {
      const timer = { ...t, id: ++this.lastTimerTaskId };
      this.setEntry(this.timerTasks, timer.id, timer, undo);
      return { ...timer };
    });
    if (!c.newRun) return { dbVersion, taskQueueTasks, timerTasks };
    const next = this.commitOne(c.newRun, undo);
    return {
      dbVersion,
      newRunDbVersion: next.dbVersion,
      taskQueueTasks: [...taskQueueTasks, ...next.taskQueueTasks],
      timerTasks: [...timerTasks, ...next.timerTasks],
    };
  }

  private writeCurrent(c: ExecutionCommit, undo: UndoLog): void {
    const key = runKey(c.namespaceId, c.workflowId);
    const existing = this.current.get(key);
    if (c.current) {
      const expected = c.current.expectedRunId;
      if (expected === null && existing) throw new ConditionFailedError(`workflow ${c.workflowId} already has a current run`);
      if (expected !== null && existing?.runId !== expected) throw new ConditionFailedError(`current run of ${c.workflowId} moved`);
      this.setEntry(this.current, key, { ...c.current.record, namespaceId: c.namespaceId, workflowId: c.workflowId }, undo);
    } else if (c.currentStatus !== undefined && existing?.runId === c.runId) {
      this.setEntry(this.current, key, { ...existing, status: c.currentStatus }, undo);
    }
  }

  /** Returns the execution's new version. */
  private writeExecution(c: ExecutionCommit, undo: UndoLog): number {
    const key = runKey(c.namespaceId, c.workflowId, c.runId);
    const existing = this.executions.get(key);
    if (c.expectedDbVersion === null) {
      if (existing) throw new ConditionFailedError(`execution ${c.workflowId}/${c.runId} already exists`);
    } else if (existing?.record.dbVersion !== c.expectedDbVersion) {
      throw new ConditionFailedError(`execution ${c.workflowId}/${c.runId} changed concurrently`);
    }
    const dbVersion = c.expectedDbVersion === null ? 1 : c.expectedDbVersion + 1;
    const record = { namespaceId: c.namespaceId, workflowId: c.workflowId, runId: c.runId, state: c.state, dbVersion };
    // Like the SQLite row, the type, task queue and start time are fixed when the run is created.
    const summary = existing
      ? { ...existing.summary, status: c.summary.status, closeTimeMs: c.summary.closeTimeMs }
      : { ...c.summary };
    this.setEntry(this.executions, key, { record, summary }, undo);
    return dbVersion;
  }

  private appendEvents(namespaceId: string, runId: string, events: HistoryEventRow[], undo: UndoLog): void {
    if (events.length === 0) return;
    const key = runKey(namespaceId, runId);
    const before = this.history.get(key);
    const merged = [...(before ?? [])];
    for (const e of events) {
      const at = firstIndexAtLeast(merged, e.eventId);
      if (merged[at]?.eventId === e.eventId) throw new Error(`history event ${e.eventId} of run ${runId} already exists`);
      merged.splice(at, 0, { eventId: e.eventId, data: Uint8Array.from(e.data) });
    }
    this.setEntry(this.history, key, merged, undo);
  }

  deleteExecution(namespaceId: string, workflowId: string, runId: string): Promise<void> {
    return this.run(() => {
      this.history.delete(runKey(namespaceId, runId));
      this.visibility.delete(runKey(namespaceId, runId));
      const ofRun = (t: TaskQueueTask | TimerTask) =>
        t.namespaceId === namespaceId && t.workflowId === workflowId && t.runId === runId;
      for (const [id, task] of this.taskQueueTasks) if (ofRun(task)) this.taskQueueTasks.delete(id);
      for (const [id, timer] of this.timerTasks) if (ofRun(timer)) this.timerTasks.delete(id);
      const currentKey = runKey(namespaceId, workflowId);
      if (this.current.get(currentKey)?.runId === runId) this.current.delete(currentKey);
      this.executions.delete(runKey(namespaceId, workflowId, runId));
    });
  }

  listNamespaceRuns(namespaceId: string, limit: number): Promise<{ workflowId: string; runId: string }[]> {
    return this.run(() => {
      const runs: { workflowId: string; runId: string }[] = [];
      for (const { record } of this.executions.values()) {
        if (runs.length >= limit) break;
        if (record.namespaceId === namespaceId) runs.push({ workflowId: record.workflowId, runId: record.runId });
      }
      return runs;
    });
  }

  listVisibility(namespaceId: string, query: BoundQuery, after: readonly unknown[] | null, limit: number): Promise<VisibilityRecord[]> {
    return this.run(() =>
      this.matchingVisibility(namespaceId, query)
        .filter(([, row]) => after === null || isAfterCursor(query.orderBy, row, after))
        .sort(([, a], [, b]) => compareRows(query.orderBy, a, b))
        .slice(0, Math.max(limit, 0))
        .map(([record]) => copyVisibility(record)),
    );
  }

  countVisibility(namespaceId: string, query: BoundQuery): Promise<VisibilityCount> {
    return this.run(() => {
      const rows = this.matchingVisibility(namespaceId, query);
      if (query.groupBy.length === 0) return { count: rows.length, groups: [] };
      const groups = new Map<string, { values: (string | number | null)[]; count: number }>();
      for (const [, row] of rows) {
        const values = query.groupBy.map((a) => row[a.column] ?? null);
        const key = JSON.stringify(values);
        const group = groups.get(key) ?? { values, count: 0 };
        group.count++;
        groups.set(key, group);
      }
      // Largest first, then by value, as the SQLite store orders them.
      const byValue = (a: { values: unknown[] }, b: { values: unknown[] }) => compareValues(a.values[0], b.values[0]);
      return { count: rows.length, groups: [...groups.values()].sort((a, b) => b.count - a.count || byValue(a, b)) };
    });
  }

  /** Each matching record with the row the evaluator reads (its columns plus run_id). */
  private matchingVisibility(namespaceId: string, query: BoundQuery): [VisibilityRecord, VisibilityRow][] {
    const result: [VisibilityRecord, VisibilityRow][] = [];
    for (const record of this.visibility.values()) {
      if (record.namespaceId !== namespaceId) continue;
      const row: VisibilityRow = { ...record.columns, run_id: record.runId };
      if (matches(query.where, row)) result.push([record, row]);
    }
    return result;
  }

  readHistory(namespaceId: string, runId: string, fromEventId: number, limit: number): Promise<HistoryEventRow[]> {
    return this.run(() => {
      const events = this.history.get(runKey(namespaceId, runId)) ?? [];
      const from = firstIndexAtLeast(events, fromEventId);
      return events.slice(from, from + Math.max(limit, 0)).map((e) => ({ ...e }));
    });
  }

  deleteTaskQueueTasks(ids: number[]): Promise<void> {
    return this.run(() => ids.forEach((id) => this.taskQueueTasks.delete(id)));
  }

  commitSchedule(c: ScheduleCommit): Promise<ScheduleCommitResult> {
    return this.run(() => {
      const key = runKey(c.namespaceId, c.scheduleId);
      const existing = this.schedules.get(key);
      if (c.expectedDbVersion === null) {
        if (existing) throw new ConditionFailedError(`schedule ${c.scheduleId} already exists`);
      } else if (existing?.dbVersion !== c.expectedDbVersion) {
        throw new ConditionFailedError(`schedule ${c.scheduleId} changed concurrently`);
      }
      for (const id of c.doneTimerTaskIds) this.timerTasks.delete(id);
      if (c.state === null) {
        this.schedules.delete(key);
        for (const [id, t] of this.timerTasks) {
          const owned = t.namespaceId === c.namespaceId && t.workflowId === c.scheduleId && t.runId === SCHEDULE_TIMER_RUN_ID;
          if (owned) this.timerTasks.delete(id);
        }
      } else {
        const dbVersion = (c.expectedDbVersion ?? 0) + 1;
        this.schedules.set(key, { namespaceId: c.namespaceId, scheduleId: c.scheduleId, state: c.state, dbVersion });
      }
      const timerTasks = c.newTimerTasks.map((t) => {
        const timer = { ...t, id: ++this.lastTimerTaskId };
        this.timerTasks.set(timer.id, timer);
        return { ...timer };
      });
      return { dbVersion: c.state === null ? 0 : (c.expectedDbVersion ?? 0) + 1, timerTasks };
    });
  }

  getSchedule(namespaceId: string, scheduleId: string): Promise<ScheduleRecord | null> {
    return this.run(() => {
      const record = this.schedules.get(runKey(namespaceId, scheduleId));
      return record ? { ...record } : null;
    });
  }

  listSchedules(namespaceId: string, afterScheduleId: string | null, limit: number): Promise<ScheduleRecord[]> {
    return this.run(() =>
      [...this.schedules.values()]
        .filter((s) => s.namespaceId === namespaceId && (afterScheduleId === null || compareStrings(s.scheduleId, afterScheduleId) > 0))
        .sort((a, b) => compareStrings(a.scheduleId, b.scheduleId))
        .slice(0, Math.max(limit, 0))
        .map((s) => ({ ...s })),
    );
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return this.run(() => {
      if (this.apiKeys.has(key.id)) throw new ConditionFailedError(`api key ${key.id} already exists`);
      this.apiKeys.set(key.id, structuredClone(key));
    });
  }

  getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return this.run(() => {
      const key = this.apiKeys.get(id);
      return key ? structuredClone(key) : null;
    });
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.run(() =>
      [...this.apiKeys.values()]
        .sort((a, b) => a.createdMs - b.createdMs || compareStrings(a.id, b.id))
        .map((key) => structuredClone(key)),
    );
  }

  revokeApiKey(id: string): Promise<boolean> {
    return this.run(() => {
      const key = this.apiKeys.get(id);
      if (key) key.revoked = true;
      return key !== undefined;
    });
  }

  deleteTimerTasks(ids: number[]): Promise<void> {
    return this.run(() => ids.forEach((id) => this.timerTasks.delete(id)));
  }

  listTaskQueueTasks(): Promise<TaskQueueTask[]> {
    return this.run(() => [...this.taskQueueTasks.values()].sort((a, b) => a.id - b.id).map((t) => ({ ...t })));
  }

  listDueTimerTasks(untilMs: number, limit: number): Promise<TimerTask[]> {
    return this.run(() =>
      [...this.timerTasks.values()]
        .filter((t) => t.fireAtMs <= untilMs)
        .sort((a, b) => a.fireAtMs - b.fireAtMs || a.id - b.id)
        .slice(0, Math.max(limit, 0))
        .map((t) => ({ ...t })),
    );
  }

  nextTimerFireMs(): Promise<number | null> {
    return this.run(() => {
      let next: number | null = null;
      for (const t of this.timerTasks.values()) if (next === null || t.fireAtMs < next) next = t.fireAtMs;
      return next;
    });
  }

  /** Every call goes through here: a closed store refuses, and a throw becomes a rejection. */
  private run<T>(body: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error('the memory store is closed');
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private setEntry<K, V>(map: Map<K, V>, key: K, value: V, undo: UndoLog): void {
    const had = map.has(key);
    const before = map.get(key);
    map.set(key, value);
    undo.push(() => (had ? map.set(key, before as V) : map.delete(key)));
  }

  private deleteEntry<K, V>(map: Map<K, V>, key: K, undo: UndoLog): void {
    if (!map.has(key)) return;
    const before = map.get(key) as V;
    map.delete(key);
    undo.push(() => map.set(key, before));
  }
}

function runKey(...parts: string[]): string {
  return JSON.stringify(parts);
}

/** Index of the first event whose id is >= `eventId` (events sorted by id). */
function firstIndexAtLeast(events: HistoryEventRow[], eventId: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.eventId < eventId) low = mid + 1;
    else high = mid;
  }
  return low;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copyNamespace(ns: NamespaceRecord): NamespaceRecord {
  return structuredClone(ns);
}

function copyVisibility(v: VisibilityRecord): VisibilityRecord {
  return {
    ...v,
    columns: { ...v.columns },
    memo: v.memo && Uint8Array.from(v.memo),
    searchAttributes: v.searchAttributes && Uint8Array.from(v.searchAttributes),
  };
}

/** Group values compare as SQLite orders them: NULL first, numbers before text. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : typeof v === 'number' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
