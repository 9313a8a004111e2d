/**
 * One workflow (`-w`, `-r`) or a batch (`-q`), as temporal's signal, cancel, terminate and
 * delete take them. temporal hands a batch to the server's StartBatchOperation; Endure has no
 * batch operations, so the batch runs here: the matching executions are listed, confirmed
 * (see confirm.ts, or `--yes`), then operated on with bounded concurrency and at
 * most `--rps` operations a second, and a summary of successes and failures is printed.
 */
import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext } from '../../command-context.js';
import { confirm } from '../../confirm.js';
import { CliError, usageError } from '../../exit-codes.js';

export interface SingleOrBatchFlags {
  workflowId?: string;
  runId?: string;
  query?: string;
  reason?: string;
  yes?: boolean;
  rps?: number;
}

export interface Execution {
  workflowId: string;
  runId?: string;
}

/** Operations in flight at once in a batch. */
const BATCH_CONCURRENCY_MAX = 8;
/** A batch refuses to start on more executions than this (list them in parts with narrower queries). */
const BATCH_EXECUTIONS_MAX = 100_000;
/** Failures listed one by one in the text summary; the rest are counted. */
const FAILURES_SHOWN_MAX = 20;

function parseRps(value: string): number {
  const rps = Number(value);
  if (!Number.isFinite(rps) || rps <= 0) throw new InvalidArgumentError('Expected a positive number.');
  return rps;
}

/** Adds `-w`, `-q`, `-r`, `--reason`, `-y`, `--rps`. */
export function addSingleOrBatchOptions(command: Command, verb: string): Command {
  return command
    .option('-w, --workflow-id <id>', 'workflow ID (either this or --query)')
    .option('-q, --query <query>', `visibility query selecting the workflows to ${verb} in a batch (either this or --workflow-id)`)
    .option('-r, --run-id <id>', 'run ID (only with --workflow-id; default: the latest run)')
    .option('--reason <text>', 'reason recorded for the operation (default: "Requested from CLI by <user>")')
    .option('-y, --yes', 'do not ask to confirm a batch (only with --query)')
    .option('--rps <number>', 'at most this many operations a second in a batch (only with --query)', parseRps);
}

/** The user running the command, as temporal names it in reasons. */
export function username(): string {
  try {
    return userInfo().username || '<unknown-user>';
  } catch {
    // No user entry for this uid (some containers): the placeholder, as temporal does.
    return '<unknown-user>';
  }
}

/** The reason temporal records when none is given. */
export function defaultReason(): string {
  return `Requested from CLI by ${username()}`;
}

/**
 * The single execution `-w`/`-r` name, or undefined for a batch over `-q`; usage errors for
 * flags that do not fit the form chosen, worded as temporal words them.
 */
export function singleExecutionOf(flags: SingleOrBatchFlags, allow: { reason?: boolean; yes?: boolean } = {}): Execution | undefined {
  if (flags.workflowId !== undefined) {
    if (flags.query !== undefined) throw usageError('cannot set query when workflow ID is set');
    if (flags.reason !== undefined && allow.reason !== true) throw usageError('cannot set reason when workflow ID is set');
    if (flags.yes === true && allow.yes !== true) throw usageError("cannot set 'yes' when workflow ID is set");
    if (flags.rps !== undefined) throw usageError('cannot set rps when workflow ID is set');
    return flags.runId === undefined ? { workflowId: flags.workflowId } : { workflowId: flags.workflowId, runId: flags.runId };
  }
  if (flags.query === undefined || flags.query.trim() === '') throw usageError('must set either workflow ID or query');
  if (flags.runId !== undefined) throw usageError('cannot set run ID when query is set');
  return undefined;
}

export interface BatchOptions {
  /** Act only on running executions (cancel, terminate, signal): closed ones cannot take the operation. */
  onlyRunning: boolean;
  /** Applies the operation to one execution. */
  apply: (execution: Required<Execution>) => Promise<void>;
}

interface BatchFailure {
  workflowId: string;
  runId: string;
  error: string;
}

/** Runs a batch over the executions `flags.query` matches, after confirmation, and prints its summary. */
export async function runBatch(ctx: CommandContext, flags: SingleOrBatchFlags, options: BatchOptions): Promise<void> {
  const query = options.onlyRunning ? `(${flags.query!}) AND ExecutionStatus = 'Running'` : flags.query!;
  const client = await ctx.client();
  await confirmBatch(ctx, flags, query);
  const executions: Required<Execution>[] = [];
  for await (const info of client.workflow.list({ query })) {
    if (executions.length === BATCH_EXECUTIONS_MAX) {
      throw new CliError(`more than ${BATCH_EXECUTIONS_MAX} workflows match: narrow the query and run the batch in parts`);
    }
    executions.push({ workflowId: info.workflowId, runId: info.runId });
  }
  const failures = await applyAll(ctx, executions, options.apply, flags.rps);
  printSummary(ctx, executions.length - failures.length, failures);
  if (failures.length > 0) throw new CliError(`batch finished with ${failures.length} failure(s)`);
}

/** Asks for the batch, counting what it would touch only when asking. */
async function confirmBatch(ctx: CommandContext, flags: SingleOrBatchFlags, query: string): Promise<void> {
  const yes = flags.yes === true;
  const question = yes
    ? `Start batch against workflows matching query "${flags.query!}"?`
    : `Start batch against approximately ${(await (await ctx.client()).workflow.count(query)).count} workflow(s)?`;
  if (!(await confirm(ctx, { question: `${question} y/N`, yes }))) throw new CliError('user denied confirmation');
}

/** Applies `apply` to every execution, `BATCH_CONCURRENCY_MAX` at a time, starting at most `rps` a second. */
async function applyAll(
  ctx: CommandContext,
  executions: Required<Execution>[],
  apply: BatchOptions['apply'],
  rps: number | undefined,
): Promise<BatchFailure[]> {
  const failures: BatchFailure[] = [];
  const intervalMs = rps === undefined ? 0 : 1000 / rps;
  let next = 0;
  let nextStartAt = Date.now();
  const runWorker = async (): Promise<void> => {
    while (next < executions.length && !ctx.signal.aborted) {
      const execution = executions[next++]!;
      if (intervalMs > 0) {
        const waitMs = nextStartAt - Date.now();
        nextStartAt = Math.max(nextStartAt, Date.now()) + intervalMs;
        if (waitMs > 0) await delay(waitMs, undefined, { signal: ctx.signal });
      }
      ctx.spinner.update(`Batch: ${next} of ${executions.length}…`);
      try {
        await apply(execution);
      } catch (err) {
        failures.push({ ...execution, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  ctx.spinner.start(`Batch: 0 of ${executions.length}…`);
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY_MAX, executions.length) }, runWorker));
  ctx.spinner.stop();
  if (ctx.signal.aborted) throw ctx.signal.reason as Error;
  return failures;
}

function printSummary(ctx: CommandContext, succeeded: number, failures: BatchFailure[]): void {
  const { printer } = ctx;
  printer.json({ succeeded, failed: failures.length, failures });
  printer.line(`Batch finished: ${succeeded} succeeded, ${failures.length} failed`);
  for (const failure of failures.slice(0, FAILURES_SHOWN_MAX)) {
    printer.line(`  ${failure.workflowId} (run ${failure.runId}): ${failure.error}`);
  }
  if (failures.length > FAILURES_SHOWN_MAX) printer.line(`  … and ${failures.length - FAILURES_SHOWN_MAX} more`);
}
