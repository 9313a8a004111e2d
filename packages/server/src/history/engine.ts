/**
 * The history engine's core: loads an execution's mutable state (from a
 * bounded cache, else the store), lets one handler change it under a
 * per-workflow lock, and commits events + state + tasks in one store
 * transaction. After a commit it tells matching about new tasks, the timer
 * queue about new timers, and history long-polls that the run changed.
 *
 * The operations themselves live beside this file, one concern per file.
 */
import type { Logger } from '../common/logger.js';
import { isAdvanceable, type Clock } from '../common/clock.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { invalidArgument, notFound } from '../common/errors.js';
import {
  ConditionFailedError,
  type ExecutionCommit,
  type Store,
  type TaskQueueTask,
  type TimerTask,
} from '../persistence/store.js';
import type { ResolvedConfig } from '../config.js';
import type { NamespaceRecord } from '../persistence/store.js';
import { visibilityRecordOf } from '../visibility/visibility-record.js';
import { ExecutionTx, type StickyDispatch } from './execution-tx.js';
import { HistoryTails } from './history-tail.js';
import { historyLimitExceeded, historyMark, terminateOverLimit } from './history-limits.js';
import { readHistoryEventBytes } from './history-reader.js';
import { isRunning, parseState, serializeState, type ExecutionState } from './mutable-state.js';
import { enumValueName, enums } from '../common/proto.js';
import { NO_METRICS, type EngineMetrics } from '../observability/engine-metrics.js';

export interface EngineListeners {
  /** `sticky`: the workflow task among them that goes to a worker's sticky queue, if any. */
  onTaskQueueTasks(tasks: TaskQueueTask[], sticky: StickyDispatch | null): void;
  onTimerTasks(tasks: TimerTask[]): void;
  onExecutionChanged(namespaceId: string, runId: string, state: ExecutionState): void;
  /**
   * After every commit of a run (and of the new run it chained): other nodes' copies of it
   * are stale now, and the task rows it completed are gone.
   */
  onCommitted?(ref: { namespaceId: string; workflowId: string; runId: string }, doneTaskQueueTaskIds: number[]): void;
}

/** How the engine finds a run's namespace (retention, search attribute columns). */
export interface NamespacesById {
  byId(id: string): NamespaceRecord | undefined;
}

export interface ExecutionRef {
  namespaceId: string;
  workflowId: string;
  /** Empty: the current run of the workflow id. */
  runId: string;
}

interface CachedExecution {
  state: ExecutionState;
  dbVersion: number;
}

const EXECUTION_CACHE_MAX = 10_000;
/**
 * Attempts of a change that keeps finding a newer version in the database. One node alone
 * only meets this after a race inside itself; nodes of a cluster writing one run at once do
 * more often, so after the second attempt each waits a little, at random, to let the other
 * through.
 */
const CONDITION_FAILED_RETRIES_MAX = 8;
const CONDITION_FAILED_BACKOFF_MAX_MS = 20;

export class ExecutionStore {
  private readonly cache = new Map<string, CachedExecution>();
  /**
   * Runs being read from the store right now, and whether another node changed them meanwhile
   * (`evict` during the read): such a read may be older than the change, so it is read again.
   */
  private readonly loading = new Map<string, { evicted: boolean }>();
  private readonly locks = new KeyedMutex();
  /** The events this process committed last to recent runs (history-tail.ts). */
  private readonly tails = new HistoryTails();
  /** Told of task waits (observability/); set by the composition root when metrics are on. */
  metrics: EngineMetrics = NO_METRICS;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly config: ResolvedConfig,
    readonly log: Logger,
    readonly namespaces: NamespacesById,
    private readonly listeners: EngineListeners,
  ) {}

  /** Run `fn` while holding the lock of this workflow id. */
  withWorkflowLock<T>(namespaceId: string, workflowId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`${namespaceId}\u0000${workflowId}`, fn);
  }

  async resolveRunId(ref: ExecutionRef): Promise<string> {
    if (ref.runId) return ref.runId;
    const current = await this.store.getCurrentExecution(ref.namespaceId, ref.workflowId);
    if (!current) throw notFound(`workflow execution not found: workflow_id ${ref.workflowId}`);
    return current.runId;
  }

  /** Read the state without changing it (a copy is not made: do not mutate). */
  async read(ref: ExecutionRef): Promise<ExecutionState> {
    const runId = await this.resolveRunId(ref);
    return (await this.load(ref.namespaceId, ref.workflowId, runId)).state;
  }

  /**
   * Change an existing execution. `fn` runs synchronously against the state;
   * whatever it throws discards the change (and the cached state with it).
   */
  async update<T>(ref: ExecutionRef, fn: (tx: ExecutionTx) => T): Promise<T> {
    return this.withWorkflowLock(ref.namespaceId, ref.workflowId, () => this.updateLocked(ref, fn));
  }

  /** As `update`, for callers already holding the workflow lock. */
  async updateLocked<T>(ref: ExecutionRef, fn: (tx: ExecutionTx) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const runId = await this.resolveRunId(ref);
      const key = cacheKey(ref.namespaceId, ref.workflowId, runId);
      const loaded = await this.load(ref.namespaceId, ref.workflowId, runId);
      const tx = new ExecutionTx(loaded.state, this.clock.nowMs());
      tx.nodeId = this.config.nodeId;
      const statusBefore = loaded.state.status;
      const historyBefore = historyMark(loaded.state);
      let result: T;
      try {
        result = fn(tx);
        const overLimit = tx.dirty ? historyLimitExceeded(tx, historyBefore, this.config.limits) : null;
        if (overLimit) {
          // Discard this change; the run is terminated instead (history-limits.ts).
          this.cache.delete(key);
          await this.updateLocked({ ...ref, runId }, (terminating) => terminateOverLimit(terminating, overLimit));
          throw invalidArgument(overLimit);
        }
        if (tx.dirty) await this.commit(tx, loaded.dbVersion, statusBefore);
      } catch (err) {
        this.cache.delete(key);
        if (err instanceof ConditionFailedError && attempt < CONDITION_FAILED_RETRIES_MAX) {
          if (attempt >= 2) await sleep(Math.random() * CONDITION_FAILED_BACKOFF_MAX_MS * attempt);
          continue;
        }
        throw err;
      }
      return result;
    }
  }

  /**
   * Events `fromEventId..toEventId` (inclusive) of a run, as stored: from the events this
   * process committed last when they cover the range, else from the store.
   */
  async readEvents(namespaceId: string, runId: string, fromEventId: number, toEventId: number): Promise<Uint8Array[]> {
    return this.tails.read(namespaceId, runId, fromEventId, toEventId) ?? readHistoryEventBytes(this.store, namespaceId, runId, fromEventId, toEventId);
  }

  /** Another node changed this run: the cached copy is stale. */
  evict(namespaceId: string, workflowId: string, runId: string): void {
    const key = cacheKey(namespaceId, workflowId, runId);
    this.cache.delete(key);
    const read = this.loading.get(key);
    if (read) read.evicted = true;
  }

  /** Changes from other nodes may have been missed: forget every cached run. */
  evictAll(): void {
    this.cache.clear();
    for (const read of this.loading.values()) read.evicted = true;
  }

  /** Remove a run from the store and the cache (the caller holds the workflow lock). */
  async deleteLocked(namespaceId: string, workflowId: string, runId: string): Promise<void> {
    await this.store.deleteExecution(namespaceId, workflowId, runId);
    this.cache.delete(cacheKey(namespaceId, workflowId, runId));
    this.tails.drop(namespaceId, runId);
    this.listeners.onCommitted?.({ namespaceId, workflowId, runId }, []);
  }

  /** Create a new run (the caller holds the workflow lock and sets `tx.current`). */
  async create(state: ExecutionState, fn: (tx: ExecutionTx) => void): Promise<void> {
    const tx = new ExecutionTx(state, this.clock.nowMs());
    tx.nodeId = this.config.nodeId;
    fn(tx);
    await this.commit(tx, null, state.status);
  }

  private async commit(tx: ExecutionTx, expectedDbVersion: number | null, statusBefore: number): Promise<void> {
    const s = tx.state;
    this.armRetention(tx, statusBefore);
    const commit = toCommit(tx, expectedDbVersion, statusBefore, this.namespaces);
    const next = tx.newRun;
    if (next) commit.newRun = toCommit(next, null, next.state.status, this.namespaces);
    const result = await this.store.commitExecution(commit);
    this.tails.appended(s.namespaceId, s.runId, commit.newEvents);
    if (next) this.tails.appended(next.state.namespaceId, next.state.runId, commit.newRun!.newEvents);
    this.remember(s, result.dbVersion);
    if (next) this.remember(next.state, result.newRunDbVersion!);
    // Other nodes hear that the run changed before they hear of its new tasks.
    this.listeners.onCommitted?.(s, commit.doneTaskQueueTaskIds);
    if (next) this.listeners.onCommitted?.(next.state, []);
    if (result.taskQueueTasks.length > 0) this.listeners.onTaskQueueTasks(result.taskQueueTasks, tx.stickyDispatch);
    if (result.timerTasks.length > 0) this.listeners.onTimerTasks(result.timerTasks);
    if (tx.newEvents.length > 0 || s.status !== statusBefore) {
      this.listeners.onExecutionChanged(s.namespaceId, s.runId, s);
    }
    if (next) this.listeners.onExecutionChanged(next.state.namespaceId, next.state.runId, next.state);
    this.logCommitted(tx, expectedDbVersion === null, statusBefore);
    if (next) this.logCommitted(next, true, next.state.status);
  }

  /**
   * A run that closes now is deleted once its namespace's retention has passed (timer-tasks.ts).
   * Not under a clock that jumps (time-skipping tests): a skip past the retention would delete
   * runs a test still reads, and Temporal's test server keeps them too.
   */
  private armRetention(tx: ExecutionTx, statusBefore: number): void {
    const s = tx.state;
    if (s.status === statusBefore || isRunning(s) || s.closeTimeMs === null || isAdvanceable(this.clock)) return;
    const ns = this.namespaces.byId(s.namespaceId);
    if (ns) tx.addTimer('retention', s.closeTimeMs + ns.retentionMs, {});
  }

  /** The lifecycle lines of the server log: a run started, closed, or its workflow task failed. */
  private logCommitted(tx: ExecutionTx, created: boolean, statusBefore: number): void {
    const s = tx.state;
    const ids = () => ({ namespace: s.namespace, workflowId: s.workflowId, runId: s.runId });
    if (created) this.log.info({ ...ids(), workflowType: s.workflowType, taskQueue: s.taskQueue }, 'workflow started');
    for (const note of tx.logNotes) this.log[note.level]({ ...ids(), ...note.fields }, note.msg);
    if (s.status !== statusBefore && !isRunning(s)) {
      this.log.info({ ...ids(), workflowType: s.workflowType, status: enumValueName(enums.WorkflowExecutionStatus, s.status, 'WORKFLOW_EXECUTION_STATUS_') }, 'workflow closed');
    }
  }

  private async load(namespaceId: string, workflowId: string, runId: string): Promise<CachedExecution> {
    const key = cacheKey(namespaceId, workflowId, runId);
    const cached = this.cache.get(key);
    if (cached) {
      // Refresh recency: Map iteration order is insertion order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    if (this.loading.has(key)) {
      // Another read of this run is under way: read on its own, uncached.
      const record = await this.store.getExecution(namespaceId, workflowId, runId);
      if (!record) throw notFound(`workflow execution not found: workflow_id ${workflowId}, run_id ${runId}`);
      return { state: parseState(record.state), dbVersion: record.dbVersion };
    }
    const read = { evicted: false };
    this.loading.set(key, read);
    try {
      for (let attempt = 1; ; attempt++) {
        read.evicted = false;
        const record = await this.store.getExecution(namespaceId, workflowId, runId);
        if (!record) throw notFound(`workflow execution not found: workflow_id ${workflowId}, run_id ${runId}`);
        const entry = { state: parseState(record.state), dbVersion: record.dbVersion };
        if (read.evicted && attempt < 3) continue;
        if (!read.evicted) {
          this.cache.set(key, entry);
          this.trimCache();
        }
        return entry;
      }
    } finally {
      this.loading.delete(key);
    }
  }

  private remember(state: ExecutionState, dbVersion: number): void {
    const key = cacheKey(state.namespaceId, state.workflowId, state.runId);
    this.cache.delete(key);
    this.cache.set(key, { state, dbVersion });
    this.trimCache();
  }

  private trimCache(): void {
    while (this.cache.size > EXECUTION_CACHE_MAX) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}

function toCommit(
  tx: ExecutionTx,
  expectedDbVersion: number | null,
  statusBefore: number,
  namespaces: NamespacesById,
): ExecutionCommit {
  const s = tx.state;
  s.stateTransitionCount++;
  // Only what list and count show: most commits (task and activity progress) skip the write.
  const visibilityChanged = expectedDbVersion === null || s.status !== statusBefore || tx.visibilityChanged;
  return {
    visibility: visibilityChanged ? visibilityRecordOf(s, namespaces.byId(s.namespaceId)) : undefined,
    namespaceId: s.namespaceId,
    workflowId: s.workflowId,
    runId: s.runId,
    expectedDbVersion,
    state: serializeState(s),
    summary: {
      workflowType: s.workflowType,
      taskQueue: s.taskQueue,
      status: s.status,
      startTimeMs: s.startTimeMs,
      closeTimeMs: s.closeTimeMs,
    },
    newEvents: tx.newEvents,
    current: tx.current,
    currentStatus: s.status !== statusBefore ? s.status : undefined,
    newTaskQueueTasks: tx.newTaskQueueTasks,
    doneTaskQueueTaskIds: tx.doneTaskQueueTaskIds,
    newTimerTasks: tx.newTimerTasks,
    doneTimerTaskIds: tx.doneTimerTaskIds,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function cacheKey(namespaceId: string, workflowId: string, runId: string): string {
  return `${namespaceId}\u0000${workflowId}\u0000${runId}`;
}

export { isRunning } from './mutable-state.js';
