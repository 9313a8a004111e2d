/**
 * Group commit on PostgreSQL. Commits that wait while the batches in flight run are sent
 * together as the next batch: one `SELECT endure_commit($1)` (commit-functions.ts), one round
 * trip and one WAL flush for all of them, each still all or nothing on its own. Under light
 * load a batch holds one commit and costs one round trip; under heavy load batches grow, so
 * the database does less work per commit as the load rises. No commit resolves before the
 * statement that wrote it has committed (`synchronous_commit` decides when that is durable).
 */
import type pg from 'pg';
import {
  ConditionFailedError,
  type CommitResult,
  type ExecutionCommit,
  type TaskQueueTask,
  type TimerTask,
} from '../store.js';
import { CONDITION_FAILED_SQLSTATE } from './commit-functions.js';
import { toBuffer, visibilityJson } from './visibility.js';

/**
 * Commits in one batch at most. Each is a subtransaction, and PostgreSQL keeps 64 of them per
 * transaction in shared memory; past that, every snapshot taken elsewhere while the batch
 * runs has to look subtransactions up on disk.
 */
export const COMMIT_BATCH_MAX = 64;

/** PostgreSQL's deadlock_detected: the commit it hit wrote nothing and can be retried. */
const DEADLOCK_SQLSTATE = '40P01';

interface Pending {
  commit: ExecutionCommit;
  resolve: (result: CommitResult) => void;
  reject: (err: Error) => void;
}

interface RunResult {
  dbVersion: number;
  taskIds: number[];
  timerIds: number[];
  newRun: RunResult | null;
}

type BatchAnswer = RunResult | { error: string; sqlstate: string };

export class CommitBatcher {
  private readonly pending: Pending[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  /** Told how many commits each batch holds (observability/). */
  onBatch: ((commits: number) => void) | null = null;

  /** `batchesInFlightMax`: statements running at once, each on its own pooled connection. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly batchesInFlightMax: number,
  ) {
    if (!(batchesInFlightMax >= 1)) throw new Error(`batchesInFlightMax must be at least 1, not ${batchesInFlightMax}`);
  }

  commit(commit: ExecutionCommit): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ commit, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Gathers the commits of this turn of the event loop before sending them. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight >= this.batchesInFlightMax || this.pending.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.batchesInFlightMax && this.pending.length > 0) {
      const batch = this.pending.splice(0, COMMIT_BATCH_MAX);
      this.onBatch?.(batch.length);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.scheduleFlush();
      });
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    let answers: BatchAnswer[];
    try {
      const json = JSON.stringify(batch.map((p) => encodeCommit(p.commit)));
      const result = await this.pool.query<{ answers: BatchAnswer[] }>({
        name: 'endure_commit',
        text: 'SELECT endure_commit($1::jsonb) AS answers',
        values: [json],
      });
      answers = result.rows[0]?.answers ?? [];
      if (answers.length !== batch.length) {
        throw new Error(`endure_commit answered ${answers.length} results for ${batch.length} commits`);
      }
    } catch (err) {
      // Nothing of the batch was committed, or (a connection lost while committing) nobody
      // knows: every commit of it fails as the statement did.
      const error = err instanceof Error ? err : new Error(String(err));
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const answer = answers[i]!;
      try {
        if ('error' in answer) p.reject(commitError(answer));
        else p.resolve(toCommitResult(p.commit, answer));
      } catch (err) {
        p.reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
}

function commitError(answer: { error: string; sqlstate: string }): Error {
  if (answer.sqlstate === CONDITION_FAILED_SQLSTATE || answer.sqlstate === DEADLOCK_SQLSTATE) {
    return new ConditionFailedError(answer.error);
  }
  return Object.assign(new Error(answer.error), { code: answer.sqlstate });
}

/** A commit as endure_commit_run reads it: keys absent where the commit has nothing. */
function encodeCommit(c: ExecutionCommit): Record<string, unknown> {
  const s = c.summary;
  const json: Record<string, unknown> = {
    ns: c.namespaceId,
    wf: c.workflowId,
    run: c.runId,
    state: c.state,
    workflowType: s.workflowType,
    taskQueue: s.taskQueue,
    status: s.status,
    startTimeMs: s.startTimeMs,
    closeTimeMs: s.closeTimeMs,
  };
  if (c.expectedDbVersion !== null) json.expectedDbVersion = c.expectedDbVersion;
  if (c.current) json.current = { ...c.current.record, expectedRunId: c.current.expectedRunId };
  else if (c.currentStatus !== undefined) json.currentStatus = c.currentStatus;
  if (c.newEvents.length > 0) json.events = c.newEvents.map((e) => [e.eventId, toBuffer(e.data).toString('base64')]);
  if (c.visibility) json.visibility = visibilityJson(c.visibility);
  if (c.doneTaskQueueTaskIds.length > 0) json.doneTasks = c.doneTaskQueueTaskIds;
  if (c.doneTimerTaskIds.length > 0) json.doneTimers = c.doneTimerTaskIds;
  if (c.newTaskQueueTasks.length > 0) json.tasks = c.newTaskQueueTasks;
  if (c.newTimerTasks.length > 0) json.timers = c.newTimerTasks;
  if (c.newRun) json.newRun = encodeCommit(c.newRun);
  return json;
}

function toCommitResult(c: ExecutionCommit, r: RunResult): CommitResult {
  const taskQueueTasks: TaskQueueTask[] = c.newTaskQueueTasks.map((t, i) => ({ ...t, id: idAt(r.taskIds, i) }));
  const timerTasks: TimerTask[] = c.newTimerTasks.map((t, i) => ({ ...t, id: idAt(r.timerIds, i) }));
  if (!c.newRun) return { dbVersion: r.dbVersion, taskQueueTasks, timerTasks };
  if (!r.newRun) throw new Error('endure_commit wrote a new run but gave no result for it');
  const next = toCommitResult(c.newRun, r.newRun);
  return {
    dbVersion: r.dbVersion,
    newRunDbVersion: next.dbVersion,
    taskQueueTasks: [...taskQueueTasks, ...next.taskQueueTasks],
    timerTasks: [...timerTasks, ...next.timerTasks],
  };
}

function idAt(ids: readonly number[], index: number): number {
  const id = ids[index];
  if (id === undefined) throw new Error(`endure_commit gave ${ids.length} ids, fewer than the rows it inserted`);
  return id;
}
