/**
 * The workflow commands that change things (start, execute, signal, query, update, cancel,
 * terminate, reset, delete, and their batch forms), run as a user runs them: text and JSON
 * output checked, and what the server really did checked through the official SDK's client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from '../../server/test/helpers/env.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
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

/** Starts an approvalWorkflow (waits an hour for an approval) through the SDK. */
async function startApproval(prefix: string): Promise<string> {
  const workflowId = uniqueWorkflowId(prefix);
  await env.client.workflow.start('approvalWorkflow', { taskQueue, workflowId, args: [3_600_000] });
  return workflowId;
}

/** Starts a cartWorkflow (takes updates until checked out) through the SDK. */
async function startCart(prefix: string): Promise<string> {
  const workflowId = uniqueWorkflowId(prefix);
  await env.client.workflow.start('cartWorkflow', { taskQueue, workflowId });
  return workflowId;
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
    expect(lines[8]).toBe(`  ID   ${' '.repeat(8)}Time${' '.repeat(8)}  ${' '.repeat(11)}Type`);
    expect(lines[9]).toMatch(/^ {2}1 {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}WorkflowExecutionStarted$/);
    expect(text).toMatch(/ {2}TimerStarted\n/);
    expect(text).toMatch(/\n {2}\d+ +\S+ {2}WorkflowExecutionCompleted\n\nResults:\n {2}RunTime {9}\S+\n {2}Status {10}COMPLETED\n {2}Result {10}\d+\n {2}ResultEncoding {2}json\/plain\n$/);
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

describe('endure workflow signal and query', () => {
  it('signals with arguments and reads the state back with a query, in text and JSON', async () => {
    const workflowId = await startApproval('signal');
    expect(await wfOk(['signal', '-w', workflowId, '--name', 'addItem', '-i', '"pen"'])).toBe('Signal workflow succeeded\n');
    expect(await wfOk(['signal', '-w', workflowId, '--type', 'addItem', '-i', '"ink"', '-o', 'json'])).toBe('');
    await waitFor(async () => ((await env.client.workflow.getHandle(workflowId).query<{ items: string[] }>('status')).items.length === 2 ? true : undefined));

    expect(await wfOk(['query', '-w', workflowId, '--name', 'status'])).toBe('Query result:\n  QueryResult  {"state":"waiting","items":["pen","ink"]}\n');
    expect(await wfJson(['query', '-w', workflowId, '--type', 'status'])).toEqual({ queryResult: [{ state: 'waiting', items: ['pen', 'ink'] }] });

    await wfOk(['signal', '-w', workflowId, '--name', 'approve', '-i', '"alice"']);
    expect(await env.client.workflow.getHandle(workflowId).result()).toEqual({ outcome: 'approved by alice', items: ['pen', 'ink'] });
    // A closed workflow still answers, unless the reject condition says otherwise.
    expect(await wfJson(['query', '-w', workflowId, '--name', 'status'])).toEqual({ queryResult: [{ state: 'approved', items: ['pen', 'ink'] }] });
    const rejected = await wf(['query', '-w', workflowId, '--name', 'status', '--reject-condition', 'not_open']);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toBe('endure: query was rejected, workflow has status: Completed\n');
  });

  it('fails with one line: signal to an unknown workflow (exit 1), no --name (exit 2), -w with -q (exit 2)', async () => {
    const unknown = await wf(['signal', '-w', 'no-such-workflow', '--name', 'approve']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^endure: .*no-such-workflow.*\n$/);
    const noName = await wf(['signal', '-w', 'x']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toBe("endure: required option '--name <signal>' not specified\n");
    const both = await wf(['signal', '-w', 'x', '-q', "WorkflowType = 'x'", '--name', 'n']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('endure: cannot set query when workflow ID is set\n');
    const neither = await wf(['cancel']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toBe('endure: must set either workflow ID or query\n');
  });
});

describe('endure workflow update', () => {
  it('executes an Update and prints its result; a rejected one exits 1 with the reason', async () => {
    const workflowId = await startCart('update');
    expect(await wfOk(['update', 'execute', '-w', workflowId, '--name', 'addItem', '-i', '"apple"', '--update-id', 'add-apple'])).toBe(
      '  Name      addItem\n  UpdateID  add-apple\n  Result    1\n',
    );
    const json = await wfJson<Record<string, unknown>>(['update', 'execute', '-w', workflowId, '--name', 'addItem', '-i', '"pear"']);
    expect(json).toMatchObject({ name: 'addItem', result: 2 });
    expect(json.updateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await env.client.workflow.getHandle(workflowId).query('items')).toEqual(['apple', 'pear']);

    const rejected = await wf(['update', 'execute', '-w', workflowId, '--name', 'addItem', '-i', '""']);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toBe('endure: unable to update workflow: item must not be empty\n');
    const rejectedAtStart = await wf(['update', 'start', '-w', workflowId, '--name', 'addItem', '-i', '""', '--wait-for-stage', 'accepted']);
    expect(rejectedAtStart.code).toBe(1);
    expect(rejectedAtStart.stderr).toBe('endure: unable to update workflow: item must not be empty\n');
    expect(await env.client.workflow.getHandle(workflowId).query('items')).toEqual(['apple', 'pear']);
  });

  it('starts an Update (accepted), describes it, then waits for its result with update result', async () => {
    const workflowId = await startCart('update-start');
    const missingStage = await wf(['update', 'start', '-w', workflowId, '--name', 'hold', '-i', '"a"']);
    expect(missingStage.code).toBe(2);
    expect(missingStage.stderr).toContain("required option '--wait-for-stage <stage>' not specified");

    expect(await wfJson(['update', 'start', '-w', workflowId, '--name', 'hold', '-i', '"a"', '--update-id', 'hold-a', '--wait-for-stage', 'accepted'])).toEqual({
      name: 'hold',
      updateId: 'hold-a',
    });
    expect(await wfOk(['update', 'describe', '-w', workflowId, '--update-id', 'hold-a'])).toBe('  UpdateID  hold-a\n  Stage     Accepted\n');
    await env.client.workflow.getHandle(workflowId).signal('release');
    expect(await wfOk(['update', 'result', '-w', workflowId, '--update-id', 'hold-a'])).toBe('  UpdateID  hold-a\n  Result    "released a"\n');
    expect(await wfJson(['update', 'describe', '-w', workflowId, '--update-id', 'hold-a'])).toEqual({ updateId: 'hold-a', result: 'released a', stage: 'Completed' });
    expect(await env.client.workflow.getHandle(workflowId).getUpdateHandle('hold-a').result()).toBe('released a');
  });
});

describe('endure workflow cancel and terminate', () => {
  it('cancels and terminates one workflow, with the reason recorded', async () => {
    const [toCancel, toTerminate] = await Promise.all([startCart('cancel'), startApproval('terminate')]);
    const [cancelled, terminated] = await Promise.all([
      wfOk(['cancel', '-w', toCancel]),
      wfOk(['terminate', '-w', toTerminate, '--reason', 'test over']),
    ]);
    expect(cancelled).toBe('Canceled workflow\n');
    expect(terminated).toBe('Workflow terminated\n');
    await waitFor(async () => ((await env.client.workflow.getHandle(toCancel).describe()).status.name === 'CANCELLED' ? true : undefined));
    expect((await env.client.workflow.getHandle(toTerminate).describe()).status.name).toBe('TERMINATED');
    const history = await env.client.workflow.getHandle(toTerminate).fetchHistory();
    expect(history.events?.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason).toBe('test over');
    const again = await wf(['terminate', '-w', toTerminate]);
    expect(again.code).toBe(1);
  });

  it('terminates in a batch every running workflow a query matches, and refuses without --yes when standard input holds no answer', async () => {
    const tag = uniqueWorkflowId('batch');
    const ids = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const workflowId = `${tag}-${i}`;
        await env.client.workflow.start('approvalWorkflow', { taskQueue, workflowId, args: [3_600_000], searchAttributes: { CustomKeywordField: [tag] } });
        return workflowId;
      }),
    );
    const query = `CustomKeywordField = '${tag}'`;
    await waitFor(async () => ((await env.client.workflow.count(query)).count === 3 ? true : undefined));

    const refused = await wf(['terminate', '-q', query]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/ y\/N \nendure: pass --yes to confirm: standard input ended without an answer\n$/);
    const jsonRefused = await wf(['terminate', '-q', query, '-o', 'json']);
    expect(jsonRefused.code).toBe(2);
    expect(jsonRefused.stderr).toBe('endure: must bypass prompts when using JSON output: pass --yes\n');
    for (const id of ids) expect((await env.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');

    const withRunId = await wf(['terminate', '-q', query, '-r', 'some-run', '--yes']);
    expect(withRunId.code).toBe(2);
    expect(withRunId.stderr).toBe('endure: cannot set run ID when query is set\n');

    // One of them closes first: the batch only acts on running ones.
    await env.client.workflow.getHandle(ids[0]!).signal('approve', 'bob');
    await env.client.workflow.getHandle(ids[0]!).result();
    const result = await wf(['terminate', '-q', query, '--yes', '--reason', 'batch over', '--rps', '100']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Batch finished: 2 succeeded, 0 failed\n');
    expect(result.stderr).toBe(`Start batch against workflows matching query "${query}"? y/N yes\n`);
    const statuses = await Promise.all(ids.map(async (id) => (await env.client.workflow.getHandle(id).describe()).status.name));
    expect(statuses).toEqual(['COMPLETED', 'TERMINATED', 'TERMINATED']);
    const history = await env.client.workflow.getHandle(ids[1]!).fetchHistory();
    expect(history.events?.at(-1)?.workflowExecutionTerminatedEventAttributes?.reason).toBe('batch over');

    expect(await wfJson(['terminate', '-q', query, '--yes'])).toEqual({ succeeded: 0, failed: 0, failures: [] });
  });

  it('cancels and signals in a batch', async () => {
    const batchQueue = uniqueTaskQueue('cli-batch-cancel');
    const ids = await Promise.all(
      [1, 2].map(async (i) => {
        const workflowId = uniqueWorkflowId(`batch-cancel-${i}`);
        await env.client.workflow.start('approvalWorkflow', { taskQueue: batchQueue, workflowId, args: [3_600_000] });
        return workflowId;
      }),
    );
    const query = `TaskQueue = '${batchQueue}'`;
    await waitFor(async () => ((await env.client.workflow.count(query)).count === 2 ? true : undefined));
    // The workflows have no worker on their queue: the signals and the cancellation wait in their histories.
    expect(await wfJson(['signal', '-q', query, '--name', 'addItem', '-i', '"x"', '-y'])).toEqual({ succeeded: 2, failed: 0, failures: [] });
    expect(await wfOk(['cancel', '-q', query, '-y'])).toBe('Batch finished: 2 succeeded, 0 failed\n');
    for (const id of ids) {
      const events = (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'addItem')).toHaveLength(1);
      expect(events.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
    }
  });
});

describe('endure workflow reset', () => {
  it('resets to an event ID or a --type, giving a new run that replays from there, with signals reapplied or not', async () => {
    const workflowId = await startApproval('reset');
    const handle = env.client.workflow.getHandle(workflowId);
    await handle.signal('addItem', 'pen');
    await waitFor(async () => ((await handle.query<{ items: string[] }>('status')).items.length === 1 ? true : undefined));
    const firstRunId = (await handle.describe()).runId;

    const text = await wfOk(['reset', '-w', workflowId, '-e', '4', '--reason', 'try again']);
    const secondRunId = (await handle.describe()).runId;
    expect(secondRunId).not.toBe(firstRunId);
    expect(text).toBe(`Resetting workflow ${workflowId} to event ID 4\n  RunId  ${secondRunId}\n`);
    expect((await env.client.workflow.getHandle(workflowId, firstRunId).describe()).status.name).toBe('TERMINATED');
    // The signal after the reset point is applied again to the new run.
    await waitFor(async () => ((await handle.query<{ items: string[] }>('status')).items.join() === 'pen' ? true : undefined));

    // A reset to the first workflow task without reapplying signals: the item is gone.
    const otherId = await startApproval('reset-clean');
    const other = env.client.workflow.getHandle(otherId);
    await other.signal('addItem', 'ink');
    await waitFor(async () => ((await other.query<{ items: string[] }>('status')).items.length === 1 ? true : undefined));
    const otherFirstRunId = (await other.describe()).runId;
    const json = await wfJson<{ runId: string }>(['reset', '-w', otherId, '-t', 'FirstWorkflowTask', '--reapply-exclude', 'Signal', '--reason', 'clean slate']);
    expect(json.runId).toBe((await other.describe()).runId);
    expect(json.runId).not.toBe(otherFirstRunId);
    await waitFor(async () => ((await other.query<{ items: string[] }>('status')).items.length === 0 ? true : undefined));
    const events = (await other.fetchHistory()).events ?? [];
    expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('approvalWorkflow');
    expect(events.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);
  });

  it('resets a batch by query, and refuses bad combinations with exit 2', async () => {
    const tag = uniqueWorkflowId('reset-batch');
    const ids = [`${tag}-1`, `${tag}-2`];
    for (const workflowId of ids) {
      await env.client.workflow.start('approvalWorkflow', { taskQueue, workflowId, args: [3_600_000], searchAttributes: { CustomKeywordField: [tag] } });
    }
    await Promise.all(ids.map((id) => waitFor(async () => ((await env.client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0) >= 4)));
    const before = await Promise.all(ids.map(async (id) => (await env.client.workflow.getHandle(id).describe()).runId));
    const query = `CustomKeywordField = '${tag}' AND ExecutionStatus = 'Running'`;
    await waitFor(async () => ((await env.client.workflow.count(query)).count === 2 ? true : undefined));
    expect(await wfOk(['reset', '-q', query, '-t', 'LastWorkflowTask', '--reason', 'batch', '--yes'])).toBe('Batch finished: 2 succeeded, 0 failed\n');
    const after = await Promise.all(ids.map(async (id) => (await env.client.workflow.getHandle(id).describe()).runId));
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);

    const results = await Promise.all([
      wf(['reset', '-w', 'x', '-e', '4']),
      wf(['reset', '-w', 'x', '--reason', 'r']),
      wf(['reset', '-q', query, '--reason', 'r', '-y']),
      wf(['reset', '-w', 'x', '-t', 'LastWorkflowTask', '--reapply-type', 'None', '--reapply-exclude', 'Signal', '--reason', 'r']),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(results[0].stderr).toContain("required option '--reason <text>' not specified");
    expect(results[1].stderr).toBe('endure: must specify either valid event id or reset type\n');
    expect(results[2].stderr).toBe('endure: must specify reset type\n');
    expect(results[3].stderr).toBe('endure: --reapply-type cannot be used with --reapply-exclude. Use --reapply-exclude\n');
  });
});

describe('endure workflow delete', () => {
  it('deletes one execution after confirmation (--yes), so describe answers NOT_FOUND; refuses without --yes when standard input holds no answer', async () => {
    const workflowId = await startApproval('delete');
    const refused = await wf(['delete', '-w', workflowId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/ y\/N \nendure: pass --yes to confirm: standard input ended without an answer\n$/);
    const result = await wf(['delete', '-w', workflowId, '--yes']);
    expect(result).toEqual({ code: 0, stdout: 'Delete workflow succeeded\n', stderr: `Delete Workflow "${workflowId}"? y/N yes\n` });
    await waitFor(async () => {
      try {
        await env.client.workflow.getHandle(workflowId).describe();
        return undefined;
      } catch (err) {
        return (err as Error).name === 'WorkflowNotFoundError' ? true : undefined;
      }
    });
  });

  it('deletes a batch by query', async () => {
    const tag = uniqueWorkflowId('delete-batch');
    const ids = [`${tag}-1`, `${tag}-2`];
    for (const workflowId of ids) {
      await env.client.workflow.start('approvalWorkflow', { taskQueue, workflowId, args: [3_600_000], searchAttributes: { CustomKeywordField: [tag] } });
    }
    const query = `CustomKeywordField = '${tag}'`;
    await waitFor(async () => ((await env.client.workflow.count(query)).count === 2 ? true : undefined));
    expect(await wfJson(['delete', '-q', query, '-y'])).toEqual({ succeeded: 2, failed: 0, failures: [] });
    await waitFor(async () => ((await env.client.workflow.count(query)).count === 0 ? true : undefined));
    await expect(env.client.workflow.getHandle(ids[0]!).describe()).rejects.toThrow(/not found/i);
  });
});
