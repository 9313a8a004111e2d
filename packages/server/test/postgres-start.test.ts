/**
 * A server on PostgreSQL that starts before its database: it says which address it cannot
 * reach, keeps retrying (and says so), and serves once the database is up; with retries off
 * it fails at once with the address. The "database" comes up as a TCP relay to the local
 * PostgreSQL opened on a port that refused connections until then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { EndureServer } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { startPostgresRelay, urlOnPort } from './helpers/postgres-relay.js';
import { findFreePort } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('a server whose PostgreSQL is down at start', () => {
  it('logs the address it cannot reach, retries with backoff, and serves once the database is up', async () => {
    const port = await findFreePort();
    const lines: string[] = [];
    const starting = EndureServer.start({
      port: 0,
      postgresUrl: urlOnPort(database.url, port),
      postgresConnectRetryMs: 30_000,
      logLevel: 'warn',
      logOutput: { write: (text) => lines.push(text) },
    });
    starting.catch(() => undefined);
    await waitFor(() => lines.filter((line) => line.includes(`cannot connect to PostgreSQL at 127.0.0.1:${port}`)).length >= 2, {
      timeoutMs: 10_000,
      description: 'two logged connection failures',
    });
    expect(lines[0]).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+; retrying in 250 ms \(attempt 1, giving up \d+ ms from now\) \(postgresConnectRetryMs: 30000\)/);
    expect(lines[1]).toMatch(/retrying in 500 ms \(attempt 2/);

    const relay = await startPostgresRelay(database.url, port);
    let server: EndureServer | undefined;
    try {
      server = await starting;
      const connection = await Connection.connect({ address: server.address });
      try {
        const client = new Client({ connection, namespace: 'default' });
        const listed = await client.workflowService.listNamespaces({});
        expect(listed.namespaces.map((ns) => ns.namespaceInfo?.name)).toContain('default');
      } finally {
        await connection.close();
      }
    } finally {
      await server?.stop();
      await relay.close();
    }
  });

  it('fails at once, naming the address, when retries are off', async () => {
    const port = await findFreePort();
    await expect(
      EndureServer.start({ port: 0, postgresUrl: urlOnPort(database.url, port), postgresConnectRetryMs: 0, logLevel: 'silent' }),
    ).rejects.toThrow(new RegExp(`^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port} \\(postgres://postgres@127\\.0\\.0\\.1:${port}/endure_test_`));
  });
});
