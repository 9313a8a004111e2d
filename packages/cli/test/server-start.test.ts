/**
 * `endure server start` on PostgreSQL configured as an operator does it: by flags, `ENDURE_*`
 * variables or a `--config` file, with a flag over a variable over the file over the default.
 * The node id and advertised address show in the banner and the start log, and a server
 * started from a file alone, or from variables alone, runs a workflow for the official SDK.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createTestDatabase, type TestDatabase } from '../../server/src/persistence/postgres/test-database.test-support.js';
import { ActivityRecorder, createActivities } from '../../server/test/helpers/activities.js';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath } from '../../server/test/helpers/env.js';
import { bannerOf, exitCodeOf, killServerProcesses, runServerCli, waitForOutput, type ServerProcess } from './helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'endure-start-'));
const databases: TestDatabase[] = [];

afterEach(killServerProcesses);
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  rmSync(dir, { recursive: true, force: true });
});

async function newDatabase(): Promise<string> {
  const database = await createTestDatabase();
  databases.push(database);
  return database.url;
}

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function stop(run: ServerProcess): Promise<void> {
  run.child.kill('SIGTERM');
  expect(await exitCodeOf(run.child)).toBe(0);
}

/** Runs orderWorkflow (three activities) in `namespace` through the official SDK's worker and client. */
async function runOrderWorkflow(address: string, namespace: string): Promise<string> {
  installQuietRuntime();
  const taskQueue = uniqueTaskQueue('configured');
  const workerConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const worker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
      activities: createActivities(new ActivityRecorder()),
    });
    const client = new Client({ connection, namespace });
    return await worker.runUntil(
      client.workflow.execute<(order: { id: string; items: string[]; amountCents: number }) => Promise<string>>('orderWorkflow', {
        taskQueue,
        workflowId: uniqueWorkflowId('configured'),
        args: [{ id: 'o-7', items: ['tea', 'cup'], amountCents: 1250 }],
      }),
    );
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}

describe('endure server start settings (PostgreSQL)', () => {
  it('takes each setting from its flag, else its ENDURE_* variable, else the config file, else the default', async () => {
    const db = await newDatabase();
    const path = configFile(
      'layers.yaml',
      [
        `db: ${db}`,
        'port: 0',
        'headless: true',
        'node-id: file-node',
        'advertise-address: file.internal:7233',
        'namespace: [from-file, also-from-file]',
        'log-format: json',
        '',
      ].join('\n'),
    );
    const run = runServerCli(['server', 'start', '--config', path, '--node-id', 'flag-node'], {
      ENDURE_NODE_ID: 'env-node',
      ENDURE_ADVERTISE_ADDRESS: 'env.internal:7233',
      ENDURE_LOG_FORMAT: 'pretty',
      ENDURE_NAMESPACE: 'from-env, also-from-env',
    });
    const banner = await bannerOf(run);
    expect(banner).toEqual({
      'Endure server': expect.stringMatching(/^127\.0\.0\.1:\d+$/) as string, // ip: the default
      'Node ID': 'flag-node', // flag over variable and file
      'Advertised as': 'env.internal:7233', // variable over file
      'Web UI': 'off (--headless)', // file over default
      Database: expect.stringContaining('/endure_test_') as string,
      Namespaces: 'default, from-env, also-from-env', // the variable's list over the file's
      'Config file': path,
    });
    // log-format: the variable's pretty lines, not the file's JSON.
    const [line] = await waitForOutput(run, /^\S+Z INFO {2}endure server started .*$/m);
    expect(line).toContain(' nodeId=flag-node ');
    expect(line).toContain(' advertiseAddress=env.internal:7233 ');
    await stop(run);
  });

  it('shows the default node id (host name and port) and the bound address as advertised, in the banner and the JSON log', async () => {
    const db = await newDatabase();
    const run = runServerCli(['server', 'start', '--db', db, '--port', '0', '--headless']);
    const banner = await bannerOf(run);
    const address = banner['Endure server']!;
    // Port 0 has no stable port: the process id keeps the name unique on the host.
    expect(banner['Node ID']).toBe(`${hostname()}:0-${run.child.pid}`);
    expect(banner['Advertised as']).toBe(address);
    await waitForOutput(run, /"msg":"endure server started"/);
    const started = run
      .stderr()
      .split('\n')
      .filter((text) => text.includes('"endure server started"'))
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(started).toEqual([expect.objectContaining({ nodeId: `${hostname()}:0-${run.child.pid}`, advertiseAddress: address })]);
    await stop(run);
  });

  it('migrates and starts from a config file alone, and runs a workflow', async () => {
    const db = await newDatabase();
    const path = configFile(
      'only-file.yaml',
      [
        '# endure server start --config only-file.yaml',
        `db: ${db}`,
        'port: 0',
        'ui-port: 0',
        'node-id: endure-1',
        'advertise-address: endure-1.internal:7233',
        'namespace: [orders]',
        'search-attribute: [CustomerId=Keyword]',
        'log-level: warn',
        'db-connect-retry: 5s',
        '',
      ].join('\n'),
    );
    const migrated = runServerCli(['server', 'migrate', '--config', path]);
    expect(await exitCodeOf(migrated.child)).toBe(0);
    expect(migrated.stdout()).toMatch(/: schema upgraded from version 0 to \d+\n$/);

    const run = runServerCli(['server', 'start', '--config', path], {}, dir);
    const banner = await bannerOf(run);
    expect(banner).toMatchObject({
      'Node ID': 'endure-1',
      'Advertised as': 'endure-1.internal:7233',
      'Web UI': expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as string,
      Namespaces: 'default, orders',
    });
    expect(await runOrderWorkflow(banner['Endure server']!, 'orders')).toBe('R-o-7-2|C-o-7-1250|S-R-o-7-2');
    expect(run.stderr()).toBe(''); // log-level: warn
    await stop(run);
  });

  it('starts from ENDURE_* variables alone and runs a workflow', async () => {
    const db = await newDatabase();
    const run = runServerCli(['server', 'start'], {
      ENDURE_DB: db,
      ENDURE_PORT: '0',
      ENDURE_UI_PORT: '0',
      ENDURE_NODE_ID: 'endure-env',
      ENDURE_ADVERTISE_ADDRESS: '10.0.0.5:7233',
      ENDURE_HEADLESS: 'false',
      ENDURE_LOG_LEVEL: 'warn',
      ENDURE_DB_CONNECT_RETRY: '5s',
      ENDURE_NAMESPACE: 'orders',
      ENDURE_SEARCH_ATTRIBUTE: 'CustomerId=Keyword,Region=keyword',
    });
    const banner = await bannerOf(run);
    expect(banner).toMatchObject({
      'Node ID': 'endure-env',
      'Advertised as': '10.0.0.5:7233',
      'Web UI': expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as string,
      Namespaces: 'default, orders',
    });
    const address = banner['Endure server']!;
    expect(await runOrderWorkflow(address, 'orders')).toBe('R-o-7-2|C-o-7-1250|S-R-o-7-2');
    const connection = await Connection.connect({ address });
    try {
      const listed = await connection.operatorService.listSearchAttributes({ namespace: 'orders' });
      expect(listed.customAttributes).toMatchObject({ CustomerId: 2, Region: 2 });
    } finally {
      await connection.close();
    }
    await stop(run);
  });
});
