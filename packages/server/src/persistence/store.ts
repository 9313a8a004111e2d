/**
 * The persistence seam. The history engine, matching and the timer queue talk
 * only to this interface; sqlite/, postgres/ and memory/ implement it, and
 * store.test.ts holds all three to one contract.
 *
 * Invariants every implementation keeps:
 * - `commitExecution` is one transaction: new history events, the execution's
 *   mutable state, the current-execution pointer and the task rows it creates
 *   or completes are written together or not at all.
 * - A conditional update (`expectedDbVersion`) that finds another version
 *   throws `ConditionFailedError`, so two writers can never both win. So does a
 *   new run (`expectedDbVersion` null) whose run exists, and a current-run pointer
 *   that is not at `expectedRunId`; the whole commit is then rolled back.
 */
import type { BoundQuery } from '../visibility/query-binder.js';

/** temporal.api.enums.v1.NamespaceState: REGISTERED 1, DEPRECATED 2, DELETED 3. */
export type NamespaceStateCode = 1 | 2 | 3;

/** A custom search attribute of a namespace and the typed slot column holding its values. */
export interface CustomSearchAttribute {
  /** Temporal's type name (Keyword, Text, Int, Double, Bool, Datetime, KeywordList). */
  type: string;
  column: string;
}

export interface NamespaceRecord {
  id: string;
  name: string;
  retentionMs: number;
  createdMs: number;
  state: NamespaceStateCode;
  description: string;
  ownerEmail: string;
  data: Record<string, string>;
  customSearchAttributes: Record<string, CustomSearchAttribute>;
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

/**
 * One run's row in `executions_visibility`: what list and count filter and show. Column
 * names are the table's (see visibility/); KeywordList values are JSON array text, Bool 0/1,
 * times in ms, `execution_duration` in ns.
 */
export interface VisibilityRecord {
  namespaceId: string;
  runId: string;
  columns: Record<string, string | number | null>;
  /** Encoded temporal.api.common.v1.Memo, or null. */
  memo: Uint8Array | null;
  /** Encoded temporal.api.common.v1.SearchAttributes, each value stamped with its type, or null. */
  searchAttributes: Uint8Array | null;
}

/** What CountWorkflowExecutions answers: the total, and per group (GROUP BY) its values and count. */
export interface VisibilityCount {
  count: number;
  groups: { values: (string | number | null)[]; count: number }[];
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
  /** The run's visibility row, written (replacing the old one) when it changed. */
  visibility?: VisibilityRecord;
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

/**
 * A schedule (schedules/): its id and its whole state, serialized (opaque to the store),
 * with the version that fences every write, as an execution's. The version is also the
 * conflict token UpdateSchedule checks.
 */
export interface ScheduleRecord {
  namespaceId: string;
  scheduleId: string;
  state: string;
  dbVersion: number;
}

/**
 * The timer rows of a schedule (its next action time, `schedule_tick`) carry the schedule id
 * as `workflowId` and this run id, so no run's rows are ever mistaken for them.
 */
export const SCHEDULE_TIMER_RUN_ID = '';

export interface ScheduleCommit {
  namespaceId: string;
  scheduleId: string;
  /** null: the schedule is new, and a schedule with this id must not exist (ConditionFailedError). */
  expectedDbVersion: number | null;
  /**
   * The new state. null deletes the schedule, and with it every timer row it owns
   * (`workflowId` = schedule id, `runId` = SCHEDULE_TIMER_RUN_ID).
   */
  state: string | null;
  newTimerTasks: NewTimerTask[];
  doneTimerTaskIds: number[];
}

export interface ScheduleCommitResult {
  /** The schedule's new version (0 after a delete). */
  dbVersion: number;
  timerTasks: TimerTask[];
}

/**
 * An API key (auth/api-keys.ts): its public id, and only a hash of its secret. Revoked keys
 * are kept (listed as revoked) so an id is never handed out twice.
 */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** SHA-256 of the key's secret part, hex. */
  secretHash: string;
  /** Temporal permission claims: `<namespace>:<role>`, `system:<role>`. */
  permissions: string[];
  createdMs: number;
  /** null: never expires. */
  expiresMs: number | null;
  revoked: boolean;
}

/** Node's socket errors that mean the database server cannot be reached right now. */
const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether `err` says the database is unavailable for a while (restarting, failing over, the
 * connection dropped) rather than that the request is wrong: the caller should retry. For
 * PostgreSQL: SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutting down,
 * crashed, not accepting connections yet), and a connection the driver saw end (node-postgres
 * says so only in its messages).
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_SOCKET_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code))) {
    return true;
  }
  const message = (err as { message?: unknown }).message;
  // The second: a query on a pooled client whose connection died while it was checked out.
  return typeof message === 'string' && /^(Connection terminated|Client has encountered a connection error and is not queryable)/.test(message);
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
  /** Replace the namespace with this id (its name may change: a deleted namespace is renamed). */
  updateNamespace(ns: NamespaceRecord): Promise<void>;
  /** Remove the namespace row for good, with its schedules and their timer rows (its runs are deleted first). */
  deleteNamespace(id: string): Promise<void>;
  getNamespaceByName(name: string): Promise<NamespaceRecord | null>;
  listNamespaces(): Promise<NamespaceRecord[]>;

  getCurrentExecution(namespaceId: string, workflowId: string): Promise<CurrentExecutionRecord | null>;
  getExecution(namespaceId: string, workflowId: string, runId: string): Promise<ExecutionRecord | null>;
  commitExecution(commit: ExecutionCommit): Promise<CommitResult>;

  /**
   * Remove a run for good, in one transaction: its events, state, visibility row, task
   * and timer rows, and the current-run pointer if it points at this run.
   */
  deleteExecution(namespaceId: string, workflowId: string, runId: string): Promise<void>;
  /** Up to `limit` runs of a namespace, any order (a deleted namespace is emptied with it). */
  listNamespaceRuns(namespaceId: string, limit: number): Promise<{ workflowId: string; runId: string }[]>;

  /**
   * Visibility rows of a namespace matching `query`, in its order, strictly after the sort
   * key `after` (from the previous page's last row), at most `limit`.
   */
  listVisibility(namespaceId: string, query: BoundQuery, after: readonly unknown[] | null, limit: number): Promise<VisibilityRecord[]>;
  countVisibility(namespaceId: string, query: BoundQuery): Promise<VisibilityCount>;

  /** Events with `eventId >= fromEventId`, in order, at most `limit`. */
  readHistory(namespaceId: string, runId: string, fromEventId: number, limit: number): Promise<HistoryEventRow[]>;

  /**
   * Create, change or delete a schedule in one transaction with its timer rows. A version
   * other than `expectedDbVersion` (or an existing schedule when it is null, or a missing
   * one when it is not) throws ConditionFailedError and writes nothing.
   */
  commitSchedule(commit: ScheduleCommit): Promise<ScheduleCommitResult>;
  getSchedule(namespaceId: string, scheduleId: string): Promise<ScheduleRecord | null>;
  /** A namespace's schedules in schedule id order, strictly after `afterScheduleId`, at most `limit`. */
  listSchedules(namespaceId: string, afterScheduleId: string | null, limit: number): Promise<ScheduleRecord[]>;

  /** Adds a key; one with the same id throws ConditionFailedError and writes nothing. */
  createApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  /** Every key, revoked ones too, oldest first (ties by id). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no key with this id. */
  revokeApiKey(id: string): Promise<boolean>;

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

/** A query waiting for a poller of another node (cluster/): its request, then the answer. */
export interface QueryTaskRow {
  id: string;
  namespaceId: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  /** Encoded temporal.api.query.v1.WorkflowQuery (empty when listed). */
  query: Uint8Array;
  createdMs: number;
}

/** What several nodes on one database need beyond `Store`; PostgreSQL's store has it. */
export interface ClusterStore {
  /**
   * Claim up to `limit` timers due by `untilMs` that no other node holds (a lease that has
   * not ended by `nowMs`), holding them until `leaseUntilMs`; earliest first. A claimed
   * timer's row is still deleted by the commit of its effect.
   */
  claimDueTimerTasks(untilMs: number, limit: number, leaseUntilMs: number, nowMs: number): Promise<TimerTask[]>;
  /** When the earliest timer can be claimed (its fire time, or its lease's end), or null. */
  nextTimerReadyMs(): Promise<number | null>;
  insertQueryTask(query: QueryTaskRow): Promise<void>;
  /** The query's request if no node claimed it yet (now this one has), else null. */
  claimQueryTask(id: string): Promise<Uint8Array | null>;
  /** Store the worker's answer (encoded RespondQueryTaskCompletedRequest); false if the row is gone. */
  answerQueryTask(id: string, answer: Uint8Array): Promise<boolean>;
  /** The answer, if there is one, and the row with it. */
  takeQueryAnswer(id: string): Promise<Uint8Array | null>;
  deleteQueryTask(id: string): Promise<void>;
  /** Queries no node claimed, created before `createdBeforeMs` (a notification may have been lost). */
  listUnclaimedQueryTasks(createdBeforeMs: number): Promise<QueryTaskRow[]>;
  deleteQueryTasksCreatedBefore(createdBeforeMs: number): Promise<void>;

  /** Who polled which queue lately, as seen by one node: written (upserted) in one statement. */
  recordPollers(pollers: TaskQueuePollerRow[]): Promise<void>;
  /** Pollers of a queue on any node whose last poll began at or after `sinceMs`. */
  listPollers(namespaceId: string, taskQueue: string, kind: TaskKind, sinceMs: number): Promise<TaskQueuePollerRow[]>;
  deletePollersBefore(beforeMs: number): Promise<void>;
  /** The tasks waiting in a queue, whichever node holds them: how many, and the oldest's creation time. */
  taskQueueBacklog(namespaceId: string, taskQueue: string, kind: TaskKind): Promise<{ count: number; oldestCreatedMs: number | null }>;

  /** The nodes whose heartbeat is recent (within `liveMs`, by the database's clock). */
  liveNodes(liveMs: number): Promise<ClusterNodeRow[]>;
  /** Write this node's heartbeat (the row is created when missing). */
  heartbeat(node: Omit<ClusterNodeRow, 'heartbeatMs'>): Promise<void>;
  /**
   * Take the rows of nodes silent for `deadMs`; each is returned to one caller only, which
   * then hands the dead node's work to the living.
   */
  claimDeadNodes(deadMs: number): Promise<string[]>;
  /** A node leaves (it stopped): its row goes. */
  removeNode(nodeId: string): Promise<void>;
  /**
   * Make the workflow-task timeouts of tasks `nodeId` handed out due at `nowMs` (its workers
   * may never have got them). Returns how many.
   */
  expireWorkflowTasksHandedOutBy(nodeId: string, nowMs: number): Promise<number>;
}

export interface TaskQueuePollerRow {
  namespaceId: string;
  taskQueue: string;
  kind: TaskKind;
  identity: string;
  nodeId: string;
  lastAccessMs: number;
}

export interface ClusterNodeRow {
  nodeId: string;
  address: string;
  startedMs: number;
  heartbeatMs: number;
}
