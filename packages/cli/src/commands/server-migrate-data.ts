/**
 * `endure server migrate-data --from <sqlite file> --to postgres://…`: moves a development
 * database into PostgreSQL, for when `start-dev` is outgrown. Progress goes to standard error
 * as it happens, the summary (rows per table, checked on both sides) to standard output; the
 * copy itself is `@endure/server`'s migrateData.
 */
import { Command, Option } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { parsePostgresUrl } from '../parsers.js';

interface MigrateDataFlags {
  from: string;
  to: string;
}

export function registerMigrateDataCommand(server: Command): void {
  server
    .command('migrate-data')
    .description(
      'Copy a development SQLite database (namespaces, workflows, histories, tasks, timers, visibility) into an empty ' +
        'PostgreSQL database; running workflows go on running on a server started there',
    )
    .addOption(new Option('--from <file>', 'the SQLite database file (start-dev --db-filename); no server may be using it').makeOptionMandatory())
    .addOption(
      new Option('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database; it must exist and hold no Endure data')
        .argParser(parsePostgresUrl)
        .makeOptionMandatory(),
    )
    .action(runMigrateData);
}

async function runMigrateData(flags: MigrateDataFlags): Promise<void> {
  const target = withoutPassword(flags.to);
  try {
    // Loaded lazily, as `server start` does: other commands never pay for SQLite and pg.
    const { migrateData } = await import('@endure/server');
    const summary = await migrateData({
      sqliteFilename: flags.from,
      postgresUrl: flags.to,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    const width = Math.max(...Object.keys(summary.rows).map((table) => table.length));
    process.stdout.write(
      [
        `Copied ${flags.from} into ${target} in ${(summary.durationMs / 1000).toFixed(1)} s; row counts match on both sides:`,
        ...Object.entries(summary.rows).map(([table, rows]) => `  ${table.padEnd(width)}  ${rows}`),
        `Start a server on it: endure server start --db ${target}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`endure: could not migrate the data: ${oneLine(err)}\n`);
    process.exitCode = ExitCode.Failure;
  }
}

/** A URL fit for output: the password left out. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}
