/**
 * Workflow runs in one worker share sandbox contexts (the worker's sandbox.ts)
 * and must not notice: each run has its own module state and its own globals,
 * reads its own workflow time and randomness, and replays to the same values.
 */
import { fileURLToPath } from 'node:url';
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import { defaultPayloadConverter } from '@endure/common';
import { bundleWorkflowCode, type WorkflowBundle } from '@endure/worker';
import { SandboxFactory } from '../src/workflow/sandbox.js';
import { WorkflowRun } from '../src/workflow/workflow-run.js';
import { observedQuery, type Observed } from './workflows/isolation.js';
import { EventType, eventsOfType, startSdkTestEnv, uniqueTaskQueue, uniqueWorkflowId, type SdkTestEnv } from './helpers/env.js';

/** More runs than a worker has sandbox contexts, so that some share one. */
const RUNS = 12;

let env: SdkTestEnv;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  env = await startSdkTestEnv();
  workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows/isolation.ts', import.meta.url)) });
});

afterAll(async () => {
  await env?.close();
});

describe('concurrent runs in one worker', () => {
  it('each see only their own module state, globals, clock and randomness', async () => {
    const taskQueue = uniqueTaskQueue('isolation');
    const tags = Array.from({ length: RUNS }, (_, i) => `run-${i}`);
    const { handles, results, replayed } = await env.runWorker({ taskQueue, workflowBundle }, async () => {
      const handles = await Promise.all(
        tags.map((tag) => env.client.workflow.start('isolationWorkflow', { taskQueue, workflowId: uniqueWorkflowId('isolation'), args: [tag] })),
      );
      const results = await Promise.all(handles.map((handle) => handle.result() as Promise<Observed>));
      // A closed run is no longer cached: each query replays its run's history in a new sandbox.
      const replayed = await Promise.all(handles.map((handle) => handle.query(observedQuery)));
      return { handles, results, replayed };
    });

    for (const [i, handle] of handles.entries()) {
      // Workflow time after the timer is the start time of the run's own second workflow task.
      const started = eventsOfType(await handle.fetchHistory(), EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)[1]?.eventTime;
      const startedMs = Number(started?.seconds) * 1000 + Math.floor((started?.nanos ?? 0) / 1e6);
      expect(results[i]).toEqual({
        runsStartedBefore: 0,
        tagAtStart: null,
        tagAfterTimer: tags[i],
        nowAfterTimer: startedMs,
        randomAfterTimer: expect.any(Number) as number,
        reachable: [],
      });
    }
    // Randomness is seeded per run: runs that shared a context did not draw from each other's.
    expect(new Set(results.map((r) => r.randomAfterTimer)).size).toBe(RUNS);
    expect(replayed).toEqual(results);
  });
});

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** The history of one isolationWorkflow run, written as the server would, one workflow task at a time. */
class RunHistory {
  readonly events: HistoryEvent[] = [];
  /** Start time of the last workflow task: the workflow time its code reads. */
  taskStartedMs = 0;

  constructor(
    readonly tag: string,
    private nowMs: number,
  ) {
    this.add({
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: 'isolationWorkflow' },
        taskQueue: { name: 'isolation' },
        input: { payloads: [defaultPayloadConverter.toPayload(tag)] },
        originalExecutionRunId: `run-id-${tag}`,
      },
    });
  }

  /** Schedules and starts a workflow task; returns its started event id. */
  startTask(): number {
    this.add({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED });
    this.taskStartedMs = this.nowMs;
    return this.add({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, workflowTaskStartedEventAttributes: {} });
  }

  /** The first task started the workflow's timer: record that and fire it. */
  fireTimer(): void {
    this.add({ eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED });
    this.add({ eventType: EventType.EVENT_TYPE_TIMER_STARTED, timerStartedEventAttributes: { timerId: '1' } });
    this.add({ eventType: EventType.EVENT_TYPE_TIMER_FIRED, timerFiredEventAttributes: { timerId: '1' } });
  }

  private add(event: HistoryEvent): number {
    const ms = this.nowMs++;
    const eventId = this.events.length + 1;
    this.events.push({ ...event, eventId: Long.fromNumber(eventId), eventTime: { seconds: Long.fromNumber(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 } });
    return eventId;
  }
}

function newRun(sandboxes: SandboxFactory, tag: string): WorkflowRun {
  const identity = { namespace: 'default', taskQueue: 'isolation', workflowId: tag, runId: `run-id-${tag}`, workflowType: 'isolationWorkflow' };
  return new WorkflowRun(identity, sandboxes.create());
}

/** Answers the workflow task started at `startedEventId`, in which the workflow completes. */
async function finish(run: WorkflowRun, history: RunHistory, startedEventId: number): Promise<Observed> {
  const completion = await run.advance(history.events, startedEventId);
  const result = completion.commands[0]?.completeWorkflowExecutionCommandAttributes?.result?.payloads?.[0];
  if (!result) throw new Error(`run ${history.tag} did not complete: ${JSON.stringify(completion)}`);
  return defaultPayloadConverter.fromPayload<Observed>(result);
}

describe('runs in one sandbox context', () => {
  it('have their activations run one at a time, each with its own globals', async () => {
    const shared = new SandboxFactory(workflowBundle.code, () => undefined, 1);
    const histories = Array.from({ length: 4 }, (_, i) => new RunHistory(`run-${i}`, (i + 1) * 1_000_000));
    const runs = histories.map((history) => newRun(shared, history.tag));

    // Every activation is asked for while the others wait for their macrotask turn.
    await Promise.all(runs.map((run, i) => run.advance(histories[i]!.events, histories[i]!.startTask())));
    const lastTasks = histories.map((history) => {
      history.fireTimer();
      return history.startTask();
    });
    // run-0 completes first, then answers a query while the other runs' activations are under way:
    // from a microtask that runs between an activation and the promise callbacks it released.
    const results = [await finish(runs[0]!, histories[0]!, lastTasks[0]!)];
    const others = Promise.all(runs.slice(1).map((run, i) => finish(run, histories[i + 1]!, lastTasks[i + 1]!)));
    const answer = await new Promise<ReturnType<WorkflowRun['query']>>((resolve) => queueMicrotask(() => resolve(runs[0]!.query('observed', []))));
    results.push(...(await others));

    expect(answer.answer && defaultPayloadConverter.fromPayload(answer.answer)).toEqual(results[0]);
    for (const [i, history] of histories.entries()) {
      expect(results[i]).toMatchObject({ runsStartedBefore: 0, tagAtStart: null, tagAfterTimer: history.tag, nowAfterTimer: history.taskStartedMs });
      // The same run alone in its own context reads the same values.
      const alone = newRun(new SandboxFactory(workflowBundle.code, () => undefined, 1), history.tag);
      expect(await finish(alone, history, lastTasks[i]!)).toEqual(results[i]);
    }
  });
});
