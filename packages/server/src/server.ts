/**
 * Composition root: builds the store, history, matching, timer queue and the
 * gRPC frontend for one server process, and tears them down in order.
 */
import { resolveConfig, type EndureServerOptions, type ResolvedConfig } from './config.js';
import { createLogger, type Logger } from './common/logger.js';
import { isAdvanceable } from './common/clock.js';
import type { Store, TaskQueueTask, TimerTask } from './persistence/store.js';
import { NamespaceRegistry } from './namespaces/namespace-registry.js';
import { SqliteStore } from './persistence/sqlite/sqlite-store.js';
import type { PostgresStore } from './persistence/postgres/postgres-store.js';
import { describeUrl } from './persistence/postgres/connection.js';
import { MatchingEngine } from './matching/matching-engine.js';
import { ExecutionStore } from './history/engine.js';
import { RunWatchers } from './history/run-watchers.js';
import { QueryDispatcher } from './history/queries.js';
import { keepUpdatesInRunState } from './history/update-registry.js';
import { fireTimer } from './history/history-service.js';
import { TimerQueue } from './timers/timer-queue.js';
import { TimeSkipper } from './timers/time-skipper.js';
import { RunnableWork } from './history/runnable-work.js';
import { dispatchTasks, onStickyTaskExpired } from './history/sticky.js';
import { OPERATOR_SERVICE, WORKFLOW_SERVICE, serviceMethodTable, toGrpcError } from './frontend/grpc-server.js';
import { clusterHandlers } from './frontend/cluster-service.js';
import { namespaceHandlers } from './frontend/namespace-service.js';
import { NamespaceDeleter } from './namespaces/namespace-deleter.js';
import { GrpcTransport } from './frontend/grpc-transport.js';
import { workflowServiceHandlers } from './frontend/workflow-service.js';
import { HttpApi } from './http/http-api.js';
import { StaticUi, builtUiDirectory } from './http/static-ui.js';
import { UiServer } from './http/ui-server.js';
import type { ClusterNode } from './cluster/cluster-node.js';
import { Scheduler } from './schedules/scheduler.js';
import { scheduleHandlers } from './frontend/schedule-service.js';
import { namespaceNotFound } from './common/errors.js';
import { requireId } from './frontend/validation.js';
import { TlsReloader, tlsServerOptions } from './frontend/tls.js';
import { withRequestLimits } from './limits/request-limits.js';
import { instrumentMethods } from './observability/rpc-metrics.js';
import { instrumentStore } from './observability/store-metrics.js';
import { HealthEndpoints, healthMethods } from './observability/health.js';
import { MetricsServer } from './observability/metrics-server.js';
import { Authenticator } from './auth/authenticator.js';
import { authorizeMethods } from './auth/authorize.js';
import { apiKeyServiceMethods } from './auth/api-key-service.js';

/** How long a node holds a due timer it claimed before another node may fire it. */
const TIMER_LEASE_MS = 3000;

/** The metrics port, and whether the server still serves (health checks say NOT_SERVING once it stops). */
interface Observability {
  metricsServer: MetricsServer | null;
  serving: boolean;
}

export class EndureServer {
  private constructor(
    readonly config: ResolvedConfig,
    /** The address clients connect to, host:port. */
    readonly address: string,
    readonly port: number,
    /** The web UI and HTTP API, `http://host:port`; null when the server has no UI port. */
    readonly uiAddress: string | null,
    private readonly transport: GrpcTransport,
    private readonly uiServer: UiServer | null,
    private readonly store: Store,
    private readonly matching: MatchingEngine,
    private readonly timers: TimerQueue,
    /**
     * Automatic time skipping; present only when `clock` can jump. Starts
     * locked: unlock it while waiting for a result or in a `sleep(ms)`.
     */
    readonly timeSkipper: TimeSkipper | null,
    private readonly deleter: NamespaceDeleter,
    readonly log: Logger,
    /** Present on PostgreSQL, where other nodes may share the database. */
    private readonly cluster: ClusterNode | null,
    /** Present with TLS: serves renewed certificates. */
    readonly tlsReloader: TlsReloader | null,
    /** Prometheus metrics and health, `http://host:port`; null when the server has no metrics port. */
    readonly metricsAddress: string | null,
    private readonly observability: Observability,
  ) {}

  static async start(options: EndureServerOptions = {}): Promise<EndureServer> {
    const config = resolveConfig(options);
    const rootLog = createLogger(config.logLevel, config.logFormat, options.logOutput);
    // Nodes of a cluster log which node said it.
    const log = config.store === 'postgres' ? rootLog.child({ node: config.nodeId }) : rootLog;
    const postgres = config.store === 'postgres' ? await loadPostgres() : null;
    const store = await openStore(config, log, postgres);
    try {
      return await EndureServer.startOn(store, config, log, postgres);
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  private static async startOn(openedStore: Store, config: ResolvedConfig, log: Logger, postgres: PostgresParts | null): Promise<EndureServer> {
    const clock = config.clock;
    const isPostgres = (s: Store): s is PostgresStore => postgres !== null && s instanceof postgres.PostgresStore;
    // With metrics off nothing is wrapped or observed: the hot path is as without them.
    const metrics = config.metrics ? new (await loadMetrics()).ServerMetrics() : null;
    if (metrics && (openedStore instanceof SqliteStore || isPostgres(openedStore))) {
      openedStore.onGroupCommit = (commits) => metrics.groupCommitted(commits);
    }
    const store = metrics ? instrumentStore(openedStore, metrics) : openedStore;
    const observability: Observability = { metricsServer: null, serving: true };
    const namespaces = await NamespaceRegistry.load(
      store,
      config.namespaces,
      config.searchAttributes,
      config.namespaceRetentionDefaultMs,
      clock.nowMs(),
    );
    const bus =
      postgres && isPostgres(store) && config.postgresUrl ? await postgres.PostgresBus.open(config.nodeId, config.postgresUrl, log) : null;
    const clusterStore = isPostgres(store) ? store.clusterStore() : null;
    let cluster: ClusterNode | null = null;
    let listening: string | null = null;
    const matching = new MatchingEngine(() => clock.nowMs(), config.pollerExpiryMs);
    const watchers = new RunWatchers();
    // The engine reports new tasks to matching and new timers to the timer
    // queue, which fires back into the engine. With a clock that can jump, time
    // skipping also looks again after every change that could leave nothing runnable.
    const executions: ExecutionStore = new ExecutionStore(store, clock, config, log, namespaces, {
      onTaskQueueTasks: (tasks, sticky) => {
        work?.noteTasks(tasks);
        dispatchTasks(matching, tasks, sticky, onStickyExpired);
        cluster?.tasksCommitted(tasks);
      },
      onTimerTasks: (tasks) => {
        timers.notify(tasks);
        skipper?.poke();
        cluster?.timersCommitted(tasks);
      },
      onExecutionChanged: (namespaceId, runId, state) => {
        watchers.notify(namespaceId, runId, state);
        skipper?.poke();
      },
      onCommitted: (ref, doneTaskIds) => cluster?.runCommitted(ref, doneTaskIds),
    });
    if (metrics) executions.metrics = metrics;
    // Other nodes must see admitted updates: they go into the run's state (history/update-registry.ts).
    if (bus) keepUpdatesInRunState(executions);
    const onStickyExpired = (task: TaskQueueTask) => {
      onStickyTaskExpired(executions, task).catch((err: unknown) => {
        const ids = { namespace: namespaces.byId(task.namespaceId)?.name, workflowId: task.workflowId, runId: task.runId };
        log.error({ err, ...ids }, 'sticky workflow task timeout failed');
      });
    };
    const work = isAdvanceable(clock) ? new RunnableWork(executions) : null;
    const skipper = work && isAdvanceable(clock) ? new TimeSkipper(clock, work, log) : null;
    const namespaceByName = (name: string) => namespaces.byName(name);
    const scheduler = new Scheduler({
      store,
      executions,
      clock,
      log,
      namespaceById: (id) => namespaces.byId(id),
      onTimerTasks: (tasks) => {
        timers.notify(tasks);
        skipper?.poke();
        cluster?.timersCommitted(tasks);
      },
      faultPoint: crashAtFaultPoint(),
    });
    const fire = (timer: TimerTask) =>
      timer.kind === 'schedule_tick' || timer.kind === 'schedule_action_closed'
        ? scheduler.fire(timer)
        : fireTimer(executions, timer, namespaceByName);
    const timers = new TimerQueue(
      store,
      clock,
      skipper
        ? async (timer) => {
            // A stale timer is dropped without an event: nothing else would look again.
            await fire(timer);
            skipper.poke();
          }
        : fire,
      log,
      clusterStore ? { store: clusterStore, leaseMs: TIMER_LEASE_MS, recheckMs: 2000 } : null,
    );
    if (metrics) timers.metrics = metrics;
    timers.namespaceName = (id) => namespaces.byId(id)?.name;
    metrics?.watch({
      store,
      taskQueues: () => matching.queueStats(),
      namespaces: () => namespaces.list(),
      namespaceById: (id) => namespaces.byId(id),
      log,
    });
    const queries = new QueryDispatcher(
      executions,
      matching,
      watchers,
      config.queryTimeoutMs,
      bus && clusterStore ? { store: clusterStore, bus } : null,
    );
    if (postgres && bus) {
      cluster = new postgres.ClusterNode(bus, {
        store, matching, executions, watchers, queries, timers, namespaces, clusterStore: clusterStore!,
        address: () => config.advertiseAddress ?? listening ?? hostPort(config.ip, config.port), nowMs: () => clock.nowMs(), log,
      });
      await cluster.join().catch(async (err: unknown) => {
        await bus.close();
        throw err;
      });
    }
    const waitingTasks = await store.listTaskQueueTasks();
    work?.noteTasks(waitingTasks);
    matching.addTasks(waitingTasks);

    const deleter = new NamespaceDeleter(executions, namespaces, config.namespaceDeleteBatchSize, log);
    deleter.resume();
    const namespaceRpcs = namespaceHandlers({ config, namespaces, deleter, nowMs: () => clock.nowMs() });
    const handlers = {
      ...workflowServiceHandlers({ config, store, executions, matching, watchers, queries, namespaces, cluster }),
      ...namespaceRpcs,
      ...scheduleHandlers({
        config,
        store,
        scheduler,
        nowMs: () => clock.nowMs(),
        namespace: (name) => {
          const n = requireId(name, 'namespace', config.idLengthMax);
          const ns = namespaces.byName(n);
          if (!ns) throw namespaceNotFound(n);
          return ns;
        },
      }),
      ...clusterHandlers(config),
    };
    const authenticator = config.auth ? await Authenticator.create(config.auth, store, () => clock.nowMs()) : null;
    if (config.auth?.adminApiKey) log.warn('auth.adminApiKey is set: create API keys with it, then remove it and restart');
    const table = new Map([
      ...serviceMethodTable(WORKFLOW_SERVICE, handlers, log),
      ...serviceMethodTable(OPERATOR_SERVICE, namespaceRpcs, log),
      ...apiKeyServiceMethods({ store, nowMs: () => clock.nowMs(), apiKeys: authenticator?.apiKeys ?? null }),
      ...healthMethods(() => observability.serving),
    ]);
    // From the outside in: metrics (a refused call is counted with its status), authorization
    // (an unauthenticated call spends no namespace's rate budget, as in Temporal), the limits.
    const limited = withRequestLimits(table, config.limits, {
      nowMs: () => performance.now(),
      namespaceExists: (name) => namespaces.byName(name) !== undefined,
    });
    const authorized = authenticator ? authorizeMethods(limited, authenticator, log) : limited;
    const methods = metrics ? instrumentMethods(authorized, metrics) : authorized;
    const health = new HealthEndpoints(store);
    const tls = config.tls ? tlsServerOptions(config.tls) : undefined;
    const transport = new GrpcTransport(methods, {
      maxMessageBytes: config.grpcMessageSizeMaxBytes,
      toError: (err, path) => toGrpcError(err, path, log),
      ...(tls ? { tls } : {}),
    });
    const port = await transport.listen(config.ip, config.port).catch(async (err: unknown) => {
      await bus?.close();
      throw err;
    });
    let uiServer: UiServer | null = null;
    if (config.uiPort !== null) {
      const api = new HttpApi({
        methods,
        services: [WORKFLOW_SERVICE, OPERATOR_SERVICE],
        toError: (err, path) => toGrpcError(err, path, log),
        maxBodyBytes: config.httpBodySizeMaxBytes,
      });
      try {
        uiServer = await UiServer.listen(config.uiIp, config.uiPort, api, new StaticUi(builtUiDirectory()), log, tls, health);
      } catch (err) {
        await transport.close(0);
        await bus?.close();
        throw err;
      }
    }
    if (metrics && config.metrics) {
      try {
        observability.metricsServer = await MetricsServer.listen(config.metrics.ip, config.metrics.port, metrics, health, log);
      } catch (err) {
        await uiServer?.close();
        await transport.close(0);
        await bus?.close();
        throw err;
      }
    }
    const tlsReloader = config.tls ? new TlsReloader(config.tls, uiServer ? [transport, uiServer] : [transport], log) : null;
    tlsReloader?.start();
    timers.start();
    cluster?.start();
    const address = hostPort(config.ip, port);
    listening = address;
    const uiAddress = uiServer ? `${tls ? 'https' : 'http'}://${hostPort(config.uiIp, uiServer.port)}` : null;
    const metricsServer = observability.metricsServer;
    const metricsAddress = metricsServer && config.metrics ? `http://${hostPort(config.metrics.ip, metricsServer.port)}` : null;
    log.debug(
      { address, uiAddress, metricsAddress: metricsAddress ?? undefined, db: describeStore(config) },
      'endure server listening',
    );
    return new EndureServer(
      config, address, port, uiAddress, transport, uiServer, store, matching, timers, skipper, deleter, log, cluster, tlsReloader,
      metricsAddress, observability,
    );
  }

  /** Stop serving, answer waiting polls, and close the database. */
  async stop(): Promise<void> {
    this.observability.serving = false;
    this.tlsReloader?.stop();
    this.timeSkipper?.stop();
    this.matching.close();
    this.timers.stop();
    await this.deleter.stop();
    await this.uiServer?.close();
    await this.observability.metricsServer?.close();
    await this.transport.close(1000);
    await this.cluster?.stop();
    await this.store.close();
    this.log.info('endure server stopped');
  }
}

/** The PostgreSQL store and the cluster parts that run on it. */
interface PostgresParts {
  PostgresStore: typeof PostgresStore;
  PostgresBus: typeof import('./cluster/postgres-bus.js').PostgresBus;
  ClusterNode: typeof ClusterNode;
}

/**
 * Loaded only for a server on PostgreSQL: the store, the cluster node and the bus are some
 * fifteen modules (and the driver) that a server on SQLite never runs, and each module loaded
 * at start costs about a millisecond.
 */
async function loadPostgres(): Promise<PostgresParts> {
  const [{ PostgresStore }, { PostgresBus }, { ClusterNode }] = await Promise.all([
    import('./persistence/postgres/postgres-store.js'),
    import('./cluster/postgres-bus.js'),
    import('./cluster/cluster-node.js'),
  ]);
  return { PostgresStore, PostgresBus, ClusterNode };
}

async function openStore(config: ResolvedConfig, log: Logger, postgres: PostgresParts | null): Promise<Store> {
  // The memory store (tests, --in-memory) is loaded on use too, for the same reason.
  if (config.store === 'memory') return new (await import('./persistence/memory/memory-store.js')).MemoryStore();
  if (config.store === 'sqlite') return new SqliteStore(config.dbFilename);
  const url = config.postgresUrl;
  if (url === null) throw new Error('store postgres without a postgresUrl (resolveConfig should have refused it)');
  if (postgres === null) throw new Error('store postgres without its modules loaded (start loads them)');
  return postgres.PostgresStore.open({
    url,
    poolSize: config.postgresPoolSize,
    connectRetry: {
      retryMs: config.postgresConnectRetryMs,
      onRetry: (message) => log.warn(`${message} (postgresConnectRetryMs: ${config.postgresConnectRetryMs})`),
    },
    onConnectionError: (err) => log.warn({ err }, `PostgreSQL connection lost (${describeUrl(url)}); the pool reconnects`),
  });
}

function describeStore(config: ResolvedConfig): string {
  if (config.store === 'memory') return 'memory store';
  if (config.store === 'postgres') return describeUrl(config.postgresUrl ?? '');
  return config.dbFilename ?? ':memory:';
}

/** The Prometheus metrics, loaded only with a metrics port: prom-client costs tens of milliseconds of a start. */
async function loadMetrics(): Promise<typeof import('./observability/metrics.js')> {
  return import('./observability/metrics.js');
}

/**
 * Crash tests name a point in ENDURE_TEST_FAULT where the server kills itself (SIGKILL, as a
 * machine dies): nothing after that point runs, whatever the code would do on an error.
 */
function crashAtFaultPoint(): ((point: string) => void) | undefined {
  const fault = process.env['ENDURE_TEST_FAULT'];
  if (!fault) return undefined;
  return (point) => {
    if (point === fault) process.kill(process.pid, 'SIGKILL');
  };
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
