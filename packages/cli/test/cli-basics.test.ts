/**
 * What every client command shares: where the address and namespace come from (flags,
 * TEMPORAL_* variables), JSON output in Temporal's form, and one clear line with a non-zero
 * exit code for each kind of bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from '../../server/test/helpers/env.js';
import { endureJson, endureOk, runEndure } from './helpers/cli.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('endure workflow count', () => {
  it('counts in text and in JSON, grouped by status, reading the address from TEMPORAL_ADDRESS', async () => {
    const taskQueue = uniqueTaskQueue('cli-count');
    await env.withWorker({ taskQueue }, async () => {
      await env.client.workflow.execute('sleepWorkflow', { taskQueue, workflowId: uniqueWorkflowId('count'), args: [1] });
    });
    await env.client.workflow.start('sleepWorkflow', { taskQueue, workflowId: uniqueWorkflowId('count'), args: [60_000] });

    const query = `TaskQueue = '${taskQueue}'`;
    expect(await endureOk(['workflow', 'count', '--address', env.address, '-q', query])).toBe('Total: 2\n');
    const json = await endureJson<{ count: string; groups?: unknown[] }>(['workflow', 'count', '-q', `${query} GROUP BY ExecutionStatus`], {
      env: { TEMPORAL_ADDRESS: env.address },
    });
    expect(json.count).toBe('2');
    const grouped = await endureOk(['workflow', 'count', '--address', env.address, '-q', `${query} GROUP BY ExecutionStatus`]);
    expect(grouped.split('\n').sort()).toEqual(['', 'Group total: 1, values: Completed', 'Group total: 1, values: Running', 'Total: 2']);
    expect(json.groups).toEqual(
      expect.arrayContaining([
        { groupValues: ['Running'], count: '1' },
        { groupValues: ['Completed'], count: '1' },
      ]),
    );
  });
});

describe('output to a reader that stops early', () => {
  it('ends quietly when standard output is closed (`| head`)', async () => {
    const result = await runEndure(['schedule', 'create', '--help'], { closeStdout: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('bad input', () => {
  it('names the address and the reason when nothing listens there (exit 1, no stack trace)', async () => {
    const result = await runEndure(['workflow', 'count', '--address', '127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('endure: cannot reach the server at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n');
  });

  it('says when TLS is asked of a server that does not speak it', async () => {
    const result = await runEndure(['workflow', 'count', '--address', env.address, '--tls']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `endure: TLS handshake with ${env.address} failed: wrong version number (the server does not speak TLS: leave out --tls, --api-key and the --tls-… flags)\n`,
    );
  });

  it('names a missing certificate file and a malformed --grpc-meta (exit 2)', async () => {
    const missing = await runEndure(['workflow', 'count', '--address', env.address, '--tls-cert-path', '/no/such/cert.pem', '--tls-key-path', '/no/such/key.pem']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('endure: --tls-cert-path /no/such/cert.pem: no such file\n');
    const meta = await runEndure(['workflow', 'count', '--address', env.address, '--grpc-meta', 'no-equals-sign']);
    expect(meta.code).toBe(2);
    expect(meta.stderr).toBe('endure: --grpc-meta "no-equals-sign": expected KEY=VALUE\n');
  });

  it('names an unknown namespace (exit 1)', async () => {
    const result = await runEndure(['workflow', 'count', '--address', env.address, '-n', 'no-such-namespace']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^endure: .*no-such-namespace.* \(NOT_FOUND\)\n$/);
  });

  it('prints the stack trace only with --log-level debug', async () => {
    const result = await runEndure(['workflow', 'count', '--address', '127.0.0.1:1', '--log-level', 'debug']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^endure: cannot reach the server at 127\.0\.0\.1:1: .*\n.*\n\s+at /);
  });

  it('refuses an unknown flag with exit code 2', async () => {
    const result = await runEndure(['workflow', 'count', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--no-such-flag'");
  });

  it('refuses a bad value from a TEMPORAL_* variable, naming it', async () => {
    const result = await runEndure(['workflow', 'count'], { env: { TEMPORAL_TLS: 'maybe' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('endure: environment variable TEMPORAL_TLS: expected true or false, got "maybe"\n');
  });

  it('answers an invalid query with the server\'s reason (exit 1)', async () => {
    const result = await runEndure(['workflow', 'count', '--address', env.address, '-q', 'NoSuchAttribute = 1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^endure: .*NoSuchAttribute.* \(INVALID_ARGUMENT\)\n$/);
  });
});
