/**
 * `endure workflow update execute|start|result|describe`: send an Update to a workflow and
 * wait for its result or only for its acceptance, wait for the result of one sent before, or
 * look at where one stands without waiting. A failed or rejected Update exits 1.
 */
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { ApplicationFailure, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { CliError, usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { friendlyPayloadsJson } from '../../output/history-text.js';
import { addPayloadInputOptions, readInputValues, type PayloadInputFlags } from '../../payload-input.js';

interface TargetFlags {
  workflowId: string;
  runId?: string;
  updateId?: string;
}

interface StartingFlags extends TargetFlags, PayloadInputFlags {
  name?: string;
  /** Hidden alias of `--name`, as temporal accepts it. */
  type?: string;
  firstExecutionRunId?: string;
  waitForStage?: 'accepted';
}

const STAGE_NAMES = ['Unspecified', 'Admitted', 'Accepted', 'Completed'];

export function registerUpdate(workflow: Command): void {
  const update = workflow
    .command('update')
    .description('Send Updates to a workflow execution and follow them')
    .addHelpText('after', '\nExamples:\n  endure workflow update execute -w cart-7 --name addItem -i \'"apple"\'\n  endure workflow update result -w cart-7 --update-id add-apple\n');

  const execute = startingCommand(update, 'execute', 'Send an Update and wait for its result', [
    'endure workflow update execute -w cart-7 --name addItem -i \'"apple"\'',
    'endure workflow update execute -w cart-7 --name addItem -i \'"pear"\' --update-id add-pear -o json',
  ]);
  addClientOptions(addPayloadInputOptions(execute, 'Update argument')).action(
    clientAction<StartingFlags>(async (ctx, flags) => {
      const { name, updateId, handle } = await startingTarget(ctx, flags);
      let result: unknown;
      try {
        result = await connectionScope(ctx, () => handle.executeUpdate(name, { args: readInputValues(flags), updateId }));
      } catch (err) {
        throw updateError(err);
      }
      ctx.printer.json({ name, updateId, result });
      ctx.printer.card(
        [
          ['Name', name],
          ['UpdateID', updateId],
          ['Result', JSON.stringify(result ?? null)],
        ],
        '  ',
      );
    }),
  );

  const start = startingCommand(update, 'start', 'Send an Update and wait until the workflow accepts or rejects it', [
    'endure workflow update start -w cart-7 --name hold -i \'"a"\' --wait-for-stage accepted',
  ]);
  start.addOption(new Option('--wait-for-stage <stage>', 'stage to wait for; only "accepted" for now, but required').choices(['accepted']).makeOptionMandatory());
  addClientOptions(addPayloadInputOptions(start, 'Update argument')).action(
    clientAction<StartingFlags>(async (ctx, flags) => {
      const { name, updateId, handle } = await startingTarget(ctx, flags);
      try {
        const updateHandle = await handle.startUpdate(name, { args: readInputValues(flags), updateId, waitForStage: 'ACCEPTED' });
        // As temporal: a rejection comes with the answer to the start, so ask for the outcome
        // without waiting (an aborted call), and take "no outcome yet" as accepted.
        const aborted = AbortSignal.abort();
        await (await ctx.connection()).withAbortSignal(aborted, () => updateHandle.result()).catch((err: unknown) => {
          if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw err;
        });
      } catch (err) {
        throw updateError(err);
      }
      ctx.printer.json({ name, updateId });
      ctx.printer.card(
        [
          ['Name', name],
          ['UpdateID', updateId],
        ],
        '  ',
      );
    }),
  );

  const result = targetingCommand(update, 'result', 'Wait for an Update sent before to finish, and print its result', [
    'endure workflow update result -w cart-7 --update-id add-apple',
  ]);
  addClientOptions(result).action(
    clientAction<TargetFlags & { updateId: string }>(async (ctx, flags) => {
      const client = await ctx.client();
      const handle = client.workflow.getHandle(flags.workflowId, flags.runId).getUpdateHandle(flags.updateId);
      try {
        const value = await connectionScope(ctx, () => handle.result());
        ctx.printer.json({ updateId: flags.updateId, result: value });
        ctx.printer.card(
          [
            ['UpdateID', flags.updateId],
            ['Result', JSON.stringify(value ?? null)],
          ],
          '  ',
        );
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw updateError(err);
        const failure = err.cause;
        ctx.printer.json({ updateId: flags.updateId, failure: structuredFailure(failure) });
        ctx.printer.card(
          [
            ['UpdateID', flags.updateId],
            ['Failure', failure?.message ?? err.message],
          ],
          '  ',
        );
        throw new CliError('update is failed');
      }
    }),
  );

  const describe = targetingCommand(update, 'describe', 'Show the stage of an Update and its outcome if it has one, without waiting', [
    'endure workflow update describe -w cart-7 --update-id add-apple',
  ]);
  addClientOptions(describe).action(
    clientAction<TargetFlags & { updateId: string }>(async (ctx, flags) => {
      const connection = await ctx.connection();
      // The raw call: without a wait policy the server answers at once with the current stage.
      const response = await connection.workflowService.pollWorkflowExecutionUpdate({
        namespace: ctx.namespace,
        updateRef: { workflowExecution: { workflowId: flags.workflowId, runId: flags.runId ?? '' }, updateId: flags.updateId },
        identity: ctx.options.identity ?? '',
      });
      const stage = STAGE_NAMES[response.stage ?? 0] ?? String(response.stage);
      const failure = response.outcome?.failure;
      const value = response.outcome?.success ? friendlyPayloadsJson(ctx.printer, response.outcome.success) : undefined;
      if (ctx.printer.isJson) {
        ctx.printer.json({
          updateId: flags.updateId,
          ...(value !== undefined ? { result: value } : {}),
          ...(failure ? { failure: ctx.printer.protoJson('temporal.api.failure.v1.Failure', failure) } : {}),
          stage,
        });
        return;
      }
      ctx.printer.card(
        [
          ['UpdateID', flags.updateId],
          ['Result', value === undefined ? undefined : JSON.stringify(value)],
          ['Failure', failure?.message ?? undefined],
          ['Stage', stage],
        ],
        '  ',
      );
    }),
  );
}

/** A subcommand that sends an Update (`execute`, `start`): temporal's "update-starting" flags. */
function startingCommand(update: Command, name: string, description: string, examples: string[]): Command {
  return update
    .command(name)
    .description(description)
    .requiredOption('-w, --workflow-id <id>', 'workflow ID')
    .option('-r, --run-id <id>', 'run ID (default: the running execution)')
    .option('--name <update>', 'Update handler name (required)')
    .addOption(new Option('--type <update>', 'alias of --name').hideHelp())
    .option('--update-id <id>', 'Update ID (default: a random UUID)')
    .option('--first-execution-run-id <id>', 'send to the last run of the chain started by this run')
    .addHelpText('after', ['', 'Examples:', ...examples.map((example) => `  ${example}`), ''].join('\n'));
}

/** A subcommand about an Update sent before (`result`, `describe`): temporal's "update-targeting" flags. */
function targetingCommand(update: Command, name: string, description: string, examples: string[]): Command {
  return update
    .command(name)
    .description(description)
    .requiredOption('-w, --workflow-id <id>', 'workflow ID')
    .requiredOption('--update-id <id>', 'Update ID')
    .option('-r, --run-id <id>', 'run ID (default: the running execution)')
    .addHelpText('after', ['', 'Examples:', ...examples.map((example) => `  ${example}`), ''].join('\n'));
}

async function startingTarget(
  ctx: CommandContext,
  flags: StartingFlags,
): Promise<{ name: string; updateId: string; handle: ReturnType<Client['workflow']['getHandle']> }> {
  const name = flags.name ?? flags.type;
  if (name === undefined || name === '') throw usageError("required option '--name <update>' not specified");
  const client = await ctx.client();
  const options = flags.firstExecutionRunId === undefined ? undefined : { firstExecutionRunId: flags.firstExecutionRunId };
  return { name, updateId: flags.updateId ?? randomUUID(), handle: client.workflow.getHandle(flags.workflowId, flags.runId, options) };
}

/** Runs `fn` under the command's abort signal (Ctrl-C, `--command-timeout`). */
async function connectionScope<T>(ctx: CommandContext, fn: () => Promise<T>): Promise<T> {
  return (await ctx.connection()).withAbortSignal(ctx.signal, fn);
}

/** A failed or rejected Update as one line, as temporal words it. */
function updateError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError) return new CliError(`unable to update workflow: ${err.cause?.message ?? err.message}`);
  return err;
}

/** temporal's JSON form of an Update's application failure: message, type, details. */
function structuredFailure(failure: Error | undefined): Record<string, unknown> {
  if (!(failure instanceof ApplicationFailure)) return { message: failure?.message ?? 'update failed' };
  const details = failure.details?.[0];
  return {
    message: failure.message,
    ...(failure.type ? { type: failure.type } : {}),
    ...(details !== undefined && details !== null ? { details } : {}),
  };
}
