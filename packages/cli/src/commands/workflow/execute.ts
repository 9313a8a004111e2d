/**
 * `endure workflow execute`: start a workflow, show its history as it grows (through
 * continue-as-new, to the run that really closes), then its result. Exits 1 when the
 * workflow does not complete successfully.
 */
import type { Command } from 'commander';
import { toProtoJson } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { CliError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import {
  friendlyPayloadsJson,
  outcomeOf,
  printEventDetails,
  printEventRow,
  printEventTableHeader,
  printResults,
  workflowEndedError,
} from '../../output/history-text.js';
import { isOutcomeEvent, readAllEvents, readHistory, type HistoryEvent, type HistorySource } from './history-events.js';
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
      const source: HistorySource = { connection: await ctx.connection(), namespace: ctx.namespace, signal: ctx.signal };
      const close = await follow(ctx, source, run, flags.detailed === true);
      const durationMs = Date.now() - startedAt;
      const { printer } = ctx;
      if (printer.isJson) {
        const completed = close.workflowExecutionCompletedEventAttributes;
        printer.json({
          ...run,
          type: workflowTypeOf(flags),
          namespace: ctx.namespace,
          taskQueue: flags.taskQueue,
          durationMillis: Math.floor(durationMs),
          status: outcomeOf(close) ?? '<unknown>',
          closeEvent: printer.protoJson('temporal.api.history.v1.HistoryEvent', close),
          ...(completed ? { result: friendlyPayloadsJson(printer, completed.result) } : {}),
          // The first run's history, payloads in their canonical form (as temporal prints it).
          ...(flags.detailed === true
            ? { history: toProtoJson('temporal.api.history.v1.History', { events: await readAllEvents(source, run) }, { shorthandPayloads: false }) }
            : {}),
        });
      } else {
        printer.line();
        printResults(printer, close, durationMs);
      }
      const ended = workflowEndedError(close);
      if (ended !== undefined) throw ended;
    }),
  );
}

/**
 * Follows the run to its outcome, printing the progress in text mode; a spinner shows while
 * waiting, on a terminal.
 */
async function follow(ctx: CommandContext, source: HistorySource, run: StartedRun, detailed: boolean): Promise<HistoryEvent> {
  const { printer, spinner } = ctx;
  const waiting = 'Waiting for the workflow to progress…';
  if (printer.isText) {
    printer.line(printer.style('magenta', 'Progress:'));
    if (!detailed) printEventTableHeader(printer);
  }
  let outcome: HistoryEvent | undefined;
  let first = true;
  spinner.start(waiting);
  for await (const event of readHistory(source, { ...run, follow: true, followContinueAsNew: true })) {
    spinner.stop();
    if (detailed) printEventDetails(printer, event, first);
    else printEventRow(printer, event);
    first = false;
    if (isOutcomeEvent(event.eventType)) outcome = event;
    spinner.start(waiting);
  }
  spinner.stop();
  if (outcome === undefined) throw new CliError(`the history of ${run.workflowId} ended without a close event`);
  return outcome;
}
