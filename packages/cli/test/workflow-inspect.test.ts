/**
 * The inspecting workflow commands — `list`, `describe`, `show`, `result`, `stack`,
 * `trace` — run as a user runs them, against workflows run by the official SDK's worker;
 * their JSON is checked against what the official SDK client sees of the same runs, and the
 * text of `show` and `describe` against golden files (test/golden/; run with
 * UPDATE_GOLDEN=1 to rewrite them after a deliberate layout change, then read the diff).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from '../../server/test/helpers/env.js';
import { ActivityRecorder, createActivities } from '../../server/test/helpers/activities.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { endureJson, endureOk, runEndure } from './helpers/cli.js';

const { EventType } = proto.temporal.api.enums.v1;

let env: TestEnv;
let taskQueue: string;
/** A worker for the whole file: every workflow here runs on `taskQueue`. */
let stopWorker: () => Promise<void>;

/** Runs of the file's shared fixture, started once. */
const ids = {
  greeting: 'inspect-golden-greeting',
  failing: uniqueWorkflowId('inspect-failing'),
  chain: uniqueWorkflowId('inspect-chain'),
  waiting: uniqueWorkflowId('inspect-waiting'),
};

beforeAll(async () => {
  env = await startTestEnv();
  taskQueue = uniqueTaskQueue('cli-inspect');
  const worker = await env.createWorker({ taskQueue, activities: createActivities(new ActivityRecorder()) });
  const running = worker.run();
  stopWorker = async () => {
    worker.shutdown();
    await running;
  };
  await env.client.workflow.execute('inspectGreeting', { taskQueue, workflowId: ids.greeting, args: ['Ada'] });
  await env.client.workflow.execute('inspectFailing', { taskQueue, workflowId: ids.failing, args: ['boom'] }).catch(() => undefined);
  await env.client.workflow.execute('inspectChain', { taskQueue, workflowId: ids.chain, args: [1, 3] });
  await env.client.workflow.start('waitingChild', { taskQueue, workflowId: ids.waiting });
});

afterAll(async () => {
  await stopWorker?.();
  await env?.close();
});

function at(): string[] {
  return ['--address', env.address];
}

describe('endure workflow list', () => {
  const query = (): string => `TaskQueue = '${taskQueue}' AND WorkflowType != 'waitingChild'`;

  it('prints temporal\'s table, and the same executions as JSON the SDK lists', async () => {
    const text = await endureOk(['workflow', 'list', ...at(), '-q', query(), '--time-format', 'iso']);
    const [header, ...rows] = text.trimEnd().split('\n');
    expect(header!.trim().split(/\s+/)).toEqual(['Status', 'WorkflowId', 'Type', 'StartTime']);
    expect(rows.map((row) => row.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['Completed', ids.chain, 'inspectChain'],
      ['ContinuedAsNew', ids.chain, 'inspectChain'],
      ['ContinuedAsNew', ids.chain, 'inspectChain'],
      ['Failed', ids.failing, 'inspectFailing'],
      ['Completed', ids.greeting, 'inspectGreeting'],
    ]);
    expect(rows[0]).toMatch(/^ {2}Completed +\S+ +inspectChain +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const json = await endureJson<{ execution: { workflowId: string; runId: string }; status: string; type: { name: string } }[]>([
      'workflow', 'list', ...at(), '-q', query(),
    ]);
    const listed: { workflowId: string; runId: string; status: string }[] = [];
    for await (const info of env.client.workflow.list({ query: query() })) {
      listed.push({ workflowId: info.workflowId, runId: info.runId, status: `WORKFLOW_EXECUTION_STATUS_${info.status.name}` });
    }
    expect(json.map((info) => ({ workflowId: info.execution.workflowId, runId: info.execution.runId, status: info.status }))).toEqual(listed);
  });

  it('pages through small pages to the end, stops at --limit, and prints JSON lines as they come', async () => {
    const [paged, limited, textLimited] = await Promise.all([
      endureJson<unknown[]>(['workflow', 'list', ...at(), '-q', query(), '--page-size', '2']),
      endureOk(['workflow', 'list', ...at(), '-q', query(), '--page-size', '2', '--limit', '3', '-o', 'jsonl']),
      endureOk(['workflow', 'list', ...at(), '-q', query(), '--limit', '1']),
    ]);
    expect(paged).toHaveLength(5);
    const lines = limited.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => (JSON.parse(line) as { execution: { workflowId: string } }).execution.workflowId)).toEqual([ids.chain, ids.chain, ids.chain]);
    expect(textLimited.trimEnd().split('\n')).toHaveLength(2);
  });

  it('says archival is not supported (exit 1), and refuses a bad --limit (exit 2)', async () => {
    const [archived, bad] = await Promise.all([
      runEndure(['workflow', 'list', ...at(), '--archived']),
      runEndure(['workflow', 'list', ...at(), '--limit', 'many']),
    ]);
    expect(archived.code).toBe(1);
    expect(archived.stderr).toMatch(/^endure: the server does not support this: .*archival.*\n$/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--limit <count>' argument 'many' is invalid");
  });
});

describe('endure workflow describe', () => {
  it('matches the golden text of a completed run', async () => {
    const text = await endureOk(['workflow', 'describe', ...at(), '-w', ids.greeting, '--time-format', 'iso']);
    expectGolden('workflow-describe.txt', normalise(text));
  });

  it('prints the DescribeWorkflowExecutionResponse the SDK sees, plus the close event and result', async () => {
    const json = await endureJson<DescribeJson>(['workflow', 'describe', ...at(), '-w', ids.greeting]);
    const description = await env.client.workflow.getHandle(ids.greeting).describe();
    expect(json.workflowExecutionInfo.execution).toEqual({ workflowId: ids.greeting, runId: description.runId });
    expect(json.workflowExecutionInfo.status).toBe(`WORKFLOW_EXECUTION_STATUS_${description.status.name}`);
    expect(json.workflowExecutionInfo.historyLength).toBe(String(description.historyLength));
    expect(json.closeEvent.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(json.closeEvent.eventId).toBe(String(description.historyLength));
    expect(json.result).toBe('Hello, Ada!');
  });

  it('shows the failure of a failed run with its cause', async () => {
    const [text, json] = await Promise.all([
      endureOk(['workflow', 'describe', ...at(), '-w', ids.failing]),
      endureJson<DescribeJson>(['workflow', 'describe', ...at(), '-w', ids.failing]),
    ]);
    expect(text).toMatch(/\nResults:\n {2}RunTime {2}\S+\n {2}Status {3}FAILED\n {2}Failure\n {4}Message: boom\n/);
    expect(text).toMatch(/\n {4}Cause:\n {8}Message: the root cause\n/);
    expect(json.closeEvent.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_FAILED');
    expect(json).not.toHaveProperty('result');
  });

  it('lists what a running workflow waits on: its pending child', async () => {
    const parentId = uniqueWorkflowId('inspect-parent');
    const childId = `${parentId}-child`;
    await env.client.workflow.start('parentWaitingForever', { taskQueue, workflowId: parentId, args: [childId] });
    await waitFor(async () => (await env.client.workflow.getHandle(childId).describe()).status.name === 'RUNNING', { description: 'child running' });
    await waitFor(async () => (await endureJson<DescribeJson>(['workflow', 'describe', ...at(), '-w', parentId])).pendingChildren?.length === 1, {
      description: 'pending child in describe',
    });
    const text = await endureOk(['workflow', 'describe', ...at(), '-w', parentId]);
    expect(text).toContain('\nPending Activities: 0\nPending Child Workflows: 1\n\n');
    expect(text).toMatch(new RegExp(`\n {2}WorkflowId {9}${childId}\n {2}RunId {14}\\S+\n {2}WorkflowTypeName {3}waitingChild\n`));
    expect(text).not.toContain('Results:');
    const child = await env.client.workflow.getHandle(childId).describe();
    const json = await endureJson<DescribeJson>(['workflow', 'describe', ...at(), '-w', parentId]);
    expect(json.pendingChildren).toEqual([expect.objectContaining({ workflowId: childId, runId: child.runId, workflowTypeName: 'waitingChild' })]);
    expect(json).not.toHaveProperty('closeEvent');
    await env.client.workflow.getHandle(parentId).terminate('done with it');
  });

  it('shows a pending activity: its state, attempts and last heartbeat (and trace shows it running)', async () => {
    const workflowId = uniqueWorkflowId('inspect-activity');
    const handle = await env.client.workflow.start('cancellableWorkflow', { taskQueue, workflowId, args: ['held'] });
    await waitFor(async () => (await handle.describe()).raw.pendingActivities?.[0]?.heartbeatDetails, { description: 'a heartbeat recorded' });
    const [text, trace] = await Promise.all([
      endureOk(['workflow', 'describe', ...at(), '-w', workflowId]),
      endureOk(['workflow', 'trace', ...at(), '-w', workflowId]),
    ]);
    expect(trace).toMatch(/\n │ {3}┼ ▷ longRunning \(\d+m?s ago\)\n\n$/);
    expect(text).toMatch(
      /\nPending Activities: 1\n\n {2}ActivityId {12}1\n {2}Type {18}longRunning\n {2}State {17}Started\n {2}Attempt {15}1\n {2}MaximumAttempts {7}1\n/,
    );
    expect(text).toMatch(/\n {2}LastHeartbeatDetails {2}\[\d+\]\n\nPending Child Workflows: 0\n/);
    await handle.terminate('done with it');
  });

  it('prints the reset points of a run (none here) as text and JSON', async () => {
    const [text, json] = await Promise.all([
      endureOk(['workflow', 'describe', ...at(), '-w', ids.greeting, '--reset-points']),
      endureJson(['workflow', 'describe', ...at(), '-w', ids.greeting, '--reset-points']),
    ]);
    expect(text).toBe('Auto Reset Points: 0\n');
    expect(json).toEqual([]);
  });
});

describe('endure workflow show', () => {
  it('matches the golden progress table and results of a completed run', async () => {
    const text = await endureOk(['workflow', 'show', ...at(), '-w', ids.greeting]);
    expectGolden('workflow-show.txt', normalise(text));
  });

  it('prints the History the SDK fetches, payloads in full form, as JSON and as one JSON line', async () => {
    const [json, jsonl] = await Promise.all([
      endureJson<{ events: { eventId: string; eventType: string; workflowExecutionStartedEventAttributes?: { input: unknown } }[] }>([
        'workflow', 'show', ...at(), '-w', ids.greeting,
      ]),
      endureOk(['workflow', 'show', ...at(), '-w', ids.greeting, '-o', 'jsonl']),
    ]);
    const history = await env.client.workflow.getHandle(ids.greeting).fetchHistory();
    expect(json.events.map((e) => [e.eventId, e.eventType])).toEqual(
      history.events!.map((e) => [String(e.eventId), EventType[e.eventType!]]),
    );
    expect(json.events[0]!.workflowExecutionStartedEventAttributes!.input).toEqual({
      payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"Ada"').toString('base64') }],
    });
    expect(jsonl.split('\n')).toHaveLength(2);
    expect(JSON.parse(jsonl)).toEqual(json);
  });

  it('prints each event with all its fields with --detailed, and newest first with --reverse', async () => {
    const [detailed, reversed, both] = await Promise.all([
      endureOk(['workflow', 'show', ...at(), '-w', ids.greeting, '--detailed']),
      endureOk(['workflow', 'show', ...at(), '-w', ids.greeting, '--reverse']),
      runEndure(['workflow', 'show', ...at(), '-w', ids.greeting, '--reverse', '--follow']),
    ]);
    expect(detailed).toMatch(/^Progress:\n--------------- \[1\] WorkflowExecutionStarted ---------------\nattempt: 1\n/);
    expect(detailed).toContain('\ninput[0]: Ada\n');
    expect(detailed).toContain('\n\n--------------- [5] TimerStarted ---------------\n');
    expect(detailed).toContain('\nresult[0]: Hello, Ada!\n');
    const rows = reversed.split('\n').filter((line) => /^ {2}\d+ +\d{4}-/.test(line));
    expect(rows[0]).toMatch(/^ {2}10 {3}\S+ {2}WorkflowExecutionCompleted$/);
    expect(rows.at(-1)).toMatch(/^ {2}1 {4}\S+ {2}WorkflowExecutionStarted$/);
    expect(both).toMatchObject({ code: 2, stderr: 'endure: --reverse cannot be combined with --follow\n' });
  });

  it('with --follow, prints new events as they happen and ends with the result when the run closes', async () => {
    const workflowId = uniqueWorkflowId('inspect-follow');
    const handle = await env.client.workflow.start('waitingChild', { taskQueue, workflowId });
    await waitFor(async () => (await handle.describe()).historyLength >= 4, { description: 'first workflow task completed' });
    const snapshot = await endureOk(['workflow', 'show', ...at(), '-w', workflowId]);
    expect(snapshot).not.toContain('Results:');

    const follower = startEndure(['workflow', 'show', ...at(), '-w', workflowId, '--follow']);
    await waitFor(() => follower.stdout().includes('WorkflowTaskCompleted'), { description: 'the events so far printed' });
    expect(follower.stdout()).not.toContain('WorkflowExecutionSignaled');
    await handle.signal('finish', 'followed');
    const { code, stdout } = await follower.exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/ {2}WorkflowExecutionSignaled\n/);
    expect(stdout).toMatch(/\n\nResults:\n {2}Status {10}COMPLETED\n {2}Result {10}"followed"\n/);
  });
});

describe('endure workflow result', () => {
  it('prints the result of a completed run as text and as temporal\'s JSON, following continue-as-new', async () => {
    expect(await endureOk(['workflow', 'result', ...at(), '-w', ids.greeting])).toBe(
      'Results:\n  Status          COMPLETED\n  Result          "Hello, Ada!"\n  ResultEncoding  json/plain\n',
    );
    const json = await endureJson<{ status: string; result: unknown; closeEvent: { eventType: string }; workflowId: string }>([
      'workflow', 'result', ...at(), '-w', ids.chain,
    ]);
    expect(json).toMatchObject({ workflowId: ids.chain, namespace: 'default', status: 'COMPLETED', result: 3 });
    expect(json.closeEvent.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(await env.client.workflow.getHandle(ids.chain).result()).toBe(3);

    // From the first run of the chain, it follows the continue-as-new to the last.
    const firstRunId = (await env.client.workflow.getHandle(ids.chain).describe()).raw.workflowExecutionInfo!.firstRunId!;
    const fromFirst = await endureJson<{ result: unknown; runId: string }>(['workflow', 'result', ...at(), '-w', ids.chain, '-r', firstRunId]);
    expect(fromFirst).toMatchObject({ result: 3, runId: firstRunId });
  });

  it('exits 1 after showing the failure of a failed run', async () => {
    const [failed, json] = await Promise.all([
      runEndure(['workflow', 'result', ...at(), '-w', ids.failing]),
      runEndure(['workflow', 'result', ...at(), '-w', ids.failing, '-o', 'json']),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('endure: workflow failed\n');
    expect(failed.stdout).toMatch(/^Results:\n {2}Status {3}FAILED\n {2}Failure\n {4}Message: boom\n/);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'FAILED', closeEvent: { workflowExecutionFailedEventAttributes: { failure: { message: 'boom' } } } });
  });

  it('waits for a running workflow to close, and exits 1 when it is terminated', async () => {
    const workflowId = uniqueWorkflowId('inspect-result-wait');
    const handle = await env.client.workflow.start('waitingChild', { taskQueue, workflowId });
    const waiting = runEndure(['workflow', 'result', ...at(), '-w', workflowId]);
    await waitFor(async () => (await handle.describe()).historyLength >= 4, { description: 'first workflow task completed' });
    await handle.signal('finish', 'waited for');
    const done = await waiting;
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout).toContain('  Result          "waited for"\n');

    const terminatedId = uniqueWorkflowId('inspect-result-terminated');
    await env.client.workflow.start('waitingChild', { taskQueue, workflowId: terminatedId });
    await env.client.workflow.getHandle(terminatedId).terminate('no longer needed');
    const terminated = await runEndure(['workflow', 'result', ...at(), '-w', terminatedId]);
    expect(terminated).toMatchObject({ code: 1, stderr: 'endure: workflow was terminated\n' });
    expect(terminated.stdout).toBe('Results:\n  Status  TERMINATED\n  Reason  no longer needed\n');
  });
});

describe('endure workflow stack', () => {
  it('prints where a running workflow waits, as text and as the QueryWorkflowResponse', async () => {
    const [text, json] = await Promise.all([
      endureOk(['workflow', 'stack', ...at(), '-w', ids.waiting]),
      endureJson<{ queryResult: string[] }>(['workflow', 'stack', ...at(), '-w', ids.waiting]),
    ]);
    expect(text).toMatch(/^Query result:\n {2}QueryResult {2}.*at waitingChild \(/);
    expect(json.queryResult).toHaveLength(1);
    expect(json.queryResult[0]).toContain('at waitingChild (');
  });

  it('refuses a closed run with --reject-condition not_open (exit 1), and an unknown condition (exit 2)', async () => {
    const [rejected, unknown] = await Promise.all([
      runEndure(['workflow', 'stack', ...at(), '-w', ids.greeting, '--reject-condition', 'not_open']),
      runEndure(['workflow', 'stack', ...at(), '-w', ids.greeting, '--reject-condition', 'sometimes']),
    ]);
    expect(rejected).toMatchObject({ code: 1, stdout: '', stderr: 'endure: query was rejected, workflow has status: Completed\n' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Allowed choices are not_open, not_completed_cleanly');
  });
});

describe('endure workflow trace', () => {
  it('draws the tree of a workflow and its children, folding completed ones unless --no-fold', async () => {
    const workflowId = uniqueWorkflowId('inspect-family');
    await env.client.workflow.start('inspectFamily', { taskQueue, workflowId });
    await waitFor(async () => (await env.client.workflow.getHandle(`${workflowId}-waiting`).describe()).status.name === 'RUNNING', {
      description: 'the third child running',
    });
    const text = await endureOk(['workflow', 'trace', ...at(), '-w', workflowId]);
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Execution summary:', `  WorkflowId  ${workflowId}`, expect.stringMatching(/^ {2}RunId {7}\S+$/)]);
    const tree = lines.slice(lines.indexOf('Progress:') + 1);
    expect(tree[0]).toMatch(/^ ╪ ▷ inspectFamily \(\d+m?s ago\)$/);
    expect(tree[1]).toMatch(new RegExp(`^ │ {3}wfId: ${workflowId}, runId: \\S+$`));
    expect(tree.join('\n')).toMatch(/ │ {3}╪ ✓ inspectGreetingParent \(\d+m?s\)\n │ {3}│ {3}wfId: \S+-done, runId: \S+\n │ {3}│ {3}↳ execution folded\n/);
    expect(tree.join('\n')).toMatch(/ │ {3}╪ ! inspectFailing \(\d+m?s\)\n │ {3}│ {3}wfId: \S+-failed, runId: \S+\n │ {3}│ {3}Failure: child failed\n │ {3}│ {7}the root cause\n/);
    expect(tree.join('\n')).toMatch(/ │ {3}╪ ▷ waitingChild \(\d+m?s ago\)\n │ {3}│ {3}wfId: \S+-waiting, runId: \S+\n/);
    expect(text).not.toContain('inspectGreeting ');

    const [unfolded, shallow, rootOnly] = await Promise.all([
      endureOk(['workflow', 'trace', ...at(), '-w', workflowId, '--no-fold']),
      endureOk(['workflow', 'trace', ...at(), '-w', workflowId, '--no-fold', '--depth', '1']),
      endureOk(['workflow', 'trace', ...at(), '-w', workflowId, '--no-fold', '--depth', '0']),
    ]);
    expect(unfolded).toMatch(/ │ {3}│ {3}╪ ✓ inspectGreeting \(\d+m?s\)\n │ {3}│ {3}│ {3}wfId: \S+-done-grandchild, runId: \S+\n │ {3}│ {3}│ {3}┼ ⧖ 1 \(1ms\) \(\d+m?s\)\n/);
    // As in temporal, --depth bounds the histories read: the grandchild shows as its parent's history tells it, without its timer.
    expect(shallow).toMatch(/ │ {3}│ {3}╪ ✓ inspectGreeting \(\d+m?s\)\n/);
    expect(shallow).not.toContain('(1ms)');
    expect(rootOnly).toContain(' │   ╪ ✓ inspectGreetingParent');
    expect(rootOnly).not.toContain('inspectGreeting ');
    await env.client.workflow.getHandle(`${workflowId}-waiting`).signal('finish', 'bye');
  });

  it('has no JSON output (exit 2), and refuses an unknown --fold status (exit 2)', async () => {
    const [json, fold] = await Promise.all([
      runEndure(['workflow', 'trace', ...at(), '-w', ids.greeting, '-o', 'json']),
      runEndure(['workflow', 'trace', ...at(), '-w', ids.greeting, '--fold', 'sleeping']),
    ]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^endure: workflow trace has no JSON output/);
    expect(fold.code).toBe(2);
  });
});

describe('an unknown workflow id', () => {
  it('makes describe, show, result, stack and trace exit 1 with one line naming it', async () => {
    const verbs = ['describe', 'show', 'result', 'stack', 'trace'];
    const results = await Promise.all(verbs.map((verb) => runEndure(['workflow', verb, ...at(), '-w', 'no-such-workflow'])));
    results.forEach((result, i) => {
      expect({ verb: verbs[i], code: result.code, stdout: result.stdout }).toEqual({ verb: verbs[i], code: 1, stdout: '' });
      expect(result.stderr).toMatch(/^endure: .*no-such-workflow.* \(NOT_FOUND\)\n$/);
    });
  });
});

interface DescribeJson {
  workflowExecutionInfo: { execution: { workflowId: string; runId: string }; status: string; historyLength: string };
  pendingChildren?: { workflowId: string; runId: string; workflowTypeName: string }[];
  closeEvent: { eventType: string; eventId: string };
  result?: unknown;
}

/** Run ids, task queue suffixes, times and sizes replaced by placeholders: what stays is the layout. */
function normalise(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TIME>')
    .replace(/(RunTime {2,})\S+/g, '$1<DURATION>')
    .replace(/(HistorySize {2,})\d+/g, '$1<BYTES>')
    // How many transitions a run took depends on how its worker's polls raced its tasks.
    .replace(/(StateTransitionCount {2,})\d+/g, '$1<COUNT>');
}

function expectGolden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`golden/${name}`, import.meta.url));
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const binPath = fileURLToPath(new URL('../bin/endure.js', import.meta.url));

/** Starts `endure` and lets the test read its output while it runs (runEndure only returns it at the end). */
function startEndure(args: string[]): { stdout: () => string; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
  const child = spawn(process.execPath, [binPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`endure ${args.join(' ')} did not exit in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { stdout: () => stdout, exited };
}
