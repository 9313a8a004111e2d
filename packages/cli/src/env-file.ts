/**
 * Environment presets (`endure env …`): named sets of flag values kept in a YAML file, in the
 * same layout as `temporal`'s `temporal.yaml`, so a file written by either CLI works with the
 * other through `--env-file`:
 *
 * ```yaml
 * env:
 *   prod:
 *     address: prod.example.com:7233
 *     namespace: billing
 *     tls-cert-path: /etc/certs/client.pem
 * ```
 *
 * Keys are flag names without the dashes in front. The file lives at
 * `$XDG_CONFIG_HOME/endure/endure.yaml` (else `~/.config/endure/endure.yaml`); `--env-file`
 * or `TEMPORAL_ENV_FILE` point elsewhere.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CliError } from './exit-codes.js';

export type EnvPresets = Record<string, Record<string, string>>;

/** The presets file used when neither `--env-file` nor `TEMPORAL_ENV_FILE` is set. */
export function defaultEnvFilePath(): string {
  const xdg = process.env['XDG_CONFIG_HOME'];
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config');
  return join(configHome, 'endure', 'endure.yaml');
}

/** Reads every preset; a missing file is an empty set, an unreadable one an error naming the file. */
export function readEnvFile(path: string): EnvPresets {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read the env file ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new CliError(`the env file ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  const env = (doc as { env?: unknown }).env;
  if (typeof doc !== 'object' || (env !== undefined && (typeof env !== 'object' || env === null))) {
    throw new CliError(`the env file ${path} must hold a map "env: { <name>: { <key>: <value> } }"`);
  }
  const presets: EnvPresets = {};
  for (const [name, values] of Object.entries((env ?? {}) as Record<string, unknown>)) {
    presets[name] = {};
    for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      presets[name][key] = String(value);
    }
  }
  return presets;
}

/** Writes every preset, atomically (a new file renamed over the old one). */
export function writeEnvFile(path: string, presets: EnvPresets): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, stringify({ env: presets }), { mode: 0o600 });
  renameSync(temp, path);
}
