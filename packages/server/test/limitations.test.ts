/**
 * The README's "Limitations" section must stay true: what it says is missing
 * answers UNIMPLEMENTED naming the method (so a client fails fast and clearly),
 * and once one of these is built this test fails until the README is updated.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from './helpers/env.js';

const GRPC_UNIMPLEMENTED = 12;

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

function limitationsSection(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## Limitations');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README limitations', () => {
  const missing: Array<[string, (s: TestEnv['client']['workflowService']) => Promise<unknown>]> = [
    ['ListArchivedWorkflowExecutions', (s) => s.listArchivedWorkflowExecutions({ namespace: 'default' })],
    ['StartBatchOperation', (s) => s.startBatchOperation({ namespace: 'default', jobId: 'j' })],
  ];

  it.each(missing)('%s is listed as missing and answers UNIMPLEMENTED naming it', async (method, call) => {
    const section = limitationsSection();
    const topics: Record<string, RegExp> = { StartBatchOperation: /batch operations/i, ListArchivedWorkflowExecutions: /archival/i };
    const mentioned = topics[method] ?? new RegExp(method);
    expect(section).toMatch(mentioned);
    const error = await call(env.client.workflowService).then(
      () => undefined,
      (err: unknown) => err as { code?: number; details?: string },
    );
    expect(error?.code).toBe(GRPC_UNIMPLEMENTED);
    expect(error?.details).toContain(method);
  });
});
