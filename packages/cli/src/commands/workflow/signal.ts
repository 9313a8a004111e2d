/** `endure workflow signal`: send a signal to one workflow, or to every running workflow a query matches. */
import { Option, type Command } from 'commander';
import { clientAction } from '../../command-context.js';
import { usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { addPayloadInputOptions, readInputValues, type PayloadInputFlags } from '../../payload-input.js';
import { addSingleOrBatchOptions, runBatch, singleExecutionOf, type SingleOrBatchFlags } from './batch.js';
import { examples } from '../../help.js';

interface SignalFlags extends SingleOrBatchFlags, PayloadInputFlags {
  name?: string;
  /** Hidden alias of `--name`, as temporal accepts it. */
  type?: string;
}

export function registerSignal(workflow: Command): void {
  const command = workflow
    .command('signal')
    .description('Send a signal to a workflow execution, or to every running one a query matches')
    .option('--name <signal>', 'signal name (required)')
    .addOption(new Option('--type <signal>', 'alias of --name').hideHelp())
    .addHelpText(
      'after',
      examples(
        'endure workflow signal -w order-42 --name approve -i \'"alice"\'',
        'endure workflow signal -q "WorkflowType = \'order\'" --name cancelAll --yes',
      ),
    );
  addSingleOrBatchOptions(command, 'signal');
  addClientOptions(addPayloadInputOptions(command, 'signal argument')).action(
    clientAction<SignalFlags>(async (ctx, flags) => {
      const name = flags.name ?? flags.type;
      if (name === undefined || name === '') throw usageError("required option '--name <signal>' not specified");
      const args = readInputValues(flags);
      const single = singleExecutionOf(flags);
      const client = await ctx.client();
      if (single !== undefined) {
        await client.workflow.getHandle(single.workflowId, single.runId).signal(name, ...args);
        ctx.printer.line('Signal workflow succeeded');
        return;
      }
      await runBatch(ctx, flags, {
        onlyRunning: true,
        apply: (execution) => client.workflow.getHandle(execution.workflowId, execution.runId).signal(name, ...args),
      });
    }),
  );
}
