/**
 * `endure server backup` as an operator uses it: a backup taken with the CLI while a server (a
 * child process on an SQLite file) runs workflows under load, the server killed, a server
 * started on the backup, and the workflows that were running at backup time completing there,
 * with nothing that was committed before the backup missing. And its refusals, one line each.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { startCrashRig, type CrashRig } from '../../server/test/helpers/crash-rig.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { approvalWorkflow } from '../../server/test/workflows/approval.js';
import { stepsWorkflow } from '../../server/test/workflows/crash.js';
import { runEndure } from './helpers/cli.js';

/** Workflows waiting for a signal (their timeout far away), and others waiting for their timer. */
const signalWaiters = 5;
const timerWaiters = 5;
/** Long enough to still be pending at backup time (a CLI start on a busy machine), short enough to fire soon after the restore. */
const waiterTimerMs = 6_000;
/** Clients starting `stepsWorkflow`s one after the other, for load during the backup. */
const loadClients = 4;
const stepsPerWorkflow = 2;
/** Workflows the load must have completed before the backup is taken. */
const completedBeforeBackupMin = 8;

let rig: CrashRig | undefined;
/** The refusals' files. */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'endure-backup-refusals-'));
});

afterAll(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One load client: starts a workflow, waits for its result, again, until `stop()`. */
interface LoadRecord {
  id: string;
  startedMs: number;
  completedMs?: number;
  result?: string[];
}

function runLoad(client: Client, taskQueue: string, records: LoadRecord[]): { stop(): void } {
  let stopped = false;
  let n = 0;
  for (let c = 0; c < loadClients; c++) {
    void (async () => {
      // Bounded by the test's timeout; stops at the first error (the server was killed).
      while (!stopped) {
        const id = `load-${c}-${n++}`;
        const handle = await client.workflow.start(stepsWorkflow, { taskQueue, workflowId: id, args: [stepsPerWorkflow] });
        const record: LoadRecord = { id, startedMs: Date.now() };
        records.push(record);
        record.result = await handle.result();
        record.completedMs = Date.now();
      }
    })().catch(() => undefined);
  }
  return { stop: () => (stopped = true) };
}

describe('endure server backup', () => {
  it('takes a consistent backup under load; a server started on it completes the workflows that were running', async () => {
    rig = await startCrashRig({ name: 'backup', stepLog: true });
    const { client, taskQueue, readStepLog } = rig;
    const dbFilename = rig.database;
    const backupFilename = join(rig.dir, 'backup.db');

    // Waiters, each with an item added by a signal: committed state the backup must keep.
    const addWaiter = async (id: string, timeoutMs: number): Promise<void> => {
      const handle = await client.workflow.start(approvalWorkflow, { taskQueue, workflowId: id, args: [timeoutMs] });
      await handle.signal('addItem', `item of ${id}`);
    };
    const signalWaiterIds = Array.from({ length: signalWaiters }, (_, i) => `signal-waiter-${i}`);
    const timerWaiterIds = Array.from({ length: timerWaiters }, (_, i) => `timer-waiter-${i}`);
    const waiterIds = [...signalWaiterIds, ...timerWaiterIds];
    for (const id of signalWaiterIds) await addWaiter(id, 600_000);

    const load: LoadRecord[] = [];
    const loadRun = runLoad(client, taskQueue, load);
    await waitFor(() => load.filter((r) => r.completedMs !== undefined).length >= completedBeforeBackupMin, {
      timeoutMs: 20_000,
      description: `${completedBeforeBackupMin} load workflows completed`,
    });
    // Started last, so that their timers are still pending when the backup reads its snapshot.
    const timerWaitersStartedMs = Date.now();
    for (const id of timerWaiterIds) await addWaiter(id, waiterTimerMs);

    const backupStartedMs = Date.now();
    const backup = await runEndure(['server', 'backup', '--db-filename', dbFilename, '--to', backupFilename]);
    const backupEndedMs = Date.now();
    expect(backup.stderr).not.toMatch(/^endure: /m);
    expect(backup.code).toBe(0);
    const summary = /^Backed up .* to (.*): (\d+) pages, (\d+) bytes in (\d+) ms \(schema version \d+\)$/m.exec(backup.stdout);
    expect(summary, backup.stdout).not.toBeNull();
    expect(summary![1]).toBe(backupFilename);
    expect(Number(summary![3])).toBe(statSync(backupFilename).size);
    expect(backupEndedMs - timerWaitersStartedMs, "the backup must be taken before the waiters' timers fire").toBeLessThan(waiterTimerMs);

    // The server went on working during and after the backup: the load kept completing.
    await waitFor(() => load.some((r) => r.completedMs !== undefined && r.startedMs > backupEndedMs), {
      timeoutMs: 20_000,
      description: 'a load workflow started after the backup to complete',
    });
    loadRun.stop();
    const afterBackupId = 'started-after-backup';
    await client.workflow.start(approvalWorkflow, { taskQueue, workflowId: afterBackupId, args: [600_000] });

    const completedBefore = load.filter((r) => r.completedMs !== undefined && r.completedMs < backupStartedMs);
    const startedBefore = load.filter((r) => r.startedMs < backupStartedMs);
    expect(completedBefore.length).toBeGreaterThanOrEqual(completedBeforeBackupMin);
    const runningAtBackup = startedBefore.filter((r) => r.completedMs === undefined || r.completedMs >= backupStartedMs);

    // The server dies; the operator starts one on the backup, on the same port.
    await rig.killServer();
    await rig.startServer(backupFilename);
    const restartedMs = Date.now();

    // Everything completed before the backup is there, completed, with its result; untouched since.
    for (const record of completedBefore) {
      const description = await client.workflow.getHandle(record.id).describe();
      expect(description.status.name, record.id).toBe('COMPLETED');
      expect(description.closeTime!.getTime(), record.id).toBeLessThan(backupStartedMs);
      expect(await client.workflow.getHandle<typeof stepsWorkflow>(record.id).result()).toEqual(record.result);
    }
    // The load workflows running at backup time complete on the restored server, results right.
    for (const record of runningAtBackup) {
      const result = await client.workflow.getHandle<typeof stepsWorkflow>(record.id).result();
      expect(result).toEqual(Array.from({ length: stepsPerWorkflow }, (_, s) => `${record.id}#${s + 1}`));
    }
    // The waiters: signalled ones are approved, the others' timers fire; each kept its item.
    for (const id of signalWaiterIds) {
      await client.workflow.getHandle(id).signal('approve', 'the operator');
    }
    for (const id of waiterIds) {
      const result = await client.workflow.getHandle<typeof approvalWorkflow>(id).result();
      const outcome = id.startsWith('signal') ? 'approved by the operator' : 'timed out';
      expect(result, id).toEqual({ outcome, items: [`item of ${id}`] });
      const closedMs = (await client.workflow.getHandle(id).describe()).closeTime!.getTime();
      expect(closedMs, `${id} closed on the restored server`).toBeGreaterThanOrEqual(restartedMs);
    }
    // A point in time: what started after the backup is not in it.
    const missing: unknown = await client.workflow.getHandle(afterBackupId).describe().catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(WorkflowNotFoundError);

    // What the restore cost the work in flight at backup time (for docs/operations.md): a task the
    // old server handed out or completed after the backup is handed out again, now or after its timeout.
    const histories = await Promise.all([...runningAtBackup.map((r) => r.id), ...waiterIds].map((id) => client.workflow.getHandle(id).fetchHistory()));
    const workflowTaskTimeouts = histories.flatMap((h) => h.events ?? []).filter((e) => e.workflowTaskTimedOutEventAttributes).length;
    const stepsDone = readStepLog().filter((line) => line.event === 'done');
    const stepsRunAgain = stepsDone.length - new Set(stepsDone.map((line) => `${line.workflowId}#${line.step}`)).size;
    console.log(`[backup] after the restore: ${workflowTaskTimeouts} workflow task timeouts, ${stepsRunAgain} activity steps run again`);
    console.log(
      `[backup] ${summary![2]} pages, ${summary![3]} bytes in ${summary![4]} ms under load; ` +
        `${completedBefore.length} load workflows completed before it, ${runningAtBackup.length} running at it; ` +
        `${load.length} load workflows started in all`,
    );
    await rig.stopWorker();
  });

  it('refuses a missing database, a file that is not an Endure database, an existing destination and PostgreSQL', async () => {
    const existing = join(dir, 'existing.db');
    writeFileSync(existing, 'keep me');
    const notEndure = join(dir, 'notes.txt');
    writeFileSync(notEndure, 'not a database, but long enough to have a header: '.repeat(4));
    const missing = join(dir, 'missing.db');

    const cases: Array<{ args: string[]; line: string; also?: string }> = [
      {
        args: ['--db-filename', missing, '--to', join(dir, 'out-1.db')],
        line: `endure: could not back up the database: no such database: ${missing} does not exist`,
      },
      {
        args: ['--db-filename', notEndure, '--to', join(dir, 'out-2.db')],
        line: `endure: could not back up the database: ${notEndure} is not an SQLite database`,
      },
      {
        args: ['--db-filename', missing, '--to', existing],
        line: `endure: could not back up the database: ${existing} already exists; pass --force to replace it`,
      },
      {
        args: ['--db', 'postgres://endure:secret@127.0.0.1:5432/endure', '--to', join(dir, 'out-3.db')],
        line: 'endure: postgres://endure@127.0.0.1:5432/endure is a PostgreSQL database: endure server backup copies SQLite files only.',
        also: 'pg_dump -Fc',
      },
    ];
    // Independent of each other: run side by side, the file stays fast on a busy machine.
    const results = await Promise.all(cases.map(({ args }) => runEndure(['server', 'backup', ...args])));
    for (const [i, { args, line, also }] of cases.entries()) {
      const result = results[i]!;
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.split('\n').filter((l) => l.startsWith('endure: '))).toEqual([line]);
      if (also !== undefined) expect(result.stderr).toContain(also);
    }
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    rmSync(existing);
  });
});
