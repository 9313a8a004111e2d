/**
 * `endure env get | set | list | delete`, as `temporal env`: named presets of flag values
 * (see env-file.ts), chosen with `--env` (or `TEMPORAL_ENV`; else `default`). Keys are flag
 * names without dashes: `endure env set --env prod -k address -v prod.example.com:7233`
 * makes `endure workflow list --env prod` talk to that address.
 *
 * The deprecated positional forms `temporal` still takes work too, with its warning:
 * `env get prod`, `env get prod.address`, `env set prod.address host:7233`, `env delete prod`.
 */
import type { Command } from 'commander';
import { defaultEnvFilePath, readEnvFile, writeEnvFile, type EnvPresets } from '../env-file.js';
import { CliError, usageError } from '../exit-codes.js';
import { addDisplayOptions, type ColorMode, type OutputFormat, type TimeFormat } from '../global-options.js';
import { Printer } from '../output/printer.js';
import { examples } from '../help.js';

interface EnvFlags {
  env?: string;
  envFile?: string;
  output?: OutputFormat;
  timeFormat?: TimeFormat;
  color?: ColorMode;
  key?: string;
  value?: string;
}

interface EnvContext {
  printer: Printer;
  file: string;
  presets: EnvPresets;
  envName: string;
  envFromFlag: boolean;
}

/** Like `clientAction`, without a server: the presets file, the chosen env and a Printer. */
function envAction(handler: (ctx: EnvContext, flags: EnvFlags, args: string[]) => void): (...actionArgs: unknown[]) => void {
  return (...actionArgs: unknown[]) => {
    const command = actionArgs.at(-1) as Command;
    const args = (actionArgs.slice(0, -2) as (string | string[] | undefined)[]).flat().filter((a): a is string => a !== undefined);
    const flags = command.opts<EnvFlags>();
    const envFromFlag = command.getOptionValueSource('env') === 'cli';
    const fromEnvVar = (name: string) => (process.env[name] !== undefined && process.env[name] !== '' ? process.env[name] : undefined);
    const file = (command.getOptionValueSource('envFile') === 'cli' ? flags.envFile : undefined) ?? fromEnvVar('TEMPORAL_ENV_FILE') ?? defaultEnvFilePath();
    const printer = new Printer({
      output: flags.output ?? 'text',
      timeFormat: flags.timeFormat ?? 'relative',
      color: flags.color ?? 'auto',
      shorthandPayloads: true,
    });
    const envName = (envFromFlag ? flags.env : undefined) ?? fromEnvVar('TEMPORAL_ENV') ?? 'default';
    handler({ printer, file, presets: readEnvFile(file), envName, envFromFlag }, flags, args);
  };
}

/** The env and key: from `--env`/`-k`, or from the deprecated `env[.key]` argument. */
function envAndKey(ctx: EnvContext, flags: EnvFlags, args: string[]): { env: string; key: string | undefined } {
  const argument = args[0];
  if (argument === undefined) {
    if (flags.key?.includes('.')) throw usageError('a property name may not contain dots');
    return { env: ctx.envName, key: flags.key };
  }
  process.stderr.write('Warning: arguments to env commands are deprecated; use --env and -k/--key instead\n');
  if (ctx.envFromFlag || flags.key !== undefined) throw usageError('give the env and key either as an argument or with --env and -k, not both');
  const pieces = argument.split('.');
  if (pieces.length > 2) throw usageError('a property name may not contain dots');
  return { env: pieces[0]!, key: pieces[1] };
}

function existingEnv(ctx: EnvContext, env: string): Record<string, string> {
  const values = ctx.presets[env];
  if (values === undefined && env !== 'default') throw usageError(`env preset "${env}" is not in ${ctx.file} (see "endure env list")`);
  return values ?? {};
}

export function registerEnvCommands(program: Command): void {
  const env = program
    .command('env')
    .description('Manage env presets: named sets of flag values (address, namespace, TLS files, …)')
    .addHelpText('after', examples('endure env set --env prod -k address -v prod.example.com:7233', 'endure workflow list --env prod'));

  const get = env
    .command('get')
    .description('Show the properties of an env preset, or one of them')
    .argument('[env.key]', 'deprecated: use --env and -k')
    .option('-k, --key <name>', 'property name')
    .addHelpText('after', examples('endure env get --env prod', 'endure env get --env prod -k address -o json'));
  addDisplayOptions(get).action(
    envAction((ctx, flags, args) => {
      const { env: name, key } = envAndKey(ctx, flags, args);
      const values = existingEnv(ctx, name);
      const rows =
        key !== undefined
          ? [{ property: key, value: values[key] ?? '' }]
          : Object.entries(values)
              .map(([property, value]) => ({ property, value }))
              .sort((a, b) => (a.property < b.property ? -1 : 1));
      printRows(ctx.printer, rows, [
        { header: 'Property', value: (r) => r.property },
        { header: 'Value', value: (r) => r.value },
      ]);
    }),
  );

  const set = env
    .command('set')
    .description('Set a property of an env preset (the preset is created if needed)')
    .argument('[args...]', 'deprecated: env.key value; use --env, -k and -v')
    .option('-k, --key <name>', 'property name (a flag name without dashes, e.g. address)')
    .option('-v, --value <value>', 'property value')
    .addHelpText('after', examples('endure env set --env prod -k address -v prod.example.com:7233', 'endure env set --env prod -k namespace -v billing'));
  addDisplayOptions(set).action(
    envAction((ctx, flags, args) => {
      if (args.length > 2) throw usageError('too many arguments: use --env, -k and -v');
      const { env: name, key } = envAndKey(ctx, flags, args);
      if (key === undefined) throw usageError('give the property name with -k');
      const value = args.length === 2 ? args[1] : flags.value;
      if (value === undefined) throw usageError('give the property value with -v');
      ctx.presets[name] = { ...ctx.presets[name], [key]: value };
      writeEnvFile(ctx.file, ctx.presets);
    }),
  );

  const list = env
    .command('list')
    .description('List the env presets')
    .addHelpText('after', examples('endure env list', 'endure env list -o json'));
  addDisplayOptions(list).action(
    envAction((ctx) => {
      printRows(
        ctx.printer,
        Object.keys(ctx.presets).map((name) => ({ name })),
        [{ header: 'Name', value: (r) => r.name }],
      );
    }),
  );

  const del = env
    .command('delete')
    .description('Delete an env preset, or one property of it')
    .argument('[env.key]', 'deprecated: use --env and -k')
    .option('-k, --key <name>', 'property name (default: delete the whole preset)')
    .addHelpText('after', examples('endure env delete --env prod -k tls-cert-path', 'endure env delete --env prod'));
  addDisplayOptions(del).action(
    envAction((ctx, flags, args) => {
      const { env: name, key } = envAndKey(ctx, flags, args);
      const values = existingEnv(ctx, name);
      if (key !== undefined) {
        if (!(key in values)) throw new CliError(`env preset "${name}" has no property "${key}"`);
        ctx.presets[name] = Object.fromEntries(Object.entries(values).filter(([k]) => k !== key));
      } else {
        delete ctx.presets[name];
      }
      writeEnvFile(ctx.file, ctx.presets);
    }),
  );
}

function printRows<Row extends object>(printer: Printer, rows: Row[], columns: { header: string; value: (row: Row) => string }[]): void {
  if (printer.output === 'json') printer.json(rows);
  else if (printer.output === 'jsonl') for (const row of rows) printer.json(row);
  else printer.table(columns, rows);
}
