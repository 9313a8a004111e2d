/** Many concurrent workflows shared by two workers on one task queue. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityRecorder, createActivities } from './helpers/activities.js';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { arithmeticWorkflow } from './workflows/orders.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const workflowCount = 200;

describe('load', () => {
  it(`completes ${workflowCount} concurrent workflows over two workers`, async () => {
    const taskQueue = uniqueTaskQueue('load');
    const activitiesRunBy = [0, 0];
    const workers = await Promise.all(
      [0, 1].map((index) => {
        const base = createActivities(new ActivityRecorder());
        return env.createWorker({
          taskQueue,
          identity: `load-worker-${index}`,
          activities: {
            ...base,
            async double(n: number) {
              activitiesRunBy[index]! += 1;
              return base.double(n);
            },
            async increment(n: number) {
              activitiesRunBy[index]! += 1;
              return base.increment(n);
            },
          },
        });
      }),
    );
    const [first, second] = workers as [(typeof workers)[0], (typeof workers)[0]];

    const startedAt = Date.now();
    const results = await first.runUntil(
      second.runUntil(async () => {
        const handles = await Promise.all(
          Array.from({ length: workflowCount }, (_, n) =>
            env.client.workflow.start(arithmeticWorkflow, {
              taskQueue,
              workflowId: uniqueWorkflowId(`load-${n}`),
              args: [n],
            }),
          ),
        );
        return Promise.all(handles.map((h) => h.result()));
      }),
    );
    const elapsedMs = Date.now() - startedAt;
    console.log(
      `[load] ${workflowCount} workflows (2 activities each) over 2 workers: ${elapsedMs} ms; ` +
        `activities per worker: ${activitiesRunBy.join(' / ')}`,
    );

    expect(results).toEqual(Array.from({ length: workflowCount }, (_, n) => 2 * n + 1));
    expect(activitiesRunBy[0]! + activitiesRunBy[1]!).toBe(2 * workflowCount);
    // Both workers poll the same queue, so both get work.
    expect(activitiesRunBy[0]).toBeGreaterThan(0);
    expect(activitiesRunBy[1]).toBeGreaterThan(0);
  });
});
