/**
 * The schedules engine: keeps each schedule's row, turns its spec into actions, and starts
 * their workflows exactly once.
 *
 * Every change to a schedule is a *pass* over it, one at a time per schedule in this process
 * (a mutex) and fenced by the row's version across processes:
 * 1. read the row, apply the change (an update, a patch, a run that closed, a tick);
 * 2. turn the times between the last processed time and now into starts (the catch-up
 *    window drops the old ones), and decide the buffered starts by the overlap policy;
 * 3. commit the new state with the starts decided, each with its workflow id and request id
 *    fixed, and the tick for the next action time (a retry tick while starts are pending);
 * 4. start those workflows through the ordinary start path; a start whose request id already
 *    started a run is answered with that run, so a pass repeated after a crash between 3 and 5
 *    starts nothing twice;
 * 5. commit the results (recent and running actions, counters).
 * Runs a schedule started carry its id; when one closes, its close commit writes a
 * `schedule_action_closed` row that runs a pass (the overlap slot frees, the result is kept).
 */
import Long from 'long';
import { enums, proto } from '../common/proto.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { ServiceError, alreadyExists, failedPrecondition, notFound } from '../common/errors.js';
import { Status as GrpcStatus } from '../common/grpc-status.js';
import { msToTimestamp } from '../common/time.js';
import {
  ConditionFailedError,
  SCHEDULE_TIMER_RUN_ID,
  isStoreUnavailable,
  type NamespaceRecord,
  type NewTimerTask,
  type ScheduleRecord,
  type Store,
  type TimerTask,
} from '../persistence/store.js';
import type { ExecutionStore } from '../history/engine.js';
import { requestCancelWorkflow, startWorkflow, terminateWorkflow } from '../history/workflow-lifecycle.js';
import { CompiledSpec } from './spec/index.js';
import {
  decodeFailure,
  decodeMemo,
  decodePayloads,
  decodeSchedule,
  decodeSearchAttributes,
  encodeSchedule,
  parseState,
  serializeState,
  type PendingStart,
  type ScheduleState,
} from './schedule-state.js';
import { scheduledSearchAttributes } from './search-attributes.js';
import {
  SCHEDULE_LIMITS,
  actionResult,
  advance,
  applyPatch,
  futureActionTimes,
  onActionClosed,
  processElapsed,
  recordAction,
  wakeup,
  type ScheduleActionClosedData,
  type Working,
} from './schedule-logic.js';
import { withSearchAttributeTypes } from '../common/search-attribute-types.js';
import { searchAttributeType } from '../namespaces/search-attributes.js';

import ws = proto.temporal.api.workflowservice.v1;
type ISchedule = proto.temporal.api.schedule.v1.ISchedule;
type ISchedulePatch = proto.temporal.api.schedule.v1.ISchedulePatch;

const ReusePolicy = enums.WorkflowIdReusePolicy;


/** How soon a pass that left starts pending (a crash, an unavailable store) is retried. */
const PENDING_RETRY_MS = 5000;
const COMMIT_ATTEMPTS = 8;
/** Recent PatchSchedule request ids kept to recognize a retried patch. */
const PATCH_REQUEST_IDS_KEPT = 20;

export type ScheduleTimerKind = 'schedule_tick' | 'schedule_action_closed';


export interface SchedulerDeps {
  store: Store;
  executions: ExecutionStore;
  clock: Clock;
  log: Logger;
  namespaceById(id: string): NamespaceRecord | undefined;
  /** New timer rows were committed (arm the queue, tell the other nodes). */
  onTimerTasks(timers: TimerTask[]): void;
  /**
   * Crash tests only: called at the points a crash must not break (after the starts are
   * recorded, after they are made); the test's server kills itself there (ENDURE_TEST_FAULT).
   */
  faultPoint?(point: SchedulerFaultPoint): void;
}

export type SchedulerFaultPoint = 'schedule-after-record' | 'schedule-after-start';


/**
 * What a pass applies to the state it read. `afterElapsed`: the time elapsed so far is
 * processed under the schedule as it was first (an update must not rewrite the past).
 */
type Change = ((w: Working) => void) & { afterElapsed?: boolean };

export class Scheduler {
  private readonly locks = new KeyedMutex();

  constructor(private readonly deps: SchedulerDeps) {}

  /** Create a schedule. The spec is already checked (`compileSpec`); returns the conflict token. */
  async create(ns: NamespaceRecord, req: ws.ICreateScheduleRequest, schedule: ISchedule, requestId: string): Promise<Uint8Array> {
    const nowMs = this.deps.clock.nowMs();
    const st: ScheduleState = {
      schedule: encodeSchedule(schedule),
      memo: encodeMemoOrNull(req.memo),
      searchAttributes: encodeSearchOrNull(req.searchAttributes),
      createRequestId: requestId,
      createTimeMs: nowMs,
      updateTimeMs: null,
      conflictToken: 1,
      lastProcessedMs: nowMs,
      buffered: [],
      pending: [],
      backfills: [],
      running: [],
      recent: [],
      actionCount: 0,
      missedCatchupWindow: 0,
      overlapSkipped: 0,
      bufferDropped: 0,
      lastCompletionResult: null,
      continuedFailure: null,
      tickAtMs: nowMs,
    };
    if (req.initialPatch) applyPatch(st, decodeSchedule(st.schedule), req.initialPatch, nowMs);
    const scheduleId = req.scheduleId!;
    try {
      const result = await this.deps.store.commitSchedule({
        namespaceId: ns.id,
        scheduleId,
        expectedDbVersion: null,
        state: serializeState(st),
        // The first pass at once: it arms the tick for the first action time.
        newTimerTasks: [tickRow(ns.id, scheduleId, nowMs)],
        doneTimerTaskIds: [],
      });
      this.deps.onTimerTasks(result.timerTasks);
      return conflictTokenBytes(st.conflictToken);
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err;
      const existing = await this.deps.store.getSchedule(ns.id, scheduleId);
      // The same request again (a client retry): it succeeded the first time.
      if (existing && parseState(existing.state).createRequestId === requestId) {
        return conflictTokenBytes(parseState(existing.state).conflictToken);
      }
      throw alreadyExists(`Schedule with this ID is already registered: ${scheduleId}`);
    }
  }

  async describe(ns: NamespaceRecord, scheduleId: string): Promise<ws.IDescribeScheduleResponse> {
    const { st, schedule } = await this.read(ns, scheduleId);
    const spec = this.compileStored(ns, scheduleId, schedule);
    // The action's search attributes labelled with their types, as Temporal answers (clients
    // rebuild typed search attributes from the labels); the stored values stay as sent.
    const start = schedule.action?.startWorkflow;
    if (start?.searchAttributes) start.searchAttributes = withSearchAttributeTypes(start.searchAttributes, (name) => searchAttributeType(ns, name));
    return {
      schedule,
      info: {
        actionCount: Long.fromNumber(st.actionCount),
        missedCatchupWindow: Long.fromNumber(st.missedCatchupWindow),
        overlapSkipped: Long.fromNumber(st.overlapSkipped),
        bufferDropped: Long.fromNumber(st.bufferDropped),
        bufferSize: Long.fromNumber(st.buffered.length),
        runningWorkflows: st.running.map((r) => ({ workflowId: r.workflowId, runId: r.runId })),
        recentActions: st.recent.map(actionResult),
        futureActionTimes: futureActionTimes(st, schedule, spec, SCHEDULE_LIMITS.futureActionTimes).map(msToTimestamp),
        createTime: msToTimestamp(st.createTimeMs),
        updateTime: st.updateTimeMs === null ? null : msToTimestamp(st.updateTimeMs),
      },
      memo: decodeMemo(st.memo),
      searchAttributes: typedAttributes(ns, st.searchAttributes),
      conflictToken: conflictTokenBytes(st.conflictToken),
    };
  }

  /** Replace spec, action, policies and state; a token other than the current one fails. */
  async update(ns: NamespaceRecord, scheduleId: string, schedule: ISchedule, req: ws.IUpdateScheduleRequest): Promise<void> {
    const token = req.conflictToken && req.conflictToken.length > 0 ? conflictTokenNumber(req.conflictToken) : null;
    const change: Change = (w) => {
      if (token !== null && token !== w.st.conflictToken) {
        throw failedPrecondition(`schedule ${scheduleId} was changed since it was read (conflict token ${token}, now ${w.st.conflictToken}): read it again and retry`);
      }
      w.schedule = proto.temporal.api.schedule.v1.Schedule.create(schedule);
      w.st.schedule = encodeSchedule(w.schedule);
      if (req.searchAttributes) w.st.searchAttributes = encodeSearchOrNull(req.searchAttributes);
      w.st.updateTimeMs = w.nowMs;
      w.st.conflictToken++;
      w.spec = this.compileStored(ns, scheduleId, w.schedule);
    };
    change.afterElapsed = true;
    await this.pass(ns, scheduleId, null, change);
  }

  /** A trigger, backfills, pause or unpause; a request id seen lately is not applied twice (a client retry). */
  async patch(ns: NamespaceRecord, scheduleId: string, patch: ISchedulePatch, requestId: string): Promise<void> {
    const change: Change = (w) => {
      const seen = (w.st.patchRequestIds ??= []);
      if (requestId && seen.includes(requestId)) return;
      applyPatch(w.st, w.schedule, patch, w.nowMs);
      if (requestId) w.st.patchRequestIds = [...seen, requestId].slice(-PATCH_REQUEST_IDS_KEPT);
    };
    // Time elapsed before a pause is still taken; time paused is skipped before the unpause.
    change.afterElapsed = true;
    await this.pass(ns, scheduleId, null, change);
  }

  async delete(ns: NamespaceRecord, scheduleId: string): Promise<void> {
    await this.locks.run(lockKey(ns.id, scheduleId), async () => {
      for (let attempt = 1; ; attempt++) {
        const record = await this.deps.store.getSchedule(ns.id, scheduleId);
        if (!record) throw scheduleNotFound(scheduleId);
        try {
          await this.deps.store.commitSchedule({
            namespaceId: ns.id,
            scheduleId,
            expectedDbVersion: record.dbVersion,
            state: null,
            newTimerTasks: [],
            doneTimerTaskIds: [],
          });
          return;
        } catch (err) {
          if (!(err instanceof ConditionFailedError) || attempt >= COMMIT_ATTEMPTS) throw conflictOrError(err);
        }
      }
    });
  }

  async matchingTimes(ns: NamespaceRecord, scheduleId: string, startMs: number, endMs: number): Promise<number[]> {
    const { schedule } = await this.read(ns, scheduleId);
    const spec = this.compileStored(ns, scheduleId, schedule);
    return spec ? spec.matchingTimes(startMs, endMs, SCHEDULE_LIMITS.matchingTimesMax) : [];
  }

  /** The list view of one schedule (ListSchedules). */
  listEntry(ns: NamespaceRecord, record: ScheduleRecord): proto.temporal.api.schedule.v1.IScheduleListEntry {
    const st = parseState(record.state);
    const schedule = decodeSchedule(st.schedule);
    const spec = this.compileStored(ns, record.scheduleId, schedule);
    return {
      scheduleId: record.scheduleId,
      memo: decodeMemo(st.memo),
      searchAttributes: typedAttributes(ns, st.searchAttributes),
      info: {
        spec: schedule.spec,
        workflowType: schedule.action?.startWorkflow?.workflowType ?? null,
        notes: schedule.state?.notes ?? '',
        paused: schedule.state?.paused ?? false,
        recentActions: st.recent.slice(-SCHEDULE_LIMITS.recentActionsInList).map(actionResult),
        futureActionTimes: futureActionTimes(st, schedule, spec, SCHEDULE_LIMITS.futureActionTimesInList).map(msToTimestamp),
      },
    };
  }

  /** A due `schedule_tick` or `schedule_action_closed` row. */
  async fire(timer: TimerTask): Promise<void> {
    const ns = this.deps.namespaceById(timer.namespaceId);
    if (!ns) {
      await this.deps.store.deleteTimerTasks([timer.id]);
      return;
    }
    const scheduleId = timer.workflowId;
    if (timer.kind === 'schedule_action_closed') {
      const data = JSON.parse(timer.data) as ScheduleActionClosedData;
      await this.pass(ns, scheduleId, timer, (w) => onActionClosed(w, data));
    } else {
      await this.pass(ns, scheduleId, timer, null);
    }
  }

  private async read(ns: NamespaceRecord, scheduleId: string): Promise<{ st: ScheduleState; schedule: proto.temporal.api.schedule.v1.Schedule }> {
    const record = await this.deps.store.getSchedule(ns.id, scheduleId);
    if (!record) throw scheduleNotFound(scheduleId);
    const st = parseState(record.state);
    return { st, schedule: decodeSchedule(st.schedule) };
  }

  /** A stored spec was valid when it was written; one that no longer compiles takes no actions. */
  private compileStored(ns: NamespaceRecord, scheduleId: string, schedule: ISchedule): CompiledSpec | null {
    try {
      return CompiledSpec.compile(schedule.spec ?? {}, jitterSeed(ns, scheduleId));
    } catch (err) {
      this.deps.log.warn({ err, namespace: ns.name, scheduleId }, 'schedule spec does not compile; the schedule takes no actions');
      return null;
    }
  }

  /**
   * One pass (see the file comment). `timer`: the row that caused it, deleted with the first
   * commit. `change`: applied to the state read; it may throw to refuse the request.
   */
  private async pass(ns: NamespaceRecord, scheduleId: string, timer: TimerTask | null, change: Change | null): Promise<void> {
    await this.locks.run(lockKey(ns.id, scheduleId), async () => {
      const decided = await this.decide(ns, scheduleId, timer, change);
      if (!decided) return;
      if (decided.st.pending.length > 0) this.deps.faultPoint?.('schedule-after-record');
      const results = await this.startPending(decided);
      if (results.length > 0) this.deps.faultPoint?.('schedule-after-start');
      if (decided.stop) await this.stopRunning(decided);
      if (results.length > 0) await this.recordStarts(decided, results);
    });
  }

  /** Steps 1–3: returns the committed state, or null when the schedule is gone. */
  private async decide(ns: NamespaceRecord, scheduleId: string, timer: TimerTask | null, change: Change | null): Promise<Working | null> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.deps.store.getSchedule(ns.id, scheduleId);
      if (!record) {
        if (timer) await this.deps.store.deleteTimerTasks([timer.id]);
        if (change && !timer) throw scheduleNotFound(scheduleId);
        return null;
      }
      const st = parseState(record.state);
      const schedule = decodeSchedule(st.schedule);
      const w: Working = { ns, scheduleId, st, schedule, spec: null, nowMs: this.deps.clock.nowMs(), stop: null, dbVersion: record.dbVersion };
      w.spec = this.compileStored(ns, scheduleId, schedule);
      if (change?.afterElapsed) processElapsed(w);
      change?.(w);
      if (timer?.kind === 'schedule_tick' && timer.fireAtMs === st.tickAtMs) st.tickAtMs = null;
      advance(w);
      const newTimers = this.armTick(w, st.pending.length > 0 ? w.nowMs + PENDING_RETRY_MS : wakeup(w));
      try {
        const result = await this.deps.store.commitSchedule({
          namespaceId: ns.id,
          scheduleId,
          expectedDbVersion: record.dbVersion,
          state: serializeState(st),
          newTimerTasks: newTimers,
          doneTimerTaskIds: timer ? [timer.id] : [],
        });
        if (result.timerTasks.length > 0) this.deps.onTimerTasks(result.timerTasks);
        w.dbVersion = result.dbVersion;
        return w;
      } catch (err) {
        if (!(err instanceof ConditionFailedError) || attempt >= COMMIT_ATTEMPTS) throw conflictOrError(err);
      }
    }
  }

  /** The tick row to write so one is armed at `atMs` (none when an earlier one is armed already). */
  private armTick(w: Working, atMs: number | null): NewTimerTask[] {
    if (atMs === null) return [];
    if (w.st.tickAtMs !== null && w.st.tickAtMs <= atMs) return [];
    w.st.tickAtMs = atMs;
    return [tickRow(w.ns.id, w.scheduleId, atMs)];
  }

  /** Step 4: start every pending action; what did not start for good stays pending. */
  private async startPending(w: Working): Promise<StartResult[]> {
    const results: StartResult[] = [];
    const action = w.schedule.action?.startWorkflow;
    for (const p of w.st.pending) {
      if (!action) {
        results.push({ requestId: p.requestId, runId: null, startMs: 0 });
        continue;
      }
      try {
        const req = this.startRequest(w, p, action);
        // Only runs the schedule tracks tell it when they close: ALLOW_ALL runs are not
        // watched (as in Temporal), so they neither hold a slot nor pass results on.
        const started = await startWorkflow(this.deps.executions, w.ns, req, undefined, (tx) => {
          if (!p.overlapping) tx.state.scheduledBy = w.scheduleId;
        });
        results.push({ requestId: p.requestId, runId: started.runId, startMs: this.deps.clock.nowMs() });
      } catch (err) {
        if (err instanceof ServiceError && err.code === GrpcStatus.ALREADY_EXISTS) {
          // A workflow with this id exists and was not started by this request: the action
          // is not taken (as in Temporal). Logged, since the user's id choice caused it.
          this.deps.log.warn({ namespace: w.ns.name, scheduleId: w.scheduleId, workflowId: p.workflowId }, 'schedule action not taken: the workflow id is in use');
          results.push({ requestId: p.requestId, runId: null, startMs: 0 });
        } else if (err instanceof ServiceError && !isStoreUnavailable(err)) {
          this.deps.log.warn({ err, namespace: w.ns.name, scheduleId: w.scheduleId, workflowId: p.workflowId }, 'schedule action not taken: the start was refused');
          results.push({ requestId: p.requestId, runId: null, startMs: 0 });
        } else {
          // Left pending: the retry tick tries again with the same request id.
          this.deps.log.warn({ err, namespace: w.ns.name, scheduleId: w.scheduleId, workflowId: p.workflowId }, 'schedule action start failed; retrying');
        }
      }
    }
    return results;
  }

  private startRequest(w: Working, p: PendingStart, action: proto.temporal.api.workflow.v1.INewWorkflowExecutionInfo): ws.IStartWorkflowExecutionRequest {
    const carryResults = !p.overlapping;
    return {
      namespace: w.ns.name,
      workflowId: p.workflowId,
      workflowType: action.workflowType,
      taskQueue: action.taskQueue,
      input: action.input,
      workflowExecutionTimeout: action.workflowExecutionTimeout,
      workflowRunTimeout: action.workflowRunTimeout,
      workflowTaskTimeout: action.workflowTaskTimeout,
      identity: `temporal-scheduler-${w.ns.name}-${w.scheduleId}`,
      requestId: p.requestId,
      workflowIdReusePolicy: p.manual
        ? ReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
        : ReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
      retryPolicy: action.retryPolicy,
      memo: action.memo,
      searchAttributes: scheduledSearchAttributes(action.searchAttributes, w.scheduleId, p.nominalMs),
      header: action.header,
      userMetadata: action.userMetadata,
      lastCompletionResult: carryResults ? decodePayloads(w.st.lastCompletionResult) : null,
      continuedFailure: carryResults ? decodeFailure(w.st.continuedFailure) : null,
    };
  }

  /** CANCEL_OTHER / TERMINATE_OTHER: stop what runs; the buffered start goes when it has closed. */
  private async stopRunning(w: Working): Promise<void> {
    const identity = `temporal-scheduler-${w.ns.name}-${w.scheduleId}`;
    for (const run of w.st.running) {
      const ref = { namespaceId: w.ns.id, workflowId: run.workflowId, runId: '' };
      try {
        if (w.stop === 'terminate') await terminateWorkflow(this.deps.executions, ref, 'terminated by schedule overlap policy', null, identity);
        else await requestCancelWorkflow(this.deps.executions, ref, 'cancelled by schedule overlap policy', identity);
      } catch (err) {
        // Already closed, most likely: its close notification frees the slot.
        this.deps.log.debug(
          { err, namespace: w.ns.name, scheduleId: w.scheduleId, workflowId: run.workflowId, runId: run.runId },
          'schedule could not stop a running action',
        );
      }
    }
  }

  /** Step 5: the started runs become actions (a pass that finds one recorded already skips it). */
  private async recordStarts(decided: Working, results: StartResult[]): Promise<void> {
    const { ns, scheduleId } = decided;
    // First on the state this pass committed (no other pass of this process ran since); a
    // conflict means another node changed the schedule: then on a fresh read.
    let known: Working | null = decided;
    for (let attempt = 1; ; attempt++) {
      let w: Working;
      if (known) {
        w = { ...known, nowMs: this.deps.clock.nowMs() };
        known = null;
      } else {
        const record = await this.deps.store.getSchedule(ns.id, scheduleId);
        if (!record) return;
        const fresh = parseState(record.state);
        const schedule = decodeSchedule(fresh.schedule);
        w = { ns, scheduleId, st: fresh, schedule, spec: this.compileStored(ns, scheduleId, schedule), nowMs: this.deps.clock.nowMs(), stop: null, dbVersion: record.dbVersion };
      }
      const { st } = w;
      for (const result of results) {
        const index = st.pending.findIndex((p) => p.requestId === result.requestId);
        if (index < 0) continue;
        const [p] = st.pending.splice(index, 1);
        if (result.runId !== null) recordAction(st, p!, result.runId, result.startMs);
      }
      const atMs = st.pending.length > 0 ? w.nowMs + PENDING_RETRY_MS : wakeup(w);
      const newTimers = this.armTick(w, atMs);
      try {
        const committed = await this.deps.store.commitSchedule({
          namespaceId: ns.id,
          scheduleId,
          expectedDbVersion: w.dbVersion,
          state: serializeState(st),
          newTimerTasks: newTimers,
          doneTimerTaskIds: [],
        });
        if (committed.timerTasks.length > 0) this.deps.onTimerTasks(committed.timerTasks);
        return;
      } catch (err) {
        if (!(err instanceof ConditionFailedError) || attempt >= COMMIT_ATTEMPTS) throw conflictOrError(err);
      }
    }
  }
}

interface StartResult {
  requestId: string;
  /** null: not taken (refused for good). */
  runId: string | null;
  startMs: number;
}

/** The schedule's search attributes, each value stamped with its type (clients decode by it). */
function typedAttributes(ns: NamespaceRecord, text: string | null): proto.temporal.api.common.v1.ISearchAttributes | null {
  const attributes = decodeSearchAttributes(text);
  return attributes ? withSearchAttributeTypes(attributes, (name) => searchAttributeType(ns, name)) : null;
}

function lockKey(namespaceId: string, scheduleId: string): string {
  return `${namespaceId}\u0000${scheduleId}`;
}

function jitterSeed(ns: NamespaceRecord, scheduleId: string): string {
  return `${ns.id}-${scheduleId}`;
}

function tickRow(namespaceId: string, scheduleId: string, fireAtMs: number): NewTimerTask {
  return { fireAtMs, namespaceId, workflowId: scheduleId, runId: SCHEDULE_TIMER_RUN_ID, kind: 'schedule_tick', data: '{}' };
}

export function scheduleNotFound(scheduleId: string): ServiceError {
  return notFound(`schedule not found: ${scheduleId}`);
}

function conflictOrError(err: unknown): unknown {
  if (err instanceof ConditionFailedError) {
    return new ServiceError(GrpcStatus.UNAVAILABLE, 'the schedule kept changing concurrently; retry');
  }
  return err;
}

/** Temporal's conflict token: an int64, little-endian. */
function conflictTokenBytes(token: number): Uint8Array {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(BigInt(token));
  return bytes;
}

function conflictTokenNumber(bytes: Uint8Array): number {
  if (bytes.length !== 8) return -1;
  return Number(Buffer.from(bytes).readBigInt64LE());
}

function encodeMemoOrNull(memo: proto.temporal.api.common.v1.IMemo | null | undefined): string | null {
  return memo?.fields && Object.keys(memo.fields).length > 0
    ? Buffer.from(proto.temporal.api.common.v1.Memo.encode(memo).finish()).toString('base64')
    : null;
}

function encodeSearchOrNull(attributes: proto.temporal.api.common.v1.ISearchAttributes | null | undefined): string | null {
  return attributes?.indexedFields && Object.keys(attributes.indexedFields).length > 0
    ? Buffer.from(proto.temporal.api.common.v1.SearchAttributes.encode(attributes).finish()).toString('base64')
    : null;
}

