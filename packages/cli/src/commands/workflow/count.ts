/** `endure workflow count`: how many executions match a visibility query, optionally grouped. */
import type { Command } from 'commander';
import { defaultPayloadConverter } from '@endure/common';
import { clientAction } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { examples } from '../../help.js';

interface CountFlags {
  query?: string;
}

export function registerCount(workflow: Command): void {
  const command = workflow
    .command('count')
    .description('Count workflow executions, all or those matching a query')
    .option('-q, --query <query>', 'visibility query, e.g. "WorkflowType = \'order\' GROUP BY ExecutionStatus"')
    .addHelpText(
      'after',
      examples(
        'endure workflow count',
        'endure workflow count -q "ExecutionStatus = \'Running\'"',
        'endure workflow count -q "GROUP BY ExecutionStatus" -o json',
      ),
    );
  addClientOptions(command).action(
    clientAction<CountFlags>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const response = await connection.workflowService.countWorkflowExecutions({
        namespace: ctx.namespace,
        query: flags.query ?? '',
      });
      // As `temporal`: group values lose their search attribute `type` stamp, so JSON shows
      // them in shorthand ("Running") and text as plain values.
      for (const group of response.groups ?? []) {
        for (const payload of group.groupValues ?? []) delete payload.metadata?.['type'];
      }
      if (ctx.printer.isJson) {
        ctx.printer.proto('temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse', response);
        return;
      }
      ctx.printer.line(`Total: ${String(response.count ?? 0)}`);
      for (const group of response.groups ?? []) {
        const values = (group.groupValues ?? []).map((payload) => String(defaultPayloadConverter.fromPayload(payload)));
        ctx.printer.line(`Group total: ${String(group.count ?? 0)}, values: ${values.join(', ')}`);
      }
    }),
  );
}
