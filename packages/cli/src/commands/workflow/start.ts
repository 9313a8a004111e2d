/** `endure workflow start`: start a workflow execution and print its IDs, without waiting for it. */
import type { Command } from 'commander';
import { clientAction } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { addStartOptions, printRunningExecution, startWorkflow, type StartFlags } from './start-options.js';
import { examples } from '../../help.js';

export function registerStart(workflow: Command): void {
  const command = workflow
    .command('start')
    .description('Start a workflow execution and print its workflow and run IDs')
    .addHelpText(
      'after',
      examples(
        'endure workflow start --type orderWorkflow -t orders -w order-42 -i \'{"item": "book"}\'',
        'endure workflow start --type report -t reports --search-attribute \'CustomKeywordField="gold"\' --memo \'owner="ops"\'',
        'endure workflow start --type nightly -t batch --start-delay 1h -o json',
      ),
    );
  addClientOptions(addStartOptions(command)).action(
    clientAction<StartFlags>(async (ctx, flags) => {
      const run = await startWorkflow(await ctx.client(), flags);
      printRunningExecution(ctx, flags, run, true);
    }),
  );
}
