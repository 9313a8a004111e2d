/**
 * Polls a task queue for workflow tasks and answers them: bounded
 * concurrency, a bounded LRU cache of runs (a miss replays from history), one
 * task at a time per run, legacy query tasks answered from the run's state.
 *
 * With a cache, the worker also polls its own sticky queue and asks, with each completion,
 * for the run's next tasks there: they carry only the events after the last completed task.
 * A task whose run is not cached (evicted, or a task given to this worker from another's
 * sticky queue) has its whole history fetched first. At shutdown the sticky queue is released
 * (ShutdownWorker), so the server sends its tasks to the normal queue at once.
 */
import Long from 'long';
import proto from '@temporalio/proto';
import temporal = proto.temporal;
import { NondeterminismError, WorkflowRun } from './workflow-run.js';
import type { SandboxFactory } from './sandbox.js';
import type { LocalActivityExecutor } from '../activity/local-activity-executor.js';
import type { WorkerLogger } from '../logger.js';

type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
const EventType = temporal.api.enums.v1.EventType;

export interface WorkflowWorkerOptions {
  service: temporal.api.workflowservice.v1.WorkflowService;
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R>;
  namespace: string;
  taskQueue: string;
  identity: string;
  /** Reported with each completed workflow task and to workflows as `workflowInfo().currentBuildId`. */
  buildId: string;
  sandboxes: SandboxFactory;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentWorkflowTaskPolls: number;
  maxCachedWorkflows: number;
  /** With a cache: how long the server holds a task on this worker's sticky queue before it goes to the normal one. */
  stickyQueueScheduleToStartTimeoutMs: number;
  logger: WorkerLogger;
  /** Runs the local activities workflows schedule. */
  localActivities?: LocalActivityExecutor;
  /** Activities of this task queue run in this worker: let the server start them eagerly. */
  eagerActivities?: {
    reserve(wanted: number): number;
    accept(reserved: number, tasks: temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse[]): void;
  };
}

/** At most this many activities are requested eagerly per workflow task (the server's limit too). */
const EAGER_ACTIVITIES_PER_TASK_MAX = 3;


/** Poll retries back off to at most this, so a restarted server is polled again within it. */
const POLL_ERROR_BACKOFF_MAX_MS = 1_000;

export class WorkflowWorker {
  private readonly cache = new Map<string, WorkflowRun>();
  private readonly runLocks = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private slotsFree: number;
  private slotWaiters: (() => void)[] = [];
  /** This worker's own queue; null without a cache. */
  private readonly stickyQueue: string | null;
  private stickyRelease: Promise<void> = Promise.resolve();

  constructor(private readonly options: WorkflowWorkerOptions) {
    this.slotsFree = options.maxConcurrentWorkflowTaskExecutions;
    // Sticky polls need a task slot of their own beside the normal queue's (Temporal's core asks for two too).
    const sticky = options.maxCachedWorkflows > 0 && options.maxConcurrentWorkflowTaskExecutions >= 2;
    this.stickyQueue = sticky ? `${options.identity}-${crypto.randomUUID()}` : null;
  }

  get numInFlight(): number {
    return this.inFlight.size;
  }

  get numCachedWorkflows(): number {
    return this.cache.size;
  }

  /** Poll and answer until shutdown, then wait for tasks in flight. */
  async run(): Promise<void> {
    const Kind = temporal.api.enums.v1.TaskQueueKind;
    // Each queue gets the full number of polls: new runs' first tasks come on the normal queue, all
    // later ones on the sticky queue, and a poll takes one task per round trip. Splitting the polls
    // between the two (Temporal core's 1:4) made the sticky queue the bottleneck of many short
    // workflows (W1: tasks waited ~1 s there while the normal polls idled).
    // A poll holds a task slot while it waits, so both queues' polls together stay within the slots,
    // and they are started alternately so that neither queue waits behind the other's polls.
    const slots = this.options.maxConcurrentWorkflowTaskExecutions;
    const queues: temporal.api.taskqueue.v1.ITaskQueue[] = [{ name: this.options.taskQueue, kind: Kind.TASK_QUEUE_KIND_NORMAL }];
    if (this.stickyQueue) queues.push({ name: this.stickyQueue, kind: Kind.TASK_QUEUE_KIND_STICKY, normalName: this.options.taskQueue });
    const polls = Math.max(1, Math.min(this.options.maxConcurrentWorkflowTaskPolls, Math.floor(slots / queues.length)));
    const pollers: Promise<void>[] = [];
    for (let i = 0; i < polls; i++) for (const taskQueue of queues) pollers.push(this.pollLoop(taskQueue));
    await Promise.all(pollers);
    await Promise.all([...this.inFlight]);
    for (const runId of [...this.cache.keys()]) this.evict(runId);
    await this.stickyRelease;
  }

  /**
   * Eager workflow start: a free slot for a task that comes with a start response instead of a
   * poll. Null when all slots are busy or the worker is shutting down.
   */
  reserveEagerSlot(): { run(task: PollResponse): void; release(): void } | null {
    if (this.abort.signal.aborted || this.slotsFree <= 0) return null;
    this.slotsFree--;
    // In flight from now: a shutdown waits for the task this slot may still bring.
    let settle = (): void => {};
    const reserved = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.add(reserved);
    const done = () => {
      this.inFlight.delete(reserved);
      settle();
    };
    let used = false;
    return {
      run: (task) => {
        if (used) return;
        used = true;
        void this.dispatch(task).then(done);
      },
      release: () => {
        if (used) return;
        used = true;
        this.releaseSlot();
        done();
      },
    };
  }

  /**
   * A slot for `runId`'s next workflow task, asked for with an activity's answer: only for a run
   * this worker holds in its cache (the server starts the task only if the run is sticky to this
   * worker's queue), and only when a slot is free. `run` the task the answer brought, else `release`.
   */
  reserveNextTaskSlot(runId: string): { stickyQueue: string; run(task: PollResponse): void; release(): void } | null {
    if (!this.stickyQueue || !this.cache.has(runId)) return null;
    const slot = this.reserveEagerSlot();
    return slot && { stickyQueue: this.stickyQueue, run: (task) => slot.run(task), release: () => slot.release() };
  }

  shutdown(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    for (const wake of this.slotWaiters.splice(0)) wake();
    if (this.stickyQueue) this.stickyRelease = this.releaseStickyQueue(this.stickyQueue);
  }

  /** Tell the server this worker's sticky queue is gone, so its runs' tasks do not wait out the timeout. */
  private async releaseStickyQueue(stickyTaskQueue: string): Promise<void> {
    const { service, namespace, identity } = this.options;
    try {
      await service.shutdownWorker({ namespace, identity, stickyTaskQueue, reason: 'graceful shutdown' });
    } catch (err) {
      this.options.logger.debug('ShutdownWorker failed', { error: String(err) });
    }
  }

  private async pollLoop(taskQueue: temporal.api.taskqueue.v1.ITaskQueue): Promise<void> {
    let backoffMs = 100;
    while (!this.abort.signal.aborted) {
      await this.acquireSlot();
      if (this.abort.signal.aborted) break;
      let task: PollResponse;
      try {
        task = await this.options.withAbortSignal(this.abort.signal, () =>
          this.options.service.pollWorkflowTaskQueue({
            namespace: this.options.namespace,
            taskQueue,
            identity: this.options.identity,
          }),
        );
        backoffMs = 100;
      } catch (err) {
        this.releaseSlot();
        if (this.abort.signal.aborted) break;
        this.options.logger.warn('workflow task poll failed; retrying', { error: String(err) });
        await delay(backoffMs);
        backoffMs = Math.min(backoffMs * 2, POLL_ERROR_BACKOFF_MAX_MS);
        continue;
      }
      if (!task.taskToken?.length) {
        this.releaseSlot();
        continue;
      }
      void this.dispatch(task);
    }
  }

  /** Answer a task in its slot (already acquired), releasing the slot when done; resolves then. */
  private dispatch(task: PollResponse): Promise<void> {
    const work = this.handle(task)
      .catch((err: unknown) => this.options.logger.error('workflow task handling failed', { error: String(err) }))
      .finally(() => {
        this.inFlight.delete(work);
        this.releaseSlot();
      });
    this.inFlight.add(work);
    return work;
  }

  private acquireSlot(): Promise<void> {
    if (this.slotsFree > 0) {
      this.slotsFree--;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.slotWaiters.push(() => {
        this.slotsFree--;
        resolve();
      }),
    );
  }

  private releaseSlot(): void {
    this.slotsFree++;
    this.slotWaiters.shift()?.();
  }

  /** Serialize work on one run. */
  private async withRunLock(runId: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.runLocks.get(runId) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.runLocks.set(runId, tail);
    try {
      await current;
    } finally {
      if (this.runLocks.get(runId) === tail) this.runLocks.delete(runId);
    }
  }

  private handle(task: PollResponse): Promise<void> {
    const runId = task.workflowExecution?.runId ?? '';
    return this.withRunLock(runId, () => (task.query ? this.answerLegacyQuery(task) : this.answerWorkflowTask(task)));
  }

  private async answerWorkflowTask(task: PollResponse): Promise<void> {
    const receivedAtMs = Date.now();
    const runId = task.workflowExecution?.runId ?? '';
    const startedEventId = Number(task.startedEventId);
    let events = await this.fullHistory(task);
    let run = this.cache.get(runId);
    if (run && !continuesFrom(events, run.lastEventId)) {
      this.evict(runId);
      run = undefined;
    }
    // A sticky task's events start after the last completed task: a run not cached needs them all.
    if (!run && Number(events[0]?.eventId ?? 1) > 1) events = await this.wholeHistory(task, events);
    run ??= this.newRun(task);
    const { service, namespace, identity } = this.options;
    try {
      const completion = await run.advance(events, startedEventId, receivedAtMs, task.messages);
      if (completion.failure) {
        this.evict(runId);
        run.dispose();
        await this.failTask(task, Cause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, completion.failure);
        return;
      }
      const queryResults = this.answerTaskQueries(run, task);
      this.remember(runId, run);
      const reserved = this.requestEagerActivities(completion.commands);
      let response;
      try {
        response = await service.respondWorkflowTaskCompleted({
          namespace,
          identity,
          // Temporal's core sends the build id here while the server does not version by build id.
          binaryChecksum: this.options.buildId,
          taskToken: task.taskToken,
          commands: completion.commands,
          messages: completion.messages,
          queryResults,
          forceCreateNewWorkflowTask: completion.forceNewWorkflowTask,
          stickyAttributes: this.stickyQueue
            ? {
                workerTaskQueue: { name: this.stickyQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: this.options.taskQueue },
                scheduleToStartTimeout: msToDuration(this.options.stickyQueueScheduleToStartTimeoutMs),
              }
            : null,
        });
      } finally {
        this.options.eagerActivities?.accept(reserved, response?.activityTasks ?? []);
      }
      // A dropped speculative task (updates rejected): the run's state ran ahead of history, so it replays.
      if (completion.commands.some(closesRun) || Number(response?.resetHistoryEventId ?? 0) > 0) this.evict(runId);
    } catch (err) {
      this.evict(runId);
      run.dispose();
      if (err instanceof NondeterminismError) {
        await this.failTask(task, Cause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR, { message: err.message, source: 'TypeScriptSDK', applicationFailureInfo: { type: 'NondeterminismError' } });
      } else if (isGrpcError(err)) {
        // The server refused the completion (e.g. new events arrived): the next task replays.
        this.options.logger.debug('workflow task completion refused', { error: String(err), runId });
      } else {
        await this.failTask(task, Cause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, {
          message: err instanceof Error ? err.message : String(err),
          stackTrace: err instanceof Error ? err.stack : undefined,
          source: 'TypeScriptSDK',
        });
      }
    }
  }

  /** Mark activities of this queue for eager start, as many as the activity worker has slots for. */
  private requestEagerActivities(commands: temporal.api.command.v1.ICommand[]): number {
    const eager = this.options.eagerActivities;
    if (!eager) return 0;
    const candidates = commands
      .map((c) => c.scheduleActivityTaskCommandAttributes)
      .filter((a): a is temporal.api.command.v1.IScheduleActivityTaskCommandAttributes => a?.taskQueue?.name === this.options.taskQueue)
      .slice(0, EAGER_ACTIVITIES_PER_TASK_MAX);
    const reserved = candidates.length > 0 ? eager.reserve(candidates.length) : 0;
    candidates.forEach((a, i) => (a.requestEagerExecution = i < reserved));
    return reserved;
  }

  /**
   * Log every failed attempt (as the official worker does); report it to the server on the first
   * attempt only: later attempts time out (Temporal's convention).
   */
  private async failTask(task: PollResponse, cause: number, failure: temporal.api.failure.v1.IFailure): Promise<void> {
    this.options.logger.warn('Failing workflow task', {
      workflowId: task.workflowExecution?.workflowId,
      runId: task.workflowExecution?.runId,
      workflowType: task.workflowType?.name,
      attempt: task.attempt ?? 1,
      cause: (Cause[cause] ?? String(cause)).replace('WORKFLOW_TASK_FAILED_CAUSE_', ''),
      message: failure.message,
    });
    if ((task.attempt ?? 1) > 1) return;
    const { service, namespace, identity } = this.options;
    try {
      await service.respondWorkflowTaskFailed({ namespace, identity, taskToken: task.taskToken, cause, failure });
    } catch (err) {
      this.options.logger.debug('RespondWorkflowTaskFailed refused', { error: String(err) });
    }
  }

  private answerTaskQueries(run: WorkflowRun, task: PollResponse): Record<string, temporal.api.query.v1.IWorkflowQueryResult> | undefined {
    const queries = Object.entries(task.queries ?? {});
    if (queries.length === 0) return undefined;
    const results: Record<string, temporal.api.query.v1.IWorkflowQueryResult> = {};
    for (const [id, q] of queries) {
      const r = run.query(q.queryType ?? '', q.queryArgs?.payloads ?? []);
      results[id] = r.failure
        ? { resultType: temporal.api.enums.v1.QueryResultType.QUERY_RESULT_TYPE_FAILED, errorMessage: r.failure.message ?? '', failure: r.failure }
        : { resultType: temporal.api.enums.v1.QueryResultType.QUERY_RESULT_TYPE_ANSWERED, answer: { payloads: r.answer ? [r.answer] : [] } };
    }
    return results;
  }

  private async answerLegacyQuery(task: PollResponse): Promise<void> {
    const runId = task.workflowExecution?.runId ?? '';
    const { service, namespace } = this.options;
    let result;
    try {
      let run = this.cache.get(runId);
      if (!run) {
        run = this.newRun(task);
        await run.advance(await this.fullHistory(task), 0);
      }
      result = run.query(task.query?.queryType ?? '', task.query?.queryArgs?.payloads ?? []);
    } catch (err) {
      result = { failure: { message: err instanceof Error ? err.message : String(err) } };
    }
    await service.respondQueryTaskCompleted({
      namespace,
      taskToken: task.taskToken,
      ...(result.failure
        ? { completedType: temporal.api.enums.v1.QueryResultType.QUERY_RESULT_TYPE_FAILED, errorMessage: result.failure.message ?? '', failure: result.failure }
        : { completedType: temporal.api.enums.v1.QueryResultType.QUERY_RESULT_TYPE_ANSWERED, queryResult: { payloads: result.answer ? [result.answer] : [] } }),
    });
  }

  private newRun(task: PollResponse): WorkflowRun {
    return new WorkflowRun(
      {
        namespace: this.options.namespace,
        taskQueue: this.options.taskQueue,
        workflowId: task.workflowExecution?.workflowId ?? '',
        runId: task.workflowExecution?.runId ?? '',
        workflowType: task.workflowType?.name ?? '',
        buildId: this.options.buildId,
      },
      this.options.sandboxes.create(),
      this.options.localActivities,
    );
  }

  /** The poll's history plus any further pages. */
  private async fullHistory(task: PollResponse): Promise<HistoryEvent[]> {
    const events = task.history?.events ?? [];
    return task.nextPageToken?.length ? [...events, ...(await this.historyPages(task, task.nextPageToken))] : [...events];
  }

  /** The run's stored history from the page `token` names (from the first page without one) to the end. */
  private async historyPages(task: PollResponse, token?: Uint8Array | null): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    do {
      const page = await this.options.service.getWorkflowExecutionHistory({
        namespace: this.options.namespace,
        execution: task.workflowExecution,
        nextPageToken: token,
      });
      events.push(...(page.history?.events ?? []));
      token = page.nextPageToken;
    } while (token?.length);
    return events;
  }

  /** A partial history made whole: every stored event from the first, then what the poll added after them. */
  private async wholeHistory(task: PollResponse, partial: HistoryEvent[]): Promise<HistoryEvent[]> {
    const events = await this.historyPages(task);
    const lastStoredId = Number(events.at(-1)?.eventId ?? 0);
    return [...events, ...partial.filter((e) => Number(e.eventId) > lastStoredId)];
  }

  private remember(runId: string, run: WorkflowRun): void {
    this.cache.delete(runId);
    this.cache.set(runId, run);
    while (this.cache.size > this.options.maxCachedWorkflows) {
      this.evict(this.cache.keys().next().value as string);
    }
  }

  private evict(runId: string): void {
    this.cache.get(runId)?.dispose();
    this.cache.delete(runId);
  }
}

/** The history continues exactly where the cached run stopped: with the completion of its task. */
function continuesFrom(events: HistoryEvent[], lastEventId: number): boolean {
  const next = events.find((e) => Number(e.eventId) === lastEventId + 1);
  return next?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
}

function closesRun(c: temporal.api.command.v1.ICommand): boolean {
  const T = temporal.api.enums.v1.CommandType;
  return (
    c.commandType === T.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION ||
    c.commandType === T.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION ||
    c.commandType === T.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION ||
    c.commandType === T.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION
  );
}

function isGrpcError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;
}

function msToDuration(ms: number): proto.google.protobuf.IDuration {
  return { seconds: Long.fromNumber(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
