/**
 * Settings of `endure server start` and `migrate` from outside the command line. A setting
 * comes from the first of: its flag, its `ENDURE_*` environment variable, the YAML file of
 * `--config`, its default. Commander does the first two and keeps the source of every value
 * (`cli`, `env`, `default`); this module adds the file, as commander's `config` source, to
 * the options the command line and the environment left at their defaults, and reads the
 * variables commander would misread: a switch's and a repeatable flag's (`applyOwnEnv`).
 *
 * The file's keys are the flags' long names (`ui-port: 8233` is `--ui-port 8233`) and each
 * value goes through the flag's own parser, so a value means the same and fails with the same
 * reason wherever it is written. A repeatable flag takes a list; a switch takes true or false.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type * as Yaml from 'yaml';
import { ExitCode } from './exit-codes.js';

/**
 * The YAML parser, loaded only when a `--config` file is given: most starts have none, and
 * loading it costs tens of milliseconds of every server start. Required rather than imported
 * so that `applyConfigFile` stays synchronous (commander's preAction hooks call it).
 */
function loadYaml(): typeof Yaml {
  return createRequire(import.meta.url)('yaml') as typeof Yaml;
}

/** `ENDURE_` and the flag's long name in upper snake case: `--ui-port` → `ENDURE_UI_PORT`. */
export function envVarOf(longFlag: string): string {
  return `ENDURE_${longFlag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

/** Gives `option` its `ENDURE_*` variable (before the option is added: commander listens for it then). */
export function withEnv(option: Option): Option {
  if (option.long === undefined) throw new Error(`option ${option.flags} has no long name for its environment variable`);
  return option.env(envVarOf(option.long));
}

/** `--config <file>` (with `withEnv`, `ENDURE_CONFIG`). */
export function configOption(): Option {
  return new Option(
    '--config <file>',
    'read settings from this YAML file; its keys are the long flag names (port: 7233); flags and ENDURE_* variables override it',
  );
}

export interface ConfigFileSchema {
  /** The options a file may set: every key must be one of their long names. */
  options: readonly Option[];
  /** Long names (without `--`) of the flags that can be given several times: a list in the file. */
  repeatable: ReadonlySet<string>;
}

/**
 * The `ENDURE_*` variables of the options that have none in commander (`Option.env`): a
 * switch's, which commander would turn on whatever it held (`false` included), here `true`,
 * `false`, `1` or `0`; and a repeatable flag's, which commander would take as one value, here
 * comma-separated (namespace and search attribute names hold no commas). A flag still wins;
 * run it before `applyConfigFile`, which a variable overrides.
 */
export function applyOwnEnv(command: Command, schema: ConfigFileSchema): void {
  for (const option of command.options) {
    const key = option.long?.slice(2);
    if (key === undefined || option.envVar !== undefined) continue;
    const list = schema.repeatable.has(key);
    if (!list && !option.isBoolean()) continue;
    const variable = envVarOf(key);
    const text = process.env[variable];
    const name = option.attributeName();
    const source = command.getOptionValueSource(name);
    if (text === undefined || (source !== undefined && source !== 'default')) continue;
    const fail: (value: string, reason: string) => never = (value, reason) =>
      command.error(`error: option '${option.flags}' value '${value}' from env '${variable}' is invalid. ${reason}`, {
        exitCode: ExitCode.Usage,
        code: 'commander.invalidArgument',
      });
    command.setOptionValueWithSource(name, list ? parseList(option, text, fail) : parseSwitch(text, fail), 'env');
  }
}

function parseSwitch(text: string, fail: (value: string, reason: string) => never): boolean {
  if (/^(true|1)$/i.test(text)) return true;
  if (/^(false|0)$/i.test(text)) return false;
  return fail(text, 'Expected true or false (or 1 or 0).');
}

function parseList(option: Option, text: string, fail: (value: string, reason: string) => never): unknown {
  let value: unknown = [];
  for (const item of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    try {
      value = option.parseArg ? option.parseArg(item, value) : [...(value as string[]), item];
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      fail(item, err.message);
    }
  }
  return value;
}

/**
 * Reads the file named by `--config`, if any, checks every key and value against `schema`,
 * and sets the command's options that no flag or variable set. A bad file ends the command
 * with one line naming the file, the key and the value, and the usage exit code.
 */
export function applyConfigFile(command: Command, schema: ConfigFileSchema): void {
  const path = command.getOptionValue('config') as string | undefined;
  if (path === undefined) return;
  const fail: (what: string) => never = (what) => command.error(`error: config file ${path}: ${what}`, { exitCode: ExitCode.Usage, code: 'endure.config' });

  const settings = readSettings(path, fail);
  for (const [key, raw] of Object.entries(settings)) {
    const option = schema.options.find((candidate) => candidate.long === `--${key}`);
    if (option === undefined) {
      const known = schema.options.map((candidate) => candidate.long?.slice(2)).filter((name) => name !== undefined);
      fail(`unknown key '${key}' (known keys: ${known.sort().join(', ')})`);
    }
    const value = parseSetting(option, key, raw, schema.repeatable.has(key), fail);
    const name = option.attributeName();
    const ours = command.options.some((candidate) => candidate.long === option.long);
    const source = command.getOptionValueSource(name);
    if (ours && value !== undefined && (source === undefined || source === 'default')) {
      command.setOptionValueWithSource(name, value, 'config');
    }
  }
}

/** The file's top-level mapping; an empty file sets nothing. */
function readSettings(path: string, fail: (what: string) => never): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let document: unknown;
  try {
    document = loadYaml().parse(text);
  } catch (err) {
    return fail(`is not valid YAML: ${firstLine(err)}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    return fail('expected a mapping of settings (key: value lines), e.g. "port: 7233"');
  }
  return document as Record<string, unknown>;
}

/** The option's value for a file entry, through the flag's parser; undefined for a switch set to false. */
function parseSetting(option: Option, key: string, raw: unknown, repeatable: boolean, fail: (what: string) => never): unknown {
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (option.isBoolean()) {
    if (typeof raw !== 'boolean') fail(`key '${key}' value '${shown}' is invalid. Expected true or false.`);
    return raw === true ? true : undefined;
  }
  const items = repeatable && Array.isArray(raw) ? (raw as unknown[]) : [raw];
  let value: unknown = undefined;
  for (const item of items) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      fail(`key '${key}' value '${shown}' is invalid. Expected ${repeatable ? 'a value or a list of values' : 'a single value'}.`);
    }
    const text = String(item);
    try {
      value = option.parseArg ? option.parseArg(text, value) : text;
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      fail(`key '${key}' value '${text}' is invalid. ${err.message}`);
    }
  }
  return value;
}

/** The yaml library's message without its code frame: "… at line 2, column 1". */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '').replace(/:$/, '');
}
