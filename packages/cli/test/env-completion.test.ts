/**
 * `endure env …` (presets in the env file, and a later command using one) and
 * `endure completion …` (scripts generated from the command tree, exercised in bash).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from '../../server/test/helpers/env.js';
import { endureOk, makeConfigHome, runEndure } from './helpers/cli.js';

let env: TestEnv;
let config: { dir: string; cleanup: () => void };

beforeAll(async () => {
  env = await startTestEnv();
  config = makeConfigHome();
});

afterAll(async () => {
  config?.cleanup();
  await env?.close();
});

const withConfig = () => ({ env: { XDG_CONFIG_HOME: config.dir } });
const envFile = () => join(config.dir, 'endure', 'endure.yaml');
const ok = (args: string[]) => endureOk(args, withConfig());
const run = (args: string[]) => runEndure(args, withConfig());

function shellAvailable(shell: string): boolean {
  return spawnSync('which', [shell]).status === 0;
}

describe('endure env', () => {
  it('sets, gets, lists and deletes presets in the env file, in temporal layout', async () => {
    expect(await ok(['env', 'set', '--env', 'staging', '-k', 'address', '-v', 'staging.example.com:7233'])).toBe('');
    await ok(['env', 'set', '--env', 'staging', '--key', 'namespace', '--value', 'billing']);
    await ok(['env', 'set', '--env', 'other', '-k', 'tls', '-v', 'true']);
    expect(parse(readFileSync(envFile(), 'utf8'))).toEqual({
      env: { staging: { address: 'staging.example.com:7233', namespace: 'billing' }, other: { tls: 'true' } },
    });

    expect(await ok(['env', 'get', '--env', 'staging'])).toMatch(/^ {2}\s*Property\s+Value\n {2}address\s+staging\.example\.com:7233\n {2}namespace\s+billing\n$/);
    expect(JSON.parse(await ok(['env', 'get', '--env', 'staging', '-k', 'namespace', '-o', 'json']))).toEqual([{ property: 'namespace', value: 'billing' }]);
    expect(await ok(['env', 'list'])).toMatch(/^ {2}\s*Name\n {2}(staging\n {2}other|other\n {2}staging)\n$/);
    expect((JSON.parse(await ok(['env', 'list', '-o', 'json'])) as { name: string }[]).map((e) => e.name).sort()).toEqual(['other', 'staging']);

    await ok(['env', 'delete', '--env', 'staging', '-k', 'address']);
    expect(parse(readFileSync(envFile(), 'utf8'))).toMatchObject({ env: { staging: { namespace: 'billing' } } });
    await ok(['env', 'delete', '--env', 'other']);
    expect(Object.keys((parse(readFileSync(envFile(), 'utf8')) as { env: object }).env)).toEqual(['staging']);
  });

  it('still takes the deprecated positional forms, with a warning', async () => {
    const set = await run(['env', 'set', 'legacy.address', 'legacy.example.com:7233']);
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('Warning: arguments to env commands are deprecated');
    const get = await run(['env', 'get', 'legacy.address', '-o', 'json']);
    expect(JSON.parse(get.stdout)).toEqual([{ property: 'address', value: 'legacy.example.com:7233' }]);
    const both = await run(['env', 'get', 'legacy', '--env', 'legacy']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('endure: give the env and key either as an argument or with --env and -k, not both');
  });

  it('refuses an unknown preset, a missing key or value, and dotted keys (exit 2)', async () => {
    const unknown = await run(['env', 'get', '--env', 'nowhere']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`endure: env preset "nowhere" is not in ${envFile()} (see "endure env list")\n`);
    expect((await run(['env', 'set', '--env', 'x', '-v', 'y'])).stderr).toBe('endure: give the property name with -k\n');
    expect((await run(['env', 'set', '--env', 'x', '-k', 'address'])).stderr).toBe('endure: give the property value with -v\n');
    const dotted = await run(['env', 'set', '--env', 'x', '-k', 'a.b', '-v', 'y']);
    expect(dotted.code).toBe(2);
    expect(dotted.stderr).toBe('endure: a property name may not contain dots\n');
    const missingKey = await run(['env', 'delete', '--env', 'staging', '-k', 'nothing']);
    expect(missingKey.code).toBe(1);
  });

  it('a later command takes its address and namespace from the preset chosen with --env (flags still win)', async () => {
    await env.connection.workflowService.registerNamespace({ namespace: 'env-preset-ns', workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
    const client = new Client({ connection: env.connection, namespace: 'env-preset-ns' });
    const taskQueue = uniqueTaskQueue('cli-env');
    await client.workflow.start('sleepWorkflow', { taskQueue, workflowId: uniqueWorkflowId('env'), args: [60_000] });
    await env.client.workflow.start('sleepWorkflow', { taskQueue, workflowId: uniqueWorkflowId('env'), args: [60_000] });
    await env.client.workflow.start('sleepWorkflow', { taskQueue, workflowId: uniqueWorkflowId('env'), args: [60_000] });

    await ok(['env', 'set', '--env', 'prod', '-k', 'address', '-v', env.address]);
    await ok(['env', 'set', '--env', 'prod', '-k', 'namespace', '-v', 'env-preset-ns']);
    const query = ['-q', `TaskQueue = '${taskQueue}'`];
    expect(await ok(['workflow', 'count', '--env', 'prod', ...query])).toBe('Total: 1\n');
    expect(await endureOk(['workflow', 'count', ...query], { env: { XDG_CONFIG_HOME: config.dir, TEMPORAL_ENV: 'prod' } })).toBe('Total: 1\n');
    expect(await ok(['workflow', 'count', '--env', 'prod', '-n', 'default', ...query])).toBe('Total: 2\n');
    // An explicit --address wins over the preset's.
    const withoutPreset = await run(['workflow', 'count', '--address', '127.0.0.1:1', '--env', 'prod', ...query]);
    expect(withoutPreset.stderr).toMatch(/^endure: cannot reach the server at 127\.0\.0\.1:1/);
  });
});

describe('endure completion', () => {
  function complete(script: string, words: string[]): string[] {
    const file = join(config.dir, 'completion.bash');
    writeFileSync(file, script);
    const line = words.map((w) => `'${w}'`).join(' ');
    const out = execFileSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _endure; printf '%s\\n' "\${COMPREPLY[@]}"`], {
      encoding: 'utf8',
    });
    return out.split('\n').filter((w) => w !== '');
  }

  it('bash: completes nouns, verbs, flags and flag values from the live command tree', async () => {
    const script = await ok(['completion', 'bash']);
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(complete(script, ['endure', 'wor'])).toEqual(['workflow']);
    expect(complete(script, ['endure', 'op'])).toEqual(['operator']);
    expect(complete(script, ['endure', ''])).toEqual(expect.arrayContaining(['workflow', 'operator', 'schedule', 'task-queue', 'env', 'completion', 'server']));
    expect(complete(script, ['endure', 'workflow', 'c'])).toContain('count');
    expect(complete(script, ['endure', 'operator', 'namespace', 'd']).sort()).toEqual(['delete', 'describe']);
    // Flags with values are skipped while finding the command path.
    expect(complete(script, ['endure', '--help', 'operator', 'search-attribute', 'create', '--name', 'X', '--t'])).toEqual(['--type', '--tls', '--tls-cert-path', '--tls-cert-data', '--tls-key-path', '--tls-key-data', '--tls-ca-path', '--tls-ca-data', '--tls-server-name', '--time-format']);
    expect(complete(script, ['endure', 'workflow', 'count', '-o', 'j'])).toEqual(['json', 'jsonl']);
    expect(complete(script, ['endure', 'schedule', 'create', '--overlap-policy', 'B'])).toEqual(['BufferOne', 'BufferAll']);
    expect(complete(script, ['endure', 'operator', 'namespace', 'create', '--retention', '72h', '--d'])).toEqual(['--description', '--data']);
  });

  it('zsh and fish: scripts naming every command (syntax checked when the shell is installed)', async () => {
    const zsh = await ok(['completion', 'zsh']);
    expect(zsh).toMatch(/^#compdef endure\n/);
    expect(zsh).toContain('complete -o default -F _endure endure');
    expect(zsh).toContain('"operator namespace") echo "create describe list update delete" ;;');
    if (shellAvailable('zsh')) expect(spawnSync('zsh', ['-n'], { input: zsh }).status).toBe(0);

    const fish = await ok(['completion', 'fish']);
    expect(fish).toContain(`complete -c endure -n 'test (__endure_path) = "endure operator namespace"' -a 'create describe list update delete'`);
    expect(fish).toContain(`complete -c endure -n 'test (__endure_path) = "endure task-queue describe"' -s t -r`);
    expect(fish).toContain(`-l overlap-policy -r -a 'Skip BufferOne BufferAll CancelOther TerminateOther AllowAll'`);
    if (shellAvailable('fish')) expect(spawnSync('fish', ['-n'], { input: fish }).status).toBe(0);
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const result = await run(['completion', 'powershell']);
    expect(result.code).toBe(2);
  });
});
