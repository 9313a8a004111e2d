/**
 * `endure server start-dev` as a user runs it: the built CLI in a child process.
 * Checks the banner, graceful stop on a signal, and usage errors (exit code 2). Also
 * `endure server start --db postgres://…` and `endure server migrate`, the production pair,
 * against a database of their own on the local PostgreSQL.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { postgresMigrations } from '../../server/src/persistence/postgres/migrations.js';
import { createTestDatabase } from '../../server/src/persistence/postgres/test-database.test-support.js';
import { exitCodeOf, killServerProcesses, runServerCli as runCli, waitForOutput } from './helpers/server-process.js';
import { certificateDir } from '../../server/test/helpers/certificates.js';

const distMainPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'endure-cli-'));
  tempDirs.push(dir);
  return dir;
}

beforeAll(() => {
  if (!existsSync(distMainPath)) throw new Error(`${distMainPath} is missing: run \`npm run build\` first`);
});

afterEach(() => {
  killServerProcesses();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('endure server start-dev', () => {
  it('creates the default database under XDG_DATA_HOME, prints the banner and stops on SIGINT', async () => {
    const dataHome = tempDir();
    const run = runCli(['server', 'start-dev', '--port', '0', '-n', 'orders', '--log-level', 'warn'], {
      XDG_DATA_HOME: dataHome,
    });
    await waitForOutput(run, /Namespaces: +default, orders\n/);
    expect(run.output()).toMatch(/Endure server: 127\.0\.0\.1:\d+\n/);
    expect(run.output()).toContain(`Database:      ${join(dataHome, 'endure', 'dev.db')}\n`);

    run.child.kill('SIGINT');
    expect(await exitCodeOf(run.child)).toBe(0);
  });

  it('runs in memory and stops on SIGTERM', async () => {
    const run = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--log-level', 'warn']);
    await waitForOutput(run, /Namespaces: +default\n/);
    expect(run.output()).toContain('Database:      in memory');

    run.child.kill('SIGTERM');
    expect(await exitCodeOf(run.child)).toBe(0);
  });

  it.each([
    [['--port', 'abc'], /--port <port>' argument 'abc' is invalid/],
    [['--port', '65536'], /argument '65536' is invalid/],
    [['--ip', 'not-an-ip'], /--ip <address>' argument 'not-an-ip' is invalid/],
    [['--log-level', 'loud'], /Allowed choices are debug, info, warn, error/],
    [['--log-format', 'xml'], /Allowed choices are pretty, json/],
    [['--in-memory', '--db-filename', 'x.db'], /'--in-memory' cannot be used with option '-f, --db-filename/],
    [['--no-such-flag'], /unknown option '--no-such-flag'/],
    [['--search-attribute', 'Score=Number'], /Expected <name>=<type> with a type among Keyword, Text/],
  ])('rejects %j with a clear message and exit code 2', async (flags, message) => {
    const run = runCli(['server', 'start-dev', ...flags]);
    expect(await exitCodeOf(run.child)).toBe(2);
    expect(run.output()).toMatch(message);
  });

  it('registers --search-attribute in every namespace it creates', async () => {
    const run = runCli([
      'server', 'start-dev', '--port', '0', '--in-memory', '--log-level', 'warn', '-n', 'orders',
      '--search-attribute', 'CustomerId=Keyword', '--search-attribute', 'score=int',
    ]);
    const [, address] = await waitForOutput(run, /Endure server: (\S+)\n[\s\S]*Namespaces:/);
    const connection = await Connection.connect({ address: address! });
    try {
      for (const namespace of ['default', 'orders']) {
        const listed = await connection.operatorService.listSearchAttributes({ namespace });
        expect(listed.customAttributes).toMatchObject({ CustomerId: 2, score: 3, CustomKeywordField: 2 });
      }
    } finally {
      await connection.close();
    }
    run.child.kill('SIGTERM');
    expect(await exitCodeOf(run.child)).toBe(0);
  });

  it('prints the banner whole on standard output and logs as JSON on standard error with --log-format json', async () => {
    const run = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--log-format', 'json']);
    const [, address] = await waitForOutput(run, /Endure server: (127\.0\.0\.1:\d+)\n/);
    await waitForOutput(run, /"msg":"endure server started"/);
    expect(run.stdout()).toMatch(
      /^Endure server: [^\n]+\nWeb UI: +http:\/\/127\.0\.0\.1:\d+\nDatabase: +in memory[^\n]*\nNamespaces: +default\n$/,
    );

    const connection = await Connection.connect({ address });
    try {
      const handle = await new Client({ connection }).workflow.start('loggedWorkflow', { taskQueue: 'log-json', workflowId: 'log-json-1' });
      await handle.terminate('seen enough');
    } finally {
      await connection.close();
    }
    await waitForOutput(run, /"msg":"workflow closed"/);
    const lines = run
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'endure server started', address, namespaces: ['default'] }));
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'workflow started', workflowId: 'log-json-1', workflowType: 'loggedWorkflow', taskQueue: 'log-json' }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'workflow closed', workflowId: 'log-json-1', status: 'Terminated' }));
    expect(run.stdout()).not.toContain('workflow');
  });

  it('serves the web UI and the HTTP API on the UI port, and neither with --headless', async () => {
    const run = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--log-level', 'warn']);
    const [, uiAddress] = await waitForOutput(run, /Web UI: +(http:\/\/127\.0\.0\.1:\d+)\n/);
    const page = await fetch(`${uiAddress}/namespaces/default/workflows`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const namespace = (await fetch(`${uiAddress}/api/v1/namespaces/default`).then((r) => r.json())) as {
      namespaceInfo: { name: string };
    };
    expect(namespace.namespaceInfo.name).toBe('default');
    run.child.kill('SIGTERM');
    expect(await exitCodeOf(run.child)).toBe(0);

    const headless = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--headless', '--log-level', 'warn']);
    await waitForOutput(headless, /Web UI: +off \(--headless\)\n/);
    headless.child.kill('SIGTERM');
    expect(await exitCodeOf(headless.child)).toBe(0);
  });

  it('serves Prometheus metrics and health on --metrics-port', async () => {
    const run = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--headless', '--log-level', 'warn', '--metrics-port', '0']);
    const [, metricsUrl] = await waitForOutput(run, /Metrics: +(http:\/\/127\.0\.0\.1:\d+\/metrics)\n/);
    const scrape = await fetch(metricsUrl!);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(text).toContain('# TYPE endure_rpc_requests_total counter');
    expect(text).toMatch(/^endure_open_workflows\{namespace="default"\} 0$/m);
    expect((await fetch(metricsUrl!.replace(/\/metrics$/, '/readyz'))).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await exitCodeOf(run.child)).toBe(0);
  });

  it("sets limits by Temporal's dynamic config names with --dynamic-config-value, and names an unknown one", async () => {
    const run = runCli([
      'server', 'start-dev', '--port', '0', '--in-memory', '--headless', '--log-level', 'warn',
      '--dynamic-config-value', 'limit.blobSize.error=64', '--dynamic-config-value', 'frontend.namespaceRPS=1000',
    ]);
    const [, address] = await waitForOutput(run, /Endure server: (127\.0\.0\.1:\d+)\n/);
    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection });
      const refused = client.workflow.start('anything', { taskQueue: 'q', workflowId: 'too-big', args: ['x'.repeat(200)] });
      // The client wraps the server's INVALID_ARGUMENT; its cause carries the server's message.
      const error: unknown = await refused.then(
        () => null,
        (err: unknown) => err,
      );
      expect((error as { cause?: Error } | null)?.cause?.message).toMatch(/over the payload size limit of 64 bytes/);
    } finally {
      await connection.close();
    }
    run.child.kill('SIGTERM');
    expect(await exitCodeOf(run.child)).toBe(0);

    const unknown = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--headless', '--dynamic-config-value', 'frontend.nope=1']);
    expect(await exitCodeOf(unknown.child)).toBe(1);
    expect(unknown.output()).toMatch(/frontend\.nope is not a dynamic config value this server has \(known: frontend\.namespaceRPS, /);
  });

  it('serves both ports over mutual TLS with --tls-cert-path, --tls-key-path and --tls-client-ca-path', async () => {
    const certs = certificateDir();
    try {
      const ca = certs.ca('cli-ca');
      const serverPem = ca.issue('cli-server', 'server');
      const clientPem = ca.issue('cli-client', 'client');
      const run = runCli([
        'server', 'start-dev', '--port', '0', '--in-memory', '--log-level', 'warn',
        '--tls-cert-path', serverPem.certPath, '--tls-key-path', serverPem.keyPath, '--tls-client-ca-path', ca.certPath,
      ]);
      const [, address] = await waitForOutput(run, /Endure server: (127\.0\.0\.1:\d+)\n/);
      await waitForOutput(run, /TLS: +on, client certificates required\n/);
      expect(run.output()).toMatch(/Web UI: +https:\/\/127\.0\.0\.1:\d+\n/);
      const connection = await Connection.connect({
        address,
        tls: { serverRootCACertificate: ca.cert, clientCertPair: { crt: clientPem.cert, key: clientPem.key } },
      });
      expect((await new Client({ connection }).workflowService.getSystemInfo({})).serverVersion).toBeTruthy();
      await connection.close();
      run.child.kill('SIGTERM');
      expect(await exitCodeOf(run.child)).toBe(0);

      const half = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--tls-cert-path', serverPem.certPath]);
      expect(await exitCodeOf(half.child)).toBe(1);
      expect(half.output()).toMatch(/TLS needs both --tls-cert-path and --tls-key-path/);
    } finally {
      certs.remove();
    }
  });

  it('logs readable lines by default', async () => {
    const run = runCli(['server', 'start-dev', '--port', '0', '--in-memory']);
    await waitForOutput(run, /Namespaces: +default\n/);
    const [line] = await waitForOutput(run, /^\S+Z INFO {2}endure server started address=127\.0\.0\.1:\d+ .*$/m);
    expect(line).toContain('db=:memory:');
    expect(run.stdout()).not.toContain('INFO');
  });

  it('exits with code 1 when the port is taken', async () => {
    const first = runCli(['server', 'start-dev', '--port', '0', '--in-memory', '--log-level', 'warn']);
    const [, port] = await waitForOutput(first, /Endure server: 127\.0\.0\.1:(\d+)\n/);

    const second = runCli(['server', 'start-dev', '--port', String(port), '--in-memory', '--log-level', 'error']);
    expect(await exitCodeOf(second.child)).toBe(1);
    expect(second.output()).toMatch(/could not start the server/);
  });

  it('refuses a second server on the same database file, and starts again at once after the first is killed', async () => {
    const dbFilename = join(tempDir(), 'shared.db');
    const startArgs = ['server', 'start-dev', '--port', '0', '--db-filename', dbFilename, '--log-level', 'error'];
    const first = runCli(startArgs);
    const [, address] = await waitForOutput(first, /Endure server: (127\.0\.0\.1:\d+)\n/);
    const connection = await Connection.connect({ address: address! });
    try {
      await new Client({ connection }).workflow.start('lockedWorkflow', { taskQueue: 'lock', workflowId: 'lock-1' });
    } finally {
      await connection.close();
    }

    const second = runCli(startArgs);
    expect(await exitCodeOf(second.child)).toBe(1);
    expect(second.stderr()).toContain(
      `endure: could not start the server: another Endure server is using the database file ${dbFilename}`,
    );
    expect(second.stdout()).toBe('');

    first.child.kill('SIGKILL');
    await exitCodeOf(first.child);
    const third = runCli(startArgs);
    const [, thirdAddress] = await waitForOutput(third, /Endure server: (127\.0\.0\.1:\d+)\n/);
    const reconnected = await Connection.connect({ address: thirdAddress! });
    try {
      const description = await new Client({ connection: reconnected }).workflow.getHandle('lock-1').describe();
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await reconnected.close();
    }
  });
});

describe('endure server start and migrate (PostgreSQL)', () => {
  it('migrates an empty database, then starts on it, keeps workflows across a restart and hides the password', async () => {
    const database = await createTestDatabase();
    try {
      const url = new URL(database.url);
      url.password = 'not-needed';
      const db = url.toString();
      const shown = db.replace(':not-needed@', '@');
      const migrated = runCli(['server', 'migrate', '--db', db]);
      expect(await exitCodeOf(migrated.child)).toBe(0);
      expect(migrated.stdout()).toBe(`${shown}: schema upgraded from version 0 to ${postgresMigrations.length}\n`);
      const again = runCli(['server', 'migrate', '--db', db]);
      expect(await exitCodeOf(again.child)).toBe(0);
      expect(again.stdout()).toBe(`${shown}: schema already at version ${postgresMigrations.length}\n`);

      const startArgs = ['server', 'start', '--db', db, '--port', '0', '--headless', '--log-level', 'warn'];
      const first = runCli(startArgs);
      const [, address] = await waitForOutput(first, /Endure server: (127\.0\.0\.1:\d+)\n/);
      expect(first.stdout()).toContain(`Database:      ${shown}\n`);
      const connection = await Connection.connect({ address: address! });
      try {
        await new Client({ connection }).workflow.start('keptWorkflow', { taskQueue: 'pg', workflowId: 'pg-1' });
      } finally {
        await connection.close();
      }
      first.child.kill('SIGKILL');
      await exitCodeOf(first.child);

      const second = runCli(startArgs);
      const [, secondAddress] = await waitForOutput(second, /Endure server: (127\.0\.0\.1:\d+)\n/);
      const reconnected = await Connection.connect({ address: secondAddress! });
      try {
        const description = await new Client({ connection: reconnected }).workflow.getHandle('pg-1').describe();
        expect(description.status.name).toBe('RUNNING');
      } finally {
        await reconnected.close();
      }
      second.child.kill('SIGTERM');
      expect(await exitCodeOf(second.child)).toBe(0);
      expect(first.output() + second.output()).not.toContain('not-needed');
    } finally {
      await database.drop();
    }
  });

  it('fails with the address when the database cannot be reached and retries are off', async () => {
    const run = runCli(['server', 'start', '--db', 'postgres://127.0.0.1:1/endure', '--db-connect-retry', '0s', '--port', '0']);
    expect(await exitCodeOf(run.child)).toBe(1);
    expect(run.stderr()).toMatch(/^endure: could not start the server: cannot connect to PostgreSQL at 127\.0\.0\.1:1 /);
    const migrate = runCli(['server', 'migrate', '--db', 'postgres://127.0.0.1:1/endure']);
    expect(await exitCodeOf(migrate.child)).toBe(1);
    expect(migrate.stderr()).toMatch(/^endure: could not migrate the database: cannot connect to PostgreSQL at 127\.0\.0\.1:1 /);
  });

  it.each([
    [['server', 'start'], /required option '--db <url>' not specified/],
    [['server', 'start', '--db', 'mysql://h/db'], /--db <url>' argument 'mysql:\/\/h\/db' is invalid. Expected a postgres:\/\/ or postgresql:\/\/ URL/],
    [['server', 'start', '--db', 'postgres://h:5432'], /Expected the URL to name a database/],
    [['server', 'start', '--db', 'postgres://h/db', '--db-connect-retry', '10'], /--db-connect-retry <duration>' argument '10' is invalid/],
    [['server', 'migrate', '--db', 'h/db'], /Expected a URL such as postgres:\/\//],
  ])('rejects %j with a clear message and exit code 2', async (args, message) => {
    const run = runCli(args);
    expect(await exitCodeOf(run.child)).toBe(2);
    expect(run.output()).toMatch(message);
  });
});
