/** `endure workflow query`: ask a workflow (running or closed) a query and print the answer. */
import { Option, type Command } from 'commander';
import { defaultPayloadConverter } from '@endure/common';
import { clientAction } from '../../command-context.js';
import { CliError, usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { friendlyPayloadsJson } from '../../output/history-text.js';
import { addPayloadInputOptions, readInputValues, type PayloadInputFlags } from '../../payload-input.js';
import { examples } from '../../help.js';

interface QueryFlags extends PayloadInputFlags {
  workflowId: string;
  runId?: string;
  name?: string;
  /** Hidden alias of `--name`, as temporal accepts it. */
  type?: string;
  rejectCondition?: keyof typeof REJECT_CONDITIONS;
}

/** `--reject-condition` values → QueryRejectCondition numbers of the API. */
const REJECT_CONDITIONS = { not_open: 2, not_completed_cleanly: 3 } as const;

export function registerQuery(workflow: Command): void {
  const command = workflow
    .command('query')
    .description('Send a query to a workflow execution and print its answer')
    .requiredOption('-w, --workflow-id <id>', 'workflow ID')
    .option('-r, --run-id <id>', 'run ID (default: the latest run)')
    .option('--name <query>', 'query name (required)')
    .addOption(new Option('--type <query>', 'alias of --name').hideHelp())
    .addOption(
      new Option('--reject-condition <condition>', 'refuse the query when the workflow is not open, or did not complete cleanly').choices(
        Object.keys(REJECT_CONDITIONS),
      ),
    )
    .addHelpText(
      'after',
      examples(
        'endure workflow query -w order-42 --name status',
        'endure workflow query -w order-42 --name itemsAbove -i 10 --reject-condition not_open -o json',
      ),
    );
  addClientOptions(addPayloadInputOptions(command, 'query argument')).action(
    clientAction<QueryFlags>(async (ctx, flags) => {
      const name = flags.name ?? flags.type;
      if (name === undefined || name === '') throw usageError("required option '--name <query>' not specified");
      const args = readInputValues(flags);
      // The raw call: the client's handle.query answers the decoded value, and temporal prints the whole response in JSON.
      const connection = await ctx.connection();
      const response = await connection.workflowService.queryWorkflow({
        namespace: ctx.namespace,
        execution: { workflowId: flags.workflowId, runId: flags.runId ?? '' },
        query: { queryType: name, queryArgs: { payloads: args.map((arg) => defaultPayloadConverter.toPayload(arg)) } },
        queryRejectCondition: flags.rejectCondition === undefined ? 0 : REJECT_CONDITIONS[flags.rejectCondition],
      });
      if (response.queryRejected) {
        throw new CliError(`query was rejected, workflow has status: ${statusName(response.queryRejected.status)}`);
      }
      if (ctx.printer.isJson) {
        ctx.printer.proto('temporal.api.workflowservice.v1.QueryWorkflowResponse', response);
        return;
      }
      ctx.printer.line(ctx.printer.style('magenta', 'Query result:'));
      ctx.printer.card([['QueryResult', JSON.stringify(friendlyPayloadsJson(ctx.printer, response.queryResult))]], '  ');
    }),
  );
}

const STATUS_NAMES = ['Unspecified', 'Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'];

function statusName(status: number | null | undefined): string {
  return STATUS_NAMES[status ?? 0] ?? String(status);
}
