/**
 * The flags `workflow start` and `workflow execute` share (temporal's "shared-workflow-start",
 * "workflow-start" and "payload-input" sets), and how they become `@endure/client` start
 * options. Starting itself is here too, because both commands start the same way and print
 * the same "Running execution:" card.
 */
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type SearchAttributes,
  type WorkflowStartOptions,
} from '@endure/client';
import type { CommandContext } from '../../command-context.js';
import { CliError, ExitCode, usageError } from '../../exit-codes.js';
import { addPayloadInputOptions, parseJson, readInputValues, type PayloadInputFlags } from '../../payload-input.js';
import { parseDurationMs, collectRepeated } from '../../parsers.js';

export interface StartFlags extends PayloadInputFlags {
  workflowId?: string;
  type?: string;
  /** Hidden alias of `--type`, as temporal accepts it. */
  name?: string;
  taskQueue: string;
  runTimeout?: number;
  executionTimeout?: number;
  taskTimeout: number;
  searchAttribute?: string[];
  memo?: string[];
  staticSummary?: string;
  staticDetails?: string;
  cron?: string;
  failExisting?: boolean;
  startDelay?: number;
  idReusePolicy?: keyof typeof ID_REUSE_POLICIES;
  idConflictPolicy?: keyof typeof ID_CONFLICT_POLICIES;
}

/** temporal's names of the policies → `@endure/client`'s. */
const ID_REUSE_POLICIES = {
  AllowDuplicate: 'ALLOW_DUPLICATE',
  AllowDuplicateFailedOnly: 'ALLOW_DUPLICATE_FAILED_ONLY',
  RejectDuplicate: 'REJECT_DUPLICATE',
  TerminateIfRunning: 'TERMINATE_IF_RUNNING',
} as const;
const ID_CONFLICT_POLICIES = { Fail: 'FAIL', UseExisting: 'USE_EXISTING', TerminateExisting: 'TERMINATE_EXISTING' } as const;

const TASK_TIMEOUT_DEFAULT = '10s';


/** Adds the start flags, with temporal's names, short flags and defaults. */
export function addStartOptions(command: Command): Command {
  command
    .option('-w, --workflow-id <id>', 'workflow ID (default: a random UUID)')
    .option('--type <name>', 'workflow type name (required)')
    .addOption(new Option('--name <name>', 'alias of --type').hideHelp())
    .requiredOption('-t, --task-queue <name>', 'task queue of the workflow')
    .option('--run-timeout <duration>', 'fail a run that lasts longer than this, e.g. 1h', parseDurationMs)
    .option('--execution-timeout <duration>', 'fail the execution (retries and continue-as-new included) after this long', parseDurationMs)
    .option('--task-timeout <duration>', 'start-to-close timeout of a workflow task', parseDurationMs, parseDurationMs(TASK_TIMEOUT_DEFAULT))
    .addOption(new Option('--search-attribute <KEY=JSON>', 'search attribute, the value in JSON (repeatable)').argParser(collectRepeated))
    .addOption(new Option('--memo <KEY=JSON>', 'memo entry, the value in JSON (repeatable)').argParser(collectRepeated))
    .option('--static-summary <text>', 'one-line summary shown by UIs (experimental)')
    .option('--static-details <text>', 'longer details shown by UIs (experimental)')
    .option('--cron <schedule>', 'cron schedule of the workflow (deprecated: use schedules)')
    .option('--fail-existing', 'fail if a workflow with this ID is already running (default: show that run)')
    .option('--start-delay <duration>', 'wait this long before the first workflow task (not with --cron)', parseDurationMs)
    .addOption(new Option('--id-reuse-policy <policy>', 'whether the ID of a closed workflow may be reused').choices(Object.keys(ID_REUSE_POLICIES)))
    .addOption(
      new Option('--id-conflict-policy <policy>', 'what to do when a workflow with this ID is running').choices(Object.keys(ID_CONFLICT_POLICIES)),
    );
  return addPayloadInputOptions(command);
}

/** The workflow type named by `--type` (or its alias `--name`); a usage error when missing. */
export function workflowTypeOf(flags: StartFlags): string {
  const type = flags.type ?? flags.name;
  if (type === undefined || type === '') throw usageError("required option '--type <name>' not specified");
  return type;
}

/** `@endure/client` start options from the flags (the workflow ID generated when not given). */
export function startOptionsOf(flags: StartFlags): WorkflowStartOptions & { workflowId: string } {
  if (flags.cron !== undefined && flags.startDelay !== undefined) throw usageError('--start-delay cannot be used with --cron');
  const options: WorkflowStartOptions & { workflowId: string } = {
    workflowId: flags.workflowId ?? randomUUID(),
    taskQueue: flags.taskQueue,
    args: readInputValues(flags),
    workflowTaskTimeout: flags.taskTimeout,
  };
  if (flags.runTimeout !== undefined) options.workflowRunTimeout = flags.runTimeout;
  if (flags.executionTimeout !== undefined) options.workflowExecutionTimeout = flags.executionTimeout;
  if (flags.startDelay !== undefined) options.startDelay = flags.startDelay;
  if (flags.cron !== undefined) options.cronSchedule = flags.cron;
  if (flags.staticSummary !== undefined) options.staticSummary = flags.staticSummary;
  if (flags.staticDetails !== undefined) options.staticDetails = flags.staticDetails;
  if (flags.idReusePolicy !== undefined) options.workflowIdReusePolicy = ID_REUSE_POLICIES[flags.idReusePolicy];
  if (flags.idConflictPolicy !== undefined) options.workflowIdConflictPolicy = ID_CONFLICT_POLICIES[flags.idConflictPolicy];
  if (flags.memo !== undefined) options.memo = keyJsonPairs(flags.memo, '--memo');
  if (flags.searchAttribute !== undefined) {
    // temporal sends each value as given; the untyped form of the SDK wants a list, which the
    // server reads the same way for a single value.
    const searchAttributes: SearchAttributes = {};
    for (const [key, value] of Object.entries(keyJsonPairs(flags.searchAttribute, '--search-attribute'))) {
      searchAttributes[key] = (Array.isArray(value) ? value : [value]) as SearchAttributes[string];
    }
    options.searchAttributes = searchAttributes;
  }
  return options;
}

/** `KEY=JSON` entries as an object; a usage error names the flag and the entry. */
export function keyJsonPairs(entries: string[], flag: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const key = entry.slice(0, at).trim();
    if (at <= 0 || key === '') throw usageError(`${flag} "${entry}": expected KEY=VALUE with a JSON value`);
    result[key] = parseJson(entry.slice(at + 1), `${flag} ${key}`);
  }
  return result;
}

export interface StartedRun {
  workflowId: string;
  runId: string;
}

/**
 * Starts the workflow. As temporal (through the Go SDK) does, a workflow already running under
 * the ID is not an error unless `--fail-existing`: its run is the one shown.
 */
export async function startWorkflow(client: Client, flags: StartFlags): Promise<StartedRun> {
  const type = workflowTypeOf(flags);
  const options = startOptionsOf(flags);
  try {
    const handle = await client.workflow.start(type, options);
    return { workflowId: options.workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (flags.failExisting === true) throw new CliError(`failed starting workflow: workflow ID "${options.workflowId}" is already in use`, ExitCode.Failure);
    const description = await client.workflow.getHandle(options.workflowId).describe();
    return { workflowId: options.workflowId, runId: description.runId };
  }
}

/** temporal's "Running execution:" card (text) or object (JSON, when `json` is set). */
export function printRunningExecution(ctx: CommandContext, flags: StartFlags, run: StartedRun, json: boolean): void {
  const shown = { workflowId: run.workflowId, runId: run.runId, type: workflowTypeOf(flags), namespace: ctx.namespace, taskQueue: flags.taskQueue };
  if (ctx.printer.isJson) {
    if (json) ctx.printer.json(shown);
    return;
  }
  ctx.printer.line(ctx.printer.style('magenta', 'Running execution:'));
  ctx.printer.card(
    [
      ['WorkflowId', shown.workflowId],
      ['RunId', shown.runId],
      ['Type', shown.type],
      ['Namespace', shown.namespace],
      ['TaskQueue', shown.taskQueue],
    ],
    '  ',
  );
}
