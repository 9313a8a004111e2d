/**
 * `endure workflow execute`: start a workflow, show its history as it grows, then its result.
 * Exits 1 when the workflow does not complete successfully.
 */
import type { Command } from 'commander';
import { toProtoJson, type Connection } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { CliError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import {
  executeJson,
  followToClose,
  isCompleted,
  printEventSection,
  printProgressHeader,
  printProgressRow,
  printResults,
} from '../../output/execute-progress.js';
import { addStartOptions, printRunningExecution, startWorkflow, workflowTypeOf, type StartedRun, type StartFlags } from './start-options.js';

interface ExecuteFlags extends StartFlags {
  detailed?: boolean;
}

export function registerExecute(workflow: Command): void {
  const command = workflow
    .command('execute')
    .description('Start a workflow execution, show its progress until it closes, then its result')
    .option('--detailed', 'show each event as a section of all its fields instead of a table row (JSON: add the history)')
    .addHelpText(
      'after',
      [
        '',
        'Exits with 1 when the workflow fails, times out, is canceled or terminated.',
        '',
        'Examples:',
        '  endure workflow execute --type orderWorkflow -t orders -w order-42 -i \'{"item": "book"}\'',
        '  endure workflow execute --type orderWorkflow -t orders --detailed',
        '  endure workflow execute --type orderWorkflow -t orders -o json',
        '',
      ].join('\n'),
    );
  addClientOptions(addStartOptions(command)).action(
    clientAction<ExecuteFlags>(async (ctx, flags) => {
      const startedAt = Date.now();
      const run = await startWorkflow(await ctx.client(), flags);
      printRunningExecution(ctx, flags, run, false);
      ctx.printer.line();
      const connection = await ctx.connection();
      const close = await connection.withAbortSignal(ctx.signal, () => follow(ctx, connection, run, flags.detailed === true));
      const durationMs = Date.now() - startedAt;
      if (ctx.printer.isJson) {
        const start = { ...run, type: workflowTypeOf(flags), namespace: ctx.namespace, taskQueue: flags.taskQueue };
        const json = executeJson(ctx.printer, start, close, durationMs);
        if (flags.detailed === true) json.history = await fullHistory(ctx, connection, run);
        ctx.printer.json(json);
      } else {
        ctx.printer.line();
        printResults(ctx.printer, close, durationMs);
      }
      if (!isCompleted(close)) throw new CliError('workflow failed');
    }),
  );
}

/** Follows the run to its close, printing the progress in text mode (a spinner shows while waiting on a terminal). */
function follow(ctx: CommandContext, connection: Connection, run: StartedRun, detailed: boolean): ReturnType<typeof followToClose> {
  const { printer, spinner } = ctx;
  let first = true;
  if (printer.isText) {
    printer.line(printer.style('magenta', 'Progress:'));
    if (!detailed) printProgressHeader(printer);
  }
  return followToClose(connection, {
    ...run,
    namespace: ctx.namespace,
    onWait: (waiting) => (waiting ? spinner.start('Waiting for the workflow to progress…') : spinner.stop()),
    onEvent: (event) => {
      if (!printer.isText) return;
      if (detailed) printEventSection(printer, event, first);
      else printProgressRow(printer, event);
      first = false;
    },
  });
}

/** The first run's full history, payloads in their canonical form (as temporal prints it). */
async function fullHistory(ctx: CommandContext, connection: Connection, run: StartedRun): Promise<unknown> {
  const events = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const response = await connection.workflowService.getWorkflowExecutionHistory({
      namespace: ctx.namespace,
      execution: { workflowId: run.workflowId, runId: run.runId },
      nextPageToken,
    });
    events.push(...(response.history?.events ?? []));
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
  } while (nextPageToken !== undefined);
  return toProtoJson('temporal.api.history.v1.History', { events }, { shorthandPayloads: false });
}
