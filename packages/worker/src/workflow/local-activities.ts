/**
 * The local activities of one workflow run, in the role of Temporal core's local activity state
 * machine. A local activity the workflow schedules is either resolved from history (replay: its
 * marker is among the command events of a completed workflow task, seen ahead by `peek`), or run
 * by the executor (a new workflow task, or one whose marker history never recorded). A live
 * resolution carries the RecordMarker command to send; a marker event met on replay must belong
 * to a local activity the workflow scheduled, with the same type and id, or the task fails as
 * non-deterministic. Executions outlive a workflow task: one completed as a heartbeat leaves
 * them running for the next.
 */
import proto from '@temporalio/proto';
import temporal = proto.temporal;
import type { ActivationJob, LocalActivityRequest, LocalActivitySchedule, SandboxCommand } from '@endure/workflow/internal';
import {
  LOCAL_ACTIVITY_CANCELLED,
  type LocalActivityExecutor,
  type LocalActivityOutcome,
  type LocalActivityRun,
} from '../activity/local-activity-executor.js';
import { NondeterminismError } from './nondeterminism.js';
import { localActivityMarkerCommand, readLocalActivityMarker, type LocalActivityMarker } from './local-activity-markers.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ProtoFailure = temporal.api.failure.v1.IFailure;
const RetryState = temporal.api.enums.v1.RetryState;

/** A local activity's outcome, ready to be delivered to the workflow. */
export interface LocalActivityResolution {
  job: ActivationJob;
  /** The RecordMarker command to send; unset when history already has the marker. */
  marker?: SandboxCommand;
  /** Workflow time once it finished, which the workflow's clock moves to. */
  completeTimeMs?: number;
}

interface Scheduled {
  request: LocalActivitySchedule;
  /** Workflow time when it was scheduled: its complete time counts from here. */
  workflowTimeMs: number;
  execution?: AbortController;
}

export class LocalActivities {
  /** Scheduled by the workflow and not resolved yet. */
  private readonly scheduled = new Map<number, Scheduled>();
  /** Markers seen ahead in history whose local activity the workflow has not scheduled yet. */
  private readonly peeked = new Map<number, { marker: LocalActivityMarker; eventId: string }>();
  /** Resolved from a peeked marker; the marker event itself is still to be matched. */
  private readonly resolvedFromHistory = new Map<number, LocalActivitySchedule>();
  private readonly abandoned = new Set<AbortController>();
  private finished: LocalActivityResolution[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly executor: LocalActivityExecutor | undefined,
    private readonly run: LocalActivityRun,
  ) {}

  /** True while an execution runs or a result waits to be delivered. */
  get busy(): boolean {
    return this.finished.length > 0 || [...this.scheduled.values()].some((s) => s.execution !== undefined);
  }

  /**
   * Read the local activity markers among the command events from `from`; returns the
   * resolutions of local activities already waiting for theirs.
   */
  peek(events: HistoryEvent[], from: number, isCommandEvent: (e: HistoryEvent) => boolean): LocalActivityResolution[] {
    const ready: LocalActivityResolution[] = [];
    for (let j = from; j < events.length && isCommandEvent(events[j]!); j++) {
      const e = events[j]!;
      const marker = readLocalActivityMarker(e);
      if (!marker) continue;
      const waiting = this.scheduled.get(marker.data.seq);
      if (waiting && !waiting.execution) {
        ready.push(this.resolveFromHistory(waiting.request, marker, String(e.eventId)));
      } else {
        this.peeked.set(marker.data.seq, { marker, eventId: String(e.eventId) });
      }
    }
    return ready;
  }

  /**
   * Take what an activation asked for; returns what can be delivered at once (outcomes recorded
   * in history, cancellations that do not wait for the activity).
   */
  accept(requests: LocalActivityRequest[], isReplaying: boolean, workflowTimeMs: number): LocalActivityResolution[] {
    const ready: LocalActivityResolution[] = [];
    // As in Temporal's core, executions start once the activation is over: one cancelled in it never runs.
    const toStart = new Set<number>();
    for (const request of requests) {
      if (request.type === 'schedule') {
        const seen = this.peeked.get(request.seq);
        this.peeked.delete(request.seq);
        if (seen) {
          ready.push(this.resolveFromHistory(request, seen.marker, seen.eventId));
          continue;
        }
        if (!isReplaying) this.checkRegistered(request.activityType);
        this.scheduled.set(request.seq, { request, workflowTimeMs });
        if (!isReplaying) toStart.add(request.seq);
        continue;
      }
      const resolution = this.cancel(request.seq, toStart.delete(request.seq));
      if (resolution) ready.push(resolution);
    }
    for (const seq of toStart) this.start(seq);
    return ready;
  }

  /**
   * The workflow cancelled a local activity: TRY_CANCEL and ABANDON settle at once, and so does
   * one that never started; WAIT_CANCELLATION_COMPLETED waits for the execution to end.
   */
  private cancel(seq: number, neverStarted: boolean): LocalActivityResolution | undefined {
    const scheduled = this.scheduled.get(seq);
    // Not running: replay waits for the marker, which records how the cancellation ended.
    if (!scheduled || (!scheduled.execution && !neverStarted)) return undefined;
    const { request } = scheduled;
    // ABANDON leaves the activity running (until the run leaves this worker); its result is ignored.
    if (request.cancellationType !== 'ABANDON') scheduled.execution?.abort();
    else if (scheduled.execution) this.abandoned.add(scheduled.execution);
    const waits = request.cancellationType === 'WAIT_CANCELLATION_COMPLETED';
    if (waits && !neverStarted) return undefined;
    this.scheduled.delete(seq);
    const outcome = { result: { cancelled: LOCAL_ACTIVITY_CANCELLED }, attempt: request.attempt, originalScheduleTimeMs: request.originalScheduleTimeMs ?? Date.now() };
    // Core stamps a complete time only on a waiting cancellation.
    return liveResolution(request, outcome, waits ? scheduled.workflowTimeMs : undefined);
  }

  /** A new workflow task is being answered: run what replay scheduled and history never resolved. */
  startUnresolved(): void {
    for (const [seq, scheduled] of this.scheduled) {
      if (!scheduled.execution) this.start(seq);
    }
  }

  /** Results of executions that finished; waits for one until `deadlineMs` (then returns none). */
  async next(deadlineMs: number): Promise<LocalActivityResolution[]> {
    if (this.finished.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.finished.splice(0);
  }

  /** A marker event of a replayed task whose command this run did not send: the workflow must have scheduled it. */
  matchMarkerEvent(e: HistoryEvent): void {
    const marker = readLocalActivityMarker(e)!;
    const { seq, activityType } = marker.data;
    if (!this.resolvedFromHistory.delete(seq)) {
      throw new NondeterminismError(
        `history has a local activity marker for '${activityType}' (seq ${seq}) at event ${String(e.eventId)} but the workflow did not schedule that local activity`,
      );
    }
  }

  /** Stop every execution (the run leaves the cache or closes). */
  dispose(): void {
    for (const scheduled of this.scheduled.values()) scheduled.execution?.abort();
    for (const execution of this.abandoned) execution.abort();
    this.scheduled.clear();
    this.abandoned.clear();
    this.finished = [];
  }

  /**
   * As the official SDK, a local activity this worker cannot run fails the workflow task (not the
   * workflow): a worker that has it registered can take the task over.
   */
  private checkRegistered(activityType: string): void {
    if (this.executor && !this.executor.canRun(activityType)) {
      throw new ReferenceError(`Local activity of type '${activityType}' not registered on worker`);
    }
  }

  private start(seq: number): void {
    const scheduled = this.scheduled.get(seq)!;
    if (!this.executor) throw new Error('local activities cannot run here: no executor (a replay-only worker)');
    const execution = new AbortController();
    scheduled.execution = execution;
    const startedAtMs = Date.now();
    void this.executor.execute(scheduled.request, this.run, execution.signal).then((outcome) => {
      this.abandoned.delete(execution);
      // Resolved already (a cancellation that did not wait) or disposed.
      if (this.scheduled.get(seq) !== scheduled) return;
      this.scheduled.delete(seq);
      this.finished.push(liveResolution(scheduled.request, outcome, scheduled.workflowTimeMs + (Date.now() - startedAtMs)));
      this.wake?.();
    });
  }

  private resolveFromHistory(request: LocalActivitySchedule, marker: LocalActivityMarker, eventId: string): LocalActivityResolution {
    const { data } = marker;
    if (data.activityType !== request.activityType || data.activityId !== request.activityId) {
      throw new NondeterminismError(
        `local activity ${request.seq} is '${request.activityType}' (id '${request.activityId}') in the workflow but history recorded '${data.activityType}' (id '${data.activityId}') at event ${eventId}`,
      );
    }
    this.scheduled.delete(request.seq);
    this.resolvedFromHistory.set(request.seq, request);
    const { result } = marker;
    let jobResult: Extract<ActivationJob, { type: 'resolveActivity' }>['result'];
    if (data.backoffMs !== undefined) {
      jobResult = { backoff: { attempt: data.attempt + 1, backoffMs: data.backoffMs, originalScheduleTimeMs: data.originalScheduleTimeMs ?? 0 } };
    } else if ('completed' in result) {
      jobResult = result;
    } else {
      // As Temporal's core reads a marker: a cancellation is wrapped, any other failure (a timeout too) is not.
      jobResult = { failed: result.failed.canceledFailureInfo ? wrap(request, 'Local Activity cancelled', result.failed) : result.failed };
    }
    return { job: { type: 'resolveActivity', seq: request.seq, result: jobResult }, completeTimeMs: data.completeTimeMs };
  }
}

function liveResolution(request: LocalActivitySchedule, outcome: LocalActivityOutcome, completeTimeMs: number | undefined): LocalActivityResolution {
  const { result, attempt, originalScheduleTimeMs, backoffMs } = outcome;
  const failure = 'failed' in result ? result.failed : 'cancelled' in result ? result.cancelled : 'timedOut' in result ? result.timedOut : undefined;
  const marker = localActivityMarkerCommand(
    {
      data: { seq: request.seq, attempt, activityId: request.activityId, activityType: request.activityType, completeTimeMs, backoffMs, originalScheduleTimeMs },
      result: failure ? { failed: failure } : { completed: 'completed' in result ? result.completed : undefined },
    },
    request.userMetadata,
  );
  let jobResult: Extract<ActivationJob, { type: 'resolveActivity' }>['result'];
  if (backoffMs !== undefined) jobResult = { backoff: { attempt: attempt + 1, backoffMs, originalScheduleTimeMs } };
  else if ('completed' in result) jobResult = result;
  else if ('cancelled' in result) jobResult = { failed: result.cancelled.canceledFailureInfo ? wrap(request, 'Local Activity cancelled', result.cancelled) : result.cancelled };
  else if ('timedOut' in result) jobResult = { failed: wrap(request, 'Local Activity timed out', result.timedOut) };
  else jobResult = result;
  return { job: { type: 'resolveActivity', seq: request.seq, result: jobResult }, marker, completeTimeMs };
}

/** An ActivityFailure around `cause`, as Temporal's core reports a cancelled or timed-out local activity. */
function wrap(request: LocalActivitySchedule, message: string, cause: ProtoFailure): ProtoFailure {
  return {
    message,
    cause,
    activityFailureInfo: {
      activityType: { name: request.activityType },
      activityId: request.activityId,
      retryState: RetryState.RETRY_STATE_CANCEL_REQUESTED,
    },
  };
}
