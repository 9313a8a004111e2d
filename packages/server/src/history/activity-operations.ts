/**
 * What an operator can do to a workflow's pending activities, as Temporal has it:
 * pause (no attempt is dispatched; a running one hears it by heartbeat), unpause,
 * reset (attempts count from 1 again) and update their options.
 *
 * A running attempt is never taken from its worker: a pause or a reset reaches it
 * through its next heartbeat (`activity_paused`, `activity_reset`), the worker
 * fails the attempt, and what happens next follows the new state.
 */
import { failedPrecondition, invalidArgument, notFound } from '../common/errors.js';
import { temporal, type proto } from '../common/proto.js';
import { msToDuration } from '../common/time.js';
import {
  addActivityTimer,
  dispatchAttempt,
  normalizeActivityTimeouts,
  retryPolicyProto,
} from './activity.js';
import type { ExecutionRef, ExecutionStore } from './engine.js';
import type { ExecutionTx } from './execution-tx.js';
import { fromBase64, type ActivityState } from './mutable-state.js';
import { normalizeRetryPolicy } from './retry.js';

type IActivityOptions = proto.temporal.api.activity.v1.IActivityOptions;

const ScheduledAttributes = temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
const TimeoutType = temporal.api.enums.v1.TimeoutType;

/** Which pending activities a request names. */
export type ActivitySelector = { id: string } | { type: string } | { all: true };

export interface PauseRequest {
  identity: string;
  reason: string;
  requestId: string;
}

export interface UnpauseRequest {
  resetAttempts: boolean;
  resetHeartbeat: boolean;
  /** A random delay before a waiting attempt is dispatched (one draw per activity). */
  jitterMs: () => number;
}

export interface ResetRequest {
  resetHeartbeat: boolean;
  keepPaused: boolean;
  jitterMs: () => number;
  restoreOriginalOptions: boolean;
}

export type OptionsUpdate = { restoreOriginal: true } | { options: IActivityOptions; paths: string[] };

export function pauseActivities(es: ExecutionStore, ref: ExecutionRef, selector: ActivitySelector, req: PauseRequest): Promise<void> {
  return onActivities(es, ref, selector, (tx, a) => {
    if (a.paused) {
      // A retried request is answered as the first one was.
      if (a.pauseInfo?.requestId && a.pauseInfo.requestId === req.requestId) return;
      throw failedPrecondition('activity is already paused');
    }
    a.paused = true;
    a.pauseInfo = { timeMs: tx.nowMs, identity: req.identity, reason: req.reason, requestId: req.requestId };
  });
}

export function unpauseActivities(es: ExecutionStore, ref: ExecutionRef, selector: ActivitySelector, req: UnpauseRequest): Promise<void> {
  return onActivities(es, ref, selector, (tx, a) => {
    if (!a.paused) return;
    a.paused = false;
    a.pauseInfo = null;
    if (req.resetAttempts) restartAttempts(a);
    if (req.resetHeartbeat) clearHeartbeat(a);
    if (a.startedTimeMs === 0) dispatchAttempt(tx, a, req.jitterMs());
  });
}

export function resetActivities(es: ExecutionStore, ref: ExecutionRef, selector: ActivitySelector, req: ResetRequest): Promise<void> {
  return onActivities(es, ref, selector, (tx, a) => {
    if (req.restoreOriginalOptions) applyOptions(tx, a, originalOptions(a));
    if (a.paused && !req.keepPaused) {
      a.paused = false;
      a.pauseInfo = null;
    }
    if (a.startedTimeMs > 0) {
      a.resetRequested = true;
      a.resetHeartbeats = req.resetHeartbeat;
      return;
    }
    restartAttempts(a);
    if (req.resetHeartbeat) clearHeartbeat(a);
    if (!a.paused) dispatchAttempt(tx, a, req.jitterMs());
  });
}

/** Apply `update` to the selected activities; returns the options of the last one updated. */
export async function updateActivityOptions(
  es: ExecutionStore,
  ref: ExecutionRef,
  selector: ActivitySelector,
  update: OptionsUpdate,
): Promise<IActivityOptions> {
  let updated: IActivityOptions = {};
  await onActivities(es, ref, selector, (tx, a) => {
    const next = 'restoreOriginal' in update ? originalOptions(a) : mergeOptions(activityOptionsOf(a), update.options, update.paths);
    updated = applyOptions(tx, a, next);
  });
  return updated;
}

function onActivities(
  es: ExecutionStore,
  ref: ExecutionRef,
  selector: ActivitySelector,
  fn: (tx: ExecutionTx, a: ActivityState) => void,
): Promise<void> {
  return es.update(ref, (tx) => {
    if (!tx.isRunning) throw notFound('workflow execution already completed');
    const selected = Object.values(tx.state.activities).filter((a) =>
      'id' in selector ? a.activityId === selector.id : 'type' in selector ? a.activityType === selector.type : true,
    );
    if (selected.length === 0) throw notFound('activity not found');
    for (const a of selected) fn(tx, a);
    tx.markDirty();
  });
}

function restartAttempts(a: ActivityState): void {
  a.attempt = 1;
  a.resetRequested = false;
  a.resetHeartbeats = false;
}

function clearHeartbeat(a: ActivityState): void {
  a.heartbeatDetails = null;
  a.lastHeartbeatMs = 0;
}

/** The options an activity runs with now (describe shows them). */
export function activityOptionsOf(a: ActivityState): IActivityOptions {
  return {
    taskQueue: { name: a.taskQueue },
    scheduleToCloseTimeout: msToDuration(a.scheduleToCloseMs),
    scheduleToStartTimeout: msToDuration(a.scheduleToStartMs),
    startToCloseTimeout: msToDuration(a.startToCloseMs),
    heartbeatTimeout: msToDuration(a.heartbeatTimeoutMs),
    retryPolicy: retryPolicyProto(a.retry),
  };
}

/** The options the workflow scheduled the activity with (its ActivityTaskScheduled event). */
function originalOptions(a: ActivityState): IActivityOptions {
  const scheduled = ScheduledAttributes.decode(fromBase64(a.scheduledAttributes));
  return {
    taskQueue: { name: scheduled.taskQueue?.name ?? a.taskQueue },
    scheduleToCloseTimeout: scheduled.scheduleToCloseTimeout,
    scheduleToStartTimeout: scheduled.scheduleToStartTimeout,
    startToCloseTimeout: scheduled.startToCloseTimeout,
    heartbeatTimeout: scheduled.heartbeatTimeout,
    retryPolicy: scheduled.retryPolicy,
  };
}

/**
 * The update mask's paths, as Temporal accepts them (camelCase or snake_case):
 * each copies one field of `from` over `into`.
 */
const MERGERS: Record<string, (into: IActivityOptions, from: IActivityOptions) => void> = {
  'taskQueue.name': (into, from) => {
    if (!from.taskQueue?.name) throw invalidArgument('activity_options.task_queue.name is not set');
    into.taskQueue = { name: from.taskQueue.name };
  },
  scheduleToCloseTimeout: (into, from) => (into.scheduleToCloseTimeout = from.scheduleToCloseTimeout),
  scheduleToStartTimeout: (into, from) => (into.scheduleToStartTimeout = from.scheduleToStartTimeout),
  startToCloseTimeout: (into, from) => (into.startToCloseTimeout = from.startToCloseTimeout),
  heartbeatTimeout: (into, from) => (into.heartbeatTimeout = from.heartbeatTimeout),
  retryPolicy: (into, from) => (into.retryPolicy = requireRetryPolicy(from)),
  'retryPolicy.initialInterval': (into, from) => (retryOf(into).initialInterval = requireRetryPolicy(from).initialInterval),
  'retryPolicy.backoffCoefficient': (into, from) => (retryOf(into).backoffCoefficient = requireRetryPolicy(from).backoffCoefficient),
  'retryPolicy.maximumInterval': (into, from) => (retryOf(into).maximumInterval = requireRetryPolicy(from).maximumInterval),
  'retryPolicy.maximumAttempts': (into, from) => (retryOf(into).maximumAttempts = requireRetryPolicy(from).maximumAttempts),
};

/** The mask paths an UpdateActivityOptions request may name (camelCase). */
export const ACTIVITY_OPTIONS_PATHS: ReadonlySet<string> = new Set(Object.keys(MERGERS));

function mergeOptions(into: IActivityOptions, from: IActivityOptions, paths: string[]): IActivityOptions {
  for (const path of paths) MERGERS[path]!(into, from);
  return into;
}

function requireRetryPolicy(from: IActivityOptions): proto.temporal.api.common.v1.IRetryPolicy {
  if (!from.retryPolicy) throw invalidArgument('activity_options.retry_policy is not set');
  return from.retryPolicy;
}

function retryOf(options: IActivityOptions): proto.temporal.api.common.v1.IRetryPolicy {
  options.retryPolicy ??= {};
  return options.retryPolicy;
}

/** Check `options` by the rules a ScheduleActivityTask command follows, apply them, and return them as applied. */
function applyOptions(tx: ExecutionTx, a: ActivityState, options: IActivityOptions): IActivityOptions {
  const timeouts = normalizeActivityTimeouts(options, tx.state.runTimeoutMs);
  if (typeof timeouts === 'string') throw invalidArgument(`activity_options: ${timeouts}`);
  const retry = normalizeRetryPolicy(options.retryPolicy);
  if (typeof retry === 'string') throw invalidArgument(`activity_options.${retry}`);
  // Error types are not an option an operator changes: keep the workflow's.
  retry.nonRetryableErrorTypes = a.retry.nonRetryableErrorTypes;
  const taskQueue = options.taskQueue?.name || a.taskQueue;
  const movedQueue = taskQueue !== a.taskQueue;
  Object.assign(a, timeouts, { retry, taskQueue });
  if (a.scheduleToCloseMs > 0) {
    addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, a.scheduledTimeMs + a.scheduleToCloseMs);
  }
  if (a.startedTimeMs > 0) {
    // The running attempt is held to the new limits; timers set for the old ones check the deadline and stand down.
    addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, a.startedTimeMs + a.startToCloseMs);
    if (a.heartbeatTimeoutMs > 0) {
      const lastSignOfLifeMs = Math.max(a.startedTimeMs, a.lastHeartbeatMs);
      addActivityTimer(tx, a, TimeoutType.TIMEOUT_TYPE_HEARTBEAT, Math.max(tx.nowMs, lastSignOfLifeMs + a.heartbeatTimeoutMs));
    }
  } else if (movedQueue && !a.paused && a.attemptScheduledTimeMs <= tx.nowMs) {
    // The waiting task sits in the old queue and would be refused there: offer it on the new one.
    dispatchAttempt(tx, a, 0);
  }
  return activityOptionsOf(a);
}
