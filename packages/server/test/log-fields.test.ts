/**
 * Structured logs: every JSON line the server writes about a workflow names it whole
 * (namespace, workflow id and run id), so one `jq 'select(.runId == …)'` finds a run's story.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogInto, startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type ServerLogLine, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { buggyHandlerWorkflow, finishSignal } from './workflows/children.js';
import { stepsAroundTimerWorkflow } from './workflows/crash.js';

let env: TestEnv;
const lines: ServerLogLine[] = [];

beforeAll(async () => {
  env = await startTestEnv({ logLevel: 'debug', ...jsonLogInto(lines) });
});

afterAll(async () => {
  await env?.close();
});

describe('log lines about a workflow', () => {
  it('carry its namespace, workflow id and run id', async () => {
    const taskQueue = uniqueTaskQueue('log-fields');
    const workflowId = uniqueWorkflowId('log-fields');
    const failingId = uniqueWorkflowId('log-fields-failing');
    let runId = '';
    await env.withWorker(
      { taskQueue, activities: { whoAmI: (step: number) => Promise.resolve({ step, pid: process.pid }) } },
      async () => {
        const handle = await env.client.workflow.start(stepsAroundTimerWorkflow, { taskQueue, workflowId, args: [50] });
        runId = handle.firstExecutionRunId;
        await handle.result();
        const failing = await env.client.workflow.start(buggyHandlerWorkflow, { taskQueue, workflowId: failingId });
        await failing.signal(finishSignal, 'bug');
        await waitFor(() => lines.find((l) => l.workflowId === failingId && l.msg === 'workflow task failed'), {
          description: 'the workflow task failure line',
        });
        await failing.terminate('done');
      },
    );
    const ids = { namespace: 'default', workflowId, runId };
    const closed = await waitFor(() => lines.find((l) => l.workflowId === workflowId && l.msg === 'workflow closed'), {
      description: 'the close line',
    });
    expect(lines.find((l) => l.workflowId === workflowId && l.msg === 'workflow started')).toMatchObject(ids);
    expect(closed).toMatchObject({ ...ids, status: 'Completed' });
    expect(lines.find((l) => l.workflowId === failingId && l.msg === 'workflow task failed')).toMatchObject({
      namespace: 'default',
      runId: expect.any(String) as unknown,
    });

    // Any line naming one of these workflows names its run too, except the request lines of
    // calls that name no run (a start, a signal by workflow id).
    const about = lines.filter((l) => (l.workflowId === workflowId || l.workflowId === failingId) && l.msg !== 'rpc');
    expect(about.length).toBeGreaterThanOrEqual(4);
    for (const line of about) {
      expect(line, line.msg).toMatchObject({ namespace: 'default', runId: expect.any(String) as unknown });
    }
    // A request that names the run carries it on its line.
    const describeRun = await env.client.workflow.getHandle(workflowId, runId).describe();
    expect(describeRun.runId).toBe(runId);
    const rpc = await waitFor(() => lines.find((l) => l.msg === 'rpc' && l.method === 'DescribeWorkflowExecution' && l.workflowId === workflowId));
    expect(rpc).toMatchObject(ids);
  });
});
