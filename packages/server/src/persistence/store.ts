/**
 * The persistence seam. The history engine, matching and the timer queue talk
 * only to this interface; SQLite implements it today, PostgreSQL next.
 *
 * Invariants every implementation keeps:
 * - `commitExecution` is one transaction: new history events, the execution's
 *   mutable state, the current-execution pointer and the task rows it creates
 *   or completes are written together or not at all.
 * - A conditional update (`expectedDbVersion`) that finds another version
 *   throws `ConditionFailedError`, so two writers can never both win.
 */

export interface NamespaceRecord {
  id: string;
  name: string;
  retentionMs: number;
  createdMs: number;
}

export interface CurrentExecutionRecord {
  namespaceId: string;
  workflowId: string;
  runId: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus */
  status: number;
  startRequestId: string;
}

export interface ExecutionRecord {
  namespaceId: string;
  workflowId: string;
  runId: string;
  /** Serialized mutable state (opaque to the store). */
  state: string;
  dbVersion: number;
}

/** Summary columns kept beside the state for listing and counting. */
export interface ExecutionSummary {
  workflowType: string;
  taskQueue: string;
  status: number;
  startTimeMs: number;
  closeTimeMs: number | null;
}

export type TaskKind = 'workflow' | 'activity';

/** A task waiting in a task queue for a poller. */
export interface TaskQueueTask {
  id: number;
  namespaceId: string;
  taskQueue: string;
  kind: TaskKind;
  workflowId: string;
  runId: string;
  scheduledEventId: number;
  attempt: number;
  createdMs: number;
}
export type NewTaskQueueTask = Omit<TaskQueueTask, 'id'>;

/** A durable timer: fires once at `fireAtMs` unless completed first. */
export interface TimerTask {
  id: number;
  fireAtMs: number;
  namespaceId: string;
  workflowId: string;
  runId: string;
  /** What to do when it fires (see history/timer-tasks.ts). */
  kind: string;
  /** JSON payload interpreted by the handler for `kind`. */
  data: string;
}
export type NewTimerTask = Omit<TimerTask, 'id'>;

export interface HistoryEventRow {
  eventId: number;
  data: Uint8Array;
}

export interface ExecutionCommit {
  namespaceId: string;
  workflowId: string;
  runId: string;
  /** null: the execution is new and must not exist yet. */
  expectedDbVersion: number | null;
  state: string;
  summary: ExecutionSummary;
  newEvents: HistoryEventRow[];
  /** Replace the current-execution pointer for this workflow id. */
  current?: {
    record: CurrentExecutionRecord;
    /** The run the pointer must point at now; null: no pointer may exist. */
    expectedRunId: string | null;
  };
  /** Update the status on the pointer when this run is current. */
  currentStatus?: number;
  newTaskQueueTasks: NewTaskQueueTask[];
  doneTaskQueueTaskIds: number[];
  newTimerTasks: NewTimerTask[];
  doneTimerTaskIds: number[];
  /**
   * A run created in the same transaction (continue-as-new, retry, cron,
   * reset): both are written or neither. It is new (`expectedDbVersion` null).
   */
  newRun?: ExecutionCommit;
}

export interface CommitResult {
  dbVersion: number;
  /** The chained new run's version, when the commit had one. */
  newRunDbVersion?: number;
  taskQueueTasks: TaskQueueTask[];
  timerTasks: TimerTask[];
}

export class ConditionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionFailedError';
  }
}

export interface Store {
  close(): Promise<void>;

  createNamespace(ns: NamespaceRecord): Promise<void>;
  getNamespaceByName(name: string): Promise<NamespaceRecord | null>;
  listNamespaces(): Promise<NamespaceRecord[]>;

  getCurrentExecution(namespaceId: string, workflowId: string): Promise<CurrentExecutionRecord | null>;
  getExecution(namespaceId: string, workflowId: string, runId: string): Promise<ExecutionRecord | null>;
  commitExecution(commit: ExecutionCommit): Promise<CommitResult>;

  /**
   * Remove a run for good, in one transaction: its events, state, task and
   * timer rows, and the current-run pointer if it points at this run.
   */
  deleteExecution(namespaceId: string, workflowId: string, runId: string): Promise<void>;

  /** Events with `eventId >= fromEventId`, in order, at most `limit`. */
  readHistory(namespaceId: string, runId: string, fromEventId: number, limit: number): Promise<HistoryEventRow[]>;

  /** Drop tasks whose execution no longer needs them (stale after a restart or a race). */
  deleteTaskQueueTasks(ids: number[]): Promise<void>;
  deleteTimerTasks(ids: number[]): Promise<void>;

  /** Every task still waiting for a poller (read once at start-up). */
  listTaskQueueTasks(): Promise<TaskQueueTask[]>;
  /** Timers due at or before `untilMs`, earliest first. */
  listDueTimerTasks(untilMs: number, limit: number): Promise<TimerTask[]>;
  /** Fire time of the earliest pending timer, or null. */
  nextTimerFireMs(): Promise<number | null>;
}
