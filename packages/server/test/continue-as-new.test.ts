/**
 * Runs that follow runs: continue-as-new, workflow retries and cron. The
 * client's `result()` follows the chain; each run's history says where it
 * came from and where the chain went next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { eventTypes } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';
import { countSignal, countingChain, cronRun, flakyWorkflow, waitingChild, type CronRunResult } from './workflows/children.js';

const { ContinueAsNewInitiator } = temporal.api.enums.v1;
let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

async function historyOf(workflowId: string, runId: string) {
  return env.client.workflow.getHandle(workflowId, runId).fetchHistory();
}

describe('continue-as-new', () => {
  it('continues a workflow as new until it is done; result() follows the chain', async () => {
    const taskQueue = uniqueTaskQueue('can');
    const workflowId = uniqueWorkflowId('can');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(countingChain, {
        taskQueue,
        workflowId,
        args: [1, 4],
        memo: { owner: 'ada' },
      });
      const result = await handle.result();
      expect(result.iteration).toBe(4);
      expect(result.total).toBe(1 + 2 + 3 + 4);
      expect(result.firstExecutionRunId).toBe(handle.firstExecutionRunId);
      expect(result.continuedFromExecutionRunId).toBeDefined();

      const first = await historyOf(workflowId, handle.firstExecutionRunId);
      expect(eventTypes(first).at(-1)).toBe('WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
      const can = first.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes!;
      expect(can.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
      const second = await historyOf(workflowId, can.newExecutionRunId!);
      const started = second.events![0]!.workflowExecutionStartedEventAttributes!;
      expect(started.continuedExecutionRunId).toBe(handle.firstExecutionRunId);
      expect(started.firstExecutionRunId).toBe(handle.firstExecutionRunId);
      expect(started.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);

      const first_ = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe();
      expect(first_.status.name).toBe('CONTINUED_AS_NEW');
      const latest = await env.client.workflow.getHandle(workflowId).describe();
      expect(latest.status.name).toBe('COMPLETED');
      expect(latest.runId).not.toBe(handle.firstExecutionRunId);
      expect(latest.memo).toEqual({ owner: 'ada' });
    });
  });

  it('loses no signal sent while the chain moves to its next run', async () => {
    const taskQueue = uniqueTaskQueue('can-signals');
    const workflowId = uniqueWorkflowId('can-signals');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(countingChain, { taskQueue, workflowId, args: [1, 6] });
      let sent = 0;
      for (let i = 0; i < 20; i++) {
        try {
          await env.client.workflow.getHandle(workflowId).signal(countSignal, 100);
          sent++;
        } catch {
          break; // the chain completed
        }
      }
      const result = await handle.result();
      expect(sent).toBeGreaterThan(0);
      expect(result.total).toBe(1 + 2 + 3 + 4 + 5 + 6 + 100 * sent);
    });
  });
});

describe('workflow retries', () => {
  it('retries a failed workflow as a new run after the backoff, counting attempts', async () => {
    const taskQueue = uniqueTaskQueue('wf-retry');
    const workflowId = uniqueWorkflowId('wf-retry');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(flakyWorkflow, {
        taskQueue,
        workflowId,
        args: [3],
        retry: { initialInterval: '50ms', maximumAttempts: 5 },
      });
      expect(await handle.result()).toEqual({ attempt: 3, lastFailure: 'attempt 2 failed' });
      const first = await historyOf(workflowId, handle.firstExecutionRunId);
      const failed = first.events!.at(-1)!.workflowExecutionFailedEventAttributes!;
      expect(failed.retryState).toBe(temporal.api.enums.v1.RetryState.RETRY_STATE_IN_PROGRESS);
      const second = await historyOf(workflowId, failed.newExecutionRunId!);
      const started = second.events![0]!.workflowExecutionStartedEventAttributes!;
      expect(started.attempt).toBe(2);
      expect(started.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY);
      expect(started.continuedFailure?.message).toBe('attempt 1 failed');
      expect(Number(started.firstWorkflowTaskBackoff?.nanos ?? 0) + Number(started.firstWorkflowTaskBackoff?.seconds ?? 0) * 1e9).toBe(50e6);
    });
  });

  it('stops at maximum attempts and fails with the last failure', async () => {
    const taskQueue = uniqueTaskQueue('wf-retry-max');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(flakyWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('wf-retry-max'),
        args: [10],
        retry: { initialInterval: '10ms', maximumAttempts: 2 },
      });
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause?.message).toBe('attempt 2 failed');
      const described = await env.client.workflow.getHandle(handle.workflowId).describe();
      expect(described.status.name).toBe('FAILED');
    });
  });
});

describe('cron workflows', () => {
  it('runs on its schedule, each run a new run started by the cron initiator', async () => {
    const taskQueue = uniqueTaskQueue('cron');
    const workflowId = uniqueWorkflowId('cron');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(cronRun, { taskQueue, workflowId, cronSchedule: '@every 1s' });
      const firstStarted = (await historyOf(workflowId, handle.firstExecutionRunId)).events![0]!;
      expect(firstStarted.workflowExecutionStartedEventAttributes!.cronSchedule).toBe('@every 1s');
      expect(firstStarted.workflowExecutionStartedEventAttributes!.firstWorkflowTaskBackoff).toBeTruthy();
      // Two runs complete and a third is waiting for its time.
      const secondRunId = await waitFor(
        async () => {
          const h = await historyOf(workflowId, handle.firstExecutionRunId);
          return h.events!.at(-1)?.workflowExecutionCompletedEventAttributes?.newExecutionRunId;
        },
        { timeoutMs: 10_000, description: 'the first cron run to complete' },
      );
      const second = await waitFor(
        async () => {
          const h = await historyOf(workflowId, secondRunId);
          return h.events!.at(-1)?.workflowExecutionCompletedEventAttributes ? h : undefined;
        },
        { timeoutMs: 10_000, description: 'the second cron run to complete' },
      );
      const started = second.events![0]!.workflowExecutionStartedEventAttributes!;
      expect(started.initiator).toBe(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
      expect(started.lastCompletionResult?.payloads).toHaveLength(1);
      const secondResult = defaultPayloadConverter.fromPayload<CronRunResult>(
        second.events!.at(-1)!.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!,
      );
      expect(secondResult).toEqual({ cronSchedule: '@every 1s', runId: secondRunId, previousRunId: handle.firstExecutionRunId });
      await env.client.workflow.getHandle(workflowId).terminate('enough');
    });
  });

  it('refuses a malformed cron schedule naming the field', async () => {
    const err: { cause?: { code?: number; details?: string } } = await env.client.workflow
      .start(cronRun, { taskQueue: 'unused', workflowId: uniqueWorkflowId('bad-cron'), cronSchedule: '61 * * * *' })
      .then(() => ({}), (e: unknown) => e as { cause?: { code?: number; details?: string } });
    expect(err.cause?.code).toBe(3); // INVALID_ARGUMENT
    expect(err.cause?.details).toMatch(/cron_schedule/);
  });
});

describe('start delay', () => {
  it('holds the first workflow task for the delay; a signal ends the delay', async () => {
    const taskQueue = uniqueTaskQueue('delay');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(waitingChild, {
        taskQueue,
        workflowId: uniqueWorkflowId('delay'),
        startDelay: '1 hour',
      });
      const described = await handle.describe();
      expect(described.executionTime!.getTime() - described.startTime.getTime()).toBeGreaterThanOrEqual(3_600_000 - 1000);
      expect(eventTypes(await handle.fetchHistory())).toEqual(['WORKFLOW_EXECUTION_STARTED']);
      await handle.signal('finish', 'early');
      expect(await handle.result()).toBe('early');
    });
  });

  it('a signal-with-start with a delay keeps it; a second signal-with-start ends it, a plain signal does not', async () => {
    const taskQueue = uniqueTaskQueue('sws-delay');
    const workflowId = uniqueWorkflowId('sws-delay');
    await env.withWorker({ taskQueue }, async () => {
      const options = { taskQueue, workflowId, signal: 'finish', startDelay: '1 hour' } as const;
      await env.client.workflow.signalWithStart(waitingChild, { ...options, signalArgs: ['first'] });
      const handle = env.client.workflow.getHandle(workflowId);
      await handle.signal('finish', 'plain');
      expect(eventTypes(await handle.fetchHistory())).toEqual([
        'WORKFLOW_EXECUTION_STARTED',
        'WORKFLOW_EXECUTION_SIGNALED',
        'WORKFLOW_EXECUTION_SIGNALED',
      ]);
      await env.client.workflow.signalWithStart(waitingChild, { ...options, signalArgs: ['second'] });
      expect(await handle.result()).toBe('second'); // all three arrive in the first task; the last one wins
    });
  });
});
