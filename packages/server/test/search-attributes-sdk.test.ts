/**
 * Typed search attributes and visibility through the SDK, written against the official API and
 * run with both SDKs: attributes set at start, signal-with-start, on a child and on
 * continue-as-new; upserted by the workflow; read back by describe(), by workflowInfo() (through
 * a query) and by the child and the new run themselves; `list()` (paging, `intoHistories()`) and
 * `count()` (with `GROUP BY ExecutionStatus`); a KeywordList attribute registered through
 * `connection.operatorService`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { approvalWorkflow } from './workflows/approval.js';
import {
  finishSignal,
  parentOfTypedChild,
  typedContinueAsNewWorkflow,
  typedSearchAttributesQuery,
  typedUpsertWorkflow,
  untypedSearchAttributesQuery,
  untypedUpsertWorkflow,
  upsertedDatetime,
} from './workflows/search-attributes.js';

const keyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
const text = defineSearchAttributeKey('CustomTextField', SearchAttributeType.TEXT);
const int = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
const double = defineSearchAttributeKey('CustomDoubleField', SearchAttributeType.DOUBLE);
const bool = defineSearchAttributeKey('CustomBoolField', SearchAttributeType.BOOL);
const datetime = defineSearchAttributeKey('CustomDatetimeField', SearchAttributeType.DATETIME);
const when = new Date('2026-03-04T05:06:07.089Z');

/** One attribute of every type that has a pre-registered attribute (KeywordList has none). */
const everyType: SearchAttributePair[] = [
  { key: keyword, value: 'gold' },
  { key: text, value: 'fragile, handle with care' },
  { key: int, value: 42 },
  { key: double, value: 2.5 },
  { key: bool, value: true },
  { key: datetime, value: when },
];

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Pairs in name order, as JSON gives them (a query result carries Dates as ISO strings). */
function asJson(pairs: readonly SearchAttributePair[]): unknown {
  const sorted = [...pairs].sort((a, b) => a.key.name.localeCompare(b.key.name));
  return JSON.parse(JSON.stringify(sorted));
}

describe('typed search attributes at start', () => {
  it('come back from describe() with their types, a Datetime as a Date', async () => {
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('typed-start'),
      workflowId: uniqueWorkflowId('typed-start'),
      args: [60_000],
      typedSearchAttributes: everyType,
    });
    try {
      const described = await handle.describe();
      for (const pair of everyType) expect(described.typedSearchAttributes.get(pair.key)).toEqual(pair.value);
      expect(described.typedSearchAttributes.get(datetime)).toBeInstanceOf(Date);
      expect(asJson(described.typedSearchAttributes.getAll())).toEqual(asJson(everyType));
      // A key of another type reads nothing.
      expect(described.typedSearchAttributes.get(defineSearchAttributeKey('CustomIntField', 'KEYWORD'))).toBeUndefined();
      // The deprecated untyped view shows the same values as one-element arrays.
      expect(described.searchAttributes).toEqual(Object.fromEntries(everyType.map((p) => [p.key.name, [p.value]])));
    } finally {
      await handle.terminate();
    }
  });

  it('win over untyped ones of the same name, and also work with signalWithStart', async () => {
    const handle = await env.client.workflow.signalWithStart(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('typed-sws'),
      workflowId: uniqueWorkflowId('typed-sws'),
      args: [60_000],
      signal: 'addItem',
      signalArgs: ['pen'],
      searchAttributes: { CustomKeywordField: ['silver'], CustomBoolField: [false] },
      typedSearchAttributes: [{ key: keyword, value: 'gold' }],
    });
    try {
      const described = await handle.describe();
      expect(asJson(described.typedSearchAttributes.getAll())).toEqual(
        asJson([
          { key: bool, value: false },
          { key: keyword, value: 'gold' },
        ]),
      );
    } finally {
      await handle.terminate();
    }
  });

  it('reach a child started with them and the run continued-as-new with them', async () => {
    const taskQueue = uniqueTaskQueue('typed-child');
    const childId = uniqueWorkflowId('typed-child');
    await env.withWorker({ taskQueue }, async () => {
      const seenByChild = await env.client.workflow.execute(parentOfTypedChild, {
        taskQueue,
        workflowId: uniqueWorkflowId('typed-parent'),
        args: [childId],
      });
      expect(asJson(seenByChild)).toEqual(asJson([{ key: double, value: 0.5 }, { key: keyword, value: 'child' }]));
      const child = await env.client.workflow.getHandle(childId).describe();
      expect(child.typedSearchAttributes.get(double)).toBe(0.5);

      const handle = await env.client.workflow.start(typedContinueAsNewWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('typed-can'),
        args: [false],
      });
      expect(asJson(await handle.result())).toEqual(asJson([{ key: int, value: 2 }]));
      expect((await handle.describe()).typedSearchAttributes.get(int)).toBe(2);
    });
  });
});

describe('typed upserts', () => {
  it('show in workflowInfo() at once and in describe(); null removes', async () => {
    const taskQueue = uniqueTaskQueue('typed-upsert');
    await env.withWorker({ taskQueue }, async () => {
      const handle = await env.client.workflow.start(typedUpsertWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('typed-upsert'),
        typedSearchAttributes: [{ key: text, value: 'from start' }],
      });
      const expected = [
        { key: text, value: 'from start' },
        { key: keyword, value: 'shipped' },
        { key: datetime, value: new Date(upsertedDatetime) },
        { key: bool, value: true },
      ] as SearchAttributePair[];
      // Round two runs after a one-millisecond timer.
      const seen = await waitFor(
        async () => {
          const pairs = await handle.query(typedSearchAttributesQuery);
          return pairs.some((p) => p.key.name === bool.name) ? pairs : undefined;
        },
        { description: 'the second round of upserts' },
      );
      expect(asJson(seen)).toEqual(asJson(expected));
      expect(await handle.query(untypedSearchAttributesQuery)).toEqual({
        CustomTextField: ['from start'],
        CustomKeywordField: ['shipped'],
        CustomDatetimeField: [upsertedDatetime],
        CustomBoolField: [true],
      });
      const described = await handle.describe();
      expect(asJson(described.typedSearchAttributes.getAll())).toEqual(asJson(expected));
      expect(described.typedSearchAttributes.get(int)).toBeUndefined();
      // A typed removal is sent as JSON `null`: the server drops the attribute, as Temporal does.
      expect(described.searchAttributes).not.toHaveProperty(int.name);
      await handle.signal(finishSignal);
      await handle.result();
    });
  });

  it('of the deprecated untyped form also show in the typed view of workflowInfo()', async () => {
    const taskQueue = uniqueTaskQueue('untyped-upsert');
    const seen = await env.withWorker({ taskQueue }, () =>
      env.client.workflow.execute(untypedUpsertWorkflow, {
        taskQueue,
        workflowId: uniqueWorkflowId('untyped-upsert'),
        typedSearchAttributes: [{ key: keyword, value: 'gold' }],
      }),
    );
    expect(asJson(seen)).toEqual(
      asJson([
        { key: keyword, value: 'packed' },
        { key: double, value: 1.5 },
        { key: datetime, value: new Date(upsertedDatetime) },
      ]),
    );
  });
});

describe('list and count', () => {
  /** Starts `count` workflows (they wait, no worker needed) tagged with one fresh keyword. */
  async function startTagged(prefix: string, count: number) {
    const tag = uniqueWorkflowId(prefix);
    const taskQueue = uniqueTaskQueue(prefix);
    const handles = [];
    for (let i = 0; i < count; i++) {
      handles.push(
        await env.client.workflow.start(approvalWorkflow, {
          taskQueue,
          workflowId: `${tag}-${i}`,
          args: [60_000],
          typedSearchAttributes: [{ key: keyword, value: tag }],
        }),
      );
    }
    return { tag, handles };
  }

  async function terminateAll(handles: { terminate(): Promise<unknown> }[]): Promise<void> {
    await Promise.allSettled(handles.map((h) => h.terminate()));
  }

  it('finds a workflow by WorkflowId and by a custom attribute right after start', async () => {
    const { tag, handles } = await startTagged('list-one', 1);
    try {
      const byId = [];
      for await (const info of env.client.workflow.list({ query: `WorkflowId = '${handles[0]!.workflowId}'` })) byId.push(info);
      expect(byId.map((info) => info.workflowId)).toEqual([handles[0]!.workflowId]);
      expect(byId[0]!.typedSearchAttributes.get(keyword)).toBe(tag);
      expect(byId[0]!.status.name).toBe('RUNNING');
      expect(byId[0]!.type).toBe('approvalWorkflow');
      const byKeyword = [];
      for await (const info of env.client.workflow.list({ query: `CustomKeywordField = '${tag}'` })) byKeyword.push(info.workflowId);
      expect(byKeyword).toEqual([handles[0]!.workflowId]);
    } finally {
      await terminateAll(handles);
    }
  });

  it('pages through five workflows two at a time, each exactly once, and into their histories', async () => {
    const { tag, handles } = await startTagged('list-pages', 5);
    try {
      const ids = [];
      for await (const info of env.client.workflow.list({ query: `CustomKeywordField = '${tag}'`, pageSize: 2 })) ids.push(info.workflowId);
      expect(ids.sort()).toEqual(handles.map((h) => h.workflowId).sort());

      const histories = [];
      for await (const item of env.client.workflow.list({ query: `CustomKeywordField = '${tag}'`, pageSize: 2 }).intoHistories({ concurrency: 2 })) {
        histories.push(item);
      }
      expect(histories.map((h) => h.workflowId).sort()).toEqual(handles.map((h) => h.workflowId).sort());
      for (const { history } of histories) {
        const events = (history as { events?: { eventType?: unknown }[] }).events ?? [];
        expect(events[0]?.eventType).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      }
    } finally {
      await terminateAll(handles);
    }
  });

  it('counts, and counts by ExecutionStatus', async () => {
    const { tag, handles } = await startTagged('count', 5);
    try {
      await terminateAll(handles.slice(0, 2));
      expect(await env.client.workflow.count(`CustomKeywordField = '${tag}'`)).toEqual({ count: 5, groups: [] });
      const grouped = await env.client.workflow.count(`CustomKeywordField = '${tag}' GROUP BY ExecutionStatus`);
      expect(grouped.count).toBe(5);
      const groups = [...grouped.groups].sort((a, b) => String(a.groupValues[0]).localeCompare(String(b.groupValues[0])));
      expect(groups).toEqual([
        { count: 3, groupValues: [['Running']] },
        { count: 2, groupValues: [['Terminated']] },
      ]);
    } finally {
      await terminateAll(handles);
    }
  });
});

describe('the OperatorService', () => {
  it('registers a KeywordList attribute, which then round-trips as a typed list', async () => {
    const operator = env.connection.operatorService;
    const KEYWORD_LIST = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;
    await operator.addSearchAttributes({ namespace: 'default', searchAttributes: { SdkLabels: KEYWORD_LIST } });
    const { customAttributes } = await operator.listSearchAttributes({ namespace: 'default' });
    const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    expect(customAttributes).toMatchObject({ SdkLabels: KEYWORD_LIST, CustomKeywordField: KEYWORD });

    const labels = defineSearchAttributeKey('SdkLabels', SearchAttributeType.KEYWORD_LIST);
    const handle = await env.client.workflow.start(approvalWorkflow, {
      taskQueue: uniqueTaskQueue('keyword-list'),
      workflowId: uniqueWorkflowId('keyword-list'),
      args: [60_000],
      typedSearchAttributes: [{ key: labels, value: ['fragile', 'express'] }],
    });
    try {
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(labels)).toEqual(['fragile', 'express']);
      expect(described.searchAttributes['SdkLabels']).toEqual(['fragile', 'express']);
    } finally {
      await handle.terminate();
    }
  });
});
