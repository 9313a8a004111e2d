/**
 * `endure workflow result`: waits for a workflow to close (following continue-as-new to the
 * last run, as `temporal` does) and prints its outcome. Exits 1 when the run did not
 * complete (failed, timed out, was cancelled or terminated), after printing why.
 */
import type { Command } from 'commander';
import { clientAction } from '../../command-context.js';
import { CliError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { friendlyPayloadsJson, outcomeOf, printResults, workflowEndedError } from '../../output/history-text.js';
import { readCloseEvent } from './history-events.js';

interface ResultFlags {
  workflowId: string;
  runId?: string;
}

export function registerResult(workflow: Command): void {
  const command = workflow
    .command('result')
    .description('Wait for a workflow execution to close and show its result')
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .addHelpText(
      'after',
      [
        '',
        'Exits with 1 when the workflow failed, timed out, was canceled or terminated.',
        '',
        'Examples:',
        '  endure workflow result -w order-42',
        '  endure workflow result -w order-42 -o json | jq .result',
        '',
      ].join('\n'),
    );
  addClientOptions(command).action(
    clientAction<ResultFlags>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const closeEvent = await ctx.spinner.during(`waiting for ${flags.workflowId} to close…`, () =>
        readCloseEvent(
          { connection, namespace: ctx.namespace, signal: ctx.signal },
          { workflowId: flags.workflowId, runId: flags.runId ?? '', wait: true, followContinueAsNew: true },
        ),
      );
      if (closeEvent === undefined) throw new CliError(`no close event for workflow ${flags.workflowId}`);
      if (ctx.printer.isJson) {
        const completed = closeEvent.workflowExecutionCompletedEventAttributes;
        ctx.printer.json({
          workflowId: flags.workflowId,
          runId: flags.runId ?? '',
          namespace: ctx.namespace,
          status: outcomeOf(closeEvent) ?? '<unknown>',
          closeEvent: ctx.printer.protoJson('temporal.api.history.v1.HistoryEvent', closeEvent),
          ...(completed ? { result: friendlyPayloadsJson(ctx.printer, completed.result) } : {}),
        });
      } else {
        printResults(ctx.printer, closeEvent);
      }
      const ended = workflowEndedError(closeEvent);
      if (ended !== undefined) throw ended;
    }),
  );
}
