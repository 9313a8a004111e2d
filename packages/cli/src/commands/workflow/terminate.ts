/** `endure workflow terminate`: end one workflow at once, or every running workflow a query matches. */
import type { Command } from 'commander';
import { clientAction } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { addSingleOrBatchOptions, defaultReason, runBatch, singleExecutionOf, type SingleOrBatchFlags } from './batch.js';

export function registerTerminate(workflow: Command): void {
  const command = workflow
    .command('terminate')
    .description('Terminate a workflow execution, or every running one a query matches')
    .addHelpText(
      'after',
      [
        '',
        'The workflow\'s code does not run again: use cancel to let it clean up.',
        'The reason is recorded in the WorkflowExecutionTerminated event.',
        '',
        'Examples:',
        '  endure workflow terminate -w order-42 --reason "stuck on a bad input"',
        '  endure workflow terminate -q "WorkflowType = \'order\' AND StartTime < \'2024-01-01T00:00:00Z\'" --yes --rps 50',
        '',
      ].join('\n'),
    );
  addClientOptions(addSingleOrBatchOptions(command, 'terminate')).action(
    clientAction<SingleOrBatchFlags>(async (ctx, flags) => {
      const single = singleExecutionOf(flags, { reason: true });
      const client = await ctx.client();
      const reason = flags.reason ?? defaultReason();
      if (single !== undefined) {
        await client.workflow.getHandle(single.workflowId, single.runId).terminate(reason);
        ctx.printer.line('Workflow terminated');
        return;
      }
      await runBatch(ctx, flags, {
        onlyRunning: true,
        apply: async (execution) => {
          await client.workflow.getHandle(execution.workflowId, execution.runId).terminate(reason);
        },
      });
    }),
  );
}
