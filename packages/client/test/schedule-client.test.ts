/**
 * `client.schedule` against the official `@temporalio/client` ScheduleClient, with no server:
 * both clients talk to the same recording fake WorkflowService, are given the same inputs, and
 * must send the same requests and decode the same responses into the same values. Also the
 * typed errors each gRPC failure becomes. (Scenarios against the server are the server's tests.)
 */
import { Metadata, status } from '@grpc/grpc-js';
import { ScheduleClient as OfficialScheduleClient } from '@temporalio/client';
import proto from '@temporalio/proto';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import type { DataConverter, Payload, TypedSearchAttributes } from '@endure/common';
import {
  ScheduleAlreadyRunning,
  ScheduleClient,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  ServiceError,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleSpec,
  type ScheduleSummary,
} from '../src/index.js';

const workflowservice = proto.temporal.api.workflowservice.v1;

/** One call the fake received. */
interface Call {
  method: string;
  request: Record<string, unknown>;
}

/**
 * A WorkflowService that records each call and answers from `responses` (by method name; a
 * function is called with the request, an Error is thrown).
 */
function fakeService(responses: Record<string, unknown> = {}) {
  const calls: Call[] = [];
  const service = new Proxy(
    {},
    {
      get: (_target, method: string) => (request: Record<string, unknown>) => {
        calls.push({ method, request });
        const response = responses[method];
        const answer: unknown = typeof response === 'function' ? (response as (r: unknown) => unknown)(request) : response;
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer ?? {});
      },
    },
  );
  return { calls, connection: { workflowService: service } };
}

/** A codec that visibly changes every payload, to prove both clients run it (and in the same places). */
const markingCodec = {
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((p) => ({
        metadata: { ...p.metadata, marked: new TextEncoder().encode('yes') },
        data: Uint8Array.from([...(p.data ?? [])].reverse()),
      })),
    );
  },
  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((p) => {
        const metadata = { ...p.metadata };
        delete metadata['marked'];
        return { metadata, data: Uint8Array.from([...(p.data ?? [])].reverse()) };
      }),
    );
  },
};

/** Our client and the official one on fakes answering the same, with the same settings. */
function clientPair(options: { responses?: Record<string, unknown>; dataConverter?: DataConverter } = {}) {
  const ours = fakeService(options.responses);
  const official = fakeService(options.responses);
  const common = { namespace: 'billing', identity: 'test-identity', dataConverter: options.dataConverter };
  return {
    ours: new ScheduleClient({ ...common, connection: ours.connection as never }),
    official: new OfficialScheduleClient({ ...common, connection: official.connection } as never),
    ourCalls: ours.calls,
    officialCalls: official.calls,
  };
}

/**
 * A call as the server reads it (through the wire format, so `[]` and `undefined` for an empty
 * list are the same), without its request id (random in both clients) but with proof there was one.
 */
function withoutRequestId(call: Call | undefined): Call {
  expect(call).toBeDefined();
  const { method } = call!;
  const typeName = `${method[0]!.toUpperCase()}${method.slice(1)}Request` as keyof typeof workflowservice;
  const type = workflowservice[typeName] as unknown as {
    encode(m: unknown): { finish(): Uint8Array };
    decode(b: Uint8Array): unknown;
    toObject(m: unknown, o: object): Record<string, unknown>;
  };
  const decoded = type.toObject(type.decode(type.encode(call!.request).finish()), { longs: String, bytes: Array });
  const { requestId, ...request } = decoded;
  if (method !== 'deleteSchedule' && method !== 'describeSchedule' && method !== 'listSchedules') {
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  }
  return { method, request };
}

const everyField: ScheduleOptions = {
  scheduleId: 'nightly-billing',
  spec: {
    calendars: [
      {
        second: [0, 30],
        minute: { start: 0, end: 45, step: 15 },
        hour: '*',
        dayOfMonth: [{ start: 1, end: 10 }, 20],
        month: ['JANUARY', { start: 'MARCH', end: 'MAY' }],
        year: { start: 2026, end: 2030, step: 2 },
        dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY' }],
        comment: 'weekday mornings',
      },
      { hour: 2 },
      { second: '*', minute: '*', dayOfMonth: '*', month: '*', year: '*', dayOfWeek: '*' },
    ],
    intervals: [{ every: '1h', offset: '19m' }, { every: 90_000 }],
    cronExpressions: ['0 12 * * MON-WED,FRI', 'CRON_TZ=Europe/Paris @every 5m'],
    skip: [{ month: 'DECEMBER', dayOfMonth: 25 }],
    startAt: new Date('2026-01-01T00:00:00Z'),
    endAt: new Date('2027-01-01T00:00:00.250Z'),
    jitter: '30s',
    timezone: 'US/Pacific',
  },
  action: {
    type: 'startWorkflow',
    workflowType: 'billingRun',
    workflowId: 'billing-run',
    taskQueue: 'billing',
    args: [{ dryRun: false, regions: ['eu', 'us'] }, 42],
    memo: { owner: 'finance', limits: { max: 3 } },
    searchAttributes: { CustomIntField: [7] },
    typedSearchAttributes: [{ key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'gold' }] as never,
    retry: { maximumAttempts: 3, initialInterval: '2s', backoffCoefficient: 1.5, nonRetryableErrorTypes: ['Fatal'] },
    workflowExecutionTimeout: '1 day',
    workflowRunTimeout: '2h',
    workflowTaskTimeout: 10_000,
    staticSummary: 'nightly billing',
    staticDetails: 'runs the billing for every region',
  },
  policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '10m', pauseOnFailure: true },
  memo: { team: 'payments' },
  searchAttributes: { CustomKeywordField: ['schedules'] },
  typedSearchAttributes: [{ key: { name: 'CustomBoolField', type: 'BOOL' }, value: true }] as never,
  state: {
    paused: true,
    note: 'waiting for the migration',
    remainingActions: 12,
    triggerImmediately: true,
    backfill: [
      { start: new Date('2025-12-01T00:00:00Z'), end: new Date('2025-12-02T00:00:00Z') },
      { start: new Date('2025-12-03T00:00:00Z'), end: new Date('2025-12-04T00:00:00Z'), overlap: 'ALLOW_ALL' },
    ],
  },
};

const minimal: ScheduleOptions = {
  scheduleId: 'minimal',
  spec: { intervals: [{ every: '1m' }] },
  action: { type: 'startWorkflow', workflowType: 'tick', taskQueue: 'ticks' },
};

/** Creates `options` through both clients and returns the two CreateSchedule calls. */
async function createWithBoth(options: ScheduleOptions, dataConverter?: DataConverter) {
  const pair = clientPair({ dataConverter });
  const ourHandle = await pair.ours.create(options);
  const officialHandle = await pair.official.create(options as never);
  expect(ourHandle.scheduleId).toBe(officialHandle.scheduleId);
  expect(pair.ourCalls.map((c) => c.method)).toEqual(['createSchedule']);
  return {
    ours: withoutRequestId(pair.ourCalls[0]),
    official: withoutRequestId(pair.officialCalls[0]),
    /** Our request as sent, before the wire. */
    sent: pair.ourCalls[0]!.request,
  };
}

describe('create sends the request the official client sends', () => {
  it('for every option at once', async () => {
    const { ours, official } = await createWithBoth(everyField);
    expect(ours).toEqual(official);
    expect(ours.request).toMatchObject({
      namespace: 'billing',
      identity: 'test-identity',
      scheduleId: 'nightly-billing',
      initialPatch: { triggerImmediately: { overlapPolicy: 6 }, backfillRequest: [{}, { overlapPolicy: 6 }] },
      schedule: { state: { paused: true, limitedActions: true, remainingActions: '12' }, policies: { overlapPolicy: 2 } },
    });
  });

  it('for the minimal options, defaults included (workflow id `<scheduleId>-workflow`, no policies)', async () => {
    const { ours, official, sent } = await createWithBoth(minimal);
    expect(ours).toEqual(official);
    const schedule = sent['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
    expect(schedule.action?.startWorkflow?.workflowId).toBe('minimal-workflow');
  });

  it('for a workflow given as a function, and a limit of zero actions', async () => {
    async function reportRun(_day: string): Promise<void> {}
    const options: ScheduleOptions = {
      ...minimal,
      action: { type: 'startWorkflow', workflowType: reportRun, taskQueue: 'reports', args: ['monday'] },
      state: { remainingActions: 0 },
    };
    const { ours, official, sent } = await createWithBoth(options);
    expect(ours).toEqual(official);
    const schedule = sent['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
    expect(schedule.action?.startWorkflow?.workflowType?.name).toBe('reportRun');
    expect(schedule.state?.limitedActions).toBe(true);

    // The arguments are typed by the workflow, as with the official client.
    const { ours: client } = clientPair();
    const spec: ScheduleSpec = { intervals: [{ every: '1d' }] };
    await client.create({ scheduleId: 'r', spec, action: { type: 'startWorkflow', workflowType: reportRun, taskQueue: 'r', args: ['tuesday'] } });
    // @ts-expect-error reportRun takes a string
    await client.create({ scheduleId: 'r', spec, action: { type: 'startWorkflow', workflowType: reportRun, taskQueue: 'r', args: [2] } });
  });

  it('with payloads through the data converter and its codec', async () => {
    const { ours, official, sent } = await createWithBoth(everyField, { payloadCodecs: [markingCodec] });
    expect(ours).toEqual(official);
    const schedule = sent['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
    expect(schedule.action?.startWorkflow?.input?.payloads?.[0]?.metadata?.['marked']).toBeDefined();
  });

  it('except a range with only a start, which ours sends as that one value (the official client sends end 1)', async () => {
    const options: ScheduleOptions = { ...minimal, spec: { calendars: [{ hour: { start: 0 }, minute: { start: 5 } }] } };
    const { sent } = await createWithBoth(options);
    const calendar = (sent['schedule'] as proto.temporal.api.schedule.v1.ISchedule).spec?.structuredCalendar?.[0];
    expect(calendar?.hour).toEqual([{ start: 0, end: 0, step: 1 }]);
    expect(calendar?.minute).toEqual([{ start: 5, end: 5, step: 1 }]);
  });

  it('rejects what the official client rejects, with the same TypeError', async () => {
    const bad: [string, ScheduleOptions][] = [
      ['no id', { ...minimal, scheduleId: '' }],
      ['no task queue', { ...minimal, action: { ...minimal.action, taskQueue: '' } }],
      ['no workflow type', { ...minimal, action: { ...minimal.action, workflowType: '' } }],
      ['hour 24', { ...minimal, spec: { calendars: [{ hour: 24 }] } }],
      ['month by number', { ...minimal, spec: { calendars: [{ month: 3 as never }] } }],
    ];
    for (const [why, options] of bad) {
      const pair = clientPair();
      const ourError = await pair.ours.create(options).catch((err: unknown) => err);
      const officialError = await pair.official.create(options as never).catch((err: unknown) => err);
      expect(ourError, why).toBeInstanceOf(TypeError);
      expect((ourError as Error).message, why).toBe((officialError as Error).message);
      expect(pair.ourCalls, why).toEqual([]);
    }
  });
});

/** A DescribeScheduleResponse as the server would send it for a schedule created from `createRequest`. */
function describeResponseFor(createRequest: Record<string, unknown>): proto.temporal.api.workflowservice.v1.DescribeScheduleResponse {
  const schedule = createRequest['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
  const seconds = (iso: string) => ({ seconds: Long.fromNumber(Date.parse(iso) / 1000), nanos: 0 });
  const response = workflowservice.DescribeScheduleResponse.create({
    // The server compiles cron strings into calendars: a description carries none.
    schedule: { ...schedule, spec: { ...schedule.spec, cronString: [] }, policies: { ...schedule.policies, overlapPolicy: 2 } },
    memo: createRequest['memo'] as proto.temporal.api.common.v1.IMemo,
    searchAttributes: createRequest['searchAttributes'] as proto.temporal.api.common.v1.ISearchAttributes,
    conflictToken: Uint8Array.from([0, 0, 0, 7]),
    info: {
      actionCount: Long.fromNumber(5),
      missedCatchupWindow: Long.fromNumber(2),
      overlapSkipped: Long.fromNumber(1),
      bufferDropped: Long.fromNumber(0),
      runningWorkflows: [{ workflowId: 'billing-run-2026-01-05T02:00:00Z', runId: 'run-5' }],
      recentActions: [
        {
          scheduleTime: seconds('2026-01-04T02:00:00Z'),
          actualTime: seconds('2026-01-04T02:00:03Z'),
          startWorkflowResult: { workflowId: 'billing-run-2026-01-04T02:00:00Z', runId: 'run-4' },
          startWorkflowStatus: proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        },
      ],
      futureActionTimes: [seconds('2026-01-06T02:00:00Z'), seconds('2026-01-07T02:00:00Z')],
      createTime: seconds('2025-12-01T00:00:00Z'),
      updateTime: seconds('2026-01-02T00:00:00Z'),
    },
  });
  // Through the wire format, so both clients see what protobufjs decodes (defaults, Longs, Uint8Arrays).
  return workflowservice.DescribeScheduleResponse.decode(workflowservice.DescribeScheduleResponse.encode(response).finish());
}

/** A description without what cannot be compared across the two SDKs' classes; the search attributes as pairs. */
function comparable(description: ScheduleDescription | Record<string, unknown>) {
  const { typedSearchAttributes, action, ...rest } = description as ScheduleDescription;
  const { typedSearchAttributes: actionTyped, ...actionRest } = action;
  // `priority` is not mirrored by our SDK (no workflow option has it yet).
  delete (actionRest as { priority?: unknown }).priority;
  return {
    ...rest,
    action: { ...actionRest, typedSearchAttributes: (actionTyped as TypedSearchAttributes | undefined)?.getAll() },
    typedSearchAttributes: typedSearchAttributes.getAll(),
  };
}

describe('describe decodes the response as the official client does', () => {
  it.each([
    ['every field', everyField, undefined],
    ['the minimal options', minimal, undefined],
    ['payloads through a codec', everyField, { payloadCodecs: [markingCodec] }],
  ] as [string, ScheduleOptions, DataConverter | undefined][])('for %s', async (_name, options, dataConverter) => {
    const { sent: created } = await createWithBoth(options, dataConverter);
    const response = describeResponseFor(created);
    const pair = clientPair({ responses: { describeSchedule: response }, dataConverter });
    const ours = await pair.ours.getHandle(options.scheduleId).describe();
    const official = await pair.official.getHandle(options.scheduleId).describe();
    expect(comparable(ours)).toEqual(comparable(official as never));
    expect(ours.raw).toBe(response);
    expect(pair.ourCalls.map(withoutRequestId)).toEqual(pair.officialCalls.map(withoutRequestId));
  });

  it('with the values a user reads', async () => {
    const { sent: created } = await createWithBoth(everyField);
    const pair = clientPair({ responses: { describeSchedule: describeResponseFor(created) } });
    const description = await pair.ours.getHandle('nightly-billing').describe();
    expect(description.action.args).toEqual(everyField.action.args);
    expect(description.action.memo).toEqual(everyField.action.memo);
    expect(description.memo).toEqual({ team: 'payments' });
    expect(description.policies).toEqual({ overlap: 'BUFFER_ONE', catchupWindow: 600_000, pauseOnFailure: true });
    expect(description.state).toEqual({ paused: true, note: 'waiting for the migration', remainingActions: 12 });
    expect(description.spec.calendars?.[0]?.month).toEqual([
      { start: 'JANUARY', end: 'JANUARY', step: 1 },
      { start: 'MARCH', end: 'MAY', step: 1 },
    ]);
    expect(description.spec.intervals).toEqual([
      { every: 3_600_000, offset: 1_140_000 },
      { every: 90_000, offset: undefined },
    ]);
    expect(description.info.numActionsTaken).toBe(5);
    expect(description.info.runningActions[0]?.workflow.firstExecutionRunId).toBe('run-5');
    expect(description.info.nextActionTimes).toEqual([new Date('2026-01-06T02:00:00Z'), new Date('2026-01-07T02:00:00Z')]);
    // Untyped search attributes carry no type, so only the typed one reads back as typed.
    expect(description.typedSearchAttributes.getAll()).toEqual([
      { key: { name: 'CustomBoolField', type: 'BOOL' }, value: true },
    ]);
    expect(description.searchAttributes).toMatchObject({ CustomBoolField: [true], CustomKeywordField: ['schedules'] });
  });
});

describe('a description as a template', () => {
  it('creates a copy of the Schedule with the request the official client sends for it', async () => {
    const { sent: created } = await createWithBoth(everyField);
    const pair = clientPair({ responses: { describeSchedule: describeResponseFor(created) } });
    const ours = await pair.ours.getHandle('nightly-billing').describe();
    const official = await pair.official.getHandle('nightly-billing').describe();
    const copies = await Promise.all([
      createWithBoth({ ...ours, scheduleId: 'copy' }),
      createWithBoth({ ...(official as unknown as ScheduleDescription), scheduleId: 'copy' }),
    ]);
    // The official description carries an empty priority object, which its create sends as an
    // empty Priority message: the same as none to the server. Our SDK has no priority option.
    const officialStart = (copies[1].official.request['schedule'] as { action: { startWorkflow: { priority?: unknown } } }).action
      .startWorkflow;
    expect(officialStart.priority).toEqual({});
    delete officialStart.priority;
    expect(copies[0].ours).toEqual(copies[1].official);
    const copied = copies[0].sent['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
    const original = created['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
    // Calendars come back normalised (a step of 0 reads as 1): one field that is unchanged shows they were carried over.
    expect(copied.spec?.structuredCalendar?.[0]?.dayOfWeek).toEqual(original.spec?.structuredCalendar?.[0]?.dayOfWeek);
    expect(copied.action?.startWorkflow?.input).toEqual(original.action?.startWorkflow?.input);
  });
});

describe('handle operations send what the official client sends', () => {
  /** Runs `op` on a handle of each client and compares the calls. */
  async function compareCalls(op: (handle: { [k: string]: (...args: never[]) => Promise<unknown> }) => Promise<unknown>) {
    const pair = clientPair();
    await op(pair.ours.getHandle('nightly-billing') as never);
    await op(pair.official.getHandle('nightly-billing') as never);
    const ours = pair.ourCalls.map(withoutRequestId);
    expect(ours).toEqual(pair.officialCalls.map(withoutRequestId));
    return ours;
  }

  it('pause and unpause, with the official default notes', async () => {
    const calls = await compareCalls(async (h) => {
      await h.pause!();
      await h.pause!('migration' as never);
      await h.unpause!();
      await h.unpause!('done' as never);
    });
    expect(calls.map((c) => c.request['patch'])).toEqual([
      { pause: 'Paused via TypeScript SDK"' },
      { pause: 'migration' },
      { unpause: 'Unpaused via TypeScript SDK"' },
      { unpause: 'done' },
    ]);
  });

  it('trigger: ALLOW_ALL unless told otherwise', async () => {
    const calls = await compareCalls(async (h) => {
      await h.trigger!();
      await h.trigger!('BUFFER_ALL' as never);
    });
    expect(calls.map((c) => c.request['patch'])).toEqual([
      { triggerImmediately: { overlapPolicy: 6 } },
      { triggerImmediately: { overlapPolicy: 3 } },
    ]);
  });

  it('backfill of one range and of several', async () => {
    const first = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z') };
    const second = { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-02-01T12:00:00Z'), overlap: 'CANCEL_OTHER' };
    const calls = await compareCalls(async (h) => {
      await h.backfill!(first as never);
      await h.backfill!([first, second] as never);
    });
    expect(calls.map((c) => c.request['namespace'])).toEqual(['billing', 'billing']);
  });

  it('delete', async () => {
    const calls = await compareCalls(async (h) => h.delete!());
    expect(calls).toEqual([
      { method: 'deleteSchedule', request: { namespace: 'billing', identity: 'test-identity', scheduleId: 'nightly-billing' } },
    ]);
  });
});

describe('update', () => {
  it('reads, applies the function and sends the official request plus the conflict token read', async () => {
    const { sent: created } = await createWithBoth(everyField);
    const response = describeResponseFor(created);
    // The action carries a header (e.g. set by an interceptor at creation) and a priority (set
    // by another client): neither can be expressed in the options, an update keeps both.
    response.schedule!.action!.startWorkflow!.header = { fields: { tracing: { metadata: {}, data: Uint8Array.from([1]) } } };
    response.schedule!.action!.startWorkflow!.priority = { priorityKey: 2, fairnessKey: 'eu' };
    const pair = clientPair({ responses: { describeSchedule: response } });
    const change = (previous: ScheduleDescription) => ({
      ...previous,
      spec: { ...previous.spec, jitter: 5_000, timezone: 'Europe/Paris' },
      policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.ALLOW_ALL },
      state: { ...previous.state, remainingActions: 3 },
    });
    let seenByOurs: ScheduleDescription | undefined;
    await pair.ours.getHandle('nightly-billing').update((previous) => {
      seenByOurs = previous;
      return change(previous);
    });
    await pair.official.getHandle('nightly-billing').update(change as never);
    expect(seenByOurs?.raw).toBe(response);

    const [ourDescribe, ourUpdate] = pair.ourCalls.map(withoutRequestId);
    const [officialDescribe, officialUpdate] = pair.officialCalls.map(withoutRequestId);
    expect(ourDescribe).toEqual(officialDescribe);
    const { conflictToken, ...ourUpdateRequest } = ourUpdate!.request;
    // The official TypeScript client sends no conflict token (see ScheduleClient.updateScheduleRequest).
    expect(conflictToken).toEqual([0, 0, 0, 7]);
    expect({ ...ourUpdate, request: ourUpdateRequest }).toEqual(officialUpdate);
    const schedule = ourUpdateRequest['schedule'] as proto.temporal.api.schedule.v1.ISchedule;
    expect(schedule.action?.startWorkflow?.header?.fields?.['tracing']).toBeDefined();
    expect(schedule.action?.startWorkflow?.priority).toEqual({ priorityKey: 2, fairnessKey: 'eu' });
    expect(schedule.spec?.timezoneName).toBe('Europe/Paris');
  });

  it('refuses an update without a task queue before sending it', async () => {
    const { sent: created } = await createWithBoth(minimal);
    const pair = clientPair({ responses: { describeSchedule: describeResponseFor(created) } });
    const err = await pair.ours
      .getHandle('minimal')
      .update((previous) => ({ ...previous, action: { ...previous.action, taskQueue: '' } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe("Missing ScheduleUpdateOptions.action.taskQueue for 'startWorkflow' action");
    expect(pair.ourCalls.map((c) => c.method)).toEqual(['describeSchedule']);
  });
});

describe('list', () => {
  it('pages through ListSchedules and yields the summaries the official client yields', async () => {
    const { sent: created } = await createWithBoth(everyField);
    const described = describeResponseFor(created);
    const entry = (scheduleId: string, paused: boolean) =>
      proto.temporal.api.schedule.v1.ScheduleListEntry.create({
        scheduleId,
        memo: described.memo,
        searchAttributes: described.searchAttributes,
        info: {
          spec: described.schedule?.spec,
          workflowType: { name: 'billingRun' },
          notes: paused ? 'held' : '',
          paused,
          recentActions: described.info?.recentActions,
          futureActionTimes: described.info?.futureActionTimes,
        },
      });
    const pages = [
      workflowservice.ListSchedulesResponse.create({ schedules: [entry('a', true), entry('b', false)], nextPageToken: Uint8Array.from([1]) }),
      workflowservice.ListSchedulesResponse.create({ schedules: [entry('c', false)] }),
    ].map((page) => workflowservice.ListSchedulesResponse.decode(workflowservice.ListSchedulesResponse.encode(page).finish()));
    const listSchedules = (request: { nextPageToken?: Uint8Array }) => (request.nextPageToken?.length ? pages[1] : pages[0]);
    const pair = clientPair({ responses: { listSchedules } });

    const ours: ScheduleSummary[] = [];
    for await (const summary of pair.ours.list({ pageSize: 2, query: `CustomKeywordField = 'schedules'` })) ours.push(summary);
    const official: unknown[] = [];
    for await (const summary of pair.official.list({ pageSize: 2, query: `CustomKeywordField = 'schedules'` })) official.push(summary);

    expect(ours.map((s) => [s.scheduleId, s.state])).toEqual([
      ['a', { paused: true, note: 'held' }],
      ['b', { paused: false, note: '' }],
      ['c', { paused: false, note: '' }],
    ]);
    const withoutTyped = (s: unknown) => {
      const { typedSearchAttributes, ...rest } = s as ScheduleSummary;
      return { ...rest, typedSearchAttributes: typedSearchAttributes?.getAll() };
    };
    expect(ours.map(withoutTyped)).toEqual(official.map(withoutTyped));
    expect(pair.ourCalls.map(withoutRequestId)).toEqual(pair.officialCalls.map(withoutRequestId));
    expect(pair.ourCalls[0]?.request).toMatchObject({ namespace: 'billing', maximumPageSize: 2, query: `CustomKeywordField = 'schedules'` });
  });
});

/** A gRPC failure as grpc-js reports it. */
function grpcError(code: status, details: string): Error {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

describe('errors', () => {
  it('ALREADY_EXISTS on create is ScheduleAlreadyRunning', async () => {
    const pair = clientPair({ responses: { createSchedule: () => grpcError(status.ALREADY_EXISTS, 'schedule exists') } });
    const err = await pair.ours.create(minimal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScheduleAlreadyRunning);
    expect(err).toMatchObject({ scheduleId: 'minimal', message: 'Schedule already exists and is running' });
  });

  it('NOT_FOUND from every handle method is ScheduleNotFoundError with the id', async () => {
    const notFound = () => grpcError(status.NOT_FOUND, 'schedule not found');
    const responses = {
      describeSchedule: notFound,
      patchSchedule: notFound,
      deleteSchedule: notFound,
      updateSchedule: notFound,
    };
    const handle = clientPair({ responses }).ours.getHandle('gone');
    const attempts: [string, () => Promise<unknown>][] = [
      ['describe', () => handle.describe()],
      ['update', () => handle.update((previous) => previous)],
      ['pause', () => handle.pause()],
      ['unpause', () => handle.unpause()],
      ['trigger', () => handle.trigger()],
      ['backfill', () => handle.backfill({ start: new Date(0), end: new Date(1000) })],
      ['delete', () => handle.delete()],
    ];
    for (const [name, attempt] of attempts) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(ScheduleNotFoundError);
      expect(err, name).toMatchObject({ scheduleId: 'gone', message: 'schedule not found' });
    }
  });

  it('a spec the server rejects is a TypeError with its message, as in the official client', async () => {
    const invalid = () => grpcError(status.INVALID_ARGUMENT, 'Invalid schedule spec: dayOfMonth 32 is out of range');
    const pair = clientPair({ responses: { createSchedule: invalid } });
    const ours = await pair.ours.create(minimal).catch((e: unknown) => e);
    const official = await pair.official.create(minimal as never).catch((e: unknown) => e);
    expect(ours).toBeInstanceOf(TypeError);
    expect((ours as Error).message).toBe('dayOfMonth 32 is out of range');
    expect((ours as Error).message).toBe((official as Error).message);
  });

  it('other failures are ServiceError with the gRPC error as cause (a stale conflict token, too)', async () => {
    const stale = grpcError(status.FAILED_PRECONDITION, 'conflict token mismatch');
    const { sent: created } = await createWithBoth(minimal);
    const pair = clientPair({ responses: { describeSchedule: describeResponseFor(created), updateSchedule: () => stale } });
    const err = await pair.ours
      .getHandle('minimal')
      .update((previous) => previous)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).message).toBe('Failed to update schedule');
    expect((err as ServiceError).cause).toBe(stale);
  });
});
