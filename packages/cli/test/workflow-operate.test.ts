/**
 * The workflow commands that change things (start, execute, signal, query, update, cancel,
 * terminate, reset, delete, and their batch forms), run as a user runs them: text and JSON
 * output checked, and what the server really did checked through the official SDK's client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from '../../server/test/helpers/env.js';
import { endureJson, endureOk, runEndure, type RunOptions } from './helpers/cli.js';

let env: TestEnv;
let worker: Worker;
let workerRun: Promise<void>;
const taskQueue = uniqueTaskQueue('cli-operate');

beforeAll(async () => {
  env = await startTestEnv();
  worker = await env.createWorker({ taskQueue });
  workerRun = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await workerRun;
  await env?.close();
});

/** `endure workflow <args>` against the test server. */
function wf(args: string[], options?: RunOptions): ReturnType<typeof runEndure> {
  return runEndure(['workflow', ...args, '--address', env.address], options);
}
function wfOk(args: string[], options?: RunOptions): Promise<string> {
  return endureOk(['workflow', ...args, '--address', env.address], options);
}
function wfJson<T>(args: string[], options?: RunOptions): Promise<T> {
  return endureJson<T>(['workflow', ...args, '--address', env.address], options);
}

describe('endure workflow start', () => {
  it('starts with type, task queue, input, memo, search attributes and timeouts, and prints the run', async () => {
    const workflowId = uniqueWorkflowId('start');
    const text = await wfOk([
      'start', '--type', 'approvalWorkflow', '-t', taskQueue, '-w', workflowId, '-i', '3600000',
      '--memo', 'owner="ops"', '--memo', 'ticket={"n": 7}',
      '--search-attribute', 'CustomKeywordField="gold"', '--search-attribute', 'CustomIntField=42',
      '--execution-timeout', '2h', '--task-timeout', '15s', '--static-summary', 'a summary',
    ]);
    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(text).toBe(
      [
        'Running execution:',
        `  WorkflowId  ${workflowId}`,
        `  RunId       ${description.runId}`,
        '  Type        approvalWorkflow',
        '  Namespace   default',
        `  TaskQueue   ${taskQueue}`,
        '',
      ].join('\n'),
    );
    expect(description.type).toBe('approvalWorkflow');
    expect(description.taskQueue).toBe(taskQueue);
    expect(description.memo).toEqual({ owner: 'ops', ticket: { n: 7 } });
    expect(description.searchAttributes).toMatchObject({ CustomKeywordField: ['gold'], CustomIntField: [42] });
    expect(description.raw.executionConfig?.workflowExecutionTimeout?.seconds?.toString()).toBe('7200');
    expect(description.raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds?.toString()).toBe('15');
    expect(await description.staticSummary()).toBe('a summary');
    expect(await env.client.workflow.getHandle(workflowId).query('status')).toEqual({ state: 'waiting', items: [] });
  });

  it('prints temporal\'s JSON object, generates a UUID without -w, and shows the running run again unless --fail-existing', async () => {
    const json = await wfJson<Record<string, string>>(['start', '--type', 'approvalWorkflow', '-t', taskQueue, '-i', '3600000']);
    expect(Object.keys(json)).toEqual(['workflowId', 'runId', 'type', 'namespace', 'taskQueue']);
    expect(json.workflowId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(json).toMatchObject({ type: 'approvalWorkflow', namespace: 'default', taskQueue });
    expect((await env.client.workflow.getHandle(json.workflowId!).describe()).runId).toBe(json.runId);

    const again = await wfJson<Record<string, string>>(['start', '--type', 'approvalWorkflow', '-t', taskQueue, '-w', json.workflowId!]);
    expect(again.runId).toBe(json.runId);
    const refused = await wf(['start', '--type', 'approvalWorkflow', '-t', taskQueue, '-w', json.workflowId!, '--fail-existing']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`endure: failed starting workflow: workflow ID "${json.workflowId}" is already in use\n`);
  });

  it('refuses bad input with exit 2: missing --type, missing --task-queue, invalid JSON in -i (line and column), bad KEY=VALUE', async () => {
    const noType = await wf(['start', '-t', taskQueue]);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toBe("endure: required option '--type <name>' not specified\n");
    const noQueue = await wf(['start', '--type', 'x']);
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain("required option '-t, --task-queue <name>' not specified");
    const badJson = await wf(['start', '--type', 'x', '-t', taskQueue, '-i', '{"a": 1,\n "b" 2}']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^endure: --input #1 is not valid JSON at line 2, column 6 \(position 14\): .+\n$/);
    const badMemo = await wf(['start', '--type', 'x', '-t', taskQueue, '--memo', 'novalue']);
    expect(badMemo.code).toBe(2);
    expect(badMemo.stderr).toBe('endure: --memo "novalue": expected KEY=VALUE with a JSON value\n');
    const badPolicy = await wf(['start', '--type', 'x', '-t', taskQueue, '--id-reuse-policy', 'Sometimes']);
    expect(badPolicy.code).toBe(2);
  });
});

describe('endure workflow execute', () => {
  it('shows the progress table, then the result', async () => {
    const workflowId = uniqueWorkflowId('execute');
    const text = await wfOk(['execute', '--type', 'sleepWorkflow', '-t', taskQueue, '-w', workflowId, '-i', '10']);
    const lines = text.split('\n');
    expect(lines.slice(0, 7)).toEqual(['Running execution:', `  WorkflowId  ${workflowId}`, expect.stringMatching(/^ {2}RunId {7}\S+$/), '  Type        sleepWorkflow', '  Namespace   default', `  TaskQueue   ${taskQueue}`, '']);
    expect(lines[7]).toBe('Progress:');
    expect(lines[8]).toBe('   ID  Time                  Type');
    expect(lines[9]).toMatch(/^ {4}1 {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}WorkflowExecutionStarted$/);
    expect(text).toMatch(/ {2}TimerStarted\n/);
    expect(text).toMatch(/\n {3}\d+ {2}\S+ {2}WorkflowExecutionCompleted\n\nResults:\n {2}RunTime {9}\S+\n {2}Status {10}COMPLETED\n {2}Result {10}\d+\n {2}ResultEncoding {2}json\/plain\n$/);
    expect(await env.client.workflow.getHandle(workflowId).result()).toBeGreaterThanOrEqual(10);
  });

  it('follows continue-as-new to the last run; JSON carries ids, status, result, close event and (--detailed) history', async () => {
    const json = await wfJson<Record<string, unknown>>(['execute', '--type', 'countingChain', '-t', taskQueue, '-i', '1', '-i', '3', '--detailed']);
    expect(json).toMatchObject({ type: 'countingChain', namespace: 'default', taskQueue, status: 'COMPLETED' });
    expect(json.result).toMatchObject({ iteration: 3, total: 6, firstExecutionRunId: json.runId });
    expect(json.closeEvent).toMatchObject({ eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED' });
    expect(typeof json.durationMillis).toBe('number');
    const events = (json.history as { events: { eventType: string; workflowExecutionStartedEventAttributes?: { input: unknown } }[] }).events;
    expect(events[0]!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    // The history is the first run's, with payloads in their canonical form.
    expect(events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(events[0]!.workflowExecutionStartedEventAttributes!.input).toMatchObject({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' } }, {}] });
  });

  it('shows events as sections with --detailed, and a failed workflow\'s failure with exit 1', async () => {
    const result = await wf(['execute', '--type', 'failingChild', '-t', taskQueue, '-i', '"boom"', '--detailed']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('endure: workflow failed\n');
    expect(result.stdout).toContain('--------------- [1] WorkflowExecutionStarted ---------------\n');
    expect(result.stdout).toMatch(/\ninput\[0\]: boom\n/);
    expect(result.stdout).toMatch(/\nworkflowType\.name: failingChild\n/);
    expect(result.stdout).toMatch(/\nResults:\n {2}RunTime +\S+\n {2}Status {3}FAILED\n {2}Failure\n {4}Message: boom\n {4}StackTrace:\n {8}ApplicationFailure: boom\n/);
    const json = JSON.parse((await wf(['execute', '--type', 'failingChild', '-t', taskQueue, '-i', '"bang"', '-o', 'json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ status: 'FAILED', closeEvent: { workflowExecutionFailedEventAttributes: { failure: { message: 'bang' } } } });
    expect(json).not.toHaveProperty('result');
  });
});
