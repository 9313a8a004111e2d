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

  get backlogSize(): number {
    return this.backlog.length - this.backlogHead;
  }

  take(): MatchedTask | undefined {
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

export class MatchingEngine {
  private readonly queues = new Map<string, TaskQueue>();
  private closed = false;

  constructor(
    private readonly nowMs: () => number,
    private readonly pollerExpiryMs: number,
  ) {}

  addTasks(tasks: TaskQueueTask[]): void {
    for (const task of tasks) this.offer(task.namespaceId, task.taskQueue, task.kind, { type: 'task', task });
  }

  addQuery(taskQueue: string, query: QueryDispatch): void {
    this.offer(query.namespaceId, taskQueue, 'workflow', { type: 'query', query });
  }

  /** Wait up to `timeoutMs` for a task; null on timeout, abort or shutdown. */
  poll(
    namespaceId: string,
    taskQueue: string,
    kind: TaskKind,
    identity: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<MatchedTask | null> {
    const queue = this.queue(namespaceId, taskQueue, kind);
    this.notePoller(queue, identity);
    const ready = queue.take();
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
      const onAbort = () => {
        remove();
        poller.deliver(null);
      };
      const timer = setTimeout(onAbort, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      queue.pollers.push(poller);
    });
  }

  /** Put a task back (its poller went away before it was recorded as started). */
  requeue(namespaceId: string, taskQueue: string, kind: TaskKind, task: MatchedTask): void {
    this.offer(namespaceId, taskQueue, kind, task);
  }

  describe(namespaceId: string, taskQueue: string, kind: TaskKind): { pollers: PollerInfo[]; backlog: number } {
    const queue = this.queues.get(key(namespaceId, taskQueue, kind));
    if (!queue) return { pollers: [], backlog: 0 };
    this.forgetExpiredPollers(queue);
    const pollers = [...queue.recentPollers].map(([identity, lastAccessTimeMs]) => ({ identity, lastAccessTimeMs }));
    return { pollers, backlog: queue.backlogSize };
  }

  /** Answer every waiting poll empty; later polls return at once. */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      for (const poller of queue.pollers.splice(0)) poller.deliver(null);
    }
  }

  private offer(namespaceId: string, taskQueue: string, kind: TaskKind, task: MatchedTask): void {
    const queue = this.queue(namespaceId, taskQueue, kind);
    const poller = queue.pollers.shift();
    if (poller) poller.deliver(task);
    else queue.backlog.push(task);
  }

  private queue(namespaceId: string, taskQueue: string, kind: TaskKind): TaskQueue {
    const k = key(namespaceId, taskQueue, kind);
    let queue = this.queues.get(k);
    if (!queue) {
      queue = new TaskQueue();
      this.queues.set(k, queue);
    }
    return queue;
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
