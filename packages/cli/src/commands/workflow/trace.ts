/**
 * `endure workflow trace`: a workflow execution as a tree of what it did and does — its
 * activities, timers and child workflows (recursively, read from each child's own history),
 * each with a status icon, its duration and its failure — as `temporal workflow trace`
 * draws it. Children whose status is folded (completed, canceled and terminated by default)
 * are shown on one line without their subtree.
 *
 * On a terminal the tree is redrawn every second until the workflow closes (or Ctrl-C), as
 * `temporal` does; into a pipe or file it is printed once, as it is now.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, type Command } from 'commander';
import proto from '@temporalio/proto';
import { clientAction, type CommandContext } from '../../command-context.js';
import { usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { formatDuration } from '../../output/format.js';
import type { Printer } from '../../output/printer.js';
import { readHistory, type HistoryEvent, type HistorySource } from './history-events.js';
import { applyPendingActivities, buildRunNode, type ChildRef, type TraceNode, type WorkflowNode } from './trace-tree.js';

const { WorkflowExecutionStatus: Status } = proto.temporal.api.enums.v1;

const FOLD_NAMES: Record<string, number> = {
  running: Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
  completed: Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  failed: Status.WORKFLOW_EXECUTION_STATUS_FAILED,
  canceled: Status.WORKFLOW_EXECUTION_STATUS_CANCELED,
  terminated: Status.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  timedout: Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
  continueasnew: Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
};
const DEFAULT_FOLD = ['completed', 'canceled', 'terminated'];
/** Child histories read in all, whatever the tree's size: a bound on one command's work. */
const WORKFLOWS_MAX = 1000;
const CONCURRENCY_MAX = 100;
/** How often a live tree is redrawn, and how many times at most (a day's worth). */
const REFRESH_MS = 1000;
const REFRESHES_MAX = 86_400;

interface TraceFlags {
  workflowId: string;
  runId?: string;
  /** The `--fold` values, or false for `--no-fold`. */
  fold?: string[] | false;
  depth: number;
  concurrency: number;
}

export function registerTrace(workflow: Command): void {
  const command = workflow
    .command('trace')
    .description('Show a workflow execution as a tree of its activities, timers and child workflows, with their status')
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .option('--fold <status>', `fold children with this status (repeatable; ${Object.keys(FOLD_NAMES).join(', ')}; default: ${DEFAULT_FOLD.join(', ')})`, collectFold)
    .option('--no-fold', 'fold nothing: show every child within --depth')
    .option('--depth <n>', 'levels of children to read (-1: all)', parseDepth, -1)
    .option('--concurrency <n>', `child histories read at a time (1 to ${CONCURRENCY_MAX})`, parseConcurrency, 10)
    .addHelpText(
      'after',
      [
        '',
        'Icons: • scheduled  ▷ running  ✓ completed  » continued as new  ! failed  ⏱ timed out  x canceled or terminated  ⧖ timer',
        '',
        'Examples:',
        '  endure workflow trace -w order-42',
        '  endure workflow trace -w order-42 --no-fold --depth 2',
        '  endure workflow trace -w order-42 --fold completed --fold failed',
        '',
      ].join('\n'),
    );
  addClientOptions(command).action(
    clientAction<TraceFlags>(async (ctx, flags) => {
      if (ctx.printer.isJson) throw usageError('workflow trace has no JSON output (as temporal); use "workflow describe -o json" or "workflow show -o json"');
      // commander turns `--fold x` and `--no-fold` into one `fold` value: an array, or false.
      const noFold = flags.fold === false;
      const foldStatuses = new Set((Array.isArray(flags.fold) ? flags.fold : DEFAULT_FOLD).map((name) => FOLD_NAMES[name]!));
      const connection = await ctx.connection();
      const source: HistorySource = { connection, namespace: ctx.namespace, signal: ctx.signal };
      // Described first, as `temporal` does: an unknown workflow fails here, and the latest run gets its id.
      const description = await connection.withAbortSignal(ctx.signal, () =>
        connection.workflowService.describeWorkflowExecution({
          namespace: ctx.namespace,
          execution: { workflowId: flags.workflowId, runId: flags.runId ?? '' },
        }),
      );
      const ref = { workflowId: flags.workflowId, runId: description.workflowExecutionInfo?.execution?.runId ?? flags.runId ?? '' };
      const shouldFold = (node: WorkflowNode, depth: number): boolean => !noFold && depth >= 1 && foldStatuses.has(node.status);
      const load = async (): Promise<WorkflowNode> => {
        const root = await loadRun(source, ref);
        await expandChildren(source, root, { depthMax: flags.depth, concurrency: flags.concurrency, shouldFold });
        return root;
      };
      const root = await load();
      printSummary(ctx, root);
      ctx.printer.line(ctx.printer.style('magenta', 'Progress:'));
      const live = ctx.printer.isText && process.stdout.isTTY === true;
      await drawTree(ctx, root, live ? load : undefined, shouldFold);
      ctx.printer.line();
    }),
  );
}

/**
 * Prints the tree; with `reload`, redraws it in place every second while the workflow runs.
 * Ctrl-C or --command-timeout end the redrawing, leaving the last tree on the screen.
 */
async function drawTree(ctx: CommandContext, first: WorkflowNode, reload: (() => Promise<WorkflowNode>) | undefined, shouldFold: FoldRule): Promise<void> {
  let root = first;
  let drawn = 0;
  for (let round = 0; round < REFRESHES_MAX; round++) {
    const lines: string[] = [];
    renderTree(ctx.printer, root, 0, shouldFold, lines);
    // Back to the first line of the previous drawing, and clear everything below.
    if (drawn > 0) lines[0] = `\u001b[${drawn}F\u001b[J${lines[0] ?? ''}`;
    for (const line of lines) ctx.printer.line(line);
    drawn = lines.length;
    if (reload === undefined || (root.state !== 'running' && root.state !== 'cancelRequested')) return;
    try {
      await sleep(REFRESH_MS, undefined, { signal: ctx.signal });
      root = await reload();
    } catch (err) {
      if (ctx.signal.aborted) return;
      throw err;
    }
  }
}

type FoldRule = (node: WorkflowNode, depth: number) => boolean;

async function loadRun(source: HistorySource, child: ChildRef): Promise<WorkflowNode> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(source, { workflowId: child.workflowId, runId: child.runId })) events.push(event);
  const run = buildRunNode(child, events);
  if (run.state === 'running' && run.children.some((node) => node.kind === 'activity' && node.closeMs === undefined)) {
    const { connection, namespace, signal } = source;
    const description = await connection.withAbortSignal(signal, () =>
      connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: child.workflowId, runId: run.execution.runId } }),
    );
    applyPendingActivities(run, description.pendingActivities ?? []);
  }
  return run;
}

interface ExpandOptions {
  depthMax: number;
  concurrency: number;
  shouldFold: (node: WorkflowNode, depth: number) => boolean;
}

/**
 * Replaces each child workflow node within `depthMax` that is not folded by the node read
 * from its own history, level by level, `concurrency` histories at a time.
 */
async function expandChildren(source: HistorySource, root: WorkflowNode, options: ExpandOptions): Promise<void> {
  let level: { node: WorkflowNode; depth: number }[] = [{ node: root, depth: 0 }];
  let read = 1;
  while (level.length > 0) {
    const next: { parent: WorkflowNode; index: number; depth: number }[] = [];
    for (const { node, depth } of level) {
      if (options.shouldFold(node, depth) || (options.depthMax >= 0 && depth >= options.depthMax)) continue;
      node.children.forEach((child, index) => {
        if (child.kind === 'workflow' && child.execution.runId !== '') next.push({ parent: node, index, depth: depth + 1 });
      });
    }
    const wanted = next.slice(0, Math.max(0, WORKFLOWS_MAX - read));
    read += wanted.length;
    const loaded: { node: WorkflowNode; depth: number }[] = [];
    for (let i = 0; i < wanted.length; i += options.concurrency) {
      const batch = wanted.slice(i, i + options.concurrency);
      const nodes = await Promise.all(batch.map(({ parent, index }) => loadRun(source, (parent.children[index] as WorkflowNode).execution)));
      batch.forEach(({ parent, index, depth }, j) => {
        parent.children[index] = nodes[j]!;
        loaded.push({ node: nodes[j]!, depth });
      });
    }
    level = loaded;
  }
}

function printSummary(ctx: CommandContext, root: WorkflowNode): void {
  const { printer } = ctx;
  printer.line(printer.style('magenta', 'Execution summary:'));
  printer.card(
    [
      ['WorkflowId', root.execution.workflowId],
      ['RunId', root.execution.runId],
      ['Type', root.name],
      ['Namespace', ctx.namespace],
      ['TaskQueue', root.taskQueue],
    ],
    '  ',
  );
  printer.line();
}

/** The lines of `node` and, unless folded, of what it started, depth-first. */
function renderTree(printer: Printer, node: TraceNode, depth: number, shouldFold: FoldRule, lines: string[]): void {
  const faint = (text: string): string => printer.style('dim', text);
  const indent = (levels: number): string => faint(' │  '.repeat(levels));
  const extras = node.startMs === undefined ? '' : faint(`(${durationText(node)}${node.attempt > 1 ? `, ${node.attempt} attempts` : ''})`);
  const icon = statusIcon(printer, node);
  const glyph = node.kind === 'workflow' ? '╪' : '┼';
  lines.push(`${indent(depth)} ${faint(glyph)} ${icon} ${node.name} ${extras}`.trimEnd());
  const inner = indent(depth + 1);
  if (node.kind === 'workflow') {
    lines.push(`${inner} ${faint('wfId:')} ${printer.style('blue', node.execution.workflowId)}${faint(', runId:')} ${printer.style('blue', node.execution.runId)}`);
  }
  if (node.failure !== undefined) {
    const [first, ...rest] = node.failure.split('\n');
    lines.push(`${inner} ${printer.style('red', 'Failure:')} ${faint(first ?? '')}`);
    for (const line of rest) lines.push(`${inner}     ${faint(line)}`);
  }
  if (node.retryState !== undefined) lines.push(`${inner} ${printer.style('red', 'Retry state:')} ${faint(node.retryState)}`);
  if (node.kind !== 'workflow') return;
  if (node.terminationReason) lines.push(`${inner} ${printer.style('yellow', 'Termination reason:')} ${faint(node.terminationReason)}`);
  if (shouldFold(node, depth)) {
    lines.push(`${inner} ${faint('↳ execution folded')}`);
    return;
  }
  for (const child of node.children) renderTree(printer, child, depth + 1, shouldFold, lines);
}

function statusIcon(printer: Printer, node: TraceNode): string {
  const icons: Record<TraceNode['state'], [string, 'blue' | 'green' | 'red' | 'yellow' | 'reset']> = {
    scheduled: ['•', 'reset'],
    running: ['▷', 'blue'],
    completed: ['✓', 'green'],
    continuedAsNew: ['»', 'green'],
    failed: ['!', 'red'],
    timedOut: ['⏱', 'red'],
    canceled: ['x', 'yellow'],
    terminated: ['x', 'red'],
    cancelRequested: ['▷', 'yellow'],
    timerWaiting: ['⧖', 'blue'],
    timerFired: ['⧖', 'green'],
    timerCanceled: ['⧖', 'yellow'],
  };
  const [icon, style] = icons[node.state];
  return printer.style(style, icon);
}

/** How long it took (`1.5s`, `2m3s`), or for what is still open how long ago it started (`5s ago`). */
function durationText(node: TraceNode): string {
  if (node.closeMs === undefined) return `${roundedDuration(Date.now() - node.startMs!)} ago`;
  return roundedDuration(node.closeMs - node.startMs!);
}

/** Rounded as `temporal` does: to the millisecond under a second, the second under an hour, the minute under a day, then days. */
function roundedDuration(ms: number): string {
  const roundedTo = (unitMs: number): string => formatDuration(Math.round(ms / unitMs) * unitMs);
  if (ms < 1000) return roundedTo(1);
  if (ms < 3_600_000) return roundedTo(1000);
  if (ms < 86_400_000) return roundedTo(60_000);
  const days = Math.floor(ms / 86_400_000);
  // Over a week `temporal` prints the weeks and then all the days (`2w14d`); kept as it is.
  if (ms < 7 * 86_400_000) return `${days}d${Math.floor((ms % 86_400_000) / 3_600_000)}h`;
  return `${Math.floor(days / 7)}w${days}d`;
}

function collectFold(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!(name in FOLD_NAMES)) throw new InvalidArgumentError(`Expected one of ${Object.keys(FOLD_NAMES).join(', ')}.`);
  }
  return [...(previous ?? []), ...names];
}

function parseDepth(value: string): number {
  if (!/^-?\d+$/.test(value) || Number(value) < -1) throw new InvalidArgumentError('Expected -1 (all levels) or a whole number.');
  return Number(value);
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > CONCURRENCY_MAX) throw new InvalidArgumentError(`Expected a whole number from 1 to ${CONCURRENCY_MAX}.`);
  return n;
}
