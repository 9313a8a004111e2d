/**
 * `endure workflow stack`: asks a running workflow's worker where its code is waiting (the
 * built-in `__stack_trace` query) and prints the answer.
 */
import { Option, type Command } from 'commander';
import proto from '@temporalio/proto';
import { clientAction } from '../../command-context.js';
import { CliError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { enumShortName } from '../../output/format.js';
import { friendlyPayloadsJson } from '../../output/history-text.js';

const { QueryRejectCondition, WorkflowExecutionStatus } = proto.temporal.api.enums.v1;
const REJECT_CONDITIONS = {
  not_open: QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN,
  not_completed_cleanly: QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY,
} as const;
type RejectConditionName = keyof typeof REJECT_CONDITIONS;

interface StackFlags {
  workflowId: string;
  runId?: string;
  rejectCondition?: RejectConditionName;
}

export function registerStack(workflow: Command): void {
  const command = workflow
    .command('stack')
    .description('Show where a workflow execution is waiting: the stack trace its worker reports')
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .addOption(
      new Option('--reject-condition <condition>', 'refuse to query a closed run (not_open) or one that did not complete (not_completed_cleanly)').choices(
        Object.keys(REJECT_CONDITIONS),
      ),
    )
    .addHelpText(
      'after',
      ['', 'A worker must be running for the workflow: it answers the query.', '', 'Examples:', '  endure workflow stack -w order-42', '  endure workflow stack -w order-42 --reject-condition not_open', ''].join('\n'),
    );
  addClientOptions(command).action(
    clientAction<StackFlags>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const response = await connection.withAbortSignal(ctx.signal, () =>
        connection.workflowService.queryWorkflow({
          namespace: ctx.namespace,
          execution: { workflowId: flags.workflowId, runId: flags.runId ?? '' },
          query: { queryType: '__stack_trace' },
          queryRejectCondition: flags.rejectCondition === undefined ? undefined : REJECT_CONDITIONS[flags.rejectCondition],
        }),
      );
      if (response.queryRejected) {
        const status = enumShortName(WorkflowExecutionStatus, 'WORKFLOW_EXECUTION_STATUS_', response.queryRejected.status);
        throw new CliError(`query was rejected, workflow has status: ${status}`);
      }
      if (ctx.printer.isJson) {
        ctx.printer.proto('temporal.api.workflowservice.v1.QueryWorkflowResponse', response);
        return;
      }
      const result = friendlyPayloadsJson(ctx.printer, response.queryResult);
      ctx.printer.line(ctx.printer.style('magenta', 'Query result:'));
      // `temporal` shows the trace as a JSON string; its lines are easier to read as they are.
      ctx.printer.card([['QueryResult', typeof result === 'string' ? result.trimEnd() : JSON.stringify(result)]], '  ');
    }),
  );
}
