/**
 * `endure schedule create | describe | list | list-matching-times | update | toggle | trigger |
 * backfill | delete`, as `temporal schedule`, over WorkflowService's schedule RPCs. A server
 * without schedules (an older or trimmed Temporal server) answers UNIMPLEMENTED, reported as
 * one clear line.
 *
 * Left out: the payload flags `--input-meta` and `--input-base64` (every input is JSON, as in
 * the other endure commands).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { toProtoJson, type Connection } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { CliError, usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { parseTimestamp } from '../../parsers.js';
import {
  addOverlapPolicyOption,
  addScheduleConfigurationOptions,
  addScheduleCreateOnlyOptions,
  addScheduleIdOption,
  addWorkflowStartOptions,
  createScheduleRequest,
  overlapPolicyName,
  parseRequest,
  updateScheduleRequest,
  type CreateScheduleFlags,
  type OverlapPolicy,
  type ScheduleFlags,
} from './options.js';
import { printMatchingTimes, printScheduleCard, printScheduleTable, type DescribeJson, type ListEntryJson } from './print.js';
import { examples } from '../../help.js';

const WS = 'temporal.api.workflowservice.v1';
const UNIMPLEMENTED = 12;
const SCHEDULE_PAGE_SIZE = 100;

/** Runs a schedule RPC, turning UNIMPLEMENTED into the one line a user needs. */
async function scheduleRpc<T>(ctx: CommandContext, call: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await ctx.connection();
  try {
    return await call(connection);
  } catch (err) {
    if ((err as { code?: unknown }).code === UNIMPLEMENTED) {
      throw Object.assign(new CliError(`this server does not support schedules (at ${ctx.options.address})`), { cause: err });
    }
    throw err;
  }
}

export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Create, inspect and operate schedules (workflows started on a calendar or interval)')
    .addHelpText('after', examples('endure schedule create -s nightly --cron "0 3 * * *" --type report -t reports', 'endure schedule list'));
  registerCreate(schedule);
  registerDescribe(schedule);
  registerList(schedule);
  registerListMatchingTimes(schedule);
  registerUpdate(schedule);
  registerToggle(schedule);
  registerTrigger(schedule);
  registerBackfill(schedule);
  registerDelete(schedule);
}

function registerCreate(schedule: Command): void {
  const command = schedule.command('create').description('Create a schedule');
  addScheduleIdOption(command);
  addScheduleConfigurationOptions(command);
  addScheduleCreateOnlyOptions(command);
  addOverlapPolicyOption(command);
  addWorkflowStartOptions(command);
  command.addHelpText(
    'after',
    examples(
      'endure schedule create -s nightly --cron "0 3 * * *" --type report -t reports -i \'{"day": "yesterday"}\'',
      'endure schedule create -s every-90m --interval 90m --type sync -t jobs --overlap-policy BufferOne',
      'endure schedule create -s friday --calendar \'{"dayOfWeek":"Fri","hour":"17"}\' --time-zone Europe/Paris --type weekly -t jobs',
    ),
  );
  addClientOptions(command).action(
    clientAction<CreateScheduleFlags>(async (ctx, flags) => {
      const request = createScheduleRequest(ctx.namespace, ctx.identity, flags);
      await scheduleRpc(ctx, (c) => c.workflowService.createSchedule(request));
    }),
  );
}

function registerDescribe(schedule: Command): void {
  const command = schedule.command('describe').description('Show a schedule: its spec, action, state and recent runs');
  addScheduleIdOption(command);
  command.addHelpText('after', examples('endure schedule describe -s nightly', 'endure schedule describe -s nightly -o json'));
  addClientOptions(command).action(
    clientAction<{ scheduleId: string }>(async (ctx, flags) => {
      const response = await scheduleRpc(ctx, (c) => c.workflowService.describeSchedule({ namespace: ctx.namespace, scheduleId: flags.scheduleId }));
      if (ctx.printer.isJson) {
        // As `temporal`: schedules print their payloads in full, not in shorthand.
        ctx.printer.json(toProtoJson(`${WS}.DescribeScheduleResponse`, response, { shorthandPayloads: false }));
        return;
      }
      printScheduleCard(ctx.printer, flags.scheduleId, ctx.printer.protoJson(`${WS}.DescribeScheduleResponse`, response) as DescribeJson);
    }),
  );
}

function registerList(schedule: Command): void {
  const command = schedule
    .command('list')
    .description('List schedules')
    .option('-l, --long', 'also show the spec and notes')
    .option('--really-long', 'show every field')
    .option('-q, --query <query>', 'visibility query to filter schedules')
    .addHelpText('after', examples('endure schedule list', 'endure schedule list --long', 'endure schedule list -q "TemporalSchedulePaused = true" -o jsonl'));
  addClientOptions(command).action(
    clientAction<{ long?: boolean; reallyLong?: boolean; query?: string }>(async (ctx, flags) => {
      const entries: object[] = [];
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await scheduleRpc(ctx, (c) =>
          c.workflowService.listSchedules({ namespace: ctx.namespace, maximumPageSize: SCHEDULE_PAGE_SIZE, nextPageToken, query: flags.query ?? '' }),
        );
        entries.push(...(page.schedules ?? []));
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken !== undefined);
      if (ctx.printer.isJson) {
        const values = entries.map((e) => toProtoJson('temporal.api.schedule.v1.ScheduleListEntry', e, { shorthandPayloads: false }));
        if (ctx.printer.output === 'json') ctx.printer.json(values);
        else for (const value of values) ctx.printer.json(value);
        return;
      }
      const json = entries.map((e) => ctx.printer.protoJson('temporal.api.schedule.v1.ScheduleListEntry', e) as ListEntryJson);
      printScheduleTable(ctx.printer, json, flags.reallyLong === true ? 'reallyLong' : flags.long === true ? 'long' : 'short');
    }),
  );
}

function registerListMatchingTimes(schedule: Command): void {
  const command = schedule
    .command('list-matching-times')
    .description("List the times a schedule's spec matches in a range (nothing is started): a preview of its runs")
    .requiredOption('--start-time <time>', 'start of the range (RFC 3339)', parseTimestamp)
    .requiredOption('--end-time <time>', 'end of the range (RFC 3339)', parseTimestamp);
  addScheduleIdOption(command);
  command.addHelpText('after', examples('endure schedule list-matching-times -s nightly --start-time 2024-05-01T00:00:00Z --end-time 2024-06-01T00:00:00Z'));
  addClientOptions(command).action(
    clientAction<{ scheduleId: string; startTime: Date; endTime: Date }>(async (ctx, flags) => {
      if (flags.endTime.getTime() < flags.startTime.getTime()) throw usageError('--end-time is before --start-time');
      const request = parseRequest('ListScheduleMatchingTimesRequest', {
        namespace: ctx.namespace,
        scheduleId: flags.scheduleId,
        startTime: flags.startTime.toISOString(),
        endTime: flags.endTime.toISOString(),
      });
      const response = await scheduleRpc(ctx, (c) => c.workflowService.listScheduleMatchingTimes(request));
      const json = ctx.printer.protoJson(`${WS}.ListScheduleMatchingTimesResponse`, response) as { startTime?: string[] };
      if (ctx.printer.isJson) ctx.printer.json(json);
      else printMatchingTimes(ctx.printer, json.startTime ?? []);
    }),
  );
}

function registerUpdate(schedule: Command): void {
  const command = schedule.command('update').description('Replace a schedule: every setting not given returns to its default');
  addScheduleIdOption(command);
  addScheduleConfigurationOptions(command);
  addOverlapPolicyOption(command);
  addWorkflowStartOptions(command);
  command.addHelpText('after', examples('endure schedule update -s nightly --cron "0 4 * * *" --type report -t reports'));
  addClientOptions(command).action(
    clientAction<ScheduleFlags>(async (ctx, flags) => {
      const request = updateScheduleRequest(ctx.namespace, ctx.identity, flags);
      await scheduleRpc(ctx, (c) => c.workflowService.updateSchedule(request));
    }),
  );
}

function patchRequest(ctx: CommandContext, scheduleId: string, patch: Record<string, unknown>): object {
  return parseRequest('PatchScheduleRequest', { namespace: ctx.namespace, scheduleId, patch, identity: ctx.identity, requestId: randomUUID() });
}

function registerToggle(schedule: Command): void {
  const command = schedule
    .command('toggle')
    .description('Pause or unpause a schedule')
    .option('--pause', 'pause the schedule')
    .option('--unpause', 'unpause the schedule')
    .option('--reason <text>', 'why (kept in the schedule notes)', '(no reason provided)');
  addScheduleIdOption(command);
  command.addHelpText('after', examples('endure schedule toggle -s nightly --pause --reason "database upgrade"', 'endure schedule toggle -s nightly --unpause'));
  addClientOptions(command).action(
    clientAction<{ scheduleId: string; pause?: boolean; unpause?: boolean; reason: string }>(async (ctx, flags) => {
      if ((flags.pause === true) === (flags.unpause === true)) throw usageError('give exactly one of --pause or --unpause');
      const request = patchRequest(ctx, flags.scheduleId, flags.pause === true ? { pause: flags.reason } : { unpause: flags.reason });
      await scheduleRpc(ctx, (c) => c.workflowService.patchSchedule(request));
    }),
  );
}

function registerTrigger(schedule: Command): void {
  const command = schedule.command('trigger').description('Start the scheduled workflow now, once');
  addScheduleIdOption(command);
  addOverlapPolicyOption(command);
  command.addHelpText('after', examples('endure schedule trigger -s nightly', 'endure schedule trigger -s nightly --overlap-policy AllowAll'));
  addClientOptions(command).action(
    clientAction<{ scheduleId: string; overlapPolicy: OverlapPolicy }>(async (ctx, flags) => {
      const request = patchRequest(ctx, flags.scheduleId, { triggerImmediately: { overlapPolicy: overlapPolicyName(flags.overlapPolicy) } });
      await scheduleRpc(ctx, (c) => c.workflowService.patchSchedule(request));
      ctx.printer.line('Trigger request sent');
    }),
  );
}

function registerBackfill(schedule: Command): void {
  const command = schedule
    .command('backfill')
    .description('Run the actions the schedule would have run in a past time range')
    .requiredOption('--start-time <time>', 'start of the range (RFC 3339)', parseTimestamp)
    .requiredOption('--end-time <time>', 'end of the range (RFC 3339)', parseTimestamp);
  addScheduleIdOption(command);
  addOverlapPolicyOption(command);
  command.addHelpText(
    'after',
    examples('endure schedule backfill -s nightly --start-time 2024-05-01T00:00:00Z --end-time 2024-05-08T00:00:00Z --overlap-policy BufferAll'),
  );
  addClientOptions(command).action(
    clientAction<{ scheduleId: string; overlapPolicy: OverlapPolicy; startTime: Date; endTime: Date }>(async (ctx, flags) => {
      if (flags.endTime.getTime() < flags.startTime.getTime()) throw usageError('--end-time is before --start-time');
      const request = patchRequest(ctx, flags.scheduleId, {
        backfillRequest: [
          { startTime: flags.startTime.toISOString(), endTime: flags.endTime.toISOString(), overlapPolicy: overlapPolicyName(flags.overlapPolicy) },
        ],
      });
      await scheduleRpc(ctx, (c) => c.workflowService.patchSchedule(request));
      ctx.printer.line('Backfill request sent');
    }),
  );
}

function registerDelete(schedule: Command): void {
  const command = schedule.command('delete').description('Delete a schedule (workflows it started keep running)');
  addScheduleIdOption(command);
  command.addHelpText('after', examples('endure schedule delete -s nightly'));
  addClientOptions(command).action(
    clientAction<{ scheduleId: string }>(async (ctx, flags) => {
      await scheduleRpc(ctx, (c) => c.workflowService.deleteSchedule({ namespace: ctx.namespace, scheduleId: flags.scheduleId, identity: ctx.identity }));
      ctx.printer.line('Schedule deleted');
    }),
  );
}
