/** Server options and their defaults: the one place a limit or default lives. */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { systemClock, type Clock } from './common/clock.js';
import type { SearchAttributeType } from './common/search-attribute-types.js';
import type { TlsSettings } from './frontend/tls.js';
import { checkAuth, type AuthOptions, type AuthSettings } from './auth/settings.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
/** `json`: one JSON object per line; `pretty`: one readable line per entry. */
export type LogFormat = 'json' | 'pretty';

export type StoreKind = 'sqlite' | 'memory' | 'postgres';

export interface EndureServerOptions {
  /** TCP port for the gRPC frontend; 0 picks a free port. Default 7233. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  ip?: string;
  /**
   * TCP port for the web UI and the HTTP JSON API (`/api/v1/...`); 0 picks a free port.
   * Default: none (no UI); `endure server start-dev` serves it on the gRPC port + 1000 (8233).
   */
  uiPort?: number;
  /** Address the UI port binds. Default: `ip`. */
  uiIp?: string;
  /**
   * TCP port serving Prometheus metrics at `/metrics` (and `/healthz`, `/readyz`); 0 picks a
   * free port (`EndureServer.metricsAddress`). Default: none, no metrics are collected (as
   * `temporal server start-dev` without `--metrics-port`).
   */
  metricsPort?: number;
  /** Address the metrics port binds. Default: `ip`. */
  metricsIp?: string;
  /**
   * Serve the gRPC port and the UI/HTTP port over TLS with this certificate and key (PEM files).
   * With `clientCaPath`, mutual TLS: clients must present a certificate that CA signed. The files
   * are checked every `reloadIntervalMs` (default 5 s) and a renewed certificate is served
   * without a restart.
   */
  tls?: { certPath: string; keyPath: string; clientCaPath?: string; reloadIntervalMs?: number };
  /**
   * Authentication and authorization (auth/): every call but the health checks must carry
   * `authorization: Bearer <API key or JWT>` whose permissions (`<namespace>:read|worker|write|admin`,
   * `system:<role>`) allow it. Off when absent (the default, and `start-dev`'s).
   */
  auth?: AuthOptions;
  /**
   * This node's name among the nodes sharing a database: 1 to 255 letters, digits and
   * `.`, `_`, `-`, `:`, `@`. It must differ between nodes running at the same time and should
   * stay the same across a node's restarts. Default `<hostname>:<port>` (with port 0, which
   * has no stable port, `<hostname>:0-<process id>`).
   */
  nodeId?: string;
  /**
   * `host:port` at which other nodes and clients reach this node's gRPC port, when that is not
   * the bound address (behind NAT, in a container, bound to 0.0.0.0). Default: `ip:port`, with
   * the host's name instead of a wildcard `ip` (0.0.0.0, ::); none with port 0 (then the
   * bound address, `EndureServer.address`, is the one).
   */
  advertiseAddress?: string;
  /**
   * Where state is kept. `sqlite` (default): an SQLite database through better-sqlite3, a
   * native module installed beside @endure/server. `memory`: plain JavaScript objects in this
   * process, lost on exit, nothing native to install (what `@endure/testing` uses).
   */
  store?: StoreKind;
  /**
   * The PostgreSQL database of `store: 'postgres'` (the default store when this is set), as
   * `postgres://user:password@host:port/database`. The database must exist; the server creates
   * or upgrades its tables.
   */
  postgresUrl?: string;
  /**
   * How long a server keeps retrying a PostgreSQL that refuses connections at start (not up
   * yet), with doubling waits from 250 ms to 5 s, logging each failure; 0 fails at once.
   * Default 60 s.
   */
  postgresConnectRetryMs?: number;
  /** Connections to PostgreSQL one server keeps open at most. Default 10. */
  postgresPoolSize?: number;
  /** SQLite database file. Ignored when `inMemory` is true or `store` is `memory`. */
  dbFilename?: string;
  /** Keep the SQLite database in memory (lost on exit). */
  inMemory?: boolean;
  /** Namespaces to create besides `default`. */
  namespaces?: string[];
  /**
   * Custom search attributes to register in those namespaces at start, name → type
   * (`Keyword`, `Text`, `Int`, `Double`, `Bool`, `Datetime`, `KeywordList`); ones already
   * registered with the same type are kept. Like `temporal server start-dev --search-attribute`.
   */
  searchAttributes?: Record<string, SearchAttributeType>;
  /**
   * `info`: server start, one line per workflow started and closed, per workflow task
   * failure or timeout; `debug`: also every RPC. Default `info`.
   */
  logLevel?: LogLevel;
  /** Default `json`. */
  logFormat?: LogFormat;
  /** Where log lines go. Default: standard error, written synchronously. */
  logOutput?: { write(text: string): void };
  /**
   * Largest payload (or payload list) accepted in one field [limit.blobSize.error]. Default 2 MiB.
   * (Its warning threshold is `limits.blobSizeWarnBytes`.)
   */
  payloadSizeMaxBytes?: number;
  /** How long a task poll waits before answering empty. Default 60 s. */
  pollTimeoutMs?: number;
  /** How long a history long-poll waits before answering empty. Default 20 s. */
  historyLongPollTimeoutMs?: number;
  /**
   * Time source of the engine and the timer queue. Default: the system clock.
   * A clock that can jump (`TimeSkippingClock`) also turns on automatic time
   * skipping (see `EndureServer.timeSkipper`). For tests: the CLI has no flag.
   */
  clock?: Clock;
  /** History length past which workflow tasks suggest continue-as-new. Default 4096 events (Temporal's). */
  suggestContinueAsNewEvents?: number;
  /**
   * DescribeTaskQueue stops listing a poller that has not polled for this long (one in a
   * long poll is always listed). Default 5 minutes (Temporal's).
   */
  pollerExpiryMs?: number;
  /**
   * Shortest retention a namespace may have (how long closed runs are kept). Default 1 day
   * (Temporal's); lower it only for tests of retention.
   */
  namespaceRetentionMinMs?: number;
  /** Retention of the namespaces the server creates itself (`default`, `namespaces`). Default 3 days. */
  namespaceRetentionDefaultMs?: number;
  /**
   * Limits that keep one namespace, client or workflow from taking the server from others;
   * each defaults to Temporal's (see `Limits` and docs/operations.md, "Limits").
   */
  limits?: Partial<Limits>;
}

// ---- Limits (Temporal's dynamic config names in brackets; docs/operations.md "Limits") ----

/** Every limit the server enforces per namespace, per client call or per workflow run. */
export interface Limits {
  /** Requests per second one namespace may make [frontend.namespaceRPS]. Default 2400. */
  namespaceRps: number;
  /** Burst above the rate, as a multiple of it [frontend.namespaceBurstRatio]. Default 2. */
  namespaceBurstRatio: number;
  /**
   * Long-running calls (task polls, history long polls, queries, updates) open at once per
   * namespace and method [frontend.namespaceCount]. Default 1200.
   */
  longPollsPerNamespaceMax: number;
  /**
   * Task polls open at once on one task queue (per namespace and poll method). Temporal has no
   * such limit: default 0, off.
   */
  longPollsPerTaskQueueMax: number;
  /** A payload past this size is logged [limit.blobSize.warn]. Default 512 KiB. */
  blobSizeWarnBytes: number;
  /** A memo past this size is logged [limit.memoSize.warn]. Default 2 KiB. */
  memoSizeWarnBytes: number;
  /** Largest memo accepted [limit.memoSize.error]. Default 2 MiB. */
  memoSizeMaxBytes: number;
  /** A run past this many events is logged [limit.historyCount.warn]. Default 10,240. */
  historyEventsWarn: number;
  /** A run past this many events is terminated [limit.historyCount.error]. Default 51,200. */
  historyEventsMax: number;
  /** A run whose history passes this size is logged [limit.historySize.warn]. Default 10 MiB. */
  historySizeWarnBytes: number;
  /** A run whose history passes this size is terminated [limit.historySize.error]. Default 50 MiB. */
  historySizeMaxBytes: number;
  /** Activities pending in one run [limit.numPendingActivities.error]. Default 2000; 0: no limit (also for the three below). */
  pendingActivitiesMax: number;
  /** Child workflows pending in one run [limit.numPendingChildExecutions.error]. Default 2000. */
  pendingChildrenMax: number;
  /** Signals to other workflows pending in one run [limit.numPendingSignals.error]. Default 2000. */
  pendingSignalsMax: number;
  /** Cancel requests to other workflows pending in one run [limit.numPendingCancelRequests.error]. Default 2000. */
  pendingCancelRequestsMax: number;
  /** Signals one run accepts in its life [history.maximumSignalsPerExecution]. Default 10,000. */
  signalsPerRunMax: number;
}

const LIMITS_DEFAULT: Limits = {
  namespaceRps: 2400,
  namespaceBurstRatio: 2,
  longPollsPerNamespaceMax: 1200,
  longPollsPerTaskQueueMax: 0,
  blobSizeWarnBytes: 512 * 1024,
  memoSizeWarnBytes: 2 * 1024,
  memoSizeMaxBytes: 2 * 1024 * 1024,
  historyEventsWarn: 10 * 1024,
  historyEventsMax: 50 * 1024,
  historySizeWarnBytes: 10 * 1024 * 1024,
  historySizeMaxBytes: 50 * 1024 * 1024,
  pendingActivitiesMax: 2000,
  pendingChildrenMax: 2000,
  pendingSignalsMax: 2000,
  pendingCancelRequestsMax: 2000,
  signalsPerRunMax: 10_000,
};

/** The limits with defaults filled in; each must be a number >= 0 (the burst ratio >= 1). */
/**
 * Temporal's dynamic config names of the limits, for `--dynamic-config-value NAME=VALUE` (as
 * `temporal server start-dev` takes them). `limit.blobSize.error` is `payloadSizeMaxBytes`.
 */
export const LIMIT_BY_TEMPORAL_NAME: Readonly<Record<string, keyof Limits | 'payloadSizeMaxBytes'>> = {
  'frontend.namespaceRPS': 'namespaceRps',
  'frontend.namespaceBurstRatio': 'namespaceBurstRatio',
  'frontend.namespaceCount': 'longPollsPerNamespaceMax',
  'limit.blobSize.error': 'payloadSizeMaxBytes',
  'limit.blobSize.warn': 'blobSizeWarnBytes',
  'limit.memoSize.error': 'memoSizeMaxBytes',
  'limit.memoSize.warn': 'memoSizeWarnBytes',
  'limit.historyCount.error': 'historyEventsMax',
  'limit.historyCount.warn': 'historyEventsWarn',
  'limit.historySize.error': 'historySizeMaxBytes',
  'limit.historySize.warn': 'historySizeWarnBytes',
  'limit.numPendingActivities.error': 'pendingActivitiesMax',
  'limit.numPendingChildExecutions.error': 'pendingChildrenMax',
  'limit.numPendingSignals.error': 'pendingSignalsMax',
  'limit.numPendingCancelRequests.error': 'pendingCancelRequestsMax',
  'history.maximumSignalsPerExecution': 'signalsPerRunMax',
};

/**
 * `{ limits, payloadSizeMaxBytes }` from Temporal-named values (`frontend.namespaceRPS` → 5000);
 * an unknown name or a value that is not a number throws, naming it. The numbers are checked
 * again, with the limits' own rules, when the server resolves its options.
 */
export function limitsFromTemporalNames(values: Readonly<Record<string, unknown>>): Pick<EndureServerOptions, 'limits' | 'payloadSizeMaxBytes'> {
  const limits: Partial<Limits> = {};
  let payloadSizeMaxBytes: number | undefined;
  for (const [name, value] of Object.entries(values)) {
    const key = LIMIT_BY_TEMPORAL_NAME[name];
    if (key === undefined) {
      throw new TypeError(`${name} is not a dynamic config value this server has (known: ${Object.keys(LIMIT_BY_TEMPORAL_NAME).join(', ')})`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a number, not ${JSON.stringify(value)}`);
    if (key === 'payloadSizeMaxBytes') payloadSizeMaxBytes = value;
    else limits[key] = value;
  }
  return { limits, ...(payloadSizeMaxBytes !== undefined ? { payloadSizeMaxBytes } : {}) };
}

function resolveLimits(given: Partial<Limits> | undefined): Limits {
  const limits = { ...LIMITS_DEFAULT };
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!(name in LIMITS_DEFAULT)) throw new TypeError(`limits.${name} is not a limit (known: ${Object.keys(LIMITS_DEFAULT).join(', ')})`);
    if (value === undefined) continue;
    const least = name === 'namespaceBurstRatio' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < least) {
      throw new TypeError(`limits.${name} must be a number >= ${least}, not ${String(value)}`);
    }
    limits[name as keyof Limits] = value;
  }
  return limits;
}

export interface ResolvedConfig {
  port: number;
  ip: string;
  tls: TlsSettings | null;
  /** null: no authentication, every call is allowed. */
  auth: AuthSettings | null;
  /** null: no UI server. */
  uiPort: number | null;
  uiIp: string;
  /** Metrics and health on their own HTTP port; null: no metrics. */
  metrics: { port: number; ip: string } | null;
  nodeId: string;
  /** null only when `port` is 0 and no address was given: the bound address is the one. */
  advertiseAddress: string | null;
  /** Largest HTTP API request body accepted (Temporal's: 4 MiB). */
  httpBodySizeMaxBytes: number;
  store: StoreKind;
  /** The PostgreSQL database when `store` is `postgres`, else null. */
  postgresUrl: string | null;
  postgresConnectRetryMs: number;
  postgresPoolSize: number;
  /** The SQLite file; null: in memory. */
  dbFilename: string | null;
  namespaces: string[];
  searchAttributes: Record<string, SearchAttributeType>;
  logLevel: LogLevel;
  logFormat: LogFormat;
  payloadSizeMaxBytes: number;
  pollTimeoutMs: number;
  historyLongPollTimeoutMs: number;
  pollerExpiryMs: number;
  clock: Clock;
  /** Longest workflow / namespace / task-queue / type identifier accepted. */
  idLengthMax: number;
  /** Largest gRPC message accepted. */
  grpcMessageSizeMaxBytes: number;
  /** Events returned per GetWorkflowExecutionHistory page. */
  historyPageSizeMax: number;
  /** How long QueryWorkflow waits for a worker's answer. */
  queryTimeoutMs: number;
  /** Past this many events, or this many bytes, workflow tasks suggest continue-as-new. */
  suggestContinueAsNewEvents: number;
  suggestContinueAsNewBytes: number;
  namespaceRetentionMinMs: number;
  namespaceRetentionDefaultMs: number;
  /** Most executions one ListWorkflowExecutions page returns (Temporal's default limit). */
  visibilityPageSizeMax: number;
  /** Runs a deleted namespace loses per store transaction while it is emptied in the background. */
  namespaceDeleteBatchSize: number;
  limits: Limits;
}

const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'memory', 'postgres'];

export function resolveConfig(options: EndureServerOptions): ResolvedConfig {
  if (options.store !== undefined && !STORE_KINDS.includes(options.store)) {
    throw new TypeError(`store must be 'sqlite', 'memory' or 'postgres', not ${JSON.stringify(options.store)}`);
  }
  const store = options.store ?? (options.postgresUrl !== undefined ? 'postgres' : 'sqlite');
  const retryMs = options.postgresConnectRetryMs ?? 60_000;
  if (!Number.isFinite(retryMs) || retryMs < 0) {
    throw new TypeError(`postgresConnectRetryMs must be a number of milliseconds >= 0, not ${String(retryMs)}`);
  }
  const port = options.port ?? 7233;
  const ip = options.ip ?? '127.0.0.1';
  return {
    port,
    ip,
    uiPort: options.uiPort ?? null,
    uiIp: options.uiIp ?? ip,
    metrics: options.metricsPort === undefined ? null : { port: checkPort(options.metricsPort, 'metricsPort'), ip: options.metricsIp ?? ip },
    tls: checkTls(options.tls),
    auth: checkAuth(options.auth),
    nodeId: options.nodeId === undefined ? defaultNodeId(port) : checkNodeId(options.nodeId),
    advertiseAddress:
      options.advertiseAddress === undefined ? defaultAdvertiseAddress(ip, port) : checkAdvertiseAddress(options.advertiseAddress),
    httpBodySizeMaxBytes: 4 * 1024 * 1024,
    store,
    postgresUrl: store === 'postgres' ? checkPostgresUrl(options.postgresUrl) : noPostgresUrl(store, options.postgresUrl),
    postgresConnectRetryMs: retryMs,
    postgresPoolSize: checkPoolSize(options.postgresPoolSize ?? 10),
    dbFilename: options.inMemory ? null : (options.dbFilename ?? null),
    namespaces: ['default', ...(options.namespaces ?? []).filter((n) => n !== 'default')],
    searchAttributes: { ...options.searchAttributes },
    logLevel: options.logLevel ?? 'info',
    logFormat: options.logFormat ?? 'json',
    payloadSizeMaxBytes: options.payloadSizeMaxBytes ?? 2 * 1024 * 1024,
    pollTimeoutMs: options.pollTimeoutMs ?? 60_000,
    historyLongPollTimeoutMs: options.historyLongPollTimeoutMs ?? 20_000,
    pollerExpiryMs: options.pollerExpiryMs ?? 5 * 60_000,
    clock: options.clock ?? systemClock,
    idLengthMax: 1000,
    grpcMessageSizeMaxBytes: 128 * 1024 * 1024,
    historyPageSizeMax: 1000,
    queryTimeoutMs: 30_000,
    suggestContinueAsNewEvents: options.suggestContinueAsNewEvents ?? 4 * 1024,
    suggestContinueAsNewBytes: 4 * 1024 * 1024,
    namespaceRetentionMinMs: options.namespaceRetentionMinMs ?? 24 * 3600 * 1000,
    namespaceRetentionDefaultMs: options.namespaceRetentionDefaultMs ?? 3 * 24 * 3600 * 1000,
    visibilityPageSizeMax: 1000,
    namespaceDeleteBatchSize: 100,
    limits: resolveLimits(options.limits),
  };
}

function checkPort(port: number, name: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`${name} must be a port from 0 to 65535, not ${String(port)}`);
  return port;
}

function checkTls(tls: EndureServerOptions['tls']): TlsSettings | null {
  if (tls === undefined) return null;
  const { certPath, keyPath, clientCaPath, reloadIntervalMs } = tls;
  if (typeof certPath !== 'string' || certPath === '') throw new TypeError('tls.certPath (the PEM certificate file) is required with tls');
  if (typeof keyPath !== 'string' || keyPath === '') throw new TypeError('tls.keyPath (the PEM private key file) is required with tls');
  const interval = reloadIntervalMs ?? 5000;
  if (!Number.isFinite(interval) || interval < 10) throw new TypeError(`tls.reloadIntervalMs must be at least 10 ms, not ${String(interval)}`);
  return { certPath, keyPath, clientCaPath: clientCaPath || null, reloadIntervalMs: interval };
}

/** The URL of `store: 'postgres'`, checked enough that a typo fails here and not as a connection error. */
function checkPostgresUrl(url: string | undefined): string {
  const example = 'postgres://user:password@host:5432/database';
  if (url === undefined || url === '') throw new TypeError(`store 'postgres' needs postgresUrl, e.g. ${example}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new TypeError(`postgresUrl is not a URL (expected e.g. ${example})`, { cause: err });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new TypeError(`postgresUrl must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  if (parsed.pathname.length <= 1) throw new TypeError(`postgresUrl must name a database, e.g. ${example}`);
  return url;
}

function noPostgresUrl(store: StoreKind, url: string | undefined): null {
  if (url !== undefined) throw new TypeError(`postgresUrl is set, but store is '${store}': use store 'postgres' (or leave store out)`);
  return null;
}

/** Letters, digits and the separators of host names, addresses and ports: safe in logs, URLs and SQL text. */
const NODE_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,255}$/;

/** `<hostname>:<port>`: unique on a host (two servers cannot bind one port) and the same after a restart. */
function defaultNodeId(port: number): string {
  return port === 0 ? `${hostname()}:0-${process.pid}` : `${hostname()}:${port}`;
}

function checkNodeId(nodeId: string): string {
  if (typeof nodeId !== 'string' || !NODE_ID_PATTERN.test(nodeId)) {
    throw new TypeError(
      `nodeId must be 1 to 255 letters, digits and . _ - : @, not ${JSON.stringify(nodeId)}`,
    );
  }
  return nodeId;
}

function defaultAdvertiseAddress(ip: string, port: number): string | null {
  if (port === 0) return null;
  const wildcard = ip === '0.0.0.0' || ip === '::';
  return joinHostPort(wildcard ? hostname() : ip, port);
}

/**
 * `host:port` with a DNS name, an IPv4 address or a bracketed IPv6 address, and a port from
 * 1 to 65535 (0 cannot be reached).
 */
function checkAdvertiseAddress(address: string): string {
  const example = 'e.g. endure-1.internal:7233, 10.0.0.5:7233 or [fd00::5]:7233';
  const match = typeof address === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address) : null;
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2] ?? '';
  const hostOk = match?.[1] !== undefined ? isIP(host) === 6 : isIP(host) === 4 || isDnsName(host);
  if (!match || !hostOk || port < 1 || port > 65_535) {
    throw new TypeError(`advertiseAddress must be host:port, ${example}, not ${JSON.stringify(address)}`);
  }
  return address;
}

/** RFC 1123 host names: labels of letters, digits and inner hyphens, 253 characters at most. */
function isDnsName(host: string): boolean {
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  return host.length <= 253 && host.split('.').every((part) => label.test(part));
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function checkPoolSize(size: number): number {
  if (!Number.isInteger(size) || size < 2 || size > 1000) {
    throw new TypeError(`postgresPoolSize must be a whole number of connections from 2 to 1000, not ${String(size)}`);
  }
  return size;
}
