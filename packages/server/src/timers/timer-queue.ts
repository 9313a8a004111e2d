/**
 * The durable timer queue: fires every timer row when it is due. One
 * setTimeout is armed for the earliest pending row, so an idle server does not
 * touch the database. A row is deleted in the same transaction as its effect,
 * so across a crash a timer fires exactly once (late, never lost). When the
 * clock can jump (time-skipping tests) a jump re-arms at once.
 *
 * On several nodes (`cluster`), every node runs this queue over the same rows: a due row is
 * claimed for a few seconds before it fires, so one node fires it; a node that dies holding
 * some leaves them to the others when the lease ends. Timers other nodes commit are
 * announced on the cluster bus (`notify`), and the queue also looks every `recheckMs` in
 * case an announcement was lost.
 */
import type { Logger } from '../common/logger.js';
import { isAdvanceable, type Clock } from '../common/clock.js';
import type { ClusterStore, Store, TimerTask } from '../persistence/store.js';
import { NO_METRICS, type EngineMetrics } from '../observability/engine-metrics.js';

export type TimerHandler = (timer: TimerTask) => Promise<void>;

export interface TimerClusterOptions {
  store: ClusterStore;
  /** How long a claimed timer is this node's to fire. */
  leaseMs: number;
  /** The longest the queue goes without looking at the database. */
  recheckMs: number;
}

const BATCH_MAX = 200;
const RETRY_AFTER_ERROR_MS = 1000;
/** setTimeout cannot wait longer than 2^31-1 ms. */
const ARM_DELAY_MAX_MS = 2_147_483_647;

export class TimerQueue {
  private armedAtMs: number | null = null;
  private armed: NodeJS.Timeout | null = null;
  private running = false;
  private rerun = false;
  private stopped = false;
  private readonly inFlight = new Set<number>();
  private unsubscribeClock: (() => void) | null = null;
  /** Told how late each timer fires (observability/). */
  metrics: EngineMetrics = NO_METRICS;
  /** A namespace's name for the log, from its id. */
  namespaceName: (namespaceId: string) => string | undefined = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly handle: TimerHandler,
    private readonly log: Logger,
    private readonly cluster: TimerClusterOptions | null = null,
  ) {}

  start(): void {
    if (isAdvanceable(this.clock)) this.unsubscribeClock = this.clock.onAdvance(() => this.rearm());
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribeClock?.();
    if (this.armed) clearTimeout(this.armed);
    this.armed = null;
  }

  /** New timers were committed: re-arm if one is earlier than the armed time. */
  notify(timers: Pick<TimerTask, 'fireAtMs'>[]): void {
    const earliest = Math.min(...timers.map((t) => t.fireAtMs));
    if (this.armedAtMs === null || earliest < this.armedAtMs) this.arm(earliest);
  }

  /** The clock jumped: the armed delay was computed from an earlier now. */
  private rearm(): void {
    if (this.armedAtMs !== null) this.arm(this.armedAtMs);
  }

  private arm(atMs: number): void {
    if (this.stopped) return;
    if (this.armed) clearTimeout(this.armed);
    this.armedAtMs = atMs;
    const delay = Math.min(Math.max(0, atMs - this.clock.nowMs()), ARM_DELAY_MAX_MS);
    this.armed = setTimeout(() => this.kick(), delay);
  }

  private kick(): void {
    this.armed = null;
    this.armedAtMs = null;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err: unknown) => {
        this.log.error({ err }, 'timer queue failed; retrying');
        this.arm(this.clock.nowMs() + RETRY_AFTER_ERROR_MS);
      })
      .finally(() => {
        this.running = false;
        if (this.rerun) {
          this.rerun = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const due = (await this.dueTimers()).filter((t) => !this.inFlight.has(t.id));
      if (due.length === 0) break;
      await Promise.all(due.map((t) => this.fire(t)));
    }
    let next = this.cluster ? await this.cluster.store.nextTimerReadyMs() : await this.store.nextTimerFireMs();
    if (this.cluster) next = Math.min(next ?? Infinity, this.clock.nowMs() + this.cluster.recheckMs);
    if (next !== null && (this.armedAtMs === null || next < this.armedAtMs)) this.arm(next);
  }

  private dueTimers(): Promise<TimerTask[]> {
    const nowMs = this.clock.nowMs();
    if (!this.cluster) return this.store.listDueTimerTasks(nowMs, BATCH_MAX);
    return this.cluster.store.claimDueTimerTasks(nowMs, BATCH_MAX, nowMs + this.cluster.leaseMs, nowMs);
  }

  private async fire(timer: TimerTask): Promise<void> {
    this.inFlight.add(timer.id);
    this.metrics.timerFired(this.clock.nowMs() - timer.fireAtMs);
    try {
      await this.handle(timer);
    } catch (err) {
      // Left in the store: it fires again on the next pass.
      const namespace = this.namespaceName(timer.namespaceId) ?? timer.namespaceId;
      this.log.warn({ err, namespace, workflowId: timer.workflowId, runId: timer.runId, timer: timer.id, kind: timer.kind }, 'timer handling failed');
      this.arm(this.clock.nowMs() + RETRY_AFTER_ERROR_MS);
    } finally {
      this.inFlight.delete(timer.id);
    }
  }
}
