/**
 * `endure server migrate-data` as a user runs it (the built CLI in a child process): the
 * summary of a copy, and each refusal as one line on standard error with exit code 1 (a file
 * that is missing, not SQLite, or held by a running server; a PostgreSQL database that cannot
 * be reached or already holds data) or 2 (the command line itself).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { EndureServer } from '../../server/src/index.js';
import { postgresMigrations } from '../../server/src/persistence/postgres/migrations.js';
import { createTestDatabase, type TestDatabase } from '../../server/src/persistence/postgres/test-database.test-support.js';
import { runEndure } from './helpers/cli.js';

let dir: string;
let dbFilename: string;
let database: TestDatabase;

/** A dev database with a namespace besides `default` and one running workflow. */
async function makeDevDatabase(filename: string): Promise<void> {
  const server = await EndureServer.start({ port: 0, dbFilename: filename, namespaces: ['orders'], logLevel: 'error' });
  try {
    const connection = await Connection.connect({ address: server.address });
    try {
      await new Client({ connection }).workflow.start('movedWorkflow', { taskQueue: 'moved', workflowId: 'moved-1' });
    } finally {
      await connection.close();
    }
  } finally {
    await server.stop();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'endure-cli-migrate-data-'));
  dbFilename = join(dir, 'dev.db');
  await makeDevDatabase(dbFilename);
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** The one line a refusal prints. */
function refusal(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.startsWith('endure: '));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('endure server migrate-data', () => {
  it('copies the file, prints progress and the rows per table, then refuses to copy into the same database again', async () => {
    const shown = database.url;
    const copied = await runEndure(['server', 'migrate-data', '--from', dbFilename, '--to', database.url]);
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(
      new RegExp(
        `^Copied ${dbFilename} into ${shown} in \\d+\\.\\d s; row counts match on both sides:\\n` +
          '  namespaces             2\\n' +
          '  executions             1\\n' +
          '  current_executions     1\\n' +
          '  history_events         2\\n' +
          '  task_queue_tasks       1\\n' +
          '  timer_tasks            \\d+\\n' +
          '  executions_visibility  1\\n' +
          '  schedules              0\\n' +
          '  api_keys               0\\n' +
          `Start a server on it: endure server start --db ${shown}\\n$`,
      ),
    );
    expect(copied.stderr).toContain(`${shown}: schema at version ${postgresMigrations.length}\n`);
    expect(copied.stderr).toContain('history_events: 2 rows copied\n');

    const again = await runEndure(['server', 'migrate-data', '--from', dbFilename, '--to', database.url]);
    expect(again.code).toBe(1);
    expect(refusal(again.stderr)).toMatch(
      new RegExp(`^endure: could not migrate the data: the PostgreSQL database ${shown} already holds Endure data \\(2 namespaces, 1 executions, .*\\); migrate-data copies into an empty database only: create a new database`),
    );
  });

  it('refuses a file a running server holds', async () => {
    const server = await EndureServer.start({ port: 0, dbFilename, logLevel: 'error' });
    try {
      const result = await runEndure(['server', 'migrate-data', '--from', dbFilename, '--to', database.url]);
      expect(result.code).toBe(1);
      expect(refusal(result.stderr)).toBe(
        `endure: could not migrate the data: the SQLite file ${dbFilename} is in use by a running Endure server (it holds the file's lock); stop that server, then migrate`,
      );
    } finally {
      await server.stop();
    }
  });

  it('refuses a missing file, a file that is not SQLite and an unreachable PostgreSQL, each in one line', async () => {
    const missing = join(dir, 'missing.db');
    const notSqlite = join(dir, 'notes.txt');
    writeFileSync(notSqlite, 'not a database\n'.repeat(200));
    const cases: [string[], string | RegExp][] = [
      [['--from', missing, '--to', database.url], `endure: could not migrate the data: the SQLite file ${missing} does not exist`],
      [['--from', notSqlite, '--to', database.url], `endure: could not migrate the data: ${notSqlite} is not an SQLite database`],
      [
        ['--from', dbFilename, '--to', 'postgres://postgres@127.0.0.1:1/endure'],
        /^endure: could not migrate the data: cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(postgres:\/\/postgres@127\.0\.0\.1:1\/endure\): .*ECONNREFUSED/,
      ],
    ];
    for (const [args, expected] of cases) {
      const result = await runEndure(['server', 'migrate-data', ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      if (typeof expected === 'string') expect(refusal(result.stderr)).toBe(expected);
      else expect(refusal(result.stderr)).toMatch(expected);
    }
  });

  it.each([
    [['--from', 'dev.db'], /required option '--to <url>' not specified/],
    [['--to', 'postgres://h/db'], /required option '--from <file>' not specified/],
    [['--from', 'dev.db', '--to', 'mysql://h/db'], /Expected a postgres:\/\/ or postgresql:\/\/ URL/],
  ])('rejects %j with exit code 2', async (args, message) => {
    const result = await runEndure(['server', 'migrate-data', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
