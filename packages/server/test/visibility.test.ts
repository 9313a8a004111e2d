/**
 * List and count with Temporal's query language: every operator and attribute type,
 * read-after-write, paging while rows are inserted, counts grouped by status, and the errors
 * of bad queries and bad search attribute values. Written once, run with both SDKs.
 */
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { badUpsertWorkflow, finishSignal, stagedWorkflow } from './workflows/visibility.js';

const KEYWORD_LIST = 7;

let env: TestEnv;
/** Every workflow of the fixture set carries this tag, so queries see only them. */
const TAG = `fixture-${Date.now()}`;
const ids: Record<string, string> = {};
const startedBefore = new Date();

beforeAll(async () => {
  env = await startTestEnv();
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: { Labels: KEYWORD_LIST, Tag: 2 } });
  // Five workflows nobody runs (they stay Running), with one attribute of each type.
  const fixtures: Array<[string, Record<string, unknown[]>]> = [
    ['alpha', { CustomKeywordField: ['red'], CustomIntField: [1], CustomDoubleField: [1.5], CustomBoolField: [true], CustomDatetimeField: [new Date('2026-01-01T00:00:00Z')], CustomTextField: ['quick brown fox'], Labels: ['a', 'b'] }],
    ['beta', { CustomKeywordField: ['green'], CustomIntField: [2], CustomDoubleField: [2.5], CustomBoolField: [false], CustomDatetimeField: [new Date('2026-02-01T00:00:00Z')], CustomTextField: ['lazy dog'], Labels: ['b'] }],
    ['gamma', { CustomKeywordField: ['blue'], CustomIntField: [3], CustomDoubleField: [3.5], CustomDatetimeField: [new Date('2026-03-01T00:00:00Z')], CustomTextField: ['quick dog'] }],
    ['delta', { CustomKeywordField: ['red-orange'], CustomIntField: [4] }],
    ['epsilon', {}],
  ];
  for (const [name, attributes] of fixtures) {
    const handle = await env.client.workflow.start('neverRuns', {
      taskQueue: uniqueTaskQueue('nobody'),
      workflowId: uniqueWorkflowId(`vis-${name}`),
      searchAttributes: { ...attributes, Tag: [TAG] },
    });
    ids[name] = handle.workflowId;
  }
  await env.client.workflow.getHandle(ids['epsilon']!).terminate('closed for the fixture');
});

afterAll(async () => {
  await env?.close();
});

async function listNames(query: string): Promise<string[]> {
  const names: string[] = [];
  for await (const info of env.client.workflow.list({ query: `Tag = '${TAG}' AND (${query})` })) {
    const name = Object.entries(ids).find(([, id]) => id === info.workflowId)?.[0];
    if (name) names.push(name);
  }
  return names.sort();
}

describe('list filters', () => {
  it.each([
    ["CustomKeywordField = 'red'", ['alpha']],
    ["CustomKeywordField != 'red'", ['beta', 'delta', 'epsilon', 'gamma']],
    ["CustomKeywordField IN ('red', 'blue')", ['alpha', 'gamma']],
    ["CustomKeywordField NOT IN ('red', 'blue')", ['beta', 'delta', 'epsilon']],
    ["CustomKeywordField STARTS_WITH 'red'", ['alpha', 'delta']],
    ['CustomKeywordField IS NULL', ['epsilon']],
    ['CustomBoolField IS NOT NULL', ['alpha', 'beta']],
    ['CustomIntField > 2', ['delta', 'gamma']],
    ['CustomIntField >= 2 AND CustomIntField < 4', ['beta', 'gamma']],
    ['CustomIntField <= 1 OR CustomIntField = 4', ['alpha', 'delta']],
    ['CustomIntField BETWEEN 2 AND 3', ['beta', 'gamma']],
    ['CustomDoubleField > 2.0', ['beta', 'gamma']],
    ['CustomBoolField = true', ['alpha']],
    ['CustomBoolField = false', ['beta']],
    ["CustomDatetimeField >= '2026-02-01T00:00:00Z'", ['beta', 'gamma']],
    ["CustomDatetimeField BETWEEN '2026-01-15' AND '2026-02-15'", ['beta']],
    ["CustomTextField = 'quick'", ['alpha', 'gamma']],
    ["CustomTextField = 'dog quick'", ['gamma']],
    ["Labels = 'b'", ['alpha', 'beta']],
    ["Labels IN ('a', 'z')", ['alpha']],
    ["NOT (CustomKeywordField = 'red' OR CustomIntField > 2)", ['beta', 'epsilon']],
    ["`CustomKeywordField` = \"green\"", ['beta']],
    ["ExecutionStatus = 'Running'", ['alpha', 'beta', 'delta', 'gamma']],
    ["ExecutionStatus = 'Terminated' AND CloseTime IS NOT NULL", ['epsilon']],
    ["WorkflowType = 'neverRuns' AND StartTime > 'now-1h'", ['alpha', 'beta', 'delta', 'epsilon', 'gamma']],
  ])('%s', async (query, expected) => {
    expect(await listNames(query)).toEqual(expected);
  });

  it('orders by an attribute, and by default shows running workflows first, newest first', async () => {
    const ordered: string[] = [];
    for await (const info of env.client.workflow.list({ query: `Tag = '${TAG}' AND CustomIntField IS NOT NULL ORDER BY CustomIntField DESC` })) {
      ordered.push(info.workflowId);
    }
    expect(ordered).toEqual([ids['delta'], ids['gamma'], ids['beta'], ids['alpha']]);
    const byDefault: string[] = [];
    for await (const info of env.client.workflow.list({ query: `Tag = '${TAG}'` })) byDefault.push(info.workflowId);
    expect(byDefault).toEqual([ids['delta'], ids['gamma'], ids['beta'], ids['alpha'], ids['epsilon']]);
  });

  it('shows each execution as describe does: type, status, times, task queue and typed search attributes', async () => {
    const infos = [];
    for await (const info of env.client.workflow.list({ query: `WorkflowId = '${ids['alpha']}'` })) infos.push(info);
    expect(infos).toHaveLength(1);
    const [info] = infos;
    expect(info!.type).toBe('neverRuns');
    expect(info!.status.name).toBe('RUNNING');
    expect(info!.startTime.getTime()).toBeGreaterThanOrEqual(startedBefore.getTime() - 1000);
    expect(info!.searchAttributes).toMatchObject({ CustomKeywordField: ['red'], CustomIntField: [1], Labels: ['a', 'b'] });
    expect(info!.searchAttributes['CustomDatetimeField']).toEqual([new Date('2026-01-01T00:00:00Z')]);
  });
});

describe('read after write and paging', () => {
  it('lists a workflow as soon as its start returns', async () => {
    for (let i = 0; i < 5; i++) {
      const handle = await env.client.workflow.start('neverRuns', { taskQueue: uniqueTaskQueue('nobody'), workflowId: uniqueWorkflowId('raw') });
      const found = [];
      for await (const info of env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) found.push(info.runId);
      expect(found).toEqual([handle.firstExecutionRunId]);
    }
  });

  it('pages through every match exactly once while new workflows are started between pages', async () => {
    const tag = uniqueWorkflowId('paging');
    const originals = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const handle = await env.client.workflow.start('neverRuns', {
        taskQueue: uniqueTaskQueue('nobody'),
        workflowId: `${tag}-${i}`,
        searchAttributes: { Tag: [tag] },
      });
      originals.add(handle.workflowId);
    }
    const seen: string[] = [];
    let inserted = 0;
    let token: Uint8Array | undefined;
    do {
      const page = await env.client.workflowService.listWorkflowExecutions({
        namespace: 'default',
        query: `Tag = '${tag}'`,
        pageSize: 3,
        nextPageToken: token,
      });
      seen.push(...(page.executions ?? []).map((e) => e.execution!.workflowId!));
      token = page.nextPageToken?.length ? page.nextPageToken : undefined;
      // Newer rows sort before the cursor and later rows are unaffected: nothing repeats or goes missing.
      await env.client.workflow.start('neverRuns', {
        taskQueue: uniqueTaskQueue('nobody'),
        workflowId: `${tag}-new-${inserted++}`,
        searchAttributes: { Tag: [tag] },
      });
    } while (token);
    const fromOriginals = seen.filter((id) => originals.has(id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(fromOriginals)).toEqual(originals);
  });

  it('counts, and counts grouped by ExecutionStatus', async () => {
    const total = await env.client.workflow.count(`Tag = '${TAG}'`);
    expect(total.count).toBe(5);
    const grouped = await env.client.workflow.count(`Tag = '${TAG}' GROUP BY ExecutionStatus`);
    expect(grouped.count).toBe(5);
    const byStatus = Object.fromEntries(grouped.groups.map((g) => [String(g.groupValues[0]), g.count]));
    expect(byStatus).toEqual({ Running: 4, Terminated: 1 });
  });
});

describe('the older list RPCs', () => {
  const ws = () => env.client.workflowService;
  const idsOf = (res: { executions?: { execution?: { workflowId?: string | null } | null }[] | null }) =>
    (res.executions ?? []).map((e) => e.execution!.workflowId!);

  it('ListOpenWorkflowExecutions and ListClosedWorkflowExecutions filter by workflow id, type, status and time', async () => {
    const open = await ws().listOpenWorkflowExecutions({ namespace: 'default', maximumPageSize: 100, executionFilter: { workflowId: ids['alpha'] } });
    expect(idsOf(open)).toEqual([ids['alpha']]);
    const closedAlpha = await ws().listClosedWorkflowExecutions({ namespace: 'default', executionFilter: { workflowId: ids['alpha'] } });
    expect(idsOf(closedAlpha)).toEqual([]);
    const closed = await ws().listClosedWorkflowExecutions({
      namespace: 'default',
      statusFilter: { status: 5 }, // TERMINATED
      typeFilter: { name: 'neverRuns' },
      startTimeFilter: { earliestTime: { seconds: Long.fromNumber(Math.floor(startedBefore.getTime() / 1000) - 60) } },
    });
    expect(idsOf(closed)).toContain(ids['epsilon']);
    expect(idsOf(closed)).not.toContain(ids['alpha']);
  });

  it('ScanWorkflowExecutions pages like List, and GetSearchAttributes names system and custom attributes', async () => {
    const seen: string[] = [];
    let token: Uint8Array | undefined;
    do {
      const page = await ws().scanWorkflowExecutions({ namespace: 'default', query: `Tag = '${TAG}'`, pageSize: 2, nextPageToken: token });
      seen.push(...idsOf(page));
      token = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (token);
    expect(seen.sort()).toEqual(Object.values(ids).sort());
    const keys = (await ws().getSearchAttributes({})).keys ?? {};
    expect(keys).toMatchObject({ WorkflowId: 2, StartTime: 6, CustomKeywordField: 2, Labels: KEYWORD_LIST });
  });

  it('refuses a page token from another query', async () => {
    const first = await ws().listWorkflowExecutions({ namespace: 'default', query: `Tag = '${TAG}'`, pageSize: 1 });
    const err = await ws()
      .listWorkflowExecutions({ namespace: 'default', query: 'WorkflowType = \'other\'', pageSize: 1, nextPageToken: first.nextPageToken })
      .then(() => undefined, (e: unknown) => e as { code?: number; details?: string });
    expect(err?.code).toBe(3);
    expect(err?.details).toMatch(/next_page_token/);
  });
});

describe('workflows change what lists find', () => {
  it('finds a workflow by the search attributes it upserted, and by its status once it closed', async () => {
    const taskQueue = uniqueTaskQueue('staged');
    await env.withWorker({ taskQueue }, async () => {
      const stage = uniqueWorkflowId('stage');
      const handle: WorkflowHandle = await env.client.workflow.start(stagedWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('staged'),
        args: [stage],
      });
      await waitFor(async () => (await listWorkflowIds(`CustomKeywordField = '${stage}'`)).includes(handle.workflowId), {
        description: 'the upserted attribute listed',
      });
      await handle.signal(finishSignal);
      await handle.result();
      expect(await listWorkflowIds(`CustomKeywordField = '${stage}' AND ExecutionStatus = 'Completed'`)).toEqual([handle.workflowId]);
      const [info] = await listInfos(`WorkflowId = '${handle.workflowId}'`);
      expect(info!.closeTime).toBeInstanceOf(Date);
      expect(info!.historyLength).toBeGreaterThan(5);
    });
  });

  it('fails the workflow task with BAD_SEARCH_ATTRIBUTES when a workflow upserts an unknown attribute or a wrong type', async () => {
    const taskQueue = uniqueTaskQueue('bad-upsert');
    await env.withWorker({ taskQueue }, async () => {
      for (const [name, value] of [['NoSuchAttribute', 'x'], ['CustomIntField', 'not a number']] as const) {
        const handle = await env.client.workflow.start(badUpsertWorkflow, { taskQueue, workflowId: uniqueWorkflowId('bad-upsert'), args: [name, value] });
        const failure = await waitFor(
          async () => {
            const history = await handle.fetchHistory();
            return history.events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
          },
          { description: 'the workflow task failed' },
        );
        expect(failure.cause).toBe(23); // WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES
        expect(failure.failure?.message).toContain(name);
        await handle.terminate();
      }
    });
  });
});

describe('errors', () => {
  it('answers INVALID_ARGUMENT with the position of a syntax error and the name of an unknown attribute', async () => {
    const list = (query: string) =>
      env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query }).then(
        () => undefined,
        (err: unknown) => err as { code?: number; details?: string },
      );
    const syntax = await list("WorkflowId = 'a' AND");
    expect(syntax?.code).toBe(3);
    expect(syntax?.details).toMatch(/position \d+/);
    const unknown = await list("NoSuchAttribute = 'x'");
    expect(unknown?.code).toBe(3);
    expect(unknown?.details).toContain('NoSuchAttribute');
    const badValue = await list("CustomIntField = 'many'");
    expect(badValue?.details).toContain('CustomIntField');
    const archived = await env.client.workflowService.listArchivedWorkflowExecutions({ namespace: 'default' }).catch((e: unknown) => e as { code?: number });
    expect((archived as { code?: number }).code).toBe(12);
  });
});

async function listInfos(query: string) {
  const infos = [];
  for await (const info of env.client.workflow.list({ query })) infos.push(info);
  return infos;
}

async function listWorkflowIds(query: string): Promise<string[]> {
  return (await listInfos(query)).map((i) => i.workflowId);
}
