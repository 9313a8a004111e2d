/** `endure workflow cancel`: request cancellation of one workflow, or of every running workflow a query matches. */
import type { Command } from 'commander';
import { clientAction } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { addSingleOrBatchOptions, runBatch, singleExecutionOf, type SingleOrBatchFlags } from './batch.js';

export function registerCancel(workflow: Command): void {
  const command = workflow
    .command('cancel')
    .description('Request cancellation of a workflow execution, or of every running one a query matches')
    .addHelpText(
      'after',
      [
        '',
        'The workflow sees the request and may clean up; use terminate to end it without running its code.',
        '',
        'Examples:',
        '  endure workflow cancel -w order-42',
        '  endure workflow cancel -q "WorkflowType = \'order\'" --yes',
        '',
      ].join('\n'),
    );
  addClientOptions(addSingleOrBatchOptions(command, 'cancel')).action(
    clientAction<SingleOrBatchFlags>(async (ctx, flags) => {
      const single = singleExecutionOf(flags);
      const client = await ctx.client();
      if (single !== undefined) {
        await client.workflow.getHandle(single.workflowId, single.runId).cancel();
        ctx.printer.line('Canceled workflow');
        return;
      }
      await runBatch(ctx, flags, {
        onlyRunning: true,
        apply: async (execution) => {
          await client.workflow.getHandle(execution.workflowId, execution.runId).cancel();
        },
      });
    }),
  );
}
