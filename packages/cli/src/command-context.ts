/**
 * What a command's action works with: the resolved global flags, a Printer, a Spinner, and
 * a lazily opened connection and Client of `@endure/client` (commands that never reach the
 * server never connect). `clientAction` wraps a command's handler so the connection is
 * closed however the handler ends, and `--command-timeout` and Ctrl-C abort its calls.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@endure/client';
import { usageError } from './exit-codes.js';
import { resolveGlobalOptions, type GlobalOptions } from './global-options.js';
import { Printer } from './output/printer.js';
import { Spinner } from './output/spinner.js';

export interface CommandContext {
  readonly options: GlobalOptions;
  readonly namespace: string;
  /** The identity recorded in histories for this client: `--identity`, else `endure-cli@<host>`. */
  readonly identity: string;
  readonly printer: Printer;
  /** A progress line on standard error; shown only with text output on a terminal. */
  readonly spinner: Spinner;
  /** Aborted by `--command-timeout` or Ctrl-C. */
  readonly signal: AbortSignal;
  /** The connection, opened on first use (checks that the server answers). */
  connection(): Promise<Connection>;
  /** A Client on the connection, for the namespace of `-n`. */
  client(): Promise<Client>;
}

/**
 * Wraps a command handler: resolves the global flags, builds the context, and closes the
 * connection afterwards. `handler` gets the positional arguments and the command's own flags.
 */
export function clientAction<Flags extends object>(
  handler: (ctx: CommandContext, flags: Flags, args: string[]) => Promise<void>,
): (...actionArgs: unknown[]) => Promise<void> {
  return async (...actionArgs: unknown[]) => {
    const command = actionArgs.at(-1) as Command;
    const args = actionArgs.slice(0, -2) as string[];
    const ctx = createContext(command);
    try {
      await handler(ctx, command.opts<Record<string, unknown>>() as Flags, args);
    } finally {
      ctx.spinner.stop();
      await ctx.close();
    }
  };
}

function createContext(command: Command): CommandContext & { close(): Promise<void> } {
  const options = resolveGlobalOptions(command);
  const printer = new Printer({
    output: options.output,
    timeFormat: options.timeFormat,
    color: options.color,
    shorthandPayloads: !options.noJsonShorthandPayloads,
  });
  const spinner = new Spinner(printer.isText && process.stderr.isTTY === true);
  const abort = new AbortController();
  // The first Ctrl-C aborts the command's calls (it then ends with "interrupted"); a second
  // one exits at once, for a wait that does not listen to the signal.
  const onInterrupt = (): void => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onInterrupt);
  const timeout =
    options.commandTimeoutMs !== undefined
      ? setTimeout(() => abort.abort(new Error(`command timed out after ${options.commandTimeoutMs} ms`)), options.commandTimeoutMs)
      : undefined;
  timeout?.unref();

  let connecting: Promise<Connection> | undefined;
  const connection = (): Promise<Connection> => (connecting ??= openConnection(options));

  const identity = options.identity ?? `endure-cli@${hostname()}`;
  return {
    options,
    namespace: options.namespace,
    identity,
    printer,
    spinner,
    signal: abort.signal,
    connection,
    async client(): Promise<Client> {
      return new Client({
        connection: await connection(),
        namespace: options.namespace,
        identity,
      });
    },
    async close(): Promise<void> {
      process.removeListener('SIGINT', onInterrupt);
      if (timeout !== undefined) clearTimeout(timeout);
      if (connecting !== undefined) {
        const opened = await connecting.catch(() => undefined);
        await opened?.close();
      }
    },
  };
}

/** Connects, failing at once (not after the connect timeout) when nothing listens at the address. */
async function openConnection(options: GlobalOptions): Promise<Connection> {
  const connection = Connection.lazy(connectionOptions(options));
  try {
    await connection.checkReachable();
    await connection.ensureConnected();
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
  return connection;
}

/** `@endure/client` connection options from the global flags. */
export function connectionOptions(options: GlobalOptions): ConnectionOptions {
  const metadata: Record<string, string> = {};
  for (const entry of options.grpcMeta) {
    const at = entry.indexOf('=');
    if (at <= 0) throw usageError(`--grpc-meta "${entry}": expected KEY=VALUE`);
    metadata[entry.slice(0, at)] = entry.slice(at + 1);
  }
  const result: ConnectionOptions = { address: options.address, metadata };
  if (options.apiKey !== undefined) result.apiKey = options.apiKey;
  if (options.clientConnectTimeoutMs !== undefined) result.connectTimeout = options.clientConnectTimeoutMs;
  const tls = tlsConfig(options);
  if (tls !== undefined) result.tls = tls;
  return result;
}

function tlsConfig(options: GlobalOptions): TLSConfig | undefined {
  const cert = pem(options.tlsCertPath, options.tlsCertData, '--tls-cert-path', '--tls-cert-data');
  const key = pem(options.tlsKeyPath, options.tlsKeyData, '--tls-key-path', '--tls-key-data');
  const ca = pem(options.tlsCaPath, options.tlsCaData, '--tls-ca-path', '--tls-ca-data');
  if ((cert === undefined) !== (key === undefined)) {
    throw usageError('a client certificate needs both --tls-cert-path (or --tls-cert-data) and --tls-key-path (or --tls-key-data)');
  }
  const wanted = options.tls || options.apiKey !== undefined || cert !== undefined || ca !== undefined || options.tlsServerName !== undefined;
  if (!wanted) return undefined;
  const config: TLSConfig = {};
  if (ca !== undefined) config.serverRootCACertificate = ca;
  if (cert !== undefined && key !== undefined) config.clientCertPair = { crt: cert, key };
  if (options.tlsServerName !== undefined) config.serverNameOverride = options.tlsServerName;
  return config;
}

function pem(path: string | undefined, data: string | undefined, pathFlag: string, dataFlag: string): Buffer | undefined {
  if (path !== undefined && data !== undefined) throw usageError(`${pathFlag} and ${dataFlag} cannot be used together`);
  if (data !== undefined) return Buffer.from(data);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw usageError(`${pathFlag} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}
