/**
 * Worker (mirrors @temporalio/worker's): polls one task queue for workflow and
 * activity tasks and runs them — workflows in node:vm sandboxes (fresh module state and globals per run)
 * loaded from an esbuild bundle, activities in the worker's process.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { ActivityTaskAnswer } from '@endure/client';
import { loadDataConverter, msToNumber, type DataConverter, type Duration } from '@endure/common';
import { ActivityWorker } from './activity/index.js';
import { LocalActivityExecutor } from './activity/local-activity-executor.js';
import { NativeConnection } from './connection.js';
import { DefaultLogger, type WorkerLogger } from './logger.js';
import { replayOne, type HistoryAndWorkflowId, type ReplayResult } from './replay.js';
import { bundleWorkflowCode, type WorkflowBundle } from './workflow/bundler.js';
import { SandboxFactory } from './workflow/sandbox.js';
import { WorkflowWorker } from './workflow/workflow-worker.js';

const workerPackage = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** A bundle from {@link bundleWorkflowCode}, or a file holding one. */
export type WorkflowBundleOption = WorkflowBundle | { codePath: string };

/** Options for {@link Worker.create} (the subset of @temporalio/worker's WorkerOptions this SDK implements). */
export interface WorkerOptions {
  connection?: NativeConnection;
  namespace?: string;
  taskQueue: string;
  workflowsPath?: string;
  workflowBundle?: WorkflowBundleOption;
  // User activities take any arguments.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  activities?: Record<string, (...args: any[]) => unknown> | object;
  identity?: string;
  /**
   * Identifies this worker's code: recorded on every workflow task it completes and shown to
   * workflows as `workflowInfo().currentBuildId`.
   * @default `@endure/worker@<version>+<sha256 of the workflow bundle>`
   */
  buildId?: string;
  dataConverter?: DataConverter;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
  maxCachedWorkflows?: number;
  /**
   * How long the server keeps a cached run's workflow task on this worker's own (sticky) queue
   * before giving it to any worker of the task queue, with the whole history.
   * @default 10s
   */
  stickyQueueScheduleToStartTimeout?: Duration;
  maxHeartbeatThrottleInterval?: number;
  defaultHeartbeatThrottleInterval?: number;
  /** Milliseconds in-flight activities may keep running after shutdown starts. */
  shutdownGraceTime?: number;
  logger?: WorkerLogger;
}

/** Options for replaying histories: the workflow code and nothing else. */
export interface ReplayWorkerOptions {
  workflowsPath?: string;
  workflowBundle?: WorkflowBundleOption;
  logger?: WorkerLogger;
}

/** Lifecycle of a worker (same names as @temporalio/worker). */
export type State = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'DRAINING' | 'DRAINED' | 'STOPPED' | 'FAILED';

/** Long polls a worker keeps open per task kind (Temporal core's default). */
const TASK_POLLS_DEFAULT = 5;

/**
 * Runs workflows and activities from one task queue.
 *
 * @example
 * ```ts
 * const worker = await Worker.create({
 *   connection: await NativeConnection.connect({ address: 'localhost:7233' }),
 *   taskQueue: 'hello',
 *   workflowsPath: require.resolve('./workflows'),
 *   activities,
 * });
 * await worker.run();
 * ```
 */
export class Worker {
  private state: State = 'INITIALIZED';
  private runPromise: Promise<void> | undefined;

  private constructor(
    readonly options: Required<Pick<WorkerOptions, 'namespace' | 'taskQueue' | 'identity'>>,
    private readonly workflowWorker: WorkflowWorker | undefined,
    private readonly activityWorker: ActivityWorker | undefined,
    private readonly ownedConnection: NativeConnection | undefined,
    /** Where clients on the same connection find this worker for eager workflow start. */
    private readonly eagerRegistration?: { add(): void; remove(): void },
  ) {}

  /** Check the namespace, bundle the workflows and get ready to poll. */
  static async create(options: WorkerOptions): Promise<Worker> {
    const logger = options.logger ?? new DefaultLogger('WARN');
    const ownedConnection = options.connection ? undefined : await NativeConnection.connect({});
    const connection = options.connection ?? ownedConnection!;
    const namespace = options.namespace ?? 'default';
    const identity = options.identity ?? `${process.pid}@${hostname()}`;
    // Independent: checking the namespace and bundling overlap.
    const [, code] = await Promise.all([
      connection.workflowService.describeNamespace({ namespace }),
      loadBundleCode(options),
    ]);
    const withAbortSignal = <R>(signal: AbortSignal, fn: () => Promise<R>) => connection.withAbortSignal(signal, fn);
    const dataConverter = loadDataConverter(options.dataConverter);
    const activities = Object.entries(options.activities ?? {}).filter(([, fn]) => typeof fn === 'function');
    // Set once the workflow worker exists: activities answered here may bring its runs' next tasks.
    const nextTaskSlots: { of?: WorkflowWorker } = {};
    const answerWithNextWorkflowTask = (answer: ActivityTaskAnswer, runId: string): Promise<void> | null => {
      const slot = nextTaskSlots.of?.reserveNextTaskSlot(runId);
      if (!slot) return null;
      return connection.connection.respondActivityTaskWithNextWorkflowTask(answer, slot.stickyQueue).then(
        (task) => (task?.taskToken?.length ? slot.run(task) : slot.release()),
        (err: unknown) => {
          slot.release();
          throw err;
        },
      );
    };
    const activityWorker =
      activities.length === 0
        ? undefined
        : new ActivityWorker({
            service: connection.workflowService,
            withAbortSignal,
            namespace,
            taskQueue: options.taskQueue,
            identity,
            activities: Object.fromEntries(activities) as Record<string, (...args: unknown[]) => unknown>,
            dataConverter,
            maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
            maxConcurrentActivityTaskPolls: options.maxConcurrentActivityTaskPolls ?? TASK_POLLS_DEFAULT,
            maxHeartbeatThrottleIntervalMs: options.maxHeartbeatThrottleInterval ?? 60_000,
            defaultHeartbeatThrottleIntervalMs: options.defaultHeartbeatThrottleInterval ?? 30_000,
            shutdownGraceTimeMs: options.shutdownGraceTime ?? 0,
            logger,
            answerWithNextWorkflowTask,
          });
    const workflowWorker =
      code === undefined
        ? undefined
        : new WorkflowWorker({
            service: connection.workflowService,
            withAbortSignal,
            namespace,
            taskQueue: options.taskQueue,
            identity,
            buildId: options.buildId ?? defaultBuildId(code),
            sandboxes: new SandboxFactory(code, (level, message, attrs) => logAt(logger, level, message, attrs)),
            maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions ?? 40,
            maxConcurrentWorkflowTaskPolls: options.maxConcurrentWorkflowTaskPolls ?? TASK_POLLS_DEFAULT,
            maxCachedWorkflows: options.maxCachedWorkflows ?? 1000,
            stickyQueueScheduleToStartTimeoutMs: msToNumber(options.stickyQueueScheduleToStartTimeout ?? '10s'),
            logger,
            localActivities: new LocalActivityExecutor({
              activities: Object.fromEntries(activities) as Record<string, (...args: unknown[]) => unknown>,
              dataConverter,
              logger,
            }),
            eagerActivities: activityWorker && {
              reserve: (wanted) => activityWorker.reserveEagerSlots(wanted),
              // Decoded response messages: the same shape the activity poll returns.
              accept: (reserved, tasks) => activityWorker.acceptEagerTasks(reserved, tasks as Parameters<ActivityWorker['acceptEagerTasks']>[1]),
            },
          });
    nextTaskSlots.of = workflowWorker;
    if (!workflowWorker && !activityWorker) throw new TypeError('Worker needs workflowsPath, workflowBundle or activities');
    const eagerRegistration = workflowWorker && {
      add: () => connection.eagerWorkflowTaskWorkers.add(namespace, options.taskQueue, workflowWorker),
      remove: () => connection.eagerWorkflowTaskWorkers.remove(namespace, options.taskQueue, workflowWorker),
    };
    return new Worker({ namespace, taskQueue: options.taskQueue, identity }, workflowWorker, activityWorker, ownedConnection, eagerRegistration);
  }

  getState(): State {
    return this.state;
  }

  /** Poll and run tasks until {@link shutdown}; resolves once in-flight work has drained. */
  run(): Promise<void> {
    if (this.state !== 'INITIALIZED') throw new Error(`Worker is ${this.state}: run() may be called once`);
    this.state = 'RUNNING';
    this.eagerRegistration?.add();
    this.runPromise = Promise.all([this.workflowWorker?.run(), this.activityWorker?.run()]).then(
      async () => {
        this.state = 'STOPPED';
        await this.ownedConnection?.close();
      },
      (err: unknown) => {
        this.state = 'FAILED';
        throw err;
      },
    );
    return this.runPromise;
  }

  /** Stop polling and let in-flight tasks finish; `run()` resolves when done. */
  shutdown(): void {
    if (this.state !== 'RUNNING') return;
    this.state = 'STOPPING';
    this.eagerRegistration?.remove();
    this.workflowWorker?.shutdown();
    this.activityWorker?.shutdown();
  }

  /**
   * Run until `fnOrPromise` settles, then shut down; returns its result.
   *
   * @example
   * ```ts
   * const result = await worker.runUntil(client.workflow.execute(hello, { taskQueue, workflowId, args }));
   * ```
   */
  async runUntil<R>(fnOrPromise: Promise<R> | (() => Promise<R>)): Promise<R> {
    const running = this.run();
    try {
      return await (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise);
    } finally {
      this.shutdown();
      await running;
    }
  }

  /** Replay one history; throws DeterminismViolationError when the code no longer matches it. */
  static async runReplayHistory(options: ReplayWorkerOptions, history: unknown, workflowId = 'replay-workflow-id'): Promise<void> {
    const result = await replayOne(await replaySandboxes(options), { workflowId, history });
    if (result.error) throw result.error;
  }

  /** Replay many histories, yielding one result each. */
  static async *runReplayHistories(
    options: ReplayWorkerOptions,
    histories: Iterable<HistoryAndWorkflowId> | AsyncIterable<HistoryAndWorkflowId>,
  ): AsyncIterableIterator<ReplayResult> {
    const sandboxes = await replaySandboxes(options);
    for await (const item of histories) yield await replayOne(sandboxes, item);
  }
}

async function loadBundleCode(options: { workflowsPath?: string; workflowBundle?: WorkflowBundleOption }): Promise<string | undefined> {
  if (options.workflowBundle) {
    return 'code' in options.workflowBundle ? options.workflowBundle.code : readFile(options.workflowBundle.codePath, 'utf8');
  }
  if (options.workflowsPath) return (await bundleWorkflowCode({ workflowsPath: options.workflowsPath })).code;
  return undefined;
}

async function replaySandboxes(options: ReplayWorkerOptions): Promise<SandboxFactory> {
  const code = await loadBundleCode(options);
  if (code === undefined) throw new TypeError('Replay needs workflowsPath or workflowBundle');
  const logger = options.logger ?? new DefaultLogger('WARN');
  return new SandboxFactory(code, (level, message, attrs) => logAt(logger, level, message, attrs));
}

/** As the official worker derives it: the SDK's package and version, and a hash of the workflow code. */
function defaultBuildId(bundleCode: string): string {
  return `${workerPackage.name}@${workerPackage.version}+${createHash('sha256').update(bundleCode).digest('hex')}`;
}

function logAt(logger: WorkerLogger, level: string, message: string, attrs?: Record<string, unknown>): void {
  if (level === 'ERROR') logger.error(message, attrs);
  else if (level === 'WARN') logger.warn(message, attrs);
  else if (level === 'INFO') logger.info(message, attrs);
  else logger.debug(message, attrs);
}
