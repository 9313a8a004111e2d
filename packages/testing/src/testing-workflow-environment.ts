/**
 * `TestWorkflowEnvironment`: an Endure server started in this process on the memory store
 * (plain JavaScript: nothing native for users to compile), with a client and a worker
 * connection to it — optionally with time skipping.
 */
import { Client, Connection } from '@endure/client';
import { msToNumber, type Duration } from '@endure/common';
import { EndureServer, TimeSkippingClock, type LogLevel, type TimeSkipper } from '@endure/server';
import { NativeConnection } from '@endure/worker';
import { TimeSkippingClient, type ClientOptionsForTestEnv, type TimeSkippingLock } from './client.js';

/** The in-process server of {@link TestWorkflowEnvironment.createLocal}. */
export interface LocalServerConfig {
  /** Namespace created beside `default`, used by the environment's client. @default 'default' */
  namespace?: string;
  /** Address to bind. @default 127.0.0.1 */
  ip?: string;
  /** Port to bind. @default a free port */
  port?: number;
  /** Keep the database in this SQLite file instead of in memory (needs the package better-sqlite3). */
  dbFilename?: string;
  /** Server log level. @default 'warn' */
  logLevel?: LogLevel;
}

/** The in-process server of {@link TestWorkflowEnvironment.createTimeSkipping}. */
export interface TimeSkippingServerConfig {
  /** Port to bind. @default a free port */
  port?: number;
  /** Server log level. @default 'warn' */
  logLevel?: LogLevel;
}

/** Options for {@link TestWorkflowEnvironment.createLocal}. */
export interface LocalTestWorkflowEnvironmentOptions {
  server?: LocalServerConfig;
  client?: ClientOptionsForTestEnv;
}

/** Options for {@link TestWorkflowEnvironment.createTimeSkipping}. */
export interface TimeSkippingTestWorkflowEnvironmentOptions {
  server?: TimeSkippingServerConfig;
  client?: ClientOptionsForTestEnv;
}

/** Options for {@link TestWorkflowEnvironment.createFromExistingServer}. */
export interface ExistingServerTestWorkflowEnvironmentOptions {
  /** @default 'localhost:7233' */
  address?: string;
  /** @default 'default' */
  namespace?: string;
  client?: ClientOptionsForTestEnv;
}

/**
 * An environment for Workflow integration tests: a server, a {@link Client} and a
 * {@link NativeConnection} for Workers. Unlike the official SDK's, the server runs inside this
 * process (no download, no child process) and starts in a few milliseconds.
 *
 * @example
 * ```ts
 * import { TestWorkflowEnvironment } from '@endure/testing';
 * import { Worker } from '@endure/worker';
 *
 * const env = await TestWorkflowEnvironment.createTimeSkipping();
 * const worker = await Worker.create({
 *   connection: env.nativeConnection,
 *   taskQueue: 'test',
 *   workflowsPath: require.resolve('./workflows'),
 * });
 * // The workflow sleeps for a week; the test takes milliseconds.
 * const result = await worker.runUntil(env.client.workflow.execute(weeklyDigest, { taskQueue: 'test', workflowId: 'wf-1' }));
 * await env.teardown();
 * ```
 */
export class TestWorkflowEnvironment {
  /** The Workflow sub-client of {@link client}. @deprecated use `client.workflow` */
  readonly workflowClient: Client['workflow'];

  private constructor(
    /** Whether this environment skips time ({@link createTimeSkipping}). */
    readonly supportsTimeSkipping: boolean,
    /** The in-process server; null for {@link createFromExistingServer}. */
    private readonly server: EndureServer | null,
    private readonly timeSkipping: ClientTimeLock | null,
    /** Client connection to the server. */
    readonly connection: Connection,
    /** Connection for Workers: pass it as `Worker.create({ connection })`. */
    readonly nativeConnection: NativeConnection,
    /**
     * Client for the server. In a time-skipping environment waiting for a Workflow's result
     * through it (`execute`, `result`, `handle.result()`) skips time.
     */
    readonly client: Client,
    /** Namespace the client uses. */
    readonly namespace: string,
    /** The server's address, host:port. */
    readonly address: string,
  ) {
    this.workflowClient = client.workflow;
  }

  /**
   * Starts a server that skips time: while a Workflow's result is awaited through {@link client}
   * (or during {@link sleep}) and no workflow or activity task is waiting or running, the
   * server's clock jumps to the next timer. While an activity runs, time flows at real speed.
   *
   * Time is global to the environment: run tests that rely on it serially, or give each its own
   * environment (one starts in milliseconds).
   *
   * @example
   * ```ts
   * const env = await TestWorkflowEnvironment.createTimeSkipping();
   * ```
   */
  static async createTimeSkipping(opts?: TimeSkippingTestWorkflowEnvironmentOptions): Promise<TestWorkflowEnvironment> {
    const clock = new TimeSkippingClock();
    const server = await EndureServer.start({
      port: opts?.server?.port ?? 0,
      store: 'memory',
      logLevel: opts?.server?.logLevel ?? 'warn',
      clock,
    });
    if (!server.timeSkipper) throw new Error('server started with a TimeSkippingClock has no time skipper');
    const timeSkipping = new ClientTimeLock(server.timeSkipper);
    return TestWorkflowEnvironment.connect(server, timeSkipping, 'default', server.address, (connection) =>
      new TimeSkippingClient({ ...opts?.client, connection, namespace: 'default', timeSkipping }),
    );
  }

  /**
   * Starts a normal server: time is real, {@link sleep} waits for real.
   *
   * @example
   * ```ts
   * const env = await TestWorkflowEnvironment.createLocal({ server: { namespace: 'orders' } });
   * ```
   */
  static async createLocal(opts?: LocalTestWorkflowEnvironmentOptions): Promise<TestWorkflowEnvironment> {
    const namespace = opts?.server?.namespace ?? 'default';
    const server = await EndureServer.start({
      port: opts?.server?.port ?? 0,
      ip: opts?.server?.ip,
      store: opts?.server?.dbFilename === undefined ? 'memory' : 'sqlite',
      dbFilename: opts?.server?.dbFilename,
      namespaces: [namespace],
      logLevel: opts?.server?.logLevel ?? 'warn',
    });
    return TestWorkflowEnvironment.connect(server, null, namespace, server.address, (connection) =>
      new Client({ ...opts?.client, connection, namespace }),
    );
  }

  /**
   * Connects to a server that is already running (e.g. `endure server start-dev`); teardown
   * leaves it running.
   *
   * @example
   * ```ts
   * const env = await TestWorkflowEnvironment.createFromExistingServer({ address: 'localhost:7233' });
   * ```
   */
  static async createFromExistingServer(
    opts?: ExistingServerTestWorkflowEnvironmentOptions,
  ): Promise<TestWorkflowEnvironment> {
    const namespace = opts?.namespace ?? 'default';
    return TestWorkflowEnvironment.connect(null, null, namespace, opts?.address ?? 'localhost:7233', (connection) =>
      new Client({ ...opts?.client, connection, namespace }),
    );
  }

  private static async connect(
    server: EndureServer | null,
    timeSkipping: ClientTimeLock | null,
    namespace: string,
    address: string,
    makeClient: (connection: Connection) => Client,
  ): Promise<TestWorkflowEnvironment> {
    try {
      const [connection, nativeConnection] = await Promise.all([
        Connection.connect({ address }),
        NativeConnection.connect({ address }),
      ]);
      const client = makeClient(connection);
      return new TestWorkflowEnvironment(timeSkipping !== null, server, timeSkipping, connection, nativeConnection, client, namespace, address);
    } catch (err) {
      await server?.stop();
      throw err;
    }
  }

  /**
   * Closes the connections and stops the server (Workers on {@link nativeConnection} should be
   * shut down first). Every step runs even when one fails; the failures are thrown together.
   */
  async teardown(): Promise<void> {
    const results = await Promise.allSettled([this.connection.close(), this.nativeConnection.close()]);
    if (this.server) results.push(...(await Promise.allSettled([this.server.stop()])));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) throw new AggregateError(errors, 'TestWorkflowEnvironment teardown failed');
  }

  /**
   * Waits for `durationMs` of server time. With time skipping the server's clock moves forward
   * by `durationMs` — firing the timers on the way, and jumping whenever nothing runs — so this
   * usually resolves at once; otherwise it is a real `setTimeout`.
   *
   * Unlike the official test server, a running activity holds time at real speed: an activity
   * that calls `env.sleep('1 day')` waits a real day.
   *
   * @param durationMs milliseconds or an {@link https://www.npmjs.com/package/ms | ms-formatted string}
   *
   * @example
   * ```ts
   * const handle = await env.client.workflow.start(reminder, { taskQueue: 'test', workflowId: 'r-1' });
   * await env.sleep('2 days'); // the reminder's one-day timer fires on the way
   * ```
   */
  sleep = async (durationMs: Duration): Promise<void> => {
    const ms = msToNumber(durationMs);
    if (this.timeSkipping) await this.timeSkipping.sleep(ms);
    else await new Promise((resolve) => setTimeout(resolve, ms));
  };

  /**
   * The server's current time: the system time, or wherever time skipping has moved it.
   *
   * @example
   * ```ts
   * const before = await env.currentTimeMs();
   * ```
   */
  // Async like the official API, where it is a call to the test server.
  // eslint-disable-next-line @typescript-eslint/require-await
  async currentTimeMs(): Promise<number> {
    return this.timeSkipping ? this.timeSkipping.skipper.nowMs() : Date.now();
  }
}

/**
 * The test client's hold on time skipping (the server's skipper starts locked): released
 * while at least one result or sleep is awaited, so concurrent waits do not unbalance it.
 */
class ClientTimeLock implements TimeSkippingLock {
  private waiters = 0;

  constructor(readonly skipper: TimeSkipper) {}

  unlockTimeSkipping(): void {
    if (this.waiters++ === 0) this.skipper.unlock();
  }

  lockTimeSkipping(): void {
    if (this.waiters <= 0) throw new Error('time skipping locked more often than unlocked');
    if (--this.waiters === 0) this.skipper.lock();
  }

  async sleep(ms: number): Promise<void> {
    this.unlockTimeSkipping();
    try {
      await this.skipper.sleep(ms);
    } finally {
      this.lockTimeSkipping();
    }
  }
}
