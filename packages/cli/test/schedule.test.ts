/**
 * `endure schedule …` against the in-process server, as a user runs it: every verb round
 * trips (create, describe's card and JSON, list, list-matching-times, toggle with notes,
 * trigger and backfill seen in describe's recent actions, update, delete), and a refused
 * request ends with one line naming the problem (exit 1). A server without schedules gets
 * one clear line too; flag mistakes are caught before any RPC (exit 2); and the requests
 * the flags build (the built module the CLI runs) are checked field by field.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../../server/test/helpers/env.js';
import { waitFor } from '../../server/test/helpers/wait-for.js';
import { createScheduleRequest, updateScheduleRequest, calendarToCron, parseInterval } from '../dist/commands/schedule/options.js';
import { endureJson, endureOk, runEndure } from './helpers/cli.js';

let env: TestEnv;
/** A gRPC server with no services at all: every call answers UNIMPLEMENTED, as a Temporal server without schedules does. */
let bare: Server;
let bareAddress: string;

beforeAll(async () => {
  env = await startTestEnv();
  bare = new Server();
  const port = await new Promise<number>((resolve, reject) =>
    bare.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  bareAddress = `127.0.0.1:${port}`;
});

afterAll(async () => {
  bare?.forceShutdown();
  await env?.close();
});

const options = () => ({ env: { TEMPORAL_ADDRESS: env.address } });
const run = (args: string[]) => runEndure(args, options());
const ok = (args: string[]) => endureOk(args, options());
const json = <T>(args: string[]) => endureJson<T>(args, options());
const WORKFLOW = ['--type', 'report', '-t', 'reports'];
/** A start time far ahead: the schedule takes no action of its own while a test runs, and its next times are known. */
const FUTURE = '2100-01-01T00:00:00Z';

/** The value on the line of `label` in a card (`Label   value`), undefined if the card has no such line. */
function cardValue(card: string, label: string): string | undefined {
  const line = card.split('\n').find((l) => l.startsWith(`${label} `));
  return line?.slice(label.length).trim();
}

interface ActionResultJson {
  scheduleTime: string;
  startWorkflowResult?: { workflowId: string; runId: string };
}
interface DescribeJson {
  schedule: {
    spec: { interval?: { interval: string; phase?: string }[]; structuredCalendar?: Record<string, unknown>[]; timezoneName?: string; startTime?: string };
    action: { startWorkflow: { workflowId: string; workflowType: { name: string }; taskQueue: { name: string } } };
    policies: { overlapPolicy: string; catchupWindow?: string; pauseOnFailure?: boolean };
    state: { notes?: string; paused?: boolean; limitedActions?: boolean; remainingActions?: string };
  };
  info: { actionCount?: string; recentActions?: ActionResultJson[]; futureActionTimes?: string[]; runningWorkflows?: { workflowId: string }[] };
}
interface ListEntryJson {
  scheduleId: string;
  info: { workflowType: { name: string }; paused?: boolean; notes?: string };
}

const describeJson = (id: string) => json<DescribeJson>(['schedule', 'describe', '-s', id]);

/** Describe until `done` holds (actions are taken by the server shortly after the request that asks for them). */
function describeUntil(id: string, done: (d: DescribeJson) => boolean, description: string): Promise<DescribeJson> {
  return waitFor(async () => {
    const d = await describeJson(id);
    return done(d) && d;
  }, { timeoutMs: 15_000, intervalMs: 100, description });
}

describe('endure schedule against a server with schedules', () => {
  it('create with an interval; describe shows the spec, policies, state, next times and counters', async () => {
    const created = await run([
      'schedule', 'create', '-s', 'card', '-w', 'card-wf', ...WORKFLOW,
      '--interval', '1h', '--start-time', FUTURE, '--overlap-policy', 'BufferOne', '--catchup-window', '26h',
      '--pause-on-failure', '--notes', 'made by a test', '--remaining-actions', '3',
      '-i', '{"day":"yesterday"}', '--memo', 'team="billing"', '--schedule-memo', 'owner="ops"',
    ]);
    expect(created).toEqual({ code: 0, stdout: '', stderr: '' });

    const card = await ok(['schedule', 'describe', '-s', 'card', '--time-format', 'iso']);
    expect(cardValue(card, 'ScheduleId')).toBe('card');
    expect(cardValue(card, 'Action')).toContain('"workflowId":"card-wf","workflowType":{"name":"report"},"taskQueue":{"name":"reports"');
    expect(cardValue(card, 'Spec')).toBe('[{"every":"1h 0m 0s"}]');
    expect(cardValue(card, 'StartAt')).toBe(FUTURE);
    expect(cardValue(card, 'Jitter')).toBe('0s');
    expect(cardValue(card, 'OverlapPolicy')).toBe('BufferOne');
    expect(cardValue(card, 'CatchupWindow')).toBe('1d 2h 0m 0s');
    expect(cardValue(card, 'PauseOnFailure')).toBe('true');
    expect(cardValue(card, 'Notes')).toBe('made by a test');
    expect(cardValue(card, 'Paused')).toBe('false');
    expect(cardValue(card, 'LimitedActions')).toBe('true');
    expect(cardValue(card, 'RemainingActions')).toBe('3');
    expect(cardValue(card, 'NextRunTime')).toBe(FUTURE);
    expect(cardValue(card, 'LastRunTime')).toBeUndefined();
    expect(cardValue(card, 'CreatedAt')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(cardValue(card, 'ActionCounts')).toBe('Total 0, MissedCatchupWindow 0, SkippedOverlap 0');
    expect(cardValue(card, 'Action')).toContain('"input":[{"day":"yesterday"}]');
    expect(cardValue(card, 'Action')).toContain('"memo":{"fields":{"team":"billing"}}');
    expect(cardValue(card, 'Memo')).toBe('{"owner":"ops"}');

    const d = await describeJson('card');
    expect(d.schedule.spec.interval).toEqual([{ interval: '3600s' }]);
    expect(d.schedule.action.startWorkflow).toMatchObject({ workflowId: 'card-wf', workflowType: { name: 'report' }, taskQueue: { name: 'reports' } });
    expect(d.schedule.policies).toMatchObject({ overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_BUFFER_ONE', catchupWindow: '93600s', pauseOnFailure: true });
    expect(d.schedule.state).toMatchObject({ notes: 'made by a test', limitedActions: true, remainingActions: '3' });
    expect(d.info.futureActionTimes?.slice(0, 3)).toEqual(['2100-01-01T00:00:00Z', '2100-01-01T01:00:00Z', '2100-01-01T02:00:00Z']);
  });

  it('list: a table (short, --long), JSON and JSON lines, filtered by a query', async () => {
    await ok(['schedule', 'create', '-s', 'listed', ...WORKFLOW, '--interval', '10d', '--start-time', FUTURE, '--notes', 'on the list', '--jitter', '30s', '--time-zone', 'Asia/Tokyo']);

    const table = await ok(['schedule', 'list']);
    expect(table.split('\n')[0]).toMatch(/^\s+ScheduleId\s+Action\s+Paused\s+NextRunTime\s+LastRunTime$/);
    expect(table).toMatch(/^ {2}listed +\{"Workflow":"report"\} +false +in \d+ years?$/m);

    const long = await ok(['schedule', 'list', '--long']);
    expect(long.split('\n')[0]).toMatch(/^\s+ScheduleId\s+Action\s+Spec\s+Notes\s+Paused/);
    expect(long).toMatch(/^ {2}listed +\{"Workflow":"report"\} +\[\{"every":"10d 0h 0m 0s"\}\] +on the list +false/m);

    const reallyLong = await ok(['schedule', 'list', '--really-long', '--time-format', 'iso']);
    expect(reallyLong.split('\n')[0]).toMatch(/^\s+ScheduleId\s+Action\s+Spec\s+SkipSpec\s+StartAt\s+EndAt\s+Jitter\s+TimeZoneName\s+Notes\s+Paused\s+NextRunTime\s+LastRunTime\s+SearchAttributes\s+Memo$/);
    expect(reallyLong).toMatch(/^ {2}listed +\{"Workflow":"report"\} +\[\{"every":"10d 0h 0m 0s"\}\] +2100-01-01T00:00:00Z +30s +Asia\/Tokyo +on the list +false/m);

    const all = await json<ListEntryJson[]>(['schedule', 'list']);
    expect(all.find((e) => e.scheduleId === 'listed')?.info).toMatchObject({ workflowType: { name: 'report' }, notes: 'on the list' });

    const lines = (await ok(['schedule', 'list', '-o', 'jsonl'])).trim().split('\n').map((l) => JSON.parse(l) as ListEntryJson);
    expect(lines.map((e) => e.scheduleId)).toContain('listed');

    const one = await json<ListEntryJson[]>(['schedule', 'list', '-q', "ScheduleId = 'listed'"]);
    expect(one.map((e) => e.scheduleId)).toEqual(['listed']);
    expect(await json<ListEntryJson[]>(['schedule', 'list', '-q', "ScheduleId = 'nothing-like-it'"])).toEqual([]);
  });

  it('list reads every page: 150 schedules made with the official client, all listed once', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `paged-${String(i).padStart(3, '0')}`);
    await Promise.all(
      ids.map((scheduleId) =>
        env.client.schedule.create({
          scheduleId,
          spec: { intervals: [{ every: '1h' }], startAt: new Date(FUTURE) },
          action: { type: 'startWorkflow', workflowType: 'report', taskQueue: 'reports' },
        }),
      ),
    );
    const listed = (await json<ListEntryJson[]>(['schedule', 'list'])).map((e) => e.scheduleId).filter((id) => id.startsWith('paged-'));
    expect(listed.sort()).toEqual(ids);
    const rows = (await ok(['schedule', 'list'])).split('\n').filter((line) => / paged-\d{3} /.test(line));
    expect(rows).toHaveLength(150);
  });

  it('toggle --pause / --unpause with --reason: describe and list show the state and the notes', async () => {
    await ok(['schedule', 'create', '-s', 'toggled', ...WORKFLOW, '--interval', '1h', '--start-time', FUTURE]);

    expect(await run(['schedule', 'toggle', '-s', 'toggled', '--pause', '--reason', 'database upgrade'])).toEqual({ code: 0, stdout: '', stderr: '' });
    let card = await ok(['schedule', 'describe', '-s', 'toggled']);
    expect(cardValue(card, 'Paused')).toBe('true');
    expect(cardValue(card, 'Notes')).toBe('database upgrade');
    const paused = await json<ListEntryJson[]>(['schedule', 'list', '-q', 'TemporalSchedulePaused = true']);
    expect(paused.map((e) => e.scheduleId)).toContain('toggled');

    await ok(['schedule', 'toggle', '-s', 'toggled', '--unpause', '--reason', 'upgrade done']);
    card = await ok(['schedule', 'describe', '-s', 'toggled']);
    expect(cardValue(card, 'Paused')).toBe('false');
    expect(cardValue(card, 'Notes')).toBe('upgrade done');
  });

  it('trigger: the action is taken at once and shows in describe (recent actions, running workflows, counters)', async () => {
    await ok(['schedule', 'create', '-s', 'triggered', '-w', 'triggered-wf', ...WORKFLOW, '--interval', '1h', '--start-time', FUTURE]);

    expect(await run(['schedule', 'trigger', '-s', 'triggered'])).toEqual({ code: 0, stdout: 'Trigger request sent\n', stderr: '' });
    // No worker is needed: the action is taken when its workflow starts.
    const d = await describeUntil('triggered', (x) => (x.info.recentActions ?? []).length === 1, 'the triggered action');
    const workflowId = d.info.recentActions![0]!.startWorkflowResult?.workflowId;
    expect(workflowId).toMatch(/^triggered-wf-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(d.info.actionCount).toBe('1');

    const card = await ok(['schedule', 'describe', '-s', 'triggered', '--time-format', 'iso']);
    expect(cardValue(card, 'RunningWorkflows')).toBe(workflowId);
    expect(cardValue(card, 'LastRunTime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(cardValue(card, 'ActionCounts')).toBe('Total 1, MissedCatchupWindow 0, SkippedOverlap 0');
  });

  it('backfill: the runs of a past range are taken, the same times list-matching-times previews', async () => {
    // Ended in the past: the schedule takes no action of its own, only the backfilled ones.
    await ok(['schedule', 'create', '-s', 'backfilled', '-w', 'bf', ...WORKFLOW, '--interval', '10d/5h', '--end-time', '2023-01-01T00:00:00Z']);
    const range = ['--start-time', '2022-02-02T00:00:00Z', '--end-time', '2022-02-28T00:00:00Z'];
    const expected = ['2022-02-07T05:00:00Z', '2022-02-17T05:00:00Z', '2022-02-27T05:00:00Z'];

    const preview = await ok(['schedule', 'list-matching-times', '-s', 'backfilled', ...range]);
    expect(preview).toBe(`          Time\n${expected.map((t) => `  ${t}\n`).join('')}`);
    expect(await json(['schedule', 'list-matching-times', '-s', 'backfilled', ...range])).toEqual({ startTime: expected });

    const sent = await run(['schedule', 'backfill', '-s', 'backfilled', ...range, '--overlap-policy', 'AllowAll']);
    expect(sent).toEqual({ code: 0, stdout: 'Backfill request sent\n', stderr: '' });
    const d = await describeUntil('backfilled', (x) => (x.info.recentActions ?? []).length === 3, 'three backfilled actions');
    expect(d.info.recentActions!.map((a) => a.startWorkflowResult?.workflowId)).toEqual(expected.map((t) => `bf-${t}`));
  });

  it('update replaces the whole schedule: what is not given returns to its default', async () => {
    await ok(['schedule', 'create', '-s', 'updated', '-w', 'up', ...WORKFLOW, '--interval', '10d', '--start-time', FUTURE, '--notes', 'first', '--paused']);

    expect(await run(['schedule', 'update', '-s', 'updated', '-w', 'up', '--type', 'other', '-t', 'elsewhere', '--interval', '1h']))
      .toEqual({ code: 0, stdout: '', stderr: '' });
    const d = await describeJson('updated');
    expect(d.schedule.spec.interval).toEqual([{ interval: '3600s' }]);
    expect(d.schedule.spec.startTime).toBeUndefined();
    expect(d.schedule.action.startWorkflow).toMatchObject({ workflowId: 'up', workflowType: { name: 'other' }, taskQueue: { name: 'elsewhere' } });
    expect(d.schedule.state.paused ?? false).toBe(false);
    expect(d.schedule.state.notes ?? '').toBe('');
    const card = await ok(['schedule', 'describe', '-s', 'updated', '--time-format', 'iso']);
    expect(cardValue(card, 'LastUpdateAt')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('cron strings and calendars read back as the calendars the server made of them, in their time zone', async () => {
    await ok([
      'schedule', 'create', '-s', 'calendars', ...WORKFLOW, '--time-zone', 'Europe/Paris',
      '--cron', '0 3 * * *', '--calendar', '{"hour":"3,6,9","dayOfWeek":"thu,fri","comment":"late week"}',
    ]);

    const card = await ok(['schedule', 'describe', '-s', 'calendars']);
    expect(cardValue(card, 'Spec')).toBe(
      '[{"second":"0","minute":"0","hour":"3","dayOfMonth":"1-31","month":"1-12","dayOfWeek":"0-6"}, ' +
        '{"second":"0","minute":"0","hour":"3,6,9","dayOfMonth":"1-31","month":"1-12","dayOfWeek":"4,5","comment":"late week"}]',
    );
    expect(cardValue(card, 'TimeZoneName')).toBe('Europe/Paris');
    const d = await describeJson('calendars');
    expect(d.schedule.spec.structuredCalendar).toHaveLength(2);
    expect(d.schedule.spec.timezoneName).toBe('Europe/Paris');

    // Wednesday 1 January 2025 at 03:00 in Paris, then Thursday at 03:00, 06:00 and 09:00 (one run at 03:00).
    const times = await json(['schedule', 'list-matching-times', '-s', 'calendars', '--start-time', '2025-01-01T00:00:00Z', '--end-time', '2025-01-03T00:00:00Z']);
    expect(times).toEqual({ startTime: ['2025-01-01T02:00:00Z', '2025-01-02T02:00:00Z', '2025-01-02T05:00:00Z', '2025-01-02T08:00:00Z'] });
  });

  it('delete; then describe, toggle and list-matching-times fail with one NOT_FOUND line (exit 1)', async () => {
    await ok(['schedule', 'create', '-s', 'deleted', ...WORKFLOW, '--interval', '1h', '--start-time', FUTURE]);
    expect(await run(['schedule', 'delete', '-s', 'deleted'])).toEqual({ code: 0, stdout: 'Schedule deleted\n', stderr: '' });

    for (const args of [
      ['describe', '-s', 'deleted'],
      ['toggle', '-s', 'deleted', '--pause'],
      ['list-matching-times', '-s', 'deleted', '--start-time', '2025-01-01T00:00:00Z', '--end-time', '2025-01-02T00:00:00Z'],
      ['delete', '-s', 'deleted'],
    ]) {
      const result = await run(['schedule', ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('endure: schedule not found: deleted (NOT_FOUND)\n');
    }
  });

  it('a schedule id already in use: one ALREADY_EXISTS line (exit 1)', async () => {
    await ok(['schedule', 'create', '-s', 'twice', ...WORKFLOW, '--interval', '1h', '--start-time', FUTURE]);
    const again = await run(['schedule', 'create', '-s', 'twice', ...WORKFLOW, '--interval', '2h']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^endure: [^\n]*\btwice \(ALREADY_EXISTS\)\n$/);
  });

  it.each([
    ['an interval of zero', ['--interval', '0s'], 'schedule.spec.interval[0].interval'],
    ['a cron string that is not one', ['--cron', 'every day'], 'schedule.spec.cron_string[0]: "every day"'],
    ['day 32 in a calendar', ['--calendar', '{"dayOfMonth":"32"}'], 'day of month 32'],
    ['an unknown time zone', ['--interval', '1h', '--time-zone', 'Mars/Olympus'], 'schedule.spec.timezone_name: unknown time zone "Mars/Olympus"'],
  ])('a bad spec (%s): one INVALID_ARGUMENT line naming the field (exit 1)', async (_, spec, named) => {
    const result = await run(['schedule', 'create', '-s', 'bad-spec', ...WORKFLOW, ...spec]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^endure: [^\n]+ \(INVALID_ARGUMENT\)\n$/);
    expect(result.stderr).toContain(named);
  });
});

describe('endure schedule against a server without schedules', () => {
  it.each([
    ['create', ['-s', 'nightly', '--cron', '0 3 * * *', ...WORKFLOW]],
    ['describe', ['-s', 'nightly']],
    ['list', []],
    ['list-matching-times', ['-s', 'nightly', '--start-time', '2024-05-01T00:00:00Z', '--end-time', '2024-05-02T00:00:00Z']],
    ['update', ['-s', 'nightly', '--interval', '1h', ...WORKFLOW]],
    ['toggle', ['-s', 'nightly', '--pause']],
    ['trigger', ['-s', 'nightly']],
    ['backfill', ['-s', 'nightly', '--start-time', '2024-05-01T00:00:00Z', '--end-time', '2024-05-02T00:00:00Z']],
    ['delete', ['-s', 'nightly']],
  ])('%s says the server does not support schedules (exit 1)', async (verb, args) => {
    const result = await runEndure(['schedule', verb, ...args], { env: { TEMPORAL_ADDRESS: bareAddress } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`endure: this server does not support schedules (at ${bareAddress})\n`);
  });
});

interface Payload {
  metadata?: Record<string, Uint8Array>;
  data?: Uint8Array;
}
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const valueOf = (payload: Payload | undefined) => JSON.parse(text(payload?.data)) as unknown;
const seconds = (d: { seconds?: unknown } | null | undefined) => Number(d?.seconds ?? 0);

describe('endure schedule flag mistakes (exit 2, before any request)', () => {
  it.each([
    ['a calendar that is not JSON', ['create', '-s', 'x', '--calendar', '{"hour": "1",}', ...WORKFLOW], /^endure: --calendar #1 is not valid JSON at line 1, column 14/],
    ['a calendar with an unknown field', ['create', '-s', 'x', '--calendar', '{"hours":"5"}', ...WORKFLOW], /^endure: --calendar #1 is not a calendar spec: .*unknown field: "hours"/],
    ['an interval without units', ['create', '-s', 'x', '--interval', '90', ...WORKFLOW], /^endure: --interval "90": expected <duration> or <duration>\/<offset>/],
    ['a bad overlap policy', ['create', '-s', 'x', '--overlap-policy', 'Never', ...WORKFLOW], /argument 'Never' is invalid\. Allowed choices are Skip, BufferOne/],
    ['a missing workflow type', ['create', '-s', 'x', '-t', 'q'], /required option '--type <name>' not specified/],
    ['a missing schedule id', ['describe'], /required option '-s, --schedule-id <id>' not specified/],
    ['bad input JSON', ['create', '-s', 'x', '-i', '{nope}', ...WORKFLOW], /^endure: --input #1 is not valid JSON/],
    ['a memo entry without a value', ['create', '-s', 'x', '--memo', 'team', ...WORKFLOW], /^endure: --memo "team": expected KEY=VALUE/],
    ['a bad start time', ['create', '-s', 'x', '--start-time', 'tomorrow', ...WORKFLOW], /argument 'tomorrow' is invalid\. Expected an RFC 3339 time/],
    ['both --pause and --unpause', ['toggle', '-s', 'x', '--pause', '--unpause'], /^endure: give exactly one of --pause or --unpause\n$/],
    ['neither --pause nor --unpause', ['toggle', '-s', 'x'], /^endure: give exactly one of --pause or --unpause\n$/],
    ['a backfill ending before it starts', ['backfill', '-s', 'x', '--start-time', '2024-05-02T00:00:00Z', '--end-time', '2024-05-01T00:00:00Z'], /^endure: --end-time is before --start-time\n$/],
    ['matching times in a range ending before it starts', ['list-matching-times', '-s', 'x', '--start-time', '2024-05-02T00:00:00Z', '--end-time', '2024-05-01T00:00:00Z'], /^endure: --end-time is before --start-time\n$/],
    ['matching times without a range', ['list-matching-times', '-s', 'x', '--start-time', '2024-05-02T00:00:00Z'], /required option '--end-time <time>' not specified/],
    ['a priority key out of range', ['create', '-s', 'x', '--priority-key', '9', ...WORKFLOW], /Expected an integer from 1 to 5/],
  ])('%s', async (_, args, stderr) => {
    const result = await run(['schedule', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(stderr);
  });
});

describe('the requests the flags build', () => {
  const base = { scheduleId: 'nightly', overlapPolicy: 'Skip' as const, type: 'report', taskQueue: 'reports', taskTimeout: 10_000 };

  it('create: spec, policies, state, the workflow to start and its input as JSON payloads', () => {
    const request = createScheduleRequest('billing', 'me@host', {
      ...base,
      overlapPolicy: 'BufferOne',
      cron: ['0 3 * * *'],
      calendar: ['{"dayOfWeek":"Fri","hour":"17","minute":"5","comment":"weekly"}'],
      interval: ['90m', '1h/15m'],
      startTime: new Date('2024-05-01T00:00:00Z'),
      endTime: new Date('2025-05-01T00:00:00Z'),
      jitter: 30_000,
      timeZone: 'Europe/Paris',
      catchupWindow: 600_000,
      pauseOnFailure: true,
      notes: 'made by a test',
      paused: true,
      remainingActions: 3,
      workflowId: 'report-run',
      runTimeout: 3_600_000,
      input: ['{"day":"yesterday"}', '7'],
      memo: ['team="billing"'],
      searchAttribute: ['CustomerId="c-1"'],
      staticSummary: 'nightly report',
      priorityKey: 2,
      scheduleMemo: ['owner="ops"'],
    }) as {
      namespace: string; scheduleId: string; identity: string; requestId: string;
      schedule: {
        spec: { cronString: string[]; interval: { interval: { seconds: unknown }; phase?: { seconds: unknown } }[]; timezoneName: string; jitter: { seconds: unknown }; startTime: { seconds: unknown } };
        policies: { overlapPolicy: number; catchupWindow: { seconds: unknown }; pauseOnFailure: boolean };
        state: { notes: string; paused: boolean; limitedActions: boolean; remainingActions: unknown };
        action: { startWorkflow: {
          workflowId: string; workflowType: { name: string }; taskQueue: { name: string; kind: number }; input: { payloads: Payload[] };
          workflowTaskTimeout: { seconds: unknown }; workflowRunTimeout: { seconds: unknown };
          memo: { fields: Record<string, Payload> }; searchAttributes: { indexedFields: Record<string, Payload> };
          userMetadata: { summary: Payload }; priority: { priorityKey: number };
        } };
      };
      memo: { fields: Record<string, Payload> };
    };
    expect(request).toMatchObject({ namespace: 'billing', scheduleId: 'nightly', identity: 'me@host' });
    expect(request.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { spec, policies, state, action } = request.schedule;
    expect(spec.cronString).toEqual(['0 3 * * *', '0 5 17 * * Fri * # weekly']);
    expect(spec.interval.map((i) => [seconds(i.interval), seconds(i.phase)])).toEqual([[5400, 0], [3600, 900]]);
    expect(spec.timezoneName).toBe('Europe/Paris');
    expect(seconds(spec.jitter)).toBe(30);
    expect(seconds(spec.startTime)).toBe(Date.parse('2024-05-01T00:00:00Z') / 1000);
    expect(policies.overlapPolicy).toBe(2); // SCHEDULE_OVERLAP_POLICY_BUFFER_ONE
    expect(seconds(policies.catchupWindow)).toBe(600);
    expect(policies.pauseOnFailure).toBe(true);
    expect(state).toMatchObject({ notes: 'made by a test', paused: true, limitedActions: true });
    expect(Number(state.remainingActions)).toBe(3);
    const wf = action.startWorkflow;
    expect(wf).toMatchObject({ workflowId: 'report-run', workflowType: { name: 'report' }, taskQueue: { name: 'reports', kind: 1 } });
    expect(wf.input.payloads.map(valueOf)).toEqual([{ day: 'yesterday' }, 7]);
    expect(text(wf.input.payloads[0]!.metadata!['encoding'])).toBe('json/plain');
    expect(seconds(wf.workflowTaskTimeout)).toBe(10);
    expect(seconds(wf.workflowRunTimeout)).toBe(3600);
    expect(valueOf(wf.memo.fields['team'])).toBe('billing');
    expect(valueOf(wf.searchAttributes.indexedFields['CustomerId'])).toBe('c-1');
    expect(valueOf(wf.userMetadata.summary)).toBe('nightly report');
    expect(wf.priority.priorityKey).toBe(2);
    expect(valueOf(request.memo.fields['owner'])).toBe('ops');
  });

  it('update: the whole schedule with defaults for what is not given, and a random workflow id without -w', () => {
    const request = updateScheduleRequest('default', 'me', { ...base, interval: ['1h'] }) as {
      schedule: { state: { paused: boolean; limitedActions: boolean }; policies: { overlapPolicy: number }; action: { startWorkflow: { workflowId: string; input?: { payloads: unknown[] } } } };
    };
    // proto3 leaves false out of the message: absent is false on the wire.
    expect(request.schedule.state.paused ?? false).toBe(false);
    expect(request.schedule.state.limitedActions ?? false).toBe(false);
    expect(request.schedule.policies.overlapPolicy).toBe(1); // SKIP
    expect(request.schedule.action.startWorkflow.workflowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.schedule.action.startWorkflow.input?.payloads ?? []).toEqual([]);
  });

  it('turns calendars into 7-field cron strings and intervals into durations, as temporal does', () => {
    expect(calendarToCron('{}', 0)).toBe('0 0 0 * * * *');
    expect(calendarToCron('{"second":"30","month":"1-3","year":"2030"}', 0)).toBe('30 0 0 * 1-3 * 2030');
    expect(() => calendarToCron('{"hour":"1 2"}', 1)).toThrow('--calendar #2: hour "1 2" must not contain spaces');
    expect(parseInterval('90m')).toEqual({ interval: '5400s' });
    expect(parseInterval('1d/2h')).toEqual({ interval: '86400s', phase: '7200s' });
    expect(() => parseInterval('1h/2h/3h')).toThrow('--interval "1h/2h/3h"');
  });
});
