/**
 * `endure server …`: run a server in this process. `start-dev` mirrors
 * `temporal server start-dev`, except that the default database is a file that survives
 * restarts (Temporal's dev server defaults to in-memory). `start` runs a production server on
 * PostgreSQL (`--db postgres://…`), and `migrate` creates or upgrades that database's schema.
 */
import { mkdirSync } from 'node:fs';
import { constants as osConstants, homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { EndureServer, EndureServerOptions } from '@endure/server';
import { ExitCode } from '../exit-codes.js';
import {
  collectNamespace,
  collectSearchAttribute,
  parseDurationMs,
  parseIp,
  parsePort,
  parsePostgresUrl,
  type SearchAttributeTypeName,
} from '../parsers.js';
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
}

interface StartDevFlags extends ServeFlags {
  dbFilename?: string;
  inMemory?: boolean;
}

interface StartFlags extends ServeFlags {
  db: string;
  dbConnectRetry: number;
}

export function registerServerCommands(program: Command): void {
  const server = program.command('server').description('Run an Endure server');
  const startDev = addListenOptions(
    server.command('start-dev').description('Start a development server with an embedded SQLite database'),
  )
    .addOption(
      new Option(
        '-f, --db-filename <path>',
        'SQLite database file, kept across restarts (default: $XDG_DATA_HOME/endure/dev.db, else ~/.local/share/endure/dev.db)',
      ),
    )
    .addOption(new Option('--in-memory', 'keep everything in memory (lost on exit)').conflicts('dbFilename'));
  addServeOptions(startDev, 'pretty').action(runStartDev);

  const start = addListenOptions(
    server.command('start').description('Start a server on a PostgreSQL database (creating or upgrading its schema)'),
  )
    .addOption(
      new Option('--db <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database')
        .argParser(parsePostgresUrl)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--db-connect-retry <duration>', 'how long to keep retrying a database that refuses connections at start, e.g. 2m; 0s fails at once')
        .argParser(parseDurationMs)
        .default(60_000, '1m'),
    );
  addServeOptions(start, 'json').action(runStart);

  server
    .command('migrate')
    .description("Create or upgrade the schema of a PostgreSQL database (a server's start does it too)")
    .addOption(
      new Option('--db <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database')
        .argParser(parsePostgresUrl)
        .makeOptionMandatory(),
    )
    .action(runMigrate);
  registerMigrateDataCommand(server);
}

function addListenOptions(command: Command): Command {
  return command
    .addOption(new Option('-p, --port <port>', 'port for the gRPC frontend').argParser(parsePort).default(7233))
    .addOption(new Option('--ip <address>', 'address to bind').argParser(parseIp).default('127.0.0.1'));
}

/** The options after the database ones: namespaces, logs and the UI port. */
function addServeOptions(command: Command, defaultLogFormat: CliLogFormat): Command {
  return command
    .addOption(
      new Option('-n, --namespace <name>', 'create this namespace besides "default" (repeatable)').argParser(
        collectNamespace,
      ),
    )
    .addOption(
      new Option(
        '--search-attribute <name=type>',
        'register a custom search attribute in every namespace above, e.g. CustomerId=Keyword (repeatable)',
      ).argParser(collectSearchAttribute),
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'info: a line per workflow started, closed and per workflow task failure; debug: also every RPC',
      )
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .addOption(
      new Option('--log-format <format>', 'log lines on standard error: pretty (readable) or json (one object per line)')
        .choices(LOG_FORMATS)
        .default(defaultLogFormat),
    )
    .addOption(new Option('--headless', 'do not serve the web UI and the HTTP API'))
    .addOption(
      new Option('--ui-port <port>', 'port for the web UI and the HTTP API (default: the gRPC port + 1000)').argParser(
        parsePort,
      ),
    )
    .addOption(new Option('--ui-ip <address>', 'address the web UI binds (default: --ip)').argParser(parseIp));
}

async function runStartDev(flags: StartDevFlags): Promise<void> {
  let dbFilename: string | null;
  try {
    dbFilename = flags.inMemory ? null : resolve(flags.dbFilename ?? defaultDbFilename());
  } catch (err) {
    process.stderr.write(`endure: could not start the server: ${errorMessage(err)}\n`);
    process.exitCode = ExitCode.Failure;
    return;
  }
  await serve(
    flags,
    dbFilename === null ? { inMemory: true } : { dbFilename },
    { shown: dbFilename ?? 'in memory (lost on exit)', logged: dbFilename ?? ':memory:' },
  );
}

async function runStart(flags: StartFlags): Promise<void> {
  const shown = withoutPassword(flags.db);
  await serve(flags, { store: 'postgres', postgresUrl: flags.db, postgresConnectRetryMs: flags.dbConnectRetry }, { shown, logged: shown });
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

/** Starts a server with the shared flags and the store's options, prints the banner and stays up until a signal. */
async function serve(flags: ServeFlags, storeOptions: EndureServerOptions, db: { shown: string; logged: string }): Promise<void> {
  const namespaces = ['default', ...(flags.namespace ?? []).filter((name) => name !== 'default')];
  let server: EndureServer;
  try {
    const uiPort = flags.headless ? undefined : (flags.uiPort ?? defaultUiPort(flags.port));
    // Loaded lazily so that commands which never start a server don't pay for gRPC and SQLite.
    const { EndureServer } = await import('@endure/server');
    server = await EndureServer.start({
      port: flags.port,
      ip: flags.ip,
      uiPort,
      uiIp: flags.uiIp ?? flags.ip,
      ...storeOptions,
      namespaces,
      searchAttributes: flags.searchAttribute ?? {},
      logLevel: flags.logLevel,
      logFormat: flags.logFormat,
    });
  } catch (err) {
    process.stderr.write(`endure: could not start the server: ${errorMessage(err)}\n`);
    process.exitCode = ExitCode.Failure;
    return;
  }

  // Handlers first: whoever reads the banner may signal at once.
  stopOnSignals(server);
  // The banner goes out in one write before any log line (logs go to standard error).
  process.stdout.write(
    [
      `Endure server: ${server.address}`,
      `Web UI:        ${server.uiAddress ?? 'off (--headless)'}`,
      `Database:      ${db.shown}`,
      `Namespaces:    ${namespaces.join(', ')}`,
      '',
    ].join('\n'),
  );
  server.log.info({ address: server.address, ui: server.uiAddress ?? undefined, db: db.logged, namespaces }, 'endure server started');
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

/** `$XDG_DATA_HOME/endure/dev.db`, else `~/.local/share/endure/dev.db`; creates the folder. */
function defaultDbFilename(): string {
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdgDataHome = process.env['XDG_DATA_HOME'];
  const dataHome = xdgDataHome && isAbsolute(xdgDataHome) ? xdgDataHome : join(homedir(), '.local', 'share');
  const dir = join(dataHome, 'endure');
  mkdirSync(dir, { recursive: true });
  return join(dir, 'dev.db');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
