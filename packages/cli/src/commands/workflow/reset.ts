/**
 * `endure workflow reset`: start a workflow again from a point of its history (an event ID,
 * or a point named by `--type`), keeping what happened up to it; a batch with `-q` resets
 * every matching workflow to its first or last workflow task.
 */
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { lookupProtoType, type Connection } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { CliError, usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { collectChoice, parsePositiveInt } from '../../parsers.js';
import proto from '@temporalio/proto';
import { runBatch, username, type Execution } from './batch.js';
import { readAllEvents, type HistoryEvent, type HistorySource } from './history-events.js';
import { examples } from '../../help.js';

const RESET_TYPES = ['FirstWorkflowTask', 'LastWorkflowTask', 'LastContinuedAsNew', 'BuildId'] as const;
type ResetType = (typeof RESET_TYPES)[number];
const REAPPLY_TYPES = { All: 'RESET_REAPPLY_TYPE_ALL_ELIGIBLE', Signal: 'RESET_REAPPLY_TYPE_SIGNAL', None: 'RESET_REAPPLY_TYPE_NONE' } as const;
const REAPPLY_EXCLUDES = ['All', 'Signal', 'Update'] as const;

interface ResetFlags {
  workflowId?: string;
  runId?: string;
  eventId?: number;
  reason: string;
  reapplyType: keyof typeof REAPPLY_TYPES;
  reapplyExclude?: string[];
  type?: ResetType;
  buildId?: string;
  query?: string;
  yes?: boolean;
}

const ENUMS = lookupProtoType('temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest');
const REAPPLY_TYPE_VALUES = ENUMS.lookupEnum('temporal.api.enums.v1.ResetReapplyType').values;
const EXCLUDE_TYPE_VALUES = ENUMS.lookupEnum('temporal.api.enums.v1.ResetReapplyExcludeType').values;


export function registerReset(workflow: Command): void {
  const command = workflow
    .command('reset')
    .description('Reset a workflow execution to a point of its history, or a batch of them')
    .option('-w, --workflow-id <id>', 'workflow ID (required without --query)')
    .option('-r, --run-id <id>', 'run ID (default: the latest run)')
    .option('-e, --event-id <id>', 'event to reset to: a WorkflowTaskCompleted (or Failed, TimedOut) event ID', parsePositiveInt)
    .requiredOption('--reason <text>', 'reason for the reset')
    .addOption(
      new Option('--reapply-type <type>', 'events to apply again after the reset point (deprecated: use --reapply-exclude)')
        .choices(Object.keys(REAPPLY_TYPES))
        .default('All'),
    )
    .addOption(new Option('--reapply-exclude <type>', 'do not apply these events again: All, Signal, Update (repeatable)').argParser(collectChoice(REAPPLY_EXCLUDES)))
    .addOption(new Option('-t, --type <type>', 'reset point by kind instead of --event-id').choices(RESET_TYPES))
    .option('--build-id <id>', 'with --type BuildId: the first workflow task processed by this build (not supported by Endure)')
    .option('-q, --query <query>', 'visibility query selecting the workflows to reset in a batch (needs --type)')
    .option('-y, --yes', 'do not ask to confirm a batch (only with --query)')
    .addHelpText(
      'after',
      examples(
        'endure workflow reset -w order-42 -e 4 --reason "bad deploy"',
        'endure workflow reset -w order-42 -t LastWorkflowTask --reason "retry the last step" --reapply-exclude Signal',
        'endure workflow reset -q "WorkflowType = \'order\'" -t FirstWorkflowTask --reason "replay all" --yes',
      ),
    );
  addClientOptions(command).action(
    clientAction<ResetFlags>(async (ctx, flags) => {
      const reapply = reapplyOf(flags);
      if (flags.workflowId !== undefined) {
        if (flags.query !== undefined) throw usageError('cannot set query when workflow ID is set');
        if (flags.type === undefined && flags.eventId === undefined) throw usageError('must specify either valid event id or reset type');
        await resetOne(ctx, { ...flags, workflowId: flags.workflowId }, reapply);
        return;
      }
      if (flags.query === undefined) throw usageError('must specify workflow id or query');
      if (flags.type === undefined) throw usageError('must specify reset type');
      if (flags.runId !== undefined) throw usageError('must not specify run Id');
      if (flags.eventId !== undefined) throw usageError('must not specify event Id');
      if (flags.type !== 'FirstWorkflowTask' && flags.type !== 'LastWorkflowTask') {
        throw usageError(`a batch reset takes --type FirstWorkflowTask or LastWorkflowTask (Endure has no ${flags.type} batch reset)`);
      }
      const type = flags.type;
      const connection = await ctx.connection();
      await runBatch(ctx, { query: flags.query, yes: flags.yes }, {
        onlyRunning: false,
        apply: async (execution) => {
          const point = await resetPoint({ connection, namespace: ctx.namespace, signal: ctx.signal }, execution, type);
          await reset(connection, ctx, execution.workflowId, point, flags.reason, reapply);
        },
      });
    }),
  );
}

type ResetRequest = Parameters<Connection['workflowService']['resetWorkflowExecution']>[0];

interface Reapply {
  resetReapplyType: number;
  resetReapplyExcludeTypes: number[];
}

/** The reapply fields, as temporal derives them from `--reapply-type` and `--reapply-exclude`. */
function reapplyOf(flags: ResetFlags): Reapply {
  const excludes = flags.reapplyExclude ?? [];
  if (flags.reapplyType !== 'All' && excludes.length > 0) throw usageError('--reapply-type cannot be used with --reapply-exclude. Use --reapply-exclude');
  const excludeTypes = excludes.includes('All')
    ? Object.entries(EXCLUDE_TYPE_VALUES).filter(([name]) => !name.endsWith('_UNSPECIFIED')).map(([, value]) => value)
    : excludes.map((name) => EXCLUDE_TYPE_VALUES[`RESET_REAPPLY_EXCLUDE_TYPE_${name.toUpperCase()}`]!);
  return { resetReapplyType: REAPPLY_TYPE_VALUES[REAPPLY_TYPES[flags.reapplyType]]!, resetReapplyExcludeTypes: excludeTypes };
}

async function resetOne(ctx: CommandContext, flags: ResetFlags & { workflowId: string }, reapply: Reapply): Promise<void> {
  const connection = await ctx.connection();
  const execution = { workflowId: flags.workflowId, runId: flags.runId ?? '' };
  const point = flags.type === undefined ? { runId: execution.runId, eventId: flags.eventId! } : await resetPoint({ connection, namespace: ctx.namespace, signal: ctx.signal }, execution, flags.type);
  ctx.printer.line(`Resetting workflow ${flags.workflowId} to event ID ${point.eventId}`);
  const runId = await reset(connection, ctx, flags.workflowId, point, flags.reason, reapply);
  if (ctx.printer.isJson) {
    ctx.printer.proto('temporal.api.workflowservice.v1.ResetWorkflowExecutionResponse', { runId });
    return;
  }
  ctx.printer.card([['RunId', runId]], '  ');
}

async function reset(connection: Connection, ctx: CommandContext, workflowId: string, point: ResetPoint, reason: string, reapply: Reapply): Promise<string> {
  const request: ResetRequest = {
    namespace: ctx.namespace,
    workflowExecution: { workflowId, runId: point.runId },
    reason: `${username()}: ${reason}`,
    // protobufjs encodes a plain number for an int64 field.
    workflowTaskFinishEventId: point.eventId as unknown as ResetRequest['workflowTaskFinishEventId'],
    requestId: randomUUID(),
    resetReapplyType: reapply.resetReapplyType,
    resetReapplyExcludeTypes: reapply.resetReapplyExcludeTypes,
  };
  const response = await connection.workflowService.resetWorkflowExecution(request);
  return response.runId ?? '';
}

interface ResetPoint {
  /** The run to reset ('' for the latest). */
  runId: string;
  eventId: number;
}

const { EventType } = proto.temporal.api.enums.v1;

/** The event a `--type` names, found in the run's history as temporal finds it. */
async function resetPoint(source: HistorySource, execution: Execution, type: ResetType): Promise<ResetPoint> {
  const runId = execution.runId ?? '';
  const events = (run: string): Promise<HistoryEvent[]> => readAllEvents(source, { workflowId: execution.workflowId, runId: run });
  switch (type) {
    case 'FirstWorkflowTask':
      return { runId, eventId: workflowTaskPoint(await events(runId), 'first') };
    case 'LastWorkflowTask':
      return { runId, eventId: workflowTaskPoint(await events(runId), 'last') };
    case 'LastContinuedAsNew': {
      const previous = (await events(runId))[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (!previous) throw new CliError('cannot use LastContinuedAsNew for workflow; workflow was not continued from another');
      const completed = (await events(previous)).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      if (completed.length === 0) throw new CliError('unable to find WorkflowTaskCompleted event for previous execution');
      return { runId: previous, eventId: Number(completed.at(-1)!.eventId) };
    }
    case 'BuildId':
      throw usageError('--type BuildId is not supported by Endure: reset to an event ID or another --type');
  }
}

/** The first (or last) completed workflow task; with none, the event after the first one scheduled. */
function workflowTaskPoint(events: HistoryEvent[], which: 'first' | 'last'): number {
  const completed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const chosen = which === 'first' ? completed[0] : completed.at(-1);
  if (chosen) return Number(chosen.eventId);
  const scheduled = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  if (!scheduled) throw new CliError('unable to find any scheduled or completed task');
  return Number(scheduled.eventId) + 1;
}
