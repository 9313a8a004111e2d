/**
 * `endure task-queue describe`, as `temporal task-queue describe`: the workers polling a
 * task queue and its backlog, for workflow and activity tasks. `-o json` prints the object
 * `temporal` prints (`reachability`, `pollers`, `stats` rows, each tagged with build id
 * `UNVERSIONED` and its task queue type).
 *
 * It asks DescribeTaskQueue once per task queue type, with stats and the legacy status
 * (older servers answer only the latter). Left out: the worker-versioning flags
 * (`--select-build-id`, `--select-unversioned`, `--select-all-active`,
 * `--report-reachability`), `--legacy-mode` and its `--task-queue-type-legacy` and
 * `--partitions-legacy`, `--report-config`, and the `nexus` type: Endure has no worker
 * versioning, partitions, rate limit configuration or Nexus.
 */
import { Option, type Command } from 'commander';
import { clientAction } from '../command-context.js';
import { addClientOptions } from '../global-options.js';
import { durationMs } from '../output/format.js';
import { examples } from '../help.js';
import { collectChoice } from '../parsers.js';

const WS = 'temporal.api.workflowservice.v1';
const TASK_QUEUE_TYPES = ['workflow', 'activity'] as const;
type TaskQueueTypeName = (typeof TASK_QUEUE_TYPES)[number];
const TASK_QUEUE_TYPE_CODES: Record<TaskQueueTypeName, number> = { workflow: 1, activity: 2 };
const UNVERSIONED = 'UNVERSIONED';

interface DescribeFlags {
  taskQueue: string;
  taskQueueType?: TaskQueueTypeName[];
  disableStats?: boolean;
}

interface PollerRow {
  buildId: string;
  taskQueueType: string;
  identity: string;
  lastAccessTime: string;
  ratePerSecond: number;
}

interface StatsRow {
  buildId: string;
  taskQueueType: string;
  approximateBacklogCount: number;
  approximateBacklogAge: string;
  backlogIncreaseRate: number;
  tasksAddRate: number;
  tasksDispatchRate: number;
}

export function registerTaskQueueCommands(program: Command): void {
  const taskQueue = program
    .command('task-queue')
    .description('Inspect task queues: the workers polling them and their backlog')
    .addHelpText('after', '\nExamples:\n  endure task-queue describe -t orders\n');
  const describe = taskQueue
    .command('describe')
    .description('Show the workers that recently polled a task queue, and its backlog')
    .addOption(new Option('-t, --task-queue <name>', 'task queue name').makeOptionMandatory())
    .addOption(
      new Option('--task-queue-type <type>', `task queue type to report: ${TASK_QUEUE_TYPES.join(' or ')} (repeatable; default: all)`).argParser(collectChoice(TASK_QUEUE_TYPES)),
    )
    .option('--disable-stats', 'leave out the backlog statistics')
    .addHelpText(
      'after',
      examples(
        'endure task-queue describe -t orders',
        'endure task-queue describe -t orders --task-queue-type activity',
        'endure task-queue describe -t orders -o json',
      ),
    );
  addClientOptions(describe).action(
    clientAction<DescribeFlags>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const types = [...new Set(flags.taskQueueType ?? TASK_QUEUE_TYPES)];
      const pollers: PollerRow[] = [];
      const stats: StatsRow[] = [];
      for (const type of types) {
        const response = await connection.workflowService.describeTaskQueue({
          namespace: ctx.namespace,
          taskQueue: { name: flags.taskQueue, kind: 1 },
          taskQueueType: TASK_QUEUE_TYPE_CODES[type],
          includeTaskQueueStatus: true,
          reportStats: flags.disableStats !== true,
        });
        const json = ctx.printer.protoJson(`${WS}.DescribeTaskQueueResponse`, response) as {
          pollers?: { identity?: string; lastAccessTime?: string; ratePerSecond?: number }[];
        };
        for (const poller of json.pollers ?? []) {
          pollers.push({
            buildId: UNVERSIONED,
            taskQueueType: type,
            identity: poller.identity ?? '',
            lastAccessTime: poller.lastAccessTime ?? '',
            ratePerSecond: poller.ratePerSecond ?? 0,
          });
        }
        if (flags.disableStats !== true) {
          const s = response.stats;
          const addRate = s?.tasksAddRate ?? 0;
          const dispatchRate = s?.tasksDispatchRate ?? 0;
          stats.push({
            buildId: UNVERSIONED,
            taskQueueType: type,
            approximateBacklogCount: Number(s?.approximateBacklogCount ?? response.taskQueueStatus?.backlogCountHint ?? 0),
            approximateBacklogAge: formatAge(durationMs(s?.approximateBacklogAge) ?? 0),
            backlogIncreaseRate: addRate - dispatchRate,
            tasksAddRate: addRate,
            tasksDispatchRate: dispatchRate,
          });
        }
      }
      if (ctx.printer.isJson) {
        // As `temporal`: rows it did not gather are null.
        ctx.printer.json({ reachability: null, pollers: pollers.length > 0 ? pollers : null, stats: stats.length > 0 ? stats : null });
        return;
      }
      const heading = (text: string) => ctx.printer.line(ctx.printer.style('magenta', text));
      if (flags.disableStats !== true) {
        heading('Task Queue Statistics:');
        ctx.printer.table(
          [
            { header: 'BuildID', value: (r: StatsRow) => r.buildId },
            { header: 'TaskQueueType', value: (r) => r.taskQueueType },
            { header: 'ApproximateBacklogCount', value: (r) => String(r.approximateBacklogCount), alignRight: true },
            { header: 'ApproximateBacklogAge', value: (r) => r.approximateBacklogAge },
            { header: 'BacklogIncreaseRate', value: (r) => String(r.backlogIncreaseRate), alignRight: true },
            { header: 'TasksAddRate', value: (r) => String(r.tasksAddRate), alignRight: true },
            { header: 'TasksDispatchRate', value: (r) => String(r.tasksDispatchRate), alignRight: true },
          ],
          stats,
        );
      }
      heading('Pollers:');
      ctx.printer.table(
        [
          { header: 'BuildID', value: (r: PollerRow) => r.buildId },
          { header: 'TaskQueueType', value: (r) => r.taskQueueType },
          { header: 'Identity', value: (r) => r.identity },
          { header: 'LastAccessTime', value: (r) => ctx.printer.time(r.lastAccessTime === '' ? undefined : Date.parse(r.lastAccessTime)) },
          { header: 'RatePerSecond', value: (r) => String(r.ratePerSecond), alignRight: true },
        ],
        pollers,
      );
    }),
  );
}

/** `temporal`'s age format: Go's duration with days and a space between units, e.g. `1d 2h 3m 4s`. */
function formatAge(ms: number): string {
  let seconds = Math.floor(ms / 1000);
  if (seconds === 0) return ms === 0 ? '0s' : `${ms}ms`;
  const parts: string[] = [];
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (days > 0) parts.push(`${days}d`);
  if (days > 0 || hours > 0) parts.push(`${hours}h`);
  if (days > 0 || hours > 0 || minutes > 0) parts.push(`${minutes}m`);
  parts.push(`${seconds}s`);
  return parts.join(' ');
}
