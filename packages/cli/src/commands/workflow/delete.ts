/** `endure workflow delete`: remove a workflow execution and its history, or every execution a query matches. */
import type { Command } from 'commander';
import type { Connection } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { confirm } from '../../confirm.js';
import { CliError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { addSingleOrBatchOptions, runBatch, singleExecutionOf, type Execution, type SingleOrBatchFlags } from './batch.js';

export function registerDelete(workflow: Command): void {
  const command = workflow
    .command('delete')
    .description('Delete a workflow execution and its history, or every execution a query matches')
    .addHelpText(
      'after',
      [
        '',
        'A running execution is terminated first. Asks to confirm unless --yes.',
        '',
        'Examples:',
        '  endure workflow delete -w order-42 --yes',
        '  endure workflow delete -q "ExecutionStatus = \'Completed\' AND CloseTime < \'2024-01-01T00:00:00Z\'" --yes',
        '',
      ].join('\n'),
    );
  addClientOptions(addSingleOrBatchOptions(command, 'delete')).action(
    clientAction<SingleOrBatchFlags>(async (ctx, flags) => {
      const single = singleExecutionOf(flags, { yes: true });
      const connection = await ctx.connection();
      if (single !== undefined) {
        const run = single.runId === undefined ? '' : ` with Run ID "${single.runId}"`;
        const confirmed = await confirm(ctx, { question: `Delete Workflow "${single.workflowId}"${run}? y/N`, yes: flags.yes === true });
        if (!confirmed) throw new CliError('user denied confirmation');
        await deleteExecution(connection, ctx, single);
        ctx.printer.line('Delete workflow succeeded');
        return;
      }
      await runBatch(ctx, flags, { onlyRunning: false, apply: (execution) => deleteExecution(connection, ctx, execution) });
    }),
  );
}

/** The raw call: `@endure/client`'s handles have no delete. */
async function deleteExecution(connection: Connection, ctx: CommandContext, execution: Execution): Promise<void> {
  await connection.workflowService.deleteWorkflowExecution({
    namespace: ctx.namespace,
    workflowExecution: { workflowId: execution.workflowId, runId: execution.runId ?? '' },
  });
}
