/**
 * Activities run by the in-process test workers. They are created per test file
 * with a recorder so a test can check what ran, how often and on which attempt.
 */
/* eslint-disable @typescript-eslint/require-await -- activities are async by contract, even those that never wait */
import { appendFileSync } from 'node:fs';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { Context } from './activity-context.js';

/** One activity execution as seen from inside the activity. */
export interface ActivityRun {
  key: string;
  attempt: number;
  startedAtMs: number;
}

/** What the activities observed; tests read it after a workflow finishes. */
export class ActivityRecorder {
  readonly runs: ActivityRun[] = [];
  readonly cleanups: string[] = [];
  readonly cancellationsObserved: string[] = [];
  readonly started = new Set<string>();

  runsOf(key: string): ActivityRun[] {
    return this.runs.filter((r) => r.key === key);
  }

  attemptsOf(key: string): number[] {
    return this.runsOf(key).map((r) => r.attempt);
  }
}

export interface Order {
  id: string;
  items: string[];
  amountCents: number;
}

/** Activities for the crash test: each completed step is appended to a log file. */
export interface StepLogLine {
  event: 'start' | 'done';
  workflowId: string;
  step: number;
  attempt: number;
  atMs: number;
}

export function createActivities(recorder: ActivityRecorder, options: { stepLogPath?: string } = {}) {
  function record(key: string): ActivityRun {
    const run = { key, attempt: Context.current().info.attempt, startedAtMs: Date.now() };
    recorder.runs.push(run);
    return run;
  }

  function logStep(line: StepLogLine): void {
    if (options.stepLogPath === undefined) throw new Error('stepLogPath not configured');
    appendFileSync(options.stepLogPath, JSON.stringify(line) + '\n');
  }

  return {
    async reserveInventory(orderId: string, items: string[]): Promise<string> {
      record(`reserve:${orderId}`);
      return `R-${orderId}-${items.length}`;
    },

    async chargeCard(orderId: string, amountCents: number): Promise<string> {
      record(`charge:${orderId}`);
      return `C-${orderId}-${amountCents}`;
    },

    async shipOrder(orderId: string, reservation: string): Promise<string> {
      record(`ship:${orderId}`);
      return `S-${reservation}`;
    },

    async echo(value: string): Promise<string> {
      return value;
    },

    async double(n: number): Promise<number> {
      return n * 2;
    },

    async increment(n: number): Promise<number> {
      return n + 1;
    },

    /** Fails retryably until attempt `failures + 1`. */
    async flaky(key: string, failures: number): Promise<string> {
      const { attempt } = record(key);
      if (attempt <= failures) {
        throw ApplicationFailure.retryable(`transient failure on attempt ${attempt}`, 'Transient');
      }
      return `succeeded on attempt ${attempt}`;
    },

    /** Fails with an error the activity itself marks non-retryable. */
    async declineCard(key: string): Promise<string> {
      record(key);
      throw ApplicationFailure.nonRetryable('card declined: insufficient funds', 'CardDeclined', { code: 51 });
    },

    /** Fails with a retryable error whose type the retry policy lists as non-retryable. */
    async validateAddress(key: string): Promise<string> {
      record(key);
      throw ApplicationFailure.create({ message: 'no such street', type: 'InvalidAddress' });
    },

    /** Heartbeats once and then stops heartbeating while staying busy. */
    async heartbeatOnceThenStall(key: string): Promise<string> {
      record(key);
      const ctx = Context.current();
      ctx.heartbeat('alive');
      await ctx.sleep(60_000);
      return 'unreachable';
    },

    /** Takes `ms` to finish (a local activity that outlasts a workflow task). */
    async slow(key: string, ms: number): Promise<string> {
      const { attempt } = record(key);
      await Context.current().sleep(ms);
      return `${key} done on attempt ${attempt}`;
    },

    /** Waits to be cancelled and records that it saw the cancellation before failing with it. */
    async awaitCancellation(key: string): Promise<string> {
      record(key);
      try {
        await Context.current().sleep(60_000);
        return 'not cancelled';
      } catch (err) {
        if (err instanceof CancelledFailure) recorder.cancellationsObserved.push(key);
        throw err;
      }
    },

    /** Never finishes on its own (returns only if not cancelled within a minute). */
    async stall(key: string): Promise<string> {
      record(key);
      await Context.current().sleep(60_000);
      return 'unreachable';
    },

    /** Hangs on attempt 1 (until its timeout cancels it), succeeds on later attempts. */
    async stallOnFirstAttempt(key: string): Promise<string> {
      const { attempt } = record(key);
      if (attempt === 1) await Context.current().sleep(60_000);
      return `succeeded on attempt ${attempt}`;
    },

    /** Heartbeats until cancelled, recording that it saw the cancellation. */
    async longRunning(key: string): Promise<string> {
      record(key);
      recorder.started.add(key);
      const ctx = Context.current();
      try {
        for (let i = 0; ; i++) {
          ctx.heartbeat(i);
          await ctx.sleep(50);
        }
      } catch (err) {
        if (err instanceof CancelledFailure && ctx.cancellationSignal.aborted) {
          recorder.cancellationsObserved.push(key);
        }
        throw err;
      }
    },

    async cleanup(key: string): Promise<void> {
      recorder.cleanups.push(key);
    },

    /** A workflow step for the server crash test: logs its start and its completion. */
    async recordStep(workflowId: string, step: number): Promise<string> {
      const attempt = Context.current().info.attempt;
      logStep({ event: 'start', workflowId, step, attempt, atMs: Date.now() });
      await Context.current().sleep(20 + Math.floor(Math.random() * 60));
      logStep({ event: 'done', workflowId, step, attempt, atMs: Date.now() });
      return `${workflowId}#${step}`;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
