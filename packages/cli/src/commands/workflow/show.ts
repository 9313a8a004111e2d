/**
 * `endure workflow show`: a run's event history. Text output is `temporal`'s progress table
 * (or `--detailed` sections) followed by the run's result; with `--follow` new events are
 * printed as they happen until the run closes. JSON output is the History message
 * (`{"events": [...]}`) with payloads in full form, so SDK replayers can read it.
 */
import type { Command } from 'commander';
import proto from '@temporalio/proto';
import { toProtoJson } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { printEventDetails, printEventRow, printEventTableHeader, printResults } from '../../output/history-text.js';
import { isOutcomeEvent, readHistory, type HistoryEvent, type HistorySource } from './history-events.js';
import { examples } from '../../help.js';

const GrpcUnimplemented = 12;
/** Pages read backwards before giving up on a server that keeps sending next-page tokens. */
const REVERSE_PAGES_MAX = 100_000;

interface ShowFlags {
  workflowId: string;
  runId?: string;
  follow?: boolean;
  detailed?: boolean;
  reverse?: boolean;
}

export function registerShow(workflow: Command): void {
  const command = workflow
    .command('show')
    .description("Show a workflow execution's event history")
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .option('-f, --follow', 'keep printing new events until the run closes')
    .option('--detailed', 'text output: each event as a section with all its fields, instead of a table row')
    .option('--reverse', 'newest event first (cannot be combined with --follow)')
    .addHelpText(
      'after',
      examples(
        'endure workflow show -w order-42',
        'endure workflow show -w order-42 --follow',
        'endure workflow show -w order-42 -o json > history.json   # for an SDK replayer',
      ),
    );
  addClientOptions(command).action(
    clientAction<ShowFlags>(async (ctx, flags) => {
      if (flags.reverse === true && flags.follow === true) throw usageError('--reverse cannot be combined with --follow');
      const source: HistorySource = { connection: await ctx.connection(), namespace: ctx.namespace, signal: ctx.signal };
      const events = flags.reverse === true ? readReversed(source, flags) : readHistory(source, readOptions(ctx, flags));
      if (ctx.printer.isJson) {
        const all: HistoryEvent[] = [];
        for await (const event of events) all.push(event);
        // Full payloads whatever --no-json-shorthand-payloads says: replayers do not read the shorthand.
        ctx.printer.json(toProtoJson('temporal.api.history.v1.History', { events: all }, { shorthandPayloads: false }));
        return;
      }
      // The first page is read before anything is printed, so an unknown workflow is one error line.
      await printProgress(ctx, flags, await startedEarly(events));
    }),
  );
}

function readOptions(ctx: CommandContext, flags: ShowFlags): Parameters<typeof readHistory>[1] {
  return {
    workflowId: flags.workflowId,
    runId: flags.runId ?? '',
    follow: flags.follow === true,
    // As `temporal`: the table goes on into the runs a continue-as-new starts; sections and JSON stay in one run.
    followContinueAsNew: ctx.printer.isText && flags.detailed !== true,
  };
}

/** "Progress:", the events as they come, then the "Results:" card of the run's outcome. */
async function printProgress(ctx: CommandContext, flags: ShowFlags, events: AsyncIterable<HistoryEvent>): Promise<void> {
  const { printer, spinner } = ctx;
  const waiting = `waiting for new events of ${flags.workflowId}…`;
  printer.line(printer.style('magenta', 'Progress:'));
  if (flags.detailed !== true) printEventTableHeader(printer);
  let outcome: HistoryEvent | undefined;
  let first = true;
  if (flags.follow === true) spinner.start(waiting);
  for await (const event of events) {
    spinner.stop();
    if (flags.detailed === true) printEventDetails(printer, event, first);
    else printEventRow(printer, event);
    first = false;
    if (isOutcomeEvent(event.eventType)) outcome = event;
    if (flags.follow === true) spinner.start(waiting);
  }
  spinner.stop();
  printer.line();
  if (outcome !== undefined) printResults(printer, outcome);
}

/** `events` with its first item already asked for (so its errors surface now), unchanged otherwise. */
async function startedEarly(events: AsyncGenerator<HistoryEvent>): Promise<AsyncIterable<HistoryEvent>> {
  const first = await events.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done === true) return;
      yield first.value;
      yield* events;
    },
  };
}

/**
 * The events newest first, from GetWorkflowExecutionHistoryReverse; a server without that
 * call gets the history read forward and turned around.
 */
async function* readReversed(source: HistorySource, flags: ShowFlags): AsyncGenerator<HistoryEvent> {
  const { connection, namespace, signal } = source;
  let nextPageToken: Uint8Array | undefined;
  for (let pages = 0; pages < REVERSE_PAGES_MAX; pages++) {
    let response: proto.temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse;
    try {
      response = await connection.withAbortSignal(signal, () =>
        connection.workflowService.getWorkflowExecutionHistoryReverse({
          namespace,
          execution: { workflowId: flags.workflowId, runId: flags.runId ?? '' },
          nextPageToken,
        }),
      );
    } catch (err) {
      if (pages > 0 || (err as { code?: unknown }).code !== GrpcUnimplemented) throw err;
      const forward: HistoryEvent[] = [];
      for await (const event of readHistory(source, { workflowId: flags.workflowId, runId: flags.runId ?? '' })) forward.push(event);
      yield* forward.reverse();
      return;
    }
    yield* response.history?.events ?? [];
    if (!response.nextPageToken?.length) return;
    nextPageToken = response.nextPageToken;
  }
}
