/**
 * Matching: task queues held in memory, long polls, and handing each task to
 * exactly one poller. Tasks are durable before they get here (the history
 * engine committed their rows); on start-up every waiting row is loaded back.
 * A task handed out is only removed from the store when the history engine
 * records it as started, so a crash in between loses nothing.
 *
 * DescribeTaskQueue lists who polled lately, as Temporal does: a poller that has not polled
 * for `pollerExpiryMs` (Temporal's five minutes) drops off the list, so a queue whose workers
 * stopped shows none; one that is waiting in a long poll right now is always listed.
 *
 * Sticky queues (one per worker, named by it) are queues like any other, with three
 * differences, all Temporal's: a task is only put on one while its worker polled it in the
 * last `stickyPollerWindowMs` (else it goes to its normal queue at once); a task that waits
 * there longer than the worker's schedule-to-start timeout is taken off and handed back to
 * history (`onExpired`); and a worker shutting down releases its queue, moving what waits
 * there to the normal queues. Nothing here is durable: the task rows name the normal queue,
 * so after a restart every task is loaded there.
 *
 * On several nodes (cluster/) every node may hold the same task: the one that created it,
 * and those it told because it had no poller waiting. Matching remembers which task ids it
 * holds, so a task is not queued twice on one node, and drops those another node started;
 * the history engine's version check makes sure only one start is recorded.
 */
import type { TaskKind, TaskQueueTask } from '../persistence/store.js';

/** A query is not persisted: it lives only while its caller waits. */
export interface QueryDispatch {
  id: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
}

export type MatchedTask = { type: 'task'; task: TaskQueueTask } | { type: 'query'; query: QueryDispatch };

interface Poller {
  identity: string;
  deliver(task: MatchedTask | null): void;
}

export interface PollerInfo {
  identity: string;
  lastAccessTimeMs: number;
}

class TaskQueue {
  readonly backlog: MatchedTask[] = [];
  backlogHead = 0;
  readonly pollers: Poller[] = [];
  /** Identity → when its latest poll began, oldest first. */
  readonly recentPollers = new Map<string, number>();
  /**
   * A sticky queue's waiting tasks and their schedule-to-start timers. A backlog entry not
   * in here has left (expired or moved) and is skipped.
   */
  readonly stickyTimers = new Map<MatchedTask, NodeJS.Timeout>();
  /** When a poll last began (-Infinity: never, or released by its worker). */
  lastPollMs = Number.NEGATIVE_INFINITY;
  /** A sticky queue's worker's connection (the one it last polled on), watched for closing. */
  connection: AbortSignal | null = null;

  constructor(readonly sticky: boolean) {}

  get backlogSize(): number {
    if (this.sticky) return this.stickyTimers.size;
    return this.backlog.length - this.backlogHead;
  }

  take(): MatchedTask | undefined {
    for (;;) {
      const task = this.takeNext();
      if (!task || !this.sticky) return task;
      const timer = this.stickyTimers.get(task);
      if (timer === undefined) continue;
      clearTimeout(timer);
      this.stickyTimers.delete(task);
      return task;
    }
  }

  /** A sticky task leaves without being polled; when none is left, the skipped entries go too. */
  removeSticky(task: MatchedTask): void {
    clearTimeout(this.stickyTimers.get(task));
    this.stickyTimers.delete(task);
    if (this.stickyTimers.size > 0) return;
    this.backlog.length = 0;
    this.backlogHead = 0;
  }

  private takeNext(): MatchedTask | undefined {
    if (this.backlogHead >= this.backlog.length) return undefined;
    const task = this.backlog[this.backlogHead++];
    // Compact now and then so the array does not grow without bound.
    if (this.backlogHead > 1024 && this.backlogHead * 2 > this.backlog.length) {
      this.backlog.splice(0, this.backlogHead);
      this.backlogHead = 0;
    }
    return task;
  }
}

const RECENT_POLLERS_MAX = 100;
/**
 * Queues kept before idle ones are swept out (then twice as many as were left): any client can
 * name new task queues, and a queue object per name ever polled would grow without bound.
 */
const QUEUES_SWEEP_AT_MIN = 1000;
/** How many tasks started elsewhere may wait in the queues before they are swept out. */
const GONE_COMPACT_AT = 1000;
/** Temporal's window: a sticky queue not polled for this long has lost its worker. */
export const STICKY_POLLER_WINDOW_MS = 10_000;

/** Where a task this node holds is: waiting in a normal or sticky queue, or with a poller of this node. */
type Held = 'waiting' | 'sticky' | 'handed';

export class MatchingEngine {
  private readonly queues = new Map<string, TaskQueue>();
  private sweepQueuesAt = QUEUES_SWEEP_AT_MIN;
  /** Tasks of this node's queues and pollers, by id, until released. */
  private readonly held = new Map<number, Held>();
  /** Held tasks another node has started: skipped when their turn comes. */
  private readonly gone = new Set<number>();
  private closed = false;
  /** Told of every poll (the cluster records pollers for DescribeTaskQueue on any node). */
  onPoll: ((namespaceId: string, taskQueue: string, kind: TaskKind, identity: string) => void) | null = null;

  constructor(
    private readonly nowMs: () => number,
    private readonly pollerExpiryMs: number,
  ) {}

  /** Queue tasks (those already held here are skipped). Returns those no poller took at once. */
  addTasks(tasks: TaskQueueTask[]): TaskQueueTask[] {
    const waiting: TaskQueueTask[] = [];
    for (const task of tasks) {
      if (this.held.has(task.id)) continue;
      if (!this.offer(task.namespaceId, task.taskQueue, task.kind, { type: 'task', task })) waiting.push(task);
    }
    return waiting;
  }

  /** Whether this node has the task in a queue or with a poller. */
  holds(taskId: number): boolean {
    return this.held.has(taskId);
  }

  /** Of `tasks`, those waiting in a normal queue here (not sticky, not handed to a poller). */
  waitingOf(tasks: TaskQueueTask[]): TaskQueueTask[] {
    return tasks.filter((t) => this.held.get(t.id) === 'waiting');
  }

  /** A handed-out task was recorded as started, or found stale: forget it. */
  release(taskId: number): void {
    this.held.delete(taskId);
    this.gone.delete(taskId);
  }

  /**
   * Another node started these tasks: drop them from the queues here. They are skipped when
   * their turn comes, and swept out of the queues once many have gathered (a queue no poller
   * of this node reads would otherwise keep them).
   */
  forget(taskIds: number[]): void {
    for (const id of taskIds) {
      const where = this.held.get(id);
      if (where === 'handed') continue;
      if (where !== undefined) this.gone.add(id);
    }
    if (this.gone.size >= GONE_COMPACT_AT) this.dropGone();
  }

  private dropGone(): void {
    const isGone = (m: MatchedTask) => m.type === 'task' && this.gone.has(m.task.id);
    for (const queue of this.queues.values()) {
      if (queue.sticky) {
        for (const matched of [...queue.stickyTimers.keys()]) if (isGone(matched)) queue.removeSticky(matched);
        continue;
      }
      const kept = queue.backlog.slice(queue.backlogHead).filter((m) => !isGone(m));
      queue.backlog.length = 0;
      for (const m of kept) queue.backlog.push(m);
      queue.backlogHead = 0;
    }
    for (const id of this.gone) this.held.delete(id);
    this.gone.clear();
  }

  addQuery(taskQueue: string, query: QueryDispatch): void {
    this.offer(query.namespaceId, taskQueue, 'workflow', { type: 'query', query });
  }

  /** Wait up to `timeoutMs` for a task; null on timeout, abort or shutdown. `sticky`: a worker's own queue. */
  poll(
    namespaceId: string,
    taskQueue: string,
    kind: TaskKind,
    identity: string,
    timeoutMs: number,
    signal: AbortSignal,
    sticky = false,
  ): Promise<MatchedTask | null> {
    const queue = this.queue(namespaceId, taskQueue, kind, sticky);
    this.notePoller(queue, identity);
    this.onPoll?.(namespaceId, taskQueue, kind, identity);
    queue.lastPollMs = this.nowMs();
    const ready = this.takeFrom(queue);
    if (ready) return Promise.resolve(ready);
    if (this.closed || signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const poller: Poller = {
        identity,
        deliver: (task) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(task);
        },
      };
      const remove = () => {
        const i = queue.pollers.indexOf(poller);
        if (i >= 0) queue.pollers.splice(i, 1);
      };
      const onTimeout = () => {
        remove();
        poller.deliver(null);
      };
      // The caller went away (its connection closed: a killed worker's do). A sticky queue left
      // with no poll has lost its worker: what waits there, and what comes next, goes to the
      // normal queue now instead of waiting out the sticky timeout (as ShutdownWorker does).
      const onAbort = () => {
        onTimeout();
        if (sticky && queue.pollers.length === 0) this.releaseStickyQueue(namespaceId, taskQueue);
      };
      const timer = setTimeout(onTimeout, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      queue.pollers.push(poller);
    });
  }

  /**
   * Put a task back (its poller went away before it was recorded as started). One taken from
   * a sticky queue goes to its normal queue: the worker that polled it is likely gone.
   */
  requeue(namespaceId: string, taskQueue: string, kind: TaskKind, task: MatchedTask): void {
    const sticky = this.queues.get(key(namespaceId, taskQueue, kind))?.sticky ?? false;
    if (sticky && task.type === 'task') this.offer(namespaceId, task.task.taskQueue, kind, task);
    else this.offer(namespaceId, taskQueue, kind, task);
  }

  /**
   * Put a workflow task on a sticky queue if its worker is there (polling now or within the
   * window); `onExpired` runs if it is still waiting after `scheduleToStartMs`. Returns false
   * when the worker is gone: the caller dispatches the task to its normal queue.
   */
  addStickyTask(
    task: TaskQueueTask,
    stickyQueue: string,
    scheduleToStartMs: number,
    onExpired: (task: TaskQueueTask) => void,
  ): boolean {
    const queue = this.queues.get(key(task.namespaceId, stickyQueue, 'workflow'));
    if (!queue?.sticky || this.closed) return false;
    if (queue.pollers.length === 0 && queue.lastPollMs < this.nowMs() - STICKY_POLLER_WINDOW_MS) return false;
    const matched: MatchedTask = { type: 'task', task };
    const poller = queue.pollers.shift();
    if (poller) {
      this.held.set(task.id, 'handed');
      poller.deliver(matched);
      return true;
    }
    this.held.set(task.id, 'sticky');
    const timer = setTimeout(() => {
      queue.removeSticky(matched);
      this.release(task.id);
      onExpired(task);
    }, scheduleToStartMs);
    queue.stickyTimers.set(matched, timer);
    queue.backlog.push(matched);
    return true;
  }

  /** A run is no longer sticky: its task waiting on `stickyQueue`, if any, moves to its normal queue now. */
  moveStickyTaskToNormal(namespaceId: string, stickyQueue: string, runId: string): void {
    const queue = this.queues.get(key(namespaceId, stickyQueue, 'workflow'));
    if (!queue?.sticky) return;
    for (const matched of queue.stickyTimers.keys()) {
      if (matched.type !== 'task' || matched.task.runId !== runId) continue;
      queue.removeSticky(matched);
      this.offer(namespaceId, matched.task.taskQueue, 'workflow', matched);
    }
  }

  /**
   * Releases sticky queue `stickyQueue` when `connectionClosed` (the connection its worker polls
   * on) aborts, unless the worker has polled on another connection since. A killed worker's
   * polls may all be answered at that moment (its slots busy), so the end of a poll does not
   * always tell; the connection's end does. Temporal waits out the sticky timeout instead.
   */
  watchStickyConnection(namespaceId: string, stickyQueue: string, connectionClosed: AbortSignal): void {
    const queue = this.queue(namespaceId, stickyQueue, 'workflow', true);
    if (queue.connection === connectionClosed) return;
    queue.connection = connectionClosed;
    connectionClosed.addEventListener(
      'abort',
      () => {
        if (this.queues.get(key(namespaceId, stickyQueue, 'workflow')) === queue && queue.connection === connectionClosed) {
          this.releaseStickyQueue(namespaceId, stickyQueue);
        }
      },
      { once: true },
    );
  }

  /**
   * A worker shut down (ShutdownWorker): its sticky queue answers waiting polls empty, counts
   * as unpolled, and what waits on it moves to the normal queues now.
   */
  releaseStickyQueue(namespaceId: string, stickyQueue: string): void {
    const k = key(namespaceId, stickyQueue, 'workflow');
    const queue = this.queues.get(k);
    if (!queue?.sticky) return;
    this.queues.delete(k);
    for (const poller of queue.pollers.splice(0)) poller.deliver(null);
    for (let matched = this.takeFrom(queue); matched; matched = this.takeFrom(queue)) {
      if (matched.type === 'task') this.offer(namespaceId, matched.task.taskQueue, 'workflow', matched);
    }
  }

  /** Recent pollers, the backlog size, and when the oldest backlogged task was created (undefined: none, or a sticky queue). */
  describe(namespaceId: string, taskQueue: string, kind: TaskKind): { pollers: PollerInfo[]; backlog: number; oldestTaskCreatedMs?: number } {
    const queue = this.queues.get(key(namespaceId, taskQueue, kind));
    if (!queue) return { pollers: [], backlog: 0 };
    this.forgetExpiredPollers(queue);
    const pollers = [...queue.recentPollers].map(([identity, lastAccessTimeMs]) => ({ identity, lastAccessTimeMs }));
    const oldest = queue.sticky ? undefined : queue.backlog[queue.backlogHead];
    const oldestTaskCreatedMs = oldest?.type === 'task' ? oldest.task.createdMs : undefined;
    return { pollers, backlog: queue.backlogSize, oldestTaskCreatedMs };
  }

  /** Every normal (not sticky) queue's backlog and waiting polls, for metrics (observability/). */
  queueStats(): { namespaceId: string; taskQueue: string; kind: TaskKind; backlog: number; pollers: number }[] {
    const stats = [];
    for (const [k, queue] of this.queues) {
      if (queue.sticky) continue;
      const [namespaceId = '', kind = 'workflow', taskQueue = ''] = k.split('\u0000');
      stats.push({ namespaceId, taskQueue, kind: kind as TaskKind, backlog: queue.backlogSize, pollers: queue.pollers.length });
    }
    return stats;
  }

  /** Answer every waiting poll empty; later polls return at once. */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      for (const poller of queue.pollers.splice(0)) poller.deliver(null);
      for (const timer of queue.stickyTimers.values()) clearTimeout(timer);
    }
  }

  /** True when a waiting poller took it at once. */
  private offer(namespaceId: string, taskQueue: string, kind: TaskKind, task: MatchedTask): boolean {
    const queue = this.queue(namespaceId, taskQueue, kind);
    const poller = queue.pollers.shift();
    if (task.type === 'task') this.held.set(task.task.id, poller ? 'handed' : 'waiting');
    if (poller) poller.deliver(task);
    else queue.backlog.push(task);
    return !!poller;
  }

  /** The next task of `queue` that no other node has started, now handed out. */
  private takeFrom(queue: TaskQueue): MatchedTask | undefined {
    for (;;) {
      const matched = queue.take();
      if (!matched || matched.type !== 'task') return matched;
      const id = matched.task.id;
      if (this.gone.delete(id)) {
        this.held.delete(id);
        continue;
      }
      this.held.set(id, 'handed');
      return matched;
    }
  }

  private queue(namespaceId: string, taskQueue: string, kind: TaskKind, sticky = false): TaskQueue {
    const k = key(namespaceId, taskQueue, kind);
    let queue = this.queues.get(k);
    if (!queue) {
      if (this.queues.size >= this.sweepQueuesAt) this.sweepIdleQueues();
      queue = new TaskQueue(sticky);
      this.queues.set(k, queue);
    }
    return queue;
  }

  /**
   * Drops queues with nothing waiting, no poll in progress and no poll for `pollerExpiryMs`:
   * what DescribeTaskQueue would show of them has expired, and a later poll or task makes the
   * queue again. (A sticky queue that idle has long lost its worker.)
   */
  private sweepIdleQueues(): void {
    const idleBeforeMs = this.nowMs() - this.pollerExpiryMs;
    for (const [k, queue] of this.queues) {
      const idle = queue.pollers.length === 0 && queue.backlogSize === 0 && queue.stickyTimers.size === 0;
      if (idle && queue.lastPollMs < idleBeforeMs) this.queues.delete(k);
    }
    this.sweepQueuesAt = Math.max(QUEUES_SWEEP_AT_MIN, this.queues.size * 2);
  }

  private notePoller(queue: TaskQueue, identity: string): void {
    queue.recentPollers.delete(identity);
    queue.recentPollers.set(identity, this.nowMs());
    if (queue.recentPollers.size > RECENT_POLLERS_MAX) {
      queue.recentPollers.delete(queue.recentPollers.keys().next().value as string);
    }
  }

  /**
   * Drops pollers whose latest poll began more than `pollerExpiryMs` ago, unless they are
   * still in it (a jumping clock can make a long poll outlast the window).
   */
  private forgetExpiredPollers(queue: TaskQueue): void {
    const oldestKeptMs = this.nowMs() - this.pollerExpiryMs;
    const waiting = new Set(queue.pollers.map((p) => p.identity));
    for (const [identity, lastAccessTimeMs] of queue.recentPollers) {
      if (lastAccessTimeMs < oldestKeptMs && !waiting.has(identity)) queue.recentPollers.delete(identity);
    }
  }
}

function key(namespaceId: string, taskQueue: string, kind: TaskKind): string {
  return `${namespaceId}\u0000${kind}\u0000${taskQueue}`;
}
