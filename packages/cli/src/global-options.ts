/**
 * The flags every client command takes, as `temporal` names them: connection flags
 * (`--address`, `-n/--namespace`, `--api-key`, `--tls…`, `--grpc-meta`) and display flags
 * (`-o/--output`, `--time-format`, `--color`, …).
 *
 * A value comes from, in order: the command line, the environment variables `temporal`
 * reads (`TEMPORAL_ADDRESS`, …), the active env preset (`--env`, `TEMPORAL_ENV`; see
 * env-file.ts), the default.
 */
import { Command, Option } from 'commander';
import { defaultEnvFilePath, readEnvFile } from './env-file.js';
import { usageError } from './exit-codes.js';
import { parseDurationMs, collectRepeated } from './parsers.js';

export const OUTPUT_FORMATS = ['text', 'json', 'jsonl', 'none'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const TIME_FORMATS = ['relative', 'iso', 'raw'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];
export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'never'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every global flag after resolution. */
export interface GlobalOptions {
  env: string;
  envFile: string;
  logLevel: LogLevel;
  output: OutputFormat;
  timeFormat: TimeFormat;
  color: ColorMode;
  noJsonShorthandPayloads: boolean;
  commandTimeoutMs: number | undefined;
  clientConnectTimeoutMs: number | undefined;
  address: string;
  namespace: string;
  apiKey: string | undefined;
  grpcMeta: string[];
  tls: boolean;
  tlsCertPath: string | undefined;
  tlsCertData: string | undefined;
  tlsKeyPath: string | undefined;
  tlsKeyData: string | undefined;
  tlsCaPath: string | undefined;
  tlsCaData: string | undefined;
  tlsServerName: string | undefined;
  identity: string | undefined;
}

interface FlagSpec {
  /** The commander attribute name (camelCase of the long flag). */
  key: keyof GlobalOptions;
  flags: string;
  description: string;
  /** Environment variables read when the flag is not given, first found wins. */
  envVars?: string[];
  choices?: readonly string[];
  defaultValue?: unknown;
  parse?: (value: string, previous: unknown) => unknown;
}

const collect = (value: string, previous: unknown): string[] => collectRepeated(value, previous as string[] | undefined);

const CLIENT_FLAGS: FlagSpec[] = [
  { key: 'address', flags: '--address <host:port>', description: 'server gRPC endpoint', envVars: ['TEMPORAL_ADDRESS'], defaultValue: 'localhost:7233' },
  { key: 'namespace', flags: '-n, --namespace <name>', description: 'namespace', envVars: ['TEMPORAL_NAMESPACE'], defaultValue: 'default' },
  { key: 'apiKey', flags: '--api-key <key>', description: 'API key sent as "Authorization: Bearer <key>" (turns TLS on)', envVars: ['TEMPORAL_API_KEY'] },
  { key: 'grpcMeta', flags: '--grpc-meta <KEY=VALUE>', description: 'gRPC header sent with every request (repeatable)', parse: collect },
  { key: 'tls', flags: '--tls', description: 'connect with TLS (on by default with --api-key or any --tls-… file)', envVars: ['TEMPORAL_TLS'] },
  { key: 'tlsCertPath', flags: '--tls-cert-path <path>', description: 'client certificate for mTLS (PEM)', envVars: ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CERT'] },
  { key: 'tlsCertData', flags: '--tls-cert-data <pem>', description: 'client certificate for mTLS, inline', envVars: ['TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CERT_DATA'] },
  { key: 'tlsKeyPath', flags: '--tls-key-path <path>', description: 'private key of the client certificate (PEM)', envVars: ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_KEY'] },
  { key: 'tlsKeyData', flags: '--tls-key-data <pem>', description: 'private key of the client certificate, inline', envVars: ['TEMPORAL_TLS_CLIENT_KEY_DATA', 'TEMPORAL_TLS_KEY_DATA'] },
  { key: 'tlsCaPath', flags: '--tls-ca-path <path>', description: 'CA certificate that signed the server certificate (PEM)', envVars: ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CA'] },
  { key: 'tlsCaData', flags: '--tls-ca-data <pem>', description: 'CA certificate of the server, inline', envVars: ['TEMPORAL_TLS_SERVER_CA_CERT_DATA', 'TEMPORAL_TLS_CA_DATA'] },
  { key: 'tlsServerName', flags: '--tls-server-name <name>', description: 'server name expected in the server certificate', envVars: ['TEMPORAL_TLS_SERVER_NAME'] },
  { key: 'clientConnectTimeoutMs', flags: '--client-connect-timeout <duration>', description: 'how long to wait for the server to answer, e.g. 5s', parse: parseDurationMs },
  { key: 'identity', flags: '--identity <identity>', description: 'identity recorded in the history for this client (default: endure-cli@<host>)' },
];

const DISPLAY_FLAGS: FlagSpec[] = [
  { key: 'env', flags: '--env <name>', description: 'active env preset (see "endure env")', envVars: ['TEMPORAL_ENV'], defaultValue: 'default' },
  { key: 'envFile', flags: '--env-file <path>', description: `env presets file (default: ${defaultEnvFilePath().replace(process.env['HOME'] ?? '\0', '~')})`, envVars: ['TEMPORAL_ENV_FILE'] },
  { key: 'output', flags: '-o, --output <format>', description: 'data output format', choices: OUTPUT_FORMATS, defaultValue: 'text' },
  { key: 'timeFormat', flags: '--time-format <format>', description: 'how times are shown in text output', choices: TIME_FORMATS, defaultValue: 'relative' },
  { key: 'color', flags: '--color <when>', description: 'colour in text output (auto: on a terminal, and never with NO_COLOR)', choices: COLOR_MODES, defaultValue: 'auto' },
  { key: 'noJsonShorthandPayloads', flags: '--no-json-shorthand-payloads', description: 'show payloads in JSON output as metadata and base64 data, even JSON ones' },
  { key: 'commandTimeoutMs', flags: '--command-timeout <duration>', description: 'give up on the command after this long, e.g. 30s', parse: parseDurationMs },
  { key: 'logLevel', flags: '--log-level <level>', description: 'debug also prints stack traces of errors', choices: LOG_LEVELS, defaultValue: 'warn' },
];

/** Adds the display flags (`-o`, `--time-format`, …) to a command that prints data but needs no server. */
export function addDisplayOptions(command: Command): Command {
  for (const spec of DISPLAY_FLAGS) command.addOption(makeOption(spec, 'Display options:'));
  return command;
}

/** Adds the connection and display flags to a command that talks to a server. */
export function addClientOptions(command: Command): Command {
  for (const spec of CLIENT_FLAGS) command.addOption(makeOption(spec, 'Client options:'));
  return addDisplayOptions(command);
}

function makeOption(spec: FlagSpec, group: string): Option {
  // Defaults are applied by resolveGlobalOptions (after env vars and presets), only shown here.
  const option = new Option(spec.flags, spec.description).helpGroup(group);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse);
  const notes = [
    spec.defaultValue !== undefined ? `default: ${JSON.stringify(spec.defaultValue)}` : undefined,
    spec.envVars ? `env: ${spec.envVars[0]}` : undefined,
  ].filter((n) => n !== undefined);
  if (notes.length > 0) option.description += ` (${notes.join('; ')})`;
  return option;
}

/**
 * The global flags of `command` after the command line, environment variables, env preset and
 * defaults. Throws a usage error for a bad value from the environment or a preset.
 */
export function resolveGlobalOptions(command: Command): GlobalOptions {
  const given = command.opts<Record<string, unknown>>();
  const specs = [...DISPLAY_FLAGS, ...CLIENT_FLAGS].filter((spec) => command.options.some((o) => o.attributeName() === spec.key));
  const resolved: Record<string, unknown> = {};
  const fromCommandLine = (key: string): boolean => {
    const source = command.getOptionValueSource(key);
    return source === 'cli';
  };

  // --env and --env-file first: they choose the preset the other flags may come from.
  const pick = (spec: FlagSpec, preset: Record<string, string>): unknown => {
    if (fromCommandLine(spec.key)) return given[spec.key];
    const name = spec.flags.match(/--([a-z-]+)/)?.[1] ?? spec.key;
    for (const envVar of spec.envVars ?? []) {
      const value = process.env[envVar];
      if (value !== undefined && value !== '') return fromText(spec, value, `environment variable ${envVar}`);
    }
    if (name in preset) return fromText(spec, preset[name]!, `env preset value "${name}"`);
    // A `--no-x` flag's default is `true` in commander; keep it.
    return given[spec.key] ?? spec.defaultValue;
  };
  const envSpec = DISPLAY_FLAGS.find((s) => s.key === 'env')!;
  const envFileSpec = DISPLAY_FLAGS.find((s) => s.key === 'envFile')!;
  const envName = pick(envSpec, {}) as string;
  const envFile = (pick(envFileSpec, {}) as string | undefined) ?? defaultEnvFilePath();
  const presets = readEnvFile(envFile);
  const preset = presets[envName] ?? {};
  if (fromCommandLine('env') && presets[envName] === undefined && envName !== 'default') {
    throw usageError(`env preset "${envName}" is not in ${envFile} (see "endure env list")`);
  }
  for (const spec of specs) resolved[spec.key] = pick(spec, preset);
  resolved['env'] = envName;
  resolved['envFile'] = envFile;
  resolved['grpcMeta'] ??= [];
  resolved['tls'] = resolved['tls'] === true;
  // commander stores `--no-json-shorthand-payloads` as `jsonShorthandPayloads: false`.
  resolved['noJsonShorthandPayloads'] = given['jsonShorthandPayloads'] === false || resolved['noJsonShorthandPayloads'] === true;
  return resolved as unknown as GlobalOptions;
}

function fromText(spec: FlagSpec, text: string, origin: string): unknown {
  if (spec.key === 'tls' || spec.key === 'noJsonShorthandPayloads') {
    if (!/^(true|false|1|0)$/i.test(text)) throw usageError(`${origin}: expected true or false, got "${text}"`);
    return /^(true|1)$/i.test(text);
  }
  if (spec.choices && !spec.choices.includes(text)) {
    throw usageError(`${origin}: "${text}" is not one of ${spec.choices.join(', ')}`);
  }
  if (spec.parse) {
    try {
      return spec.parse(text, undefined);
    } catch (err) {
      throw usageError(`${origin}: ${(err as Error).message}`);
    }
  }
  return text;
}
