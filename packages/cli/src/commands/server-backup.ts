/**
 * `endure server backup --to FILE`: an online, consistent copy of a `start-dev` SQLite database,
 * taken while a server runs on it (SQLite's backup API, from this process, read-only; the copy
 * itself is `@endure/server`'s backupSqliteDatabase). Progress goes to standard error, the result
 * (pages, bytes, milliseconds) to standard output. A PostgreSQL database (`--db`, `ENDURE_DB` or
 * `db` in a `--config` file) is refused with a pointer to pg_dump and PITR, PostgreSQL's own tools.
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { SqliteBackupProgress } from '@endure/server';
import { ExitCode } from '../exit-codes.js';
import { parsePostgresUrl } from '../parsers.js';
import { applyConfigFile, configOption, withEnv, type ConfigFileSchema } from '../server-config.js';

interface BackupFlags {
  to: string;
  dbFilename?: string;
  force?: boolean;
  db?: string;
  config?: string;
}

/** Progress lines at most every this many milliseconds: a large copy reports, a small one stays quiet. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * @param startFileSchema the keys of `start`'s `--config` file: a file written for `start` serves
 *   here too, to find its PostgreSQL database and refuse it.
 * @param defaultDbFilename `start-dev`'s default database file.
 */
export function registerBackupCommand(server: Command, startFileSchema: ConfigFileSchema, defaultDbFilename: () => string): void {
  server
    .command('backup')
    .description(
      'Copy a start-dev SQLite database to a file, online: a server may keep running on it; the copy is consistent ' +
        '(the database as it stood when the backup started). For PostgreSQL use pg_dump or point-in-time recovery.',
    )
    .addOption(new Option('--to <file>', 'the backup file to write').makeOptionMandatory())
    .addOption(
      new Option(
        '-f, --db-filename <path>',
        'the SQLite database file, as given to start-dev (default: $XDG_DATA_HOME/endure/dev.db, else ~/.local/share/endure/dev.db)',
      ),
    )
    .addOption(new Option('--force', 'replace the --to file if it exists'))
    .addOption(withEnv(new Option('--db <url>', 'a PostgreSQL database (as for start): refused, with how to back it up').argParser(parsePostgresUrl)))
    .addOption(configOption())
    .hook('preAction', (command) => applyConfigFile(command, startFileSchema))
    .action(async (flags: BackupFlags, command: Command) => {
      // An explicit file wins over a PostgreSQL URL that only the environment or a config file set.
      const fileGiven = command.getOptionValueSource('dbFilename') === 'cli';
      if (flags.db !== undefined && !fileGiven) {
        refusePostgres(flags.db);
        return;
      }
      await runBackup(resolve(flags.dbFilename ?? defaultDbFilename()), flags);
    });
}

function refusePostgres(url: string): void {
  const shown = new URL(url);
  shown.password = '';
  process.stderr.write(
    [
      `endure: ${shown.toString()} is a PostgreSQL database: endure server backup copies SQLite files only.`,
      '  Back up PostgreSQL with its own tools: pg_dump -Fc (a consistent dump while the server runs; restore with',
      '  pg_restore), or continuous WAL archiving for point-in-time recovery. See docs/operations.md, "Backup and restore".',
      '',
    ].join('\n'),
  );
  process.exitCode = ExitCode.Failure;
}

async function runBackup(from: string, flags: BackupFlags): Promise<void> {
  let lastReportMs = Date.now();
  const onProgress = ({ totalPages, remainingPages }: SqliteBackupProgress): void => {
    const nowMs = Date.now();
    if (remainingPages === 0 || nowMs - lastReportMs < PROGRESS_INTERVAL_MS) return;
    lastReportMs = nowMs;
    const done = totalPages - remainingPages;
    process.stderr.write(`copied ${done} of ${totalPages} pages (${Math.floor((100 * done) / totalPages)} %)\n`);
  };
  try {
    // Loaded lazily, as `server start` does: other commands never pay for SQLite.
    const { backupSqliteDatabase } = await import('@endure/server');
    process.stderr.write(`Backing up ${from} to ${resolve(flags.to)}\n`);
    const summary = await backupSqliteDatabase({ from, to: flags.to, force: flags.force ?? false, onProgress });
    process.stdout.write(
      [
        `Backed up ${from} to ${summary.to}: ${summary.pages} pages, ${summary.bytes} bytes in ${summary.durationMs} ms ` +
          `(schema version ${summary.schemaVersion})`,
        `Restore: stop the server, then start it on the copy: endure server start-dev --db-filename ${summary.to}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`endure: could not back up the database: ${oneLine(err)}\n`);
    process.exitCode = ExitCode.Failure;
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}
