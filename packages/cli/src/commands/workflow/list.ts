/**
 * `endure workflow list`: the executions matching a visibility query, page by page as the
 * server sends them (text rows and JSON lines are printed as each page arrives), up to
 * `--limit`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import proto from '@temporalio/proto';
import { clientAction, type CommandContext } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { enumShortName } from '../../output/format.js';
import type { Column } from '../../output/printer.js';
import { examples } from '../../help.js';

type ExecutionInfo = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;

const INFO_TYPE = 'temporal.api.workflow.v1.WorkflowExecutionInfo';
const { WorkflowExecutionStatus } = proto.temporal.api.enums.v1;
/** The largest page asked for; the server may cap it lower. */
const PAGE_SIZE_MAX = 1000;
/** Pages followed before giving up on a server that keeps sending next-page tokens. */
const PAGES_MAX = 1_000_000;

interface ListFlags {
  query?: string;
  archived?: boolean;
  limit?: number;
  pageSize?: number;
}

export function registerList(workflow: Command): void {
  const command = workflow
    .command('list')
    .description('List workflow executions, all or those matching a query, newest first')
    .option('-q, --query <query>', 'visibility query, e.g. "WorkflowType = \'order\' AND ExecutionStatus = \'Running\'"')
    .option('--archived', 'list archived executions instead (Endure has no archival: the server refuses)')
    .option('--limit <count>', 'show at most this many executions (0: all)', parseCount)
    .option('--page-size <count>', `executions fetched per request (0: the server's default; at most ${PAGE_SIZE_MAX})`, parseCount)
    .addHelpText(
      'after',
      examples(
        'endure workflow list',
        'endure workflow list -q "ExecutionStatus = \'Running\'" --limit 20',
        'endure workflow list -q "WorkflowType = \'order\'" -o jsonl',
      ),
    );
  addClientOptions(command).action(
    clientAction<ListFlags>(async (ctx, flags) => {
      const limit = flags.limit ?? 0;
      const collected: ExecutionInfo[] = [];
      let shown = 0;
      for await (const page of listPages(ctx, flags)) {
        const executions = limit > 0 ? page.slice(0, limit - shown) : page;
        shown += executions.length;
        if (ctx.printer.output === 'json') collected.push(...executions);
        else if (ctx.printer.output === 'jsonl') for (const info of executions) ctx.printer.proto(INFO_TYPE, info);
        else printRows(ctx, executions, shown === executions.length);
        if (limit > 0 && shown >= limit) break;
      }
      if (ctx.printer.output === 'json') ctx.printer.protoList(INFO_TYPE, collected);
    }),
  );
}

/** Pages of executions from ListWorkflowExecutions (or ListArchivedWorkflowExecutions). */
async function* listPages(ctx: CommandContext, flags: ListFlags): AsyncGenerator<ExecutionInfo[]> {
  const connection = await ctx.connection();
  const limit = flags.limit ?? 0;
  let pageSize = Math.min(flags.pageSize ?? 0, PAGE_SIZE_MAX);
  if (limit > 0 && (pageSize === 0 || limit < pageSize)) pageSize = Math.min(limit, PAGE_SIZE_MAX);
  let nextPageToken: Uint8Array | undefined;
  for (let pages = 0; pages < PAGES_MAX; pages++) {
    const request = { namespace: ctx.namespace, query: flags.query ?? '', pageSize, nextPageToken };
    const response = await connection.withAbortSignal(ctx.signal, () =>
      flags.archived === true
        ? connection.workflowService.listArchivedWorkflowExecutions(request)
        : connection.workflowService.listWorkflowExecutions(request),
    );
    yield response.executions ?? [];
    if (!response.nextPageToken?.length) return;
    nextPageToken = response.nextPageToken;
  }
}

/**
 * One page as rows of `temporal`'s table (Status, WorkflowId, Type, StartTime): each page
 * sizes its own columns, and only the first page has the header.
 */
function printRows(ctx: CommandContext, executions: ExecutionInfo[], firstPage: boolean): void {
  if (executions.length === 0) return;
  const { printer } = ctx;
  const columns: Column<ExecutionInfo>[] = [
    { header: 'Status', value: (info) => enumShortName(WorkflowExecutionStatus, 'WORKFLOW_EXECUTION_STATUS_', info.status) },
    { header: 'WorkflowId', value: (info) => info.execution?.workflowId ?? '' },
    { header: 'Type', value: (info) => info.type?.name ?? '' },
    { header: 'StartTime', value: (info) => printer.time(info.startTime) },
  ];
  printer.table(columns, executions, { header: firstPage });
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a whole number (0 for no limit).');
  return Number(value);
}
