/**
 * GetClusterInfo, as the official SDK's connection calls it (and `temporal operator
 * cluster describe` shows it): one cluster named `active`, the server's own version, and
 * the store the server was started with.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from './helpers/env.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ store: 'memory' });
});

afterAll(async () => {
  await env?.close();
});

describe('GetClusterInfo', () => {
  it('names the single cluster, the server version and the store in use, with a stable cluster id', async () => {
    const info = await env.connection.workflowService.getClusterInfo({});
    expect(info.clusterName).toBe('active');
    expect(info.serverVersion).toBe(version);
    expect(info.persistenceStore).toBe('memory');
    expect(info.visibilityStore).toBe('memory');
    expect(info.historyShardCount).toBe(1);
    expect(info.clusterId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.supportedClients?.['temporal-typescript']).toBe('<2.0.0');
    const again = await env.connection.workflowService.getClusterInfo({});
    expect(again.clusterId).toBe(info.clusterId);
  });

  it('reports sqlite for the default store', async () => {
    const sqliteEnv = await startTestEnv();
    try {
      const info = await sqliteEnv.connection.workflowService.getClusterInfo({});
      expect(info.persistenceStore).toBe('sqlite');
    } finally {
      await sqliteEnv.close();
    }
  });
});
