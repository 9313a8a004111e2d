/**
 * The server's Prometheus metrics (prom-client), one registry per server so that several
 * servers in one process (tests, the cluster tests) keep their own. Every name starts with
 * `endure_`; durations are in seconds. docs/operations.md ("Metrics and health") lists them.
 *
 * What the hot path pays: a histogram observation or a counter increment on a label child
 * made once (prom-client still checks and hashes the labels on each call, about 1 µs). With
 * the clock reads and the extra async frame, an RPC pays ~2.4 µs and a store call ~1.4 µs on
 * a busy 2-core machine: well under 1 % of a workflow's server CPU in W1. Task queue gauges
 * and open workflows are computed when Prometheus scrapes, not kept up to date on every change.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../common/logger.js';
import type { NamespaceRecord, Store } from '../persistence/store.js';
import { systemAttribute } from '../visibility/attributes.js';
import type { EngineMetrics } from './engine-metrics.js';

/** Short RPCs: most answer in a millisecond or two; a slow commit shows in the upper buckets. */
const RPC_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Long polls wait up to 20 s (history) or 60 s (tasks) when nothing comes. */
const LONG_POLL_BUCKETS_SECONDS = [0.005, 0.05, 0.25, 1, 5, 10, 20, 30, 60, 90];
/** Task waits: from immediate (a poller was waiting) to minutes (no worker). */
const TASK_WAIT_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Store calls: SQLite reads take microseconds, a PostgreSQL round trip a millisecond or more. */
const STORE_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
/** A timer fires a few ms late when all is well; seconds late means the server is behind. */
const TIMER_LAG_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60];
/** Commits per group commit: up to the batch limits of the stores (SQLite 512, PostgreSQL 60). */
const GROUP_COMMIT_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/**
 * Task queues a scrape reports at most (the busiest by backlog first): names are labels, and
 * a server with very many queues must not produce an unbounded page.
 */
const TASK_QUEUE_SERIES_MAX = 500;
/** temporal.api.enums.v1.WorkflowExecutionStatus RUNNING, as the visibility counters hold it. */
const RUNNING = 1;

/** One task queue as matching sees it at scrape time. */
export interface TaskQueueStats {
  namespaceId: string;
  taskQueue: string;
  kind: string;
  backlog: number;
  pollers: number;
}

export interface MetricsSources {
  store: Store;
  /** Normal (not sticky) task queues: their backlog and the polls waiting on them now. */
  taskQueues(): TaskQueueStats[];
  namespaces(): NamespaceRecord[];
  namespaceById(id: string): NamespaceRecord | undefined;
  log: Logger;
}

export class ServerMetrics implements EngineMetrics {
  readonly registry = new Registry();
  readonly rpcRequests: Counter<'method' | 'status'>;
  readonly rpcLatency: Histogram<'method'>;
  readonly rpcLongPollDuration: Histogram<'method'>;
  readonly storeLatency: Histogram<'operation'>;
  readonly storeErrors: Counter<'operation'>;
  private readonly workflowTaskWait: Histogram;
  private readonly workflowTaskEndToEnd: Histogram;
  private readonly activityTaskWait: Histogram;
  private readonly timerLag: Histogram;
  private readonly groupCommitSize: Histogram;

  constructor() {
    const registers = [this.registry];
    this.rpcRequests = new Counter({
      name: 'endure_rpc_requests_total',
      help: 'gRPC and HTTP API requests handled, by method and gRPC status',
      labelNames: ['method', 'status'],
      registers,
    });
    this.rpcLatency = new Histogram({
      name: 'endure_rpc_latency_seconds',
      help: 'Time to answer a request, by method (long polls are in endure_rpc_long_poll_duration_seconds)',
      labelNames: ['method'],
      buckets: RPC_BUCKETS_SECONDS,
      registers,
    });
    this.rpcLongPollDuration = new Histogram({
      name: 'endure_rpc_long_poll_duration_seconds',
      help: 'Time a long poll (task polls, history and update waits) was held before its answer, by method',
      labelNames: ['method'],
      buckets: LONG_POLL_BUCKETS_SECONDS,
      registers,
    });
    this.workflowTaskWait = new Histogram({
      name: 'endure_workflow_task_schedule_to_start_seconds',
      help: 'Time from a workflow task being scheduled to a worker polling it',
      buckets: TASK_WAIT_BUCKETS_SECONDS,
      registers,
    });
    this.workflowTaskEndToEnd = new Histogram({
      name: 'endure_workflow_task_end_to_end_seconds',
      help: 'Time from a workflow task being scheduled to its completion by a worker',
      buckets: TASK_WAIT_BUCKETS_SECONDS,
      registers,
    });
    this.activityTaskWait = new Histogram({
      name: 'endure_activity_task_schedule_to_start_seconds',
      help: 'Time from an activity attempt being dispatchable to a worker polling it',
      buckets: TASK_WAIT_BUCKETS_SECONDS,
      registers,
    });
    this.storeLatency = new Histogram({
      name: 'endure_persistence_latency_seconds',
      help: 'Time of a store operation (commitExecution includes waiting for its group commit)',
      labelNames: ['operation'],
      buckets: STORE_BUCKETS_SECONDS,
      registers,
    });
    this.storeErrors = new Counter({
      name: 'endure_persistence_errors_total',
      help: 'Store operations that failed (conflicts included), by operation',
      labelNames: ['operation'],
      registers,
    });
    this.groupCommitSize = new Histogram({
      name: 'endure_persistence_group_commit_size',
      help: 'Commits made durable by one database transaction (group commit)',
      buckets: GROUP_COMMIT_BUCKETS,
      registers,
    });
    this.timerLag = new Histogram({
      name: 'endure_timer_lag_seconds',
      help: 'How late a durable timer fired: fired time minus due time',
      buckets: TIMER_LAG_BUCKETS_SECONDS,
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'endure_' });
  }

  /** Adds the gauges read at scrape time from matching and the store (once both exist). */
  watch(sources: MetricsSources): void {
    const registers = [this.registry];
    taskQueueGauges(registers, sources);
    openWorkflowsGauge(registers, sources);
  }

  workflowTaskStarted(waitedMs: number): void {
    this.workflowTaskWait.observe(Math.max(0, waitedMs) / 1000);
  }

  workflowTaskCompleted(sinceScheduledMs: number): void {
    this.workflowTaskEndToEnd.observe(Math.max(0, sinceScheduledMs) / 1000);
  }

  activityTaskStarted(waitedMs: number): void {
    this.activityTaskWait.observe(Math.max(0, waitedMs) / 1000);
  }

  timerFired(lagMs: number): void {
    this.timerLag.observe(Math.max(0, lagMs) / 1000);
  }

  groupCommitted(commits: number): void {
    this.groupCommitSize.observe(commits);
  }

  /** The text Prometheus scrapes. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Backlog and waiting pollers per normal task queue, read from matching when scraped. */
function taskQueueGauges(registers: Registry[], sources: MetricsSources): void {
  const labelNames = ['namespace', 'task_queue', 'kind'] as const;
  const gauge = (name: string, help: string, value: (q: TaskQueueStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        const queues = sources.taskQueues().sort((a, b) => b.backlog - a.backlog).slice(0, TASK_QUEUE_SERIES_MAX);
        for (const q of queues) {
          const namespace = sources.namespaceById(q.namespaceId)?.name ?? q.namespaceId;
          this.set({ namespace, task_queue: q.taskQueue, kind: q.kind }, value(q));
        }
      },
    });
  gauge('endure_task_queue_backlog', 'Tasks waiting in a task queue for a poller (sticky queues left out)', (q) => q.backlog);
  gauge('endure_task_queue_pollers', 'Polls waiting on a task queue now (sticky queues left out)', (q) => q.pollers);
}

/**
 * Open (running) workflows per namespace, from the stores' per-status counters: the SQL stores
 * keep one row per namespace and status, updated by triggers in each commit, so a scrape costs
 * one small query per namespace whatever the size of the database, and every node of a
 * cluster reports the same, exact number. (The memory store counts its rows; it is small.)
 */
function openWorkflowsGauge(registers: Registry[], sources: MetricsSources): void {
  const statusAttribute = systemAttribute('ExecutionStatus');
  const byStatus = { where: null, orderBy: [], groupBy: [statusAttribute] };
  new Gauge({
    name: 'endure_open_workflows',
    help: 'Workflow executions running now, by namespace',
    labelNames: ['namespace'],
    registers,
    async collect() {
      this.reset();
      for (const ns of sources.namespaces()) {
        try {
          const counts = await sources.store.countVisibility(ns.id, byStatus);
          const running = counts.groups.find((g) => g.values[0] === RUNNING)?.count ?? 0;
          this.set({ namespace: ns.name }, running);
        } catch (err) {
          // Scraping must not fail because the database is away; /readyz says that.
          sources.log.warn({ err, namespace: ns.name }, 'metrics: could not count open workflows');
        }
      }
    },
  });
}
