/**
 * Nothing is acknowledged before the write-ahead log is on disk: the WAL's fdatasync (which runs
 * off the main thread) is held here, and the store's answers must wait for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionCommit, NamespaceRecord } from '../store.js';

/** fdatasync calls held until the test lets them finish. */
const held: { fd: number; done: (err: Error | null) => void }[] = [];

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, done: (err: Error | null) => void) => held.push({ fd, done }),
  };
});

const { SqliteStore } = await import('./sqlite-store.js');

function startCommit(workflowId: string): ExecutionCommit {
  return {
    namespaceId: 'ns',
    workflowId,
    runId: `run-${workflowId}`,
    expectedDbVersion: null,
    state: 'state',
    summary: { workflowType: 'wf', taskQueue: 'tq', status: 1, startTimeMs: 1000, closeTimeMs: null },
    newEvents: [{ eventId: 1, data: Uint8Array.of(1) }],
    current: {
      record: { namespaceId: 'ns', workflowId, runId: `run-${workflowId}`, status: 1, startRequestId: 'r' },
      expectedRunId: null,
    },
    newTaskQueueTasks: [],
    doneTaskQueueTaskIds: [],
    newTimerTasks: [],
    doneTimerTaskIds: [],
  };
}

function namespace(id: string): NamespaceRecord {
  return { id, name: id, retentionMs: 10, createdMs: 1, state: 1, description: '', ownerEmail: '', data: {}, customSearchAttributes: {} };
}

/** Lets the next turns of the event loop run (the group commit waits for one). */
const turns = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SQLite store: acknowledgements wait for the WAL sync', () => {
  let dir: string;
  let store: InstanceType<typeof SqliteStore>;

  beforeEach(() => {
    held.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'endure-wal-sync-'));
    store = new SqliteStore(join(dir, 'e.db'));
  });

  afterEach(async () => {
    for (const h of held.splice(0)) h.done(null);
    const closing = store.close();
    for (let i = 0; i < 10 && held.length > 0; i++) held.splice(0).forEach((h) => h.done(null));
    await closing;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a commit only after the fdatasync that follows it has finished', async () => {
    let acknowledged = false;
    const commit = store.commitExecution(startCommit('a')).then((r) => {
      acknowledged = true;
      return r;
    });
    await turns();
    // The transaction is written (a reader sees it), the sync is running, nothing is acknowledged.
    expect(held).toHaveLength(1);
    expect(await store.getExecution('ns', 'a', 'run-a')).not.toBeNull();
    expect(acknowledged).toBe(false);
    held.shift()!.done(null);
    await expect(commit).resolves.toMatchObject({ dbVersion: 1 });
  });

  it('lets commits written during a sync share the next one, in order', async () => {
    const first = store.commitExecution(startCommit('a'));
    await turns();
    const second = store.commitExecution(startCommit('b'));
    const third = store.commitExecution(startCommit('c'));
    await turns();
    // b and c were written while a's sync ran: they need a sync that starts after them.
    expect(held).toHaveLength(1);
    held.shift()!.done(null);
    await first;
    await turns();
    expect(held).toHaveLength(1);
    let later = 0;
    void second.then(() => later++);
    void third.then(() => later++);
    await turns();
    expect(later).toBe(0);
    held.shift()!.done(null);
    await Promise.all([second, third]);
    expect(later).toBe(2);
  });

  it('refuses the commit, and every later one, when the sync fails', async () => {
    const commit = store.commitExecution(startCommit('a'));
    await turns();
    held.shift()!.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(commit).rejects.toThrow(/write-ahead log .* durable \(fsync failed\); restart the server/);
    await expect(store.commitExecution(startCommit('b'))).rejects.toThrow(/fsync failed/);
    await expect(store.createNamespace(namespace('x'))).rejects.toThrow(/fsync failed/);
  });

  it('waits for the sync on the other writes too (namespaces here)', async () => {
    let done = false;
    const created = store
      .createNamespace(namespace('n1'))
      .then(() => (done = true));
    await turns();
    expect(done).toBe(false);
    expect(held).toHaveLength(1);
    held.shift()!.done(null);
    await created;
    expect(done).toBe(true);
  });
});
