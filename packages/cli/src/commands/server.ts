/**
 * `endure server …`: run a server in this process. `start-dev` mirrors
 * `temporal server start-dev`, except that the default database is a file that survives
 * restarts (Temporal's dev server defaults to in-memory).
 */
import { mkdirSync } from 'node:fs';
import { constants as osConstants, homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { EndureServer } from '@endure/server';
import { ExitCode } from '../exit-codes.js';
import { collectNamespace, collectSearchAttribute, parseIp, parsePort, type SearchAttributeTypeName } from '../parsers.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type CliLogLevel = (typeof LOG_LEVELS)[number];
const LOG_FORMATS = ['pretty', 'json'] as const;
type CliLogFormat = (typeof LOG_FORMATS)[number];

interface StartDevFlags {
  port: number;
  ip: string;
  dbFilename?: string;
  inMemory?: boolean;
  namespace?: string[];
  searchAttribute?: Record<string, SearchAttributeTypeName>;
  logLevel: CliLogLevel;
  logFormat: CliLogFormat;
  headless?: boolean;
  uiPort?: number;
  uiIp?: string;
}

export function registerServerCommands(program: Command): void {
  const server = program.command('server').description('Run an Endure server');
  server
    .command('start-dev')
    .description('Start a development server with an embedded SQLite database')
    .addOption(new Option('-p, --port <port>', 'port for the gRPC frontend').argParser(parsePort).default(7233))
    .addOption(new Option('--ip <address>', 'address to bind').argParser(parseIp).default('127.0.0.1'))
    .addOption(
      new Option(
        '-f, --db-filename <path>',
        'SQLite database file, kept across restarts (default: $XDG_DATA_HOME/endure/dev.db, else ~/.local/share/endure/dev.db)',
      ),
    )
    .addOption(new Option('--in-memory', 'keep everything in memory (lost on exit)').conflicts('dbFilename'))
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
        .default('pretty'),
    )
    .addOption(new Option('--headless', 'do not serve the web UI and the HTTP API'))
    .addOption(
      new Option('--ui-port <port>', 'port for the web UI and the HTTP API (default: the gRPC port + 1000)').argParser(
        parsePort,
      ),
    )
    .addOption(new Option('--ui-ip <address>', 'address the web UI binds (default: --ip)').argParser(parseIp))
    .action(startDev);
}

async function startDev(flags: StartDevFlags): Promise<void> {
  const namespaces = ['default', ...(flags.namespace ?? []).filter((name) => name !== 'default')];
  let dbFilename: string | null = null;
  let server: EndureServer;
  try {
    dbFilename = flags.inMemory ? null : resolve(flags.dbFilename ?? defaultDbFilename());
    const uiPort = flags.headless ? undefined : (flags.uiPort ?? defaultUiPort(flags.port));
    // Loaded lazily so that commands which never start a server don't pay for gRPC and SQLite.
    const { EndureServer } = await import('@endure/server');
    server = await EndureServer.start({
      port: flags.port,
      ip: flags.ip,
      uiPort,
      uiIp: flags.uiIp ?? flags.ip,
      ...(dbFilename === null ? { inMemory: true } : { dbFilename }),
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
      `Database:      ${dbFilename ?? 'in memory (lost on exit)'}`,
      `Namespaces:    ${namespaces.join(', ')}`,
      '',
    ].join('\n'),
  );
  server.log.info({ address: server.address, ui: server.uiAddress ?? undefined, db: dbFilename ?? ':memory:', namespaces }, 'endure server started');
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
