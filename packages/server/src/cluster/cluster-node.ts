/**
 * One node of a cluster: what it tells the others after its commits, what it does with what
 * they tell it, and the sweeps that repair what a lost message would have told it. Every
 * action here only refreshes memory (queues, cached runs, watchers, timers, namespaces) from
 * the database, which stays the only truth (docs/architecture.md, "Several nodes on one
 * PostgreSQL database").
 */
import type { Logger } from '../common/logger.js';
import type { ClusterStore, Store, TaskKind, TaskQueuePollerRow, TaskQueueTask, TimerTask } from '../persistence/store.js';
import type { MatchingEngine, PollerInfo } from '../matching/matching-engine.js';
import type { ExecutionStore } from '../history/engine.js';
import type { RunWatchers } from '../history/run-watchers.js';
import type { QueryDispatcher } from '../history/queries.js';
import type { TimerQueue } from '../timers/timer-queue.js';
import type { NamespaceRegistry } from '../namespaces/namespace-registry.js';
import type { ClusterBus, ClusterMessage } from './cluster-bus.js';

/** How often a node looks in the database for tasks and queries it was not told about. */
export const SWEEP_INTERVAL_MS = 1000;
/** A task or query this old that a node does not hold was missed: the sweep takes it. */
const SWEEP_MIN_AGE_MS = 1000;
/** How often namespaces are read again even without a message (Temporal's cache refreshes on this order). */
const NAMESPACE_RELOAD_MS = 10_000;
/** Pollers not seen for this long leave the table (DescribeTaskQueue lists five minutes at most). */
const POLLER_KEEP_MS = 10 * 60_000;
const POLLER_CLEANUP_MS = 60_000;
/** Tasks per `tasks` message: a task is ~300 bytes of JSON with long ids, a notification at most ~7000. */
const TASKS_PER_MESSAGE = 16;
/** A node whose heartbeat (one per sweep) is this old is dead: the others take over its work. */
export const NODE_DEAD_AFTER_MS = 3000;

export interface ClusterParts {
  store: Store;
  matching: MatchingEngine;
  executions: ExecutionStore;
  watchers: RunWatchers;
  queries: QueryDispatcher;
  timers: TimerQueue;
  namespaces: NamespaceRegistry;
  clusterStore: ClusterStore;
  /** Where clients reach this node (known once it listens). */
  address: () => string;
  nowMs: () => number;
  log: Logger;
}

export class ClusterNode {
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private lastNamespaceReloadMs = 0;
  private stopped = false;
  private readonly startedMs = Date.now();
  /**
   * No other node beats: announcements would reach no one, so they are not sent (a node
   * that joins says hello first, which ends this at once).
   */
  private alone = false;
  /** A dead node's rows may wait: sweep tasks even when alone. */
  private sweepTasks = true;
  /** Polls seen here since the last sweep, by queue and identity: written to the database then. */
  private polls = new Map<string, TaskQueuePollerRow>();
  private lastPollerCleanupMs = 0;

  constructor(
    readonly bus: ClusterBus,
    private readonly parts: ClusterParts,
  ) {
    bus.subscribe((message) => this.receive(message));
    bus.onResync(() => {
      parts.executions.evictAll();
      this.lastNamespaceReloadMs = 0;
      void this.sweep();
    });
    parts.namespaces.onChange = () => this.publish({ t: 'namespaces' });
    parts.matching.onPoll = (namespaceId, taskQueue, kind, identity) => {
      const key = `${namespaceId}\u0000${kind}\u0000${taskQueue}\u0000${identity}`;
      this.polls.set(key, { namespaceId, taskQueue, kind, identity, nodeId: bus.nodeId, lastAccessMs: parts.nowMs() });
    };
  }

  /**
   * Joins the cluster: refuses a node id that a live node uses (two nodes with one id would
   * ignore each other's messages), waiting a little first for a node that was just killed
   * and is started again to be seen as gone.
   */
  async join(): Promise<void> {
    const { clusterStore } = this.parts;
    const address = this.parts.address();
    const deadline = Date.now() + NODE_DEAD_AFTER_MS + SWEEP_INTERVAL_MS;
    for (;;) {
      const twin = (await clusterStore.liveNodes(NODE_DEAD_AFTER_MS)).find((n) => n.nodeId === this.bus.nodeId);
      if (!twin) break;
      if (Date.now() > deadline) {
        throw new Error(
          `node id ${this.bus.nodeId} is in use by a live node (${twin.address}, started ${new Date(twin.startedMs).toISOString()}): give each node its own nodeId (--node-id)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await clusterStore.heartbeat({ nodeId: this.bus.nodeId, address, startedMs: this.startedMs });
    this.bus.publish({ t: 'hello' });
  }

  start(): void {
    const tick = () => {
      this.sweepTimer = setTimeout(() => {
        void this.sweep().finally(() => {
          if (!this.stopped) tick();
        });
      }, SWEEP_INTERVAL_MS);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    await this.parts.clusterStore.removeNode(this.bus.nodeId).catch(() => undefined);
    await this.bus.close();
  }

  /**
   * DescribeTaskQueue across the cluster: pollers of every node (this node's from memory,
   * the others' as they last wrote them, at most a second old) and the backlog in the database.
   */
  async describeTaskQueue(
    namespaceId: string,
    taskQueue: string,
    kind: TaskKind,
    local: { pollers: PollerInfo[] },
    pollerExpiryMs: number,
  ): Promise<{ pollers: PollerInfo[]; backlog: number; oldestTaskCreatedMs?: number }> {
    const { clusterStore, nowMs } = this.parts;
    const [others, backlog] = await Promise.all([
      clusterStore.listPollers(namespaceId, taskQueue, kind, nowMs() - pollerExpiryMs),
      clusterStore.taskQueueBacklog(namespaceId, taskQueue, kind),
    ]);
    const byIdentity = new Map(local.pollers.map((p) => [p.identity, p]));
    for (const p of others) {
      const known = byIdentity.get(p.identity);
      if (!known || known.lastAccessTimeMs < p.lastAccessMs) byIdentity.set(p.identity, { identity: p.identity, lastAccessTimeMs: p.lastAccessMs });
    }
    return { pollers: [...byIdentity.values()], backlog: backlog.count, oldestTaskCreatedMs: backlog.oldestCreatedMs ?? undefined };
  }

  /** After a local commit created tasks and matching placed them: announce those no local poller took. */
  tasksCommitted(tasks: TaskQueueTask[]): void {
    const waiting = this.parts.matching.waitingOf(tasks);
    // A few tasks per message keeps each well under the notification size limit.
    for (let i = 0; i < waiting.length; i += TASKS_PER_MESSAGE) {
      this.publish({ t: 'tasks', tasks: waiting.slice(i, i + TASKS_PER_MESSAGE) });
    }
  }

  timersCommitted(timers: TimerTask[]): void {
    this.publish({ t: 'timer', at: Math.min(...timers.map((t) => t.fireAtMs)) });
  }

  runCommitted(ref: { namespaceId: string; workflowId: string; runId: string }, doneTaskIds: number[]): void {
    this.publish({ t: 'run', ns: ref.namespaceId, wf: ref.workflowId, run: ref.runId });
    if (doneTaskIds.length > 0) this.publish({ t: 'taken', ids: doneTaskIds });
  }

  private publish(message: ClusterMessage): void {
    if (!this.alone) this.bus.publish(message);
  }

  private receive(message: ClusterMessage): void {
    const { matching, executions, watchers, queries, timers, namespaces, log } = this.parts;
    switch (message.t) {
      case 'hello':
        this.alone = false;
        return;
      case 'tasks':
        matching.addTasks(message.tasks);
        return;
      case 'taken':
        matching.forget(message.ids);
        return;
      case 'timer':
        timers.notify([{ fireAtMs: message.at }]);
        return;
      case 'run': {
        executions.evict(message.ns, message.wf, message.run);
        if (!watchers.isWatched(message.ns, message.run)) return;
        executions.read({ namespaceId: message.ns, workflowId: message.wf, runId: message.run }).then(
          (state) => watchers.notify(message.ns, message.run, state),
          (err: unknown) =>
            log.debug(
              { err, namespace: namespaces.byId(message.ns)?.name, workflowId: message.wf, runId: message.run },
              'cluster: could not re-read a run another node changed',
            ),
        );
        return;
      }
      case 'namespaces':
        namespaces.reload().catch((err: unknown) => log.warn({ err }, 'cluster: could not reload namespaces'));
        return;
      case 'query':
        queries.offerRemote(message.id, message.ns, message.queue, message.wf, message.run);
        return;
      case 'query-answered':
        queries.answeredRemotely(message.id).catch((err: unknown) => log.warn({ err }, 'cluster: could not read a query answer'));
        return;
    }
  }

  /**
   * Say this node lives; take over from nodes that stopped saying so. A dead node's tasks
   * and claimed timers come back by themselves (the sweep below, leases); what it handed to
   * workers may never have reached them, so its workflow tasks time out now rather than
   * after their start-to-close timeout.
   */
  private async beat(): Promise<void> {
    const { clusterStore, timers, nowMs, log } = this.parts;
    await clusterStore.heartbeat({ nodeId: this.bus.nodeId, address: this.parts.address(), startedMs: this.startedMs });
    for (const dead of await clusterStore.claimDeadNodes(NODE_DEAD_AFTER_MS)) {
      this.sweepTasks = true;
      const now = nowMs();
      const expired = await clusterStore.expireWorkflowTasksHandedOutBy(dead, now);
      log.warn({ deadNode: dead, workflowTasksTimedOut: expired }, 'cluster: a node stopped beating; its work goes on here');
      if (expired > 0) {
        timers.notify([{ fireAtMs: now }]);
        this.publish({ t: 'timer', at: now });
      }
    }
    const live = await clusterStore.liveNodes(NODE_DEAD_AFTER_MS);
    this.alone = live.every((n) => n.nodeId === this.bus.nodeId);
  }

  private async writePollers(now: number): Promise<void> {
    const { clusterStore } = this.parts;
    const polls = [...this.polls.values()];
    this.polls = new Map();
    await clusterStore.recordPollers(polls);
    if (now - this.lastPollerCleanupMs >= POLLER_CLEANUP_MS) {
      this.lastPollerCleanupMs = now;
      await clusterStore.deletePollersBefore(now - POLLER_KEEP_MS);
    }
  }

  /** Take tasks and queries this node was not told about; reload namespaces now and then. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    const { store, matching, queries, namespaces, nowMs, log } = this.parts;
    try {
      await this.beat();
      const now = nowMs();
      await this.writePollers(now);
      if (this.sweepTasks || !this.alone) {
        this.sweepTasks = false;
        const missed = (await store.listTaskQueueTasks()).filter(
          (t) => t.createdMs < now - SWEEP_MIN_AGE_MS && !matching.holds(t.id),
        );
        if (missed.length > 0) matching.addTasks(missed);
      }
      await queries.sweep(now);
      if (now - this.lastNamespaceReloadMs >= NAMESPACE_RELOAD_MS) {
        this.lastNamespaceReloadMs = now;
        await namespaces.reload();
      }
    } catch (err) {
      log.warn({ err }, 'cluster sweep failed; trying again shortly');
    } finally {
      this.sweeping = false;
    }
  }
}
