/**
 * The matching engine's memory: task queues nobody uses any more are swept out, so a client
 * naming ever new task queues cannot grow the server without bound; queues in use are kept.
 */
import { describe, expect, it } from 'vitest';
import { MatchingEngine } from './matching-engine.js';

const EXPIRY_MS = 5 * 60_000;

function pollOnce(matching: MatchingEngine, taskQueue: string): Promise<unknown> {
  // An aborted signal: the poll is recorded and answered empty at once.
  return matching.poll('ns', taskQueue, 'activity', 'worker-1', 60_000, AbortSignal.abort());
}

describe('MatchingEngine task queues', () => {
  it('sweeps out queues idle past the poller expiry, keeping those with tasks or recent polls', async () => {
    let nowMs = 0;
    const matching = new MatchingEngine(() => nowMs, EXPIRY_MS);
    matching.addTasks([
      { id: 1, namespaceId: 'ns', taskQueue: 'with-backlog', kind: 'activity', workflowId: 'w', runId: 'r', scheduledEventId: 5, attempt: 1, createdMs: 0 },
    ]);
    for (let i = 0; i < 1500; i++) await pollOnce(matching, `old-${i}`);
    nowMs += EXPIRY_MS + 1;
    await pollOnce(matching, 'recent');
    for (let i = 0; i < 3000; i++) await pollOnce(matching, `new-${i}`);

    const names = new Set(matching.queueStats().map((q) => q.taskQueue));
    expect([...names].filter((name) => name.startsWith('old-'))).toEqual([]);
    expect(names.has('recent')).toBe(true);
    expect(names.has('with-backlog')).toBe(true);
    expect(matching.describe('ns', 'with-backlog', 'activity').backlog).toBe(1);
    expect(matching.describe('ns', 'recent', 'activity').pollers.map((p) => p.identity)).toEqual(['worker-1']);
    // Bounded by what was used within the expiry (3,002 queues here), not by every name ever seen.
    expect(names.size).toBeLessThanOrEqual(3002);
    matching.close();
  });

  it('keeps a queue while a poll waits on it, however long', async () => {
    let nowMs = 0;
    const matching = new MatchingEngine(() => nowMs, EXPIRY_MS);
    const controller = new AbortController();
    const waiting = matching.poll('ns', 'long-poll', 'workflow', 'worker-2', 60 * 60_000, controller.signal);
    nowMs += 2 * EXPIRY_MS;
    for (let i = 0; i < 2500; i++) await pollOnce(matching, `other-${i}`);
    expect(matching.queueStats().find((q) => q.taskQueue === 'long-poll')?.pollers).toBe(1);
    matching.addTasks([
      { id: 7, namespaceId: 'ns', taskQueue: 'long-poll', kind: 'workflow', workflowId: 'w', runId: 'r', scheduledEventId: 2, attempt: 1, createdMs: nowMs },
    ]);
    expect(await waiting).toMatchObject({ type: 'task', task: { id: 7 } });
    matching.close();
  });

  it("drops a sticky queue whose last poll's caller went away, but not one whose poll timed out", async () => {
    const nowMs = 0;
    const matching = new MatchingEngine(() => nowMs, EXPIRY_MS);
    const task = { id: 7, namespaceId: 'ns', taskQueue: 'normal', kind: 'workflow' as const, workflowId: 'w', runId: 'r', scheduledEventId: 2, attempt: 1, createdMs: 0 };
    const expired: unknown[] = [];

    // A poll that times out: the worker is still there (it polls again), so the queue keeps its tasks.
    await matching.poll('ns', 'sticky-a', 'workflow', 'worker-a', 1, new AbortController().signal, true);
    expect(matching.addStickyTask(task, 'sticky-a', 10_000, (t) => expired.push(t))).toBe(true);

    // A poll whose caller went away (a killed worker's connection closes): the next task goes to the normal queue.
    const caller = new AbortController();
    const waiting = matching.poll('ns', 'sticky-b', 'workflow', 'worker-b', 60_000, caller.signal, true);
    caller.abort();
    await expect(waiting).resolves.toBeNull();
    expect(matching.addStickyTask({ ...task, id: 8 }, 'sticky-b', 10_000, (t) => expired.push(t))).toBe(false);
    expect(expired).toEqual([]);
    matching.close();
  });

  it('drops a sticky queue when the connection its worker last polled on closes, even with no poll waiting', async () => {
    const matching = new MatchingEngine(() => 0, EXPIRY_MS);
    const task = { id: 9, namespaceId: 'ns', taskQueue: 'normal', kind: 'workflow' as const, workflowId: 'w', runId: 'r', scheduledEventId: 2, attempt: 1, createdMs: 0 };
    const pollOn = async (queue: string, connection: AbortController) => {
      matching.watchStickyConnection('ns', queue, connection.signal);
      // Answered (timed out) at once: the worker is busy, no poll waits when it dies.
      await matching.poll('ns', queue, 'workflow', 'worker', 1, new AbortController().signal, true);
    };

    const killed = new AbortController();
    await pollOn('sticky-killed', killed);
    killed.abort();
    expect(matching.addStickyTask(task, 'sticky-killed', 10_000, () => undefined)).toBe(false);

    // The worker moved to a new connection: the old one closing says nothing about it.
    const old = new AbortController();
    await pollOn('sticky-moved', old);
    await pollOn('sticky-moved', new AbortController());
    old.abort();
    expect(matching.addStickyTask({ ...task, id: 10 }, 'sticky-moved', 10_000, () => undefined)).toBe(true);
    matching.close();
  });
});
