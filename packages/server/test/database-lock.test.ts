/**
 * One server per database file: a second `EndureServer.start` on a file in use fails with a
 * `DatabaseInUseError` naming it, and leaves the first server working; once the first stops,
 * the file opens again at once. (The CLI test kills the holder with SIGKILL instead.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { DatabaseInUseError, EndureServer } from '../src/index.js';

const servers: EndureServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.allSettled(servers.splice(0).map((s) => s.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDbFilename(): string {
  const dir = mkdtempSync(join(tmpdir(), 'endure-lock-'));
  dirs.push(dir);
  return join(dir, 'endure.db');
}

async function start(dbFilename: string): Promise<EndureServer> {
  const server = await EndureServer.start({ port: 0, dbFilename, logLevel: 'error' });
  servers.push(server);
  return server;
}

async function workflowStatus(server: EndureServer, workflowId: string): Promise<string | undefined> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return (await new Client({ connection }).workflow.getHandle(workflowId).describe()).status.name;
  } finally {
    await connection.close();
  }
}

describe('database file lock', () => {
  it('refuses a second server on a file in use, naming the file, and the first keeps serving', async () => {
    const dbFilename = tempDbFilename();
    const first = await start(dbFilename);

    const error: unknown = await start(dbFilename).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect((error as Error).message).toContain(`another Endure server is using the database file ${dbFilename}`);

    const connection = await Connection.connect({ address: first.address });
    try {
      await new Client({ connection }).workflow.start('lockedWorkflow', { taskQueue: 'lock', workflowId: 'lock-1' });
    } finally {
      await connection.close();
    }
    expect(await workflowStatus(first, 'lock-1')).toBe('RUNNING');
  });

  it('opens the file again as soon as the server holding it stops', async () => {
    const dbFilename = tempDbFilename();
    const first = await start(dbFilename);
    const connection = await Connection.connect({ address: first.address });
    try {
      await new Client({ connection }).workflow.start('lockedWorkflow', { taskQueue: 'lock', workflowId: 'lock-2' });
    } finally {
      await connection.close();
    }
    await first.stop();

    const next = await start(dbFilename);
    expect(await workflowStatus(next, 'lock-2')).toBe('RUNNING');
  });
});
