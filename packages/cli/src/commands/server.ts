/**
 * `endure server …`: run a server in this process. `start-dev` mirrors
 * `temporal server start-dev`, except that the default database is a file that survives
 * restarts (Temporal's dev server defaults to in-memory). `start` runs a production server on
 * PostgreSQL (`--db postgres://…`), and `migrate` creates or upgrades that database's schema.
 * Both also read `ENDURE_*` variables and a `--config` file (server-config.ts); `start-dev`
 * reads its flags only.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { constants as osConstants, homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { EndureServer, EndureServerOptions } from '@endure/server';
import { ExitCode } from '../exit-codes.js';
import { applyConfigFile, applyOwnEnv, configOption, envVarOf, withEnv, type ConfigFileSchema } from '../server-config.js';
import {
  collectNamespace,
  collectDynamicConfigValue,
  collectSearchAttribute,
  parseDurationMs,
  parseIp,
  parseAdvertiseAddress,
  parseNodeId,
  parsePort,
  parsePositiveInt,
  parsePostgresUrl,
  type SearchAttributeTypeName,
} from '../parsers.js';
import { registerBackupCommand } from './server-backup.js';
import { registerMigrateDataCommand } from './server-migrate-data.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type CliLogLevel = (typeof LOG_LEVELS)[number];
const LOG_FORMATS = ['pretty', 'json'] as const;
type CliLogFormat = (typeof LOG_FORMATS)[number];

/** The flags `start-dev` and `start` share. */
interface ServeFlags {
  port: number;
  ip: string;
  namespace?: string[];
  searchAttribute?: Record<string, SearchAttributeTypeName>;
  logLevel: CliLogLevel;
  logFormat: CliLogFormat;
  headless?: boolean;
  uiPort?: number;
  uiIp?: string;
  metricsPort?: number;
  dynamicConfigValue?: Record<string, unknown>;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsClientCaPath?: string;
}

interface StartDevFlags extends ServeFlags {
  dbFilename?: string;
  inMemory?: boolean;
}

interface StartFlags extends ServeFlags {
  /** Always set by the time the action runs: `requireDb` checks it after the config file. */
  db: string;
  dbConnectRetry: number;
  dbPoolSize: number;
  nodeId?: string;
  advertiseAddress?: string;
  config?: string;
  auth?: boolean;
  authJwksPath?: string;
  authJwksUrl?: string;
  authJwtIssuer?: string;
  authJwtAudience?: string;
  authPermissionsClaim?: string;
  authAdminApiKeyFile?: string;
}

/** Flags given several times: a list in the config file, comma-separated in their variable. */
const REPEATABLE = new Set(['namespace', 'search-attribute', 'dynamic-config-value']);
/**
 * Flags whose `ENDURE_*` variable `applyOwnEnv` reads rather than commander: the lists, and
 * `--headless`, a switch, whose variable commander would read as on whatever it held.
 */
const OWN_ENV = new Set([...REPEATABLE, 'headless', 'auth']);

export function registerServerCommands(program: Command): void {
  const server = program.command('server').description('Run an Endure server');
  const startDev = addOptions(
    server.command('start-dev').description('Start a development server with an embedded SQLite database'),
    [
      ...listenOptions(),
      new Option(
        '-f, --db-filename <path>',
        'SQLite database file, kept across restarts (default: $XDG_DATA_HOME/endure/dev.db, else ~/.local/share/endure/dev.db)',
      ),
      new Option('--in-memory', 'keep everything in memory (lost on exit)').conflicts('dbFilename'),
      ...serveOptions('pretty'),
    ],
    { env: false },
  );
  startDev.action(runStartDev);

  // start and migrate read flags, then ENDURE_* variables, then the --config file (server-config.ts).
  const start = addOptions(
    server.command('start').description('Start a server on a PostgreSQL database (creating or upgrading its schema)'),
    [...listenOptions(), dbOption(), ...connectOptions(), ...nodeOptions(), ...serveOptions('json'), ...authOptions(), configOption()],
    { env: true },
  );
  const fileSchema: ConfigFileSchema = {
    options: start.options.filter((option) => option.long !== '--config'),
    repeatable: REPEATABLE,
  };
  start
    .hook('preAction', (command) => {
      applyOwnEnv(command, fileSchema);
      applyConfigFile(command, fileSchema);
      requireDb(command);
    })
    .action(runStart);

  // A file written for start serves migrate too: its other keys are checked, and ignored.
  addOptions(
    server.command('migrate').description("Create or upgrade the schema of a PostgreSQL database (a server's start does it too)"),
    [dbOption(), configOption()],
    { env: true },
  )
    .hook('preAction', (command) => {
      applyConfigFile(command, fileSchema);
      requireDb(command);
    })
    .action(runMigrate);
  registerMigrateDataCommand(server);
  registerBackupCommand(server, fileSchema, () => defaultDbFilename({ create: false }));
}

function addOptions(command: Command, options: Option[], { env }: { env: boolean }): Command {
  for (const option of options) {
    const name = option.long?.slice(2) ?? '';
    if (!env) command.addOption(option);
    else if (!OWN_ENV.has(name)) command.addOption(withEnv(option));
    else {
      const form = REPEATABLE.has(name) ? 'comma-separated' : 'true or false';
      option.description += ` (env: ${envVarOf(name)}, ${form})`;
      command.addOption(option);
    }
  }
  return command;
}

function listenOptions(): Option[] {
  return [
    new Option('-p, --port <port>', 'port for the gRPC frontend').argParser(parsePort).default(7233),
    new Option('--ip <address>', 'address to bind').argParser(parseIp).default('127.0.0.1'),
    new Option('--tls-cert-path <file>', 'serve the gRPC and UI ports over TLS with this PEM certificate (reloaded when it changes)'),
    new Option('--tls-key-path <file>', 'the PEM private key of --tls-cert-path'),
    new Option('--tls-client-ca-path <file>', 'require client certificates signed by this PEM CA (mutual TLS)'),
  ];
}

function dbOption(): Option {
  // Not makeOptionMandatory: commander checks that before the config file is read (requireDb does it after).
  return new Option('--db <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database (required)').argParser(
    parsePostgresUrl,
  );
}

function connectOptions(): Option[] {
  return [
    new Option('--db-connect-retry <duration>', 'how long to keep retrying a database that refuses connections at start, e.g. 2m; 0s fails at once')
      .argParser(parseDurationMs)
      .default(60_000, '1m'),
    new Option('--db-pool-size <connections>', 'connections to PostgreSQL this node keeps open at most (2 to 1000)')
      .argParser(parsePositiveInt)
      .default(10),
  ];
}

function nodeOptions(): Option[] {
  return [
    new Option('--node-id <id>', "this node's name among the nodes on the database; keep it across restarts (default: <hostname>:<port>)").argParser(
      parseNodeId,
    ),
    new Option(
      '--advertise-address <host:port>',
      'the gRPC address other nodes and clients reach this node at (default: --ip:--port, the host name if --ip is 0.0.0.0 or ::)',
    ).argParser(parseAdvertiseAddress),
  ];
}

/** Authentication (`start` only: `start-dev` is a server for one developer, open to its host). */
function authOptions(): Option[] {
  return [
    new Option('--auth', 'require credentials on every call: API keys (endure operator api-key), and JWTs with --auth-jwks-*'),
    new Option('--auth-jwks-path <file>', 'also accept JWTs signed by a key of this JWKS file (re-read when it changes); implies --auth'),
    new Option('--auth-jwks-url <url>', 'also accept JWTs signed by a key of the JWKS at this URL (cached); implies --auth'),
    new Option('--auth-jwt-issuer <iss>', 'the iss claim JWTs must carry'),
    new Option('--auth-jwt-audience <aud>', 'an aud claim JWTs must carry'),
    new Option('--auth-permissions-claim <name>', 'the JWT claim listing permissions such as default:write (default: permissions)'),
    new Option(
      '--auth-admin-api-key-file <file>',
      'a file holding a bootstrap key granting system:admin (or ENDURE_ADMIN_API_KEY): create real keys with it, then remove it; implies --auth',
    ),
  ];
}

/** The options after the database ones: namespaces, logs and the UI port. */
function serveOptions(defaultLogFormat: CliLogFormat): Option[] {
  return [
    new Option('-n, --namespace <name>', 'create this namespace besides "default" (repeatable)').argParser(collectNamespace),
    new Option(
      '--search-attribute <name=type>',
      'register a custom search attribute in every namespace above, e.g. CustomerId=Keyword (repeatable)',
    ).argParser(collectSearchAttribute),
    new Option('--log-level <level>', 'info: a line per workflow started, closed and per workflow task failure; debug: also every RPC')
      .choices(LOG_LEVELS)
      .default('info'),
    new Option('--log-format <format>', 'log lines on standard error: pretty (readable) or json (one object per line)')
      .choices(LOG_FORMATS)
      .default(defaultLogFormat),
    new Option('--headless', 'do not serve the web UI and the HTTP API'),
    new Option('--ui-port <port>', 'port for the web UI and the HTTP API (default: the gRPC port + 1000)').argParser(parsePort),
    new Option('--ui-ip <address>', 'address the web UI binds (default: --ip)').argParser(parseIp),
    new Option('--metrics-port <port>', 'serve Prometheus metrics at /metrics (and /healthz, /readyz) on this port (default: off)').argParser(
      parsePort,
    ),
    new Option(
      '--dynamic-config-value <name=value>',
      "set a limit by Temporal's dynamic config name, e.g. frontend.namespaceRPS=5000 (repeatable; docs/operations.md, Limits)",
    ).argParser(collectDynamicConfigValue),
  ];
}

/** The server's `tls` option from the three flags; one without the others is a usage mistake. */
function tlsOf(flags: ServeFlags): Pick<EndureServerOptions, 'tls'> {
  const { tlsCertPath: certPath, tlsKeyPath: keyPath, tlsClientCaPath: clientCaPath } = flags;
  if (certPath === undefined && keyPath === undefined && clientCaPath === undefined) return {};
  if (certPath === undefined || keyPath === undefined) {
    throw new Error('TLS needs both --tls-cert-path and --tls-key-path (--tls-client-ca-path adds client certificates)');
  }
  return { tls: { certPath: resolve(certPath), keyPath: resolve(keyPath), ...(clientCaPath ? { clientCaPath: resolve(clientCaPath) } : {}) } };
}

/**
 * The server's `auth` option: on with `--auth` or any `--auth-…` setting that needs it. The
 * bootstrap key comes from a file, or from ENDURE_ADMIN_API_KEY (never from a flag: a flag's
 * value shows in the process list).
 */
function authOf(flags: StartFlags): EndureServerOptions['auth'] {
  const jwks = flags.authJwksPath !== undefined || flags.authJwksUrl !== undefined;
  const adminFromEnv = process.env['ENDURE_ADMIN_API_KEY'];
  const adminApiKey =
    flags.authAdminApiKeyFile !== undefined
      ? readFileSync(resolve(flags.authAdminApiKeyFile), 'utf8').trim()
      : adminFromEnv !== undefined && adminFromEnv !== ''
        ? adminFromEnv
        : undefined;
  if (flags.auth !== true && !jwks && adminApiKey === undefined) {
    if (flags.authJwtIssuer !== undefined || flags.authJwtAudience !== undefined || flags.authPermissionsClaim !== undefined) {
      throw new Error('--auth-jwt-issuer, --auth-jwt-audience and --auth-permissions-claim need --auth-jwks-path or --auth-jwks-url');
    }
    return undefined;
  }
  const jwt = jwks
    ? {
        ...(flags.authJwksPath !== undefined ? { jwksPath: resolve(flags.authJwksPath) } : {}),
        ...(flags.authJwksUrl !== undefined ? { jwksUrl: flags.authJwksUrl } : {}),
        ...(flags.authJwtIssuer !== undefined ? { issuer: flags.authJwtIssuer } : {}),
        ...(flags.authJwtAudience !== undefined ? { audience: flags.authJwtAudience } : {}),
        ...(flags.authPermissionsClaim !== undefined ? { permissionsClaim: flags.authPermissionsClaim } : {}),
      }
    : undefined;
  return { ...(jwt ? { jwt } : {}), ...(adminApiKey !== undefined ? { adminApiKey } : {}) };
}

function requireDb(command: Command): void {
  if (command.getOptionValue('db') === undefined) {
    command.error("error: required option '--db <url>' not specified (nor ENDURE_DB, nor db in a --config file)", {
      exitCode: ExitCode.Usage,
      code: 'commander.missingMandatoryOptionValue',
    });
  }
}

async function runStartDev(flags: StartDevFlags): Promise<void> {
  let dbFilename: string | null;
  try {
    dbFilename = flags.inMemory ? null : resolve(flags.dbFilename ?? defaultDbFilename({ create: true }));
  } catch (err) {
    process.stderr.write(`endure: could not start the server: ${errorMessage(err)}\n`);
    process.exitCode = ExitCode.Failure;
    return;
  }
  await serve(
    flags,
    dbFilename === null ? { inMemory: true } : { dbFilename },
    { shown: dbFilename ?? 'in memory (lost on exit)', logged: dbFilename ?? ':memory:' },
    { cluster: false },
  );
}

async function runStart(flags: StartFlags): Promise<void> {
  const shown = withoutPassword(flags.db);
  const options: EndureServerOptions = {
    store: 'postgres',
    postgresUrl: flags.db,
    postgresConnectRetryMs: flags.dbConnectRetry,
    postgresPoolSize: flags.dbPoolSize,
    nodeId: flags.nodeId,
    advertiseAddress: flags.advertiseAddress,
  };
  try {
    const auth = authOf(flags);
    if (auth) options.auth = auth;
  } catch (err) {
    process.stderr.write(`endure: could not start the server: ${errorMessage(err)}\n`);
    process.exitCode = ExitCode.Failure;
    return;
  }
  await serve(flags, options, { shown, logged: shown }, { cluster: true, configFile: flags.config });
}

async function runMigrate(flags: { db: string }): Promise<void> {
  try {
    const { migratePostgresSchema } = await import('@endure/server');
    const { from, to } = await migratePostgresSchema(flags.db);
    const where = withoutPassword(flags.db);
    process.stdout.write(from === to ? `${where}: schema already at version ${to}\n` : `${where}: schema upgraded from version ${from} to ${to}\n`);
  } catch (err) {
    process.stderr.write(`endure: could not migrate the database: ${errorMessage(err)}\n`);
    process.exitCode = ExitCode.Failure;
  }
}

/** What the banner shows besides the addresses and the database. */
interface BannerExtras {
  /** Show the node id and the advertised address (`start`: a node that may share its database). */
  cluster: boolean;
  configFile?: string | undefined;
}

/** Starts a server with the shared flags and the store's options, prints the banner and stays up until a signal. */
async function serve(
  flags: ServeFlags,
  storeOptions: EndureServerOptions,
  db: { shown: string; logged: string },
  extras: BannerExtras,
): Promise<void> {
  const namespaces = ['default', ...(flags.namespace ?? []).filter((name) => name !== 'default')];
  let server: EndureServer;
  try {
    const uiPort = flags.headless ? undefined : (flags.uiPort ?? defaultUiPort(flags.port));
    // Loaded lazily so that commands which never start a server don't pay for gRPC and SQLite.
    const { EndureServer, limitsFromTemporalNames } = await import('@endure/server');
    const limits = limitsFromTemporalNames(flags.dynamicConfigValue ?? {});
    server = await EndureServer.start({
      port: flags.port,
      ip: flags.ip,
      uiPort,
      uiIp: flags.uiIp ?? flags.ip,
      ...(flags.metricsPort === undefined ? {} : { metricsPort: flags.metricsPort }),
      ...storeOptions,
      namespaces,
      searchAttributes: flags.searchAttribute ?? {},
      logLevel: flags.logLevel,
      logFormat: flags.logFormat,
      ...tlsOf(flags),
      ...limits,
    });
  } catch (err) {
    process.stderr.write(`endure: could not start the server: ${errorMessage(err)}\n`);
    process.exitCode = ExitCode.Failure;
    return;
  }

  // Handlers first: whoever reads the banner may signal at once.
  stopOnSignals(server);
  const nodeId = server.config.nodeId;
  const advertiseAddress = server.config.advertiseAddress ?? server.address;
  const configFile = extras.configFile === undefined ? undefined : resolve(extras.configFile);
  // The banner goes out in one write before any log line (logs go to standard error).
  process.stdout.write(
    [
      `Endure server: ${server.address}`,
      ...(extras.cluster ? [`Node ID:       ${nodeId}`, `Advertised as: ${advertiseAddress}`] : []),
      `Web UI:        ${server.uiAddress ?? 'off (--headless)'}`,
      ...(server.metricsAddress ? [`Metrics:       ${server.metricsAddress}/metrics`] : []),
      ...(server.config.tls ? [`TLS:           ${server.config.tls.clientCaPath ? 'on, client certificates required' : 'on'}`] : []),
      ...(server.config.auth ? [`Auth:          ${authBanner(server.config.auth)}`] : []),
      `Database:      ${db.shown}`,
      `Namespaces:    ${namespaces.join(', ')}`,
      ...(configFile === undefined ? [] : [`Config file:   ${configFile}`]),
      '',
    ].join('\n'),
  );
  server.log.info(
    {
      address: server.address,
      nodeId,
      advertiseAddress,
      ui: server.uiAddress ?? undefined,
      metrics: server.metricsAddress ?? undefined,
      db: db.logged,
      namespaces,
      config: configFile,
    },
    'endure server started',
  );
}

function authBanner(auth: NonNullable<EndureServer['config']['auth']>): string {
  const accepted = ['API keys', ...(auth.jwt ? [`JWTs (${auth.jwt.jwksPath ?? auth.jwt.jwksUrl ?? ''})`] : [])];
  return `on, ${accepted.join(' and ')}${auth.adminApiKey ? '; bootstrap admin key set (remove it once real keys exist)' : ''}`;
}

/** A database URL fit for a banner or a log: the password left out. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

/** Temporal's default: the gRPC port + 1000 (7233 → 8233); any free port when the gRPC port is. */
function defaultUiPort(grpcPort: number): number {
  if (grpcPort === 0) return 0;
  const port = grpcPort + 1000;
  if (port > 65535) throw new Error(`the UI port would be ${port} (the gRPC port + 1000): pass --ui-port or --headless`);
  return port;
}

/**
 * The first SIGINT/SIGTERM stops the server gracefully; a second one exits at once, for
 * when a graceful stop hangs.
 */
function stopOnSignals(server: EndureServer): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(128 + osConstants.signals[signal]);
    }
    stopping = true;
    process.stderr.write(`\nReceived ${signal}, stopping the server (send it again to exit now)\n`);
    server.stop().then(
      () => process.exit(ExitCode.Ok),
      (err: unknown) => {
        process.stderr.write(`endure: error while stopping the server: ${errorMessage(err)}\n`);
        process.exit(ExitCode.Failure);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** `$XDG_DATA_HOME/endure/dev.db`, else `~/.local/share/endure/dev.db`; `create` makes the folder. */
function defaultDbFilename({ create }: { create: boolean }): string {
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdgDataHome = process.env['XDG_DATA_HOME'];
  const dataHome = xdgDataHome && isAbsolute(xdgDataHome) ? xdgDataHome : join(homedir(), '.local', 'share');
  const dir = join(dataHome, 'endure');
  if (create) mkdirSync(dir, { recursive: true });
  return join(dir, 'dev.db');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
