/**
 * `endure operator namespace | search-attribute | cluster` and `endure task-queue describe`
 * against an in-process server: text and JSON output, what the server holds afterwards
 * (read through the official SDK's connection), confirmations and bad input.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from '../../server/test/helpers/env.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { endureJson, endureOk, runEndure, type RunOptions } from './helpers/cli.js';

const { version: serverVersion } = createRequire(import.meta.url)('../../server/package.json') as { version: string };
const NOT_FOUND = 5;
const DAY_S = 86_400;

let env: TestEnv;
let at: RunOptions;

beforeAll(async () => {
  env = await startTestEnv();
  at = { env: { TEMPORAL_ADDRESS: env.address } };
});

afterAll(async () => {
  await env?.close();
});

const ok = (args: string[], options: RunOptions = {}) => endureOk(args, { ...at, ...options, env: { ...at.env, ...options.env } });
const json = <T>(args: string[]) => endureJson<T>(args, at);
const run = (args: string[], options: RunOptions = {}) => runEndure(args, { ...at, ...options, env: { ...at.env, ...options.env } });

function describeNamespace(name: string) {
  return env.connection.workflowService.describeNamespace({ namespace: name });
}

describe('endure operator namespace', () => {
  it('creates, describes (text and JSON), updates and lists a namespace', async () => {
    expect(await ok(['operator', 'namespace', 'create', '-n', 'billing', '--retention', '48h', '--description', 'Billing team', '--data', 'team=billing'])).toBe(
      'Namespace billing successfully registered.\n',
    );
    const created = await describeNamespace('billing');
    expect(Number(created.config?.workflowExecutionRetentionTtl?.seconds)).toBe(2 * DAY_S);
    expect(created.namespaceInfo?.description).toBe('Billing team');
    expect(created.namespaceInfo?.data).toEqual({ team: 'billing' });

    const card = await ok(['operator', 'namespace', 'describe', '-n', 'billing']);
    expect(card).toMatch(/^NamespaceInfo\.Name\s+billing$/m);
    expect(card).toMatch(new RegExp(`^NamespaceInfo\\.Id\\s+${created.namespaceInfo?.id}$`, 'm'));
    expect(card).toMatch(/^NamespaceInfo\.State\s+Registered$/m);
    expect(card).toMatch(/^NamespaceInfo\.Data\s+team=billing$/m);
    expect(card).toMatch(/^Config\.WorkflowExecutionRetentionTtl\s+48h0m0s$/m);

    const byId = await json<{ namespaceInfo: { name: string; state: string }; config: { workflowExecutionRetentionTtl: string } }>([
      'operator', 'namespace', 'describe', '--namespace-id', created.namespaceInfo!.id!,
    ]);
    expect(byId.namespaceInfo).toMatchObject({ name: 'billing', state: 'NAMESPACE_STATE_REGISTERED' });
    expect(byId.config.workflowExecutionRetentionTtl).toBe('172800s');

    expect(await ok(['operator', 'namespace', 'update', '-n', 'billing', '--email', 'ops@example.com', '--retention', '96h', '--data', 'tier=gold'])).toBe(
      'Namespace billing update succeeded.\n',
    );
    const updated = await describeNamespace('billing');
    expect(updated.namespaceInfo?.ownerEmail).toBe('ops@example.com');
    expect(updated.namespaceInfo?.description).toBe('Billing team'); // kept
    expect(updated.namespaceInfo?.data).toEqual({ team: 'billing', tier: 'gold' });
    expect(Number(updated.config?.workflowExecutionRetentionTtl?.seconds)).toBe(4 * DAY_S);

    const listed = await json<{ namespaceInfo: { name: string } }[]>(['operator', 'namespace', 'list']);
    expect(listed.map((ns) => ns.namespaceInfo.name)).toEqual(expect.arrayContaining(['default', 'billing']));
    const jsonl = await ok(['operator', 'namespace', 'list', '-o', 'jsonl']);
    expect(jsonl.trim().split('\n').map((line) => (JSON.parse(line) as { namespaceInfo: { name: string } }).namespaceInfo.name)).toEqual(
      listed.map((ns) => ns.namespaceInfo.name),
    );
    const text = await ok(['operator', 'namespace', 'list']);
    expect(text.split('\n\n')).toHaveLength(listed.length);
  });

  it('takes the deprecated positional name with a warning, but not together with -n', async () => {
    const result = await run(['operator', 'namespace', 'create', 'positional-ns']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('deprecated; use -n instead');
    expect((await describeNamespace('positional-ns')).namespaceInfo?.name).toBe('positional-ns');
    const both = await run(['operator', 'namespace', 'describe', 'positional-ns', '-n', 'other']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^endure: the namespace was given both as an argument/);
  });

  it('deletes only after the namespace name is typed, or with --yes', async () => {
    await ok(['operator', 'namespace', 'create', '-n', 'doomed']);
    const noAnswer = await run(['operator', 'namespace', 'delete', '-n', 'doomed']);
    expect(noAnswer.code).toBe(2);
    expect(noAnswer.stderr).toMatch(/ Type the namespace name to confirm: \nendure: pass --yes to confirm: standard input ended without an answer\n$/);
    const wrong = await run(['operator', 'namespace', 'delete', '-n', 'doomed'], { stdin: 'yes\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Are you sure you want to delete namespace doomed?');
    const jsonNoYes = await run(['operator', 'namespace', 'delete', '-n', 'doomed', '-o', 'json']);
    expect(jsonNoYes.code).toBe(2);
    expect((await describeNamespace('doomed')).namespaceInfo?.name).toBe('doomed');

    const typed = await run(['operator', 'namespace', 'delete', '-n', 'doomed'], { stdin: 'doomed\n' });
    expect(typed.code).toBe(0);
    expect(typed.stdout).toMatch(/Namespace doomed has been deleted\.\n$/);
    await expect(describeNamespace('doomed')).rejects.toMatchObject({ code: NOT_FOUND });

    await ok(['operator', 'namespace', 'create', '-n', 'doomed2']);
    const deleted = await json<{ deletedNamespace: string }>(['operator', 'namespace', 'delete', '-n', 'doomed2', '--yes']);
    expect(deleted.deletedNamespace).toMatch(/^doomed2-deleted-/);
    await expect(describeNamespace('doomed2')).rejects.toMatchObject({ code: NOT_FOUND });
  });

  it('reports bad input: an unknown namespace (exit 1), a bad retention or data entry (exit 2)', async () => {
    const missing = await run(['operator', 'namespace', 'describe', '-n', 'no-such-namespace']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^endure: .*no-such-namespace.* \(NOT_FOUND\)\n$/);
    const retention = await run(['operator', 'namespace', 'create', '-n', 'x1', '--retention', '3']);
    expect(retention.code).toBe(2);
    expect(retention.stderr).toContain("option '--retention <duration>' argument '3' is invalid");
    const data = await run(['operator', 'namespace', 'create', '-n', 'x1', '--data', 'novalue']);
    expect(data.code).toBe(2);
    expect(data.stderr).toBe('endure: --data "novalue": expected KEY=VALUE\n');
    const tooShort = await run(['operator', 'namespace', 'create', '-n', 'x1', '--retention', '1h']);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/retention.*\(INVALID_ARGUMENT\)\n$/);
  });
});

describe('endure operator search-attribute', () => {
  const listCustom = async (namespace = 'default') =>
    (await env.connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};

  it('creates, lists (text table and JSON) and removes custom search attributes', async () => {
    await ok(['operator', 'namespace', 'create', '-n', 'attrs']);
    expect(await ok(['operator', 'search-attribute', 'create', '-n', 'attrs', '--name', 'CustomerId', '--type', 'keyword', '--name', 'Amount', '--type', 'Double'])).toBe(
      'Search attributes have been added\n',
    );
    expect(await listCustom('attrs')).toMatchObject({ CustomerId: 2, Amount: 4 });

    const table = (await ok(['operator', 'search-attribute', 'list', '-n', 'attrs'])).trimEnd().split('\n');
    expect(table[0]).toMatch(/^ {2}\s*Name\s+Type$/);
    const rows = table.slice(1).map((line) => line.trim().split(/\s+/));
    expect(rows).toContainEqual(['CustomerId', 'Keyword']);
    expect(rows).toContainEqual(['Amount', 'Double']);
    expect(rows).toContainEqual(['WorkflowId', 'Keyword']);
    // System attributes first, each group by name.
    const systemNames = rows.slice(0, rows.findIndex(([name]) => name === 'Amount'));
    expect(systemNames.map(([name]) => name)).toContain('WorkflowType');
    expect(systemNames.map(([name]) => name)).toEqual([...systemNames.map(([name]) => name)].sort());

    const listed = await json<{ customAttributes: Record<string, string>; systemAttributes: Record<string, string> }>([
      'operator', 'search-attribute', 'list', '-n', 'attrs',
    ]);
    expect(listed.customAttributes).toMatchObject({ CustomerId: 'INDEXED_VALUE_TYPE_KEYWORD', Amount: 'INDEXED_VALUE_TYPE_DOUBLE' });
    expect(listed.systemAttributes['ExecutionStatus']).toBe('INDEXED_VALUE_TYPE_KEYWORD');

    const refused = await run(['operator', 'search-attribute', 'remove', '-n', 'attrs', '--name', 'Amount'], { stdin: 'n\n' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('You are about to remove search attribute Amount. Are you sure? y/N');
    expect(await listCustom('attrs')).toHaveProperty('Amount');
    await ok(['operator', 'search-attribute', 'remove', '-n', 'attrs', '--name', 'Amount'], { stdin: 'y\n' });
    await ok(['operator', 'search-attribute', 'remove', '-n', 'attrs', '--name', 'CustomerId', '-y']);
    const left = await listCustom('attrs');
    expect(left).not.toHaveProperty('Amount');
    expect(left).not.toHaveProperty('CustomerId');
  });

  it('refuses mismatched --name/--type counts and unknown types (exit 2), and a type change (exit 1)', async () => {
    const counts = await run(['operator', 'search-attribute', 'create', '--name', 'A', '--name', 'B', '--type', 'Int']);
    expect(counts.code).toBe(2);
    expect(counts.stderr).toBe('endure: give one --type per --name (got 2 names and 1 types)\n');
    const type = await run(['operator', 'search-attribute', 'create', '--name', 'A', '--type', 'Number']);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain("argument 'Number' is invalid. Expected one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList.");
    await ok(['operator', 'search-attribute', 'create', '--name', 'Region', '--type', 'Keyword']);
    const changed = await run(['operator', 'search-attribute', 'create', '--name', 'Region', '--type', 'Int']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toBe('endure: search attribute Region already exists with another type, Keyword\n');
    expect((await listCustom())['Region']).toBe(2);
    const missingName = await run(['operator', 'search-attribute', 'remove', '-y']);
    expect(missingName.code).toBe(2);
  });
});

describe('endure operator cluster', () => {
  it('health prints SERVING, and fails with exit 1 when nothing listens', async () => {
    expect(await ok(['operator', 'cluster', 'health'])).toBe('SERVING\n');
    expect(await json(['operator', 'cluster', 'health'])).toEqual({ status: 'SERVING' });
    const down = await runEndure(['operator', 'cluster', 'health', '--address', '127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^endure: cannot reach the server at 127\.0\.0\.1:1/);
  });

  it('describe shows the cluster name and stores; system shows the server version', async () => {
    const table = (await ok(['operator', 'cluster', 'describe', '--detail'])).split('\n');
    expect(table[0]).toMatch(/^ {2}\s*ClusterName\s+PersistenceStore\s+VisibilityStore\s+HistoryShardCount\s+VersionInfo$/);
    expect(table[1]).toMatch(/^ {2}active\s+sqlite\s+sqlite\s+1/);
    const info = await json<{ clusterName: string; serverVersion: string; clusterId: string }>(['operator', 'cluster', 'describe']);
    expect(info).toMatchObject({ clusterName: 'active', serverVersion });
    expect(info.clusterId).toBe((await env.connection.workflowService.getClusterInfo({})).clusterId);

    const system = (await ok(['operator', 'cluster', 'system'])).split('\n');
    expect(system[0]).toMatch(/^ {2}\s*ServerVersion\s+SupportsSchedules\s+UpsertMemo\s+EagerWorkflowStart$/);
    const systemJson = await json<{ serverVersion: string; capabilities: Record<string, boolean> }>(['operator', 'cluster', 'system']);
    expect(system[1]).toMatch(new RegExp(`^ {2}${systemJson.serverVersion.replace(/\./g, '\\.')}\\s+false`));
    expect(systemJson.capabilities['signalAndQueryHeader']).toBe(true);
  });
});

describe('endure task-queue describe', () => {
  interface Description {
    reachability: null;
    pollers: { buildId: string; taskQueueType: string; identity: string; lastAccessTime: string }[] | null;
    stats: { taskQueueType: string; approximateBacklogCount: number; approximateBacklogAge: string }[] | null;
  }

  it('shows the backlog of a queue no worker polls, then the pollers of a running worker', async () => {
    const taskQueue = uniqueTaskQueue('cli-tq');
    await env.client.workflow.start('sleepWorkflow', { taskQueue, workflowId: uniqueWorkflowId('tq'), args: [1] });
    const idle = await json<Description>(['task-queue', 'describe', '-t', taskQueue]);
    expect(idle.reachability).toBeNull();
    expect(idle.pollers).toBeNull();
    expect(idle.stats).toEqual([
      expect.objectContaining({ buildId: 'UNVERSIONED', taskQueueType: 'workflow', approximateBacklogCount: 1 }),
      expect.objectContaining({ buildId: 'UNVERSIONED', taskQueueType: 'activity', approximateBacklogCount: 0, approximateBacklogAge: '0s' }),
    ]);
    const idleText = await ok(['task-queue', 'describe', '-t', taskQueue]);
    expect(idleText).toMatch(/^Task Queue Statistics:\n {2}\s*BuildID\s+TaskQueueType\s+ApproximateBacklogCount/);
    expect(idleText).toMatch(/^ {2}UNVERSIONED\s+workflow\s+1\s/m);
    expect(idleText).toMatch(/\nPollers:\n {2}\s*BuildID\s+TaskQueueType\s+Identity\s+LastAccessTime\s+RatePerSecond\n$/);

    await env.withWorker({ taskQueue, identity: 'cli-test-worker' }, async () => {
      const busy = await waitFor(
        async () => {
          const d = await json<Description>(['task-queue', 'describe', '-t', taskQueue, '--task-queue-type', 'workflow', '--disable-stats']);
          return d.pollers?.some((p) => p.identity === 'cli-test-worker') ? d : undefined;
        },
        { description: 'the worker among the pollers', timeoutMs: 20_000 },
      );
      expect(busy.stats).toBeNull();
      expect(busy.pollers!.every((p) => p.taskQueueType === 'workflow' && p.buildId === 'UNVERSIONED')).toBe(true);
      expect(Date.parse(busy.pollers![0]!.lastAccessTime)).toBeGreaterThan(Date.now() - 60_000);
      const text = await ok(['task-queue', 'describe', '-t', taskQueue, '--disable-stats', '--time-format', 'iso']);
      expect(text).not.toContain('Task Queue Statistics:');
      expect(text).toMatch(/^ {2}UNVERSIONED\s+workflow\s+cli-test-worker\s+\d{4}-\d\d-\d\dT\S+Z\s+0$/m);
    });
  });

  it('needs -t and refuses unknown types (exit 2)', async () => {
    expect((await run(['task-queue', 'describe'])).code).toBe(2);
    const type = await run(['task-queue', 'describe', '-t', 'q', '--task-queue-type', 'nexus']);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('Expected one of workflow, activity.');
  });
});
