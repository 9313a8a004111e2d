/**
 * `endure schedule …`. Endure has no schedules yet, so against the in-process server every
 * verb must end with one clear line (exit 1); flag mistakes are caught before any RPC
 * (exit 2); and the requests the flags build (the built module the CLI runs) are checked
 * field by field, as a schedule-capable server would receive them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../../server/test/helpers/env.js';
import { createScheduleRequest, updateScheduleRequest, calendarToCron, parseInterval } from '../dist/commands/schedule/options.js';
import { runEndure } from './helpers/cli.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const run = (args: string[]) => runEndure(args, { env: { TEMPORAL_ADDRESS: env.address } });
const WORKFLOW = ['--type', 'report', '-t', 'reports'];

interface Payload {
  metadata?: Record<string, Uint8Array>;
  data?: Uint8Array;
}
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const valueOf = (payload: Payload | undefined) => JSON.parse(text(payload?.data)) as unknown;
const seconds = (d: { seconds?: unknown } | null | undefined) => Number(d?.seconds ?? 0);

describe('endure schedule against a server without schedules', () => {
  it.each([
    ['create', ['-s', 'nightly', '--cron', '0 3 * * *', ...WORKFLOW]],
    ['describe', ['-s', 'nightly']],
    ['list', []],
    ['update', ['-s', 'nightly', '--interval', '1h', ...WORKFLOW]],
    ['toggle', ['-s', 'nightly', '--pause']],
    ['trigger', ['-s', 'nightly']],
    ['backfill', ['-s', 'nightly', '--start-time', '2024-05-01T00:00:00Z', '--end-time', '2024-05-02T00:00:00Z']],
    ['delete', ['-s', 'nightly']],
  ])('%s says the server does not support schedules (exit 1)', async (verb, args) => {
    const result = await run(['schedule', verb, ...args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`endure: this server does not support schedules yet (at ${env.address})\n`);
  });
});

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
