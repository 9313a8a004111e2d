/**
 * What the server says while it runs: at info a line per workflow started and
 * closed (with its status) and per workflow task failure (with cause and
 * message); at debug every RPC, with its outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogInto, startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type ServerLogLine, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { buggyHandlerWorkflow, finishSignal, waitingChild } from './workflows/children.js';
import { sleepWorkflow } from './workflows/cancellation.js';

const INFO = 30;
const WARN = 40;
const DEBUG = 20;

let env: TestEnv;
const lines: ServerLogLine[] = [];

beforeAll(async () => {
  env = await startTestEnv({ logLevel: 'debug', ...jsonLogInto(lines) });
});

afterAll(async () => {
  await env?.close();
});

function linesOf(workflowId: string, msg: string): ServerLogLine[] {
  return lines.filter((line) => line.workflowId === workflowId && line.msg === msg);
}

function waitForLine(workflowId: string, msg: string, match: (line: ServerLogLine) => boolean = () => true): Promise<ServerLogLine> {
  return waitFor(() => linesOf(workflowId, msg).find(match), { timeoutMs: 20_000, description: `log line "${msg}" of ${workflowId}` });
}

describe('server log', () => {
  it('has one line per workflow started and one per workflow closed, with the status', async () => {
    const taskQueue = uniqueTaskQueue('log-lifecycle');
    const completedId = uniqueWorkflowId('log-completed');
    const terminatedId = uniqueWorkflowId('log-terminated');
    await env.withWorker({ taskQueue }, async () => {
      await env.client.workflow.execute(sleepWorkflow, { taskQueue, workflowId: completedId, args: [1] });
    });
    const waiting = await env.client.workflow.start(waitingChild, { taskQueue, workflowId: terminatedId });
    await waiting.terminate('enough');

    const started = await waitForLine(completedId, 'workflow started');
    expect(started).toMatchObject({ level: INFO, namespace: 'default', workflowType: 'sleepWorkflow', taskQueue });
    expect(started.runId).toEqual(expect.any(String));
    const closed = await waitForLine(completedId, 'workflow closed');
    expect(closed).toMatchObject({ level: INFO, runId: started.runId, workflowType: 'sleepWorkflow', status: 'Completed' });
    expect((await waitForLine(terminatedId, 'workflow closed')).status).toBe('Terminated');
    expect(linesOf(completedId, 'workflow started')).toHaveLength(1);
    expect(linesOf(completedId, 'workflow closed')).toHaveLength(1);
  });

  it('logs a workflow task failure with its cause and the worker\'s message', async () => {
    const taskQueue = uniqueTaskQueue('log-task-failure');
    const workflowId = uniqueWorkflowId('log-task-failure');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(buggyHandlerWorkflow, { taskQueue, workflowId });
      await handle.signal(finishSignal, 'bug');
      const failed = await waitForLine(workflowId, 'workflow task failed');
      expect(failed).toMatchObject({ level: WARN, attempt: 1, cause: 'WorkflowWorkerUnhandledFailure' });
      expect(failed.message).toContain('bug in a signal handler');
      await handle.terminate('fixed elsewhere');
    });
  });

  it('logs the failure of a workflow type no worker knows', async () => {
    const taskQueue = uniqueTaskQueue('log-unknown-type');
    const workflowId = uniqueWorkflowId('log-unknown-type');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start('noSuchWorkflowType', { taskQueue, workflowId });
      const failed = await waitForLine(workflowId, 'workflow task failed');
      expect(failed.message).toContain('noSuchWorkflowType');
      await handle.terminate('no such type');
    });
  });

  it('at debug, logs every RPC with its method and status', async () => {
    const workflowId = uniqueWorkflowId('log-rpc');
    const taskQueue = uniqueTaskQueue('log-rpc');
    const handle = await env.client.workflow.start(waitingChild, { taskQueue, workflowId });
    await handle.terminate();
    await expect(env.client.workflow.getHandle(uniqueWorkflowId('log-rpc-missing')).describe()).rejects.toThrow();

    const start = await waitForLine(workflowId, 'rpc', (line) => line.method === 'StartWorkflowExecution');
    expect(start).toMatchObject({ level: DEBUG, namespace: 'default', taskQueue, status: 'OK' });
    expect(start.ms).toEqual(expect.any(Number));
    await waitForLine(workflowId, 'rpc', (line) => line.method === 'TerminateWorkflowExecution');
    const missing = await waitFor(
      () => lines.find((line) => line.method === 'DescribeWorkflowExecution' && line.status === 'NOT_FOUND'),
      { description: 'the failed describe' },
    );
    expect(missing.message).toEqual(expect.any(String));
  });
});
