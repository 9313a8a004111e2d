/**
 * `endure workflow describe`: one run's execution info, what it waits on (pending activities
 * and children) while it runs, and its result or failure once closed. JSON output is the
 * DescribeWorkflowExecutionResponse with, for a closed run, its `closeEvent` (and `result`
 * when it completed), as `temporal` prints it.
 */
import type { Command } from 'commander';
import proto from '@temporalio/proto';
import { clientAction, type CommandContext } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { enumShortName, toEpochMs } from '../../output/format.js';
import { failureText, friendlyPayloadsJson, printResults } from '../../output/history-text.js';
import type { Printer } from '../../output/printer.js';
import { readCloseEvent, type HistoryEvent } from './history-events.js';
import { examples } from '../../help.js';

type DescribeResponse = proto.temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;
type Payload = proto.temporal.api.common.v1.IPayload;

const RESPONSE_TYPE = 'temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse';
const { WorkflowExecutionStatus, PendingActivityState, ParentClosePolicy } = proto.temporal.api.enums.v1;
const INDENT = '  ';

interface DescribeFlags {
  workflowId: string;
  runId?: string;
  resetPoints?: boolean;
  raw?: boolean;
}

export function registerDescribe(workflow: Command): void {
  const command = workflow
    .command('describe')
    .description('Show a workflow execution: its info, pending work while it runs, its result once closed')
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .option('--reset-points', 'show only the auto-reset points of the run')
    .option('--raw', 'text output: print the server response as it is (JSON), without formatting')
    .addHelpText(
      'after',
      examples(
        'endure workflow describe -w order-42',
        'endure workflow describe -w order-42 -r 0b9c… -o json',
        'endure workflow describe -w order-42 --reset-points',
      ),
    );
  addClientOptions(command).action(
    clientAction<DescribeFlags>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const response = await connection.withAbortSignal(ctx.signal, () =>
        connection.workflowService.describeWorkflowExecution({
          namespace: ctx.namespace,
          execution: { workflowId: flags.workflowId, runId: flags.runId ?? '' },
        }),
      );
      if (flags.resetPoints === true) {
        printResetPoints(ctx.printer, response);
        return;
      }
      const info = response.workflowExecutionInfo;
      const running = info?.status === WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
      // Asked only for a closed run: a run that closes between the two calls keeps its describe as it was.
      const closeEvent = running
        ? undefined
        : await readCloseEvent(
            { connection, namespace: ctx.namespace, signal: ctx.signal },
            { workflowId: info?.execution?.workflowId ?? flags.workflowId, runId: info?.execution?.runId ?? '', wait: false, followContinueAsNew: false },
          );
      if (ctx.printer.isJson) {
        ctx.printer.json(describeJson(ctx.printer, response, closeEvent));
      } else if (flags.raw === true) {
        ctx.printer.line(JSON.stringify(ctx.printer.protoJson(RESPONSE_TYPE, response), null, 2));
      } else {
        printDescription(ctx, response, running, closeEvent);
      }
    }),
  );
}

/** The response in Temporal's JSON, with `closeEvent` and `result` added for a closed run. */
function describeJson(printer: Printer, response: DescribeResponse, closeEvent: HistoryEvent | undefined): unknown {
  const json = printer.protoJson(RESPONSE_TYPE, response) as Record<string, unknown>;
  if (closeEvent === undefined) return json;
  json['closeEvent'] = printer.protoJson('temporal.api.history.v1.HistoryEvent', closeEvent);
  const completed = closeEvent.workflowExecutionCompletedEventAttributes;
  if (completed) json['result'] = friendlyPayloadsJson(printer, completed.result);
  return json;
}

function printDescription(ctx: CommandContext, response: DescribeResponse, running: boolean, closeEvent: HistoryEvent | undefined): void {
  const { printer } = ctx;
  const info = response.workflowExecutionInfo ?? {};
  printer.line(printer.style('magenta', 'Execution Info:'));
  printer.card(
    [
      ['WorkflowId', info.execution?.workflowId ?? ''],
      ['RunId', info.execution?.runId ?? ''],
      ['Type', info.type?.name ?? ''],
      ['Namespace', ctx.namespace],
      ['TaskQueue', info.taskQueue ?? ''],
      ['AssignedBuildId', info.assignedBuildId ?? ''],
      ['StartTime', printer.time(info.startTime)],
      ['CloseTime', printer.time(info.closeTime)],
      ['ExecutionTime', printer.time(info.executionTime)],
      ['Memo', payloadMapText(printer, info.memo?.fields)],
      ['SearchAttributes', payloadMapText(printer, info.searchAttributes?.indexedFields)],
      ['StateTransitionCount', String(info.stateTransitionCount ?? 0)],
      ['HistoryLength', String(info.historyLength ?? 0)],
      ['HistorySize', String(info.historySizeBytes ?? 0)],
      ['ParentWorkflowId', info.parentExecution?.workflowId ?? ''],
      ['ParentRunId', info.parentExecution?.runId ?? ''],
      ['RootWorkflowId', info.rootExecution?.workflowId ?? ''],
      ['RootRunId', info.rootExecution?.runId ?? ''],
    ],
    INDENT,
  );
  printExtendedInfo(printer, response);
  const metadata = response.executionConfig?.userMetadata;
  if (metadata?.summary?.data?.length || metadata?.details?.data?.length) {
    printer.line();
    printer.line(printer.style('magenta', 'Metadata:'));
    printer.card(
      [
        ['StaticSummary', payloadText(printer, metadata.summary)],
        ['StaticDetails', payloadText(printer, metadata.details)],
      ],
      INDENT,
    );
  }
  if (running) {
    printPendingActivities(printer, response);
    printPendingChildren(printer, response);
    printer.line(printer.style('magenta', `Pending Nexus Operations: ${response.pendingNexusOperations?.length ?? 0}`));
  } else if (closeEvent !== undefined) {
    printer.line();
    const start = toEpochMs(info.startTime);
    const close = toEpochMs(info.closeTime);
    printResults(printer, closeEvent, start !== undefined && close !== undefined ? close - start : undefined);
  }
}

function printExtendedInfo(printer: Printer, response: DescribeResponse): void {
  const extended = response.workflowExtendedInfo;
  if (!extended) return;
  printer.line(printer.style('magenta', 'Extended Execution Info:'));
  printer.card(
    [
      ['CancelRequested', String(extended.cancelRequested ?? false)],
      ['ExecutionExpirationTime', printer.time(extended.executionExpirationTime)],
      ['RunExpirationTime', printer.time(extended.runExpirationTime)],
      ['LastResetTime', printer.time(extended.lastResetTime)],
      ['OriginalStartTime', printer.time(extended.originalStartTime)],
    ],
    INDENT,
  );
}

function printPendingActivities(printer: Printer, response: DescribeResponse): void {
  const activities = response.pendingActivities ?? [];
  printer.line();
  printer.line(printer.style('magenta', `Pending Activities: ${activities.length}`));
  if (activities.length === 0) return;
  for (const activity of activities) {
    printer.line();
    printActivityCard(printer, activity);
  }
  printer.line();
}

function printActivityCard(printer: Printer, activity: proto.temporal.api.workflow.v1.IPendingActivityInfo): void {
  const heartbeat = activity.heartbeatDetails?.payloads ?? [];
  printer.card(
    [
      ['ActivityId', activity.activityId ?? ''],
      ['Type', activity.activityType?.name ?? ''],
      ['State', enumShortName(PendingActivityState, 'PENDING_ACTIVITY_STATE_', activity.state)],
      ['Attempt', String(activity.attempt ?? 0)],
      ['MaximumAttempts', String(activity.maximumAttempts ?? 0)],
      ['ScheduledTime', printer.time(activity.scheduledTime)],
      ['LastStartedTime', printer.time(activity.lastStartedTime)],
      ['LastHeartbeatTime', printer.time(activity.lastHeartbeatTime)],
      ['ExpirationTime', printer.time(activity.expirationTime)],
      ['LastFailure', activity.lastFailure ? failureText(activity.lastFailure) : ''],
      ['LastWorkerIdentity', activity.lastWorkerIdentity ?? ''],
      ['LastHeartbeatDetails', heartbeat.length > 0 ? `[${heartbeat.map((p) => payloadText(printer, p)).join(', ')}]` : ''],
    ],
    INDENT,
  );
}

function printPendingChildren(printer: Printer, response: DescribeResponse): void {
  const children = response.pendingChildren ?? [];
  printer.line(printer.style('magenta', `Pending Child Workflows: ${children.length}`));
  if (children.length === 0) return;
  for (const child of children) {
    printer.line();
    printer.card(
      [
        ['WorkflowId', child.workflowId ?? ''],
        ['RunId', child.runId ?? ''],
        ['WorkflowTypeName', child.workflowTypeName ?? ''],
        ['InitiatedId', String(child.initiatedId ?? 0)],
        ['ParentClosePolicy', enumShortName(ParentClosePolicy, 'PARENT_CLOSE_POLICY_', child.parentClosePolicy)],
      ],
      INDENT,
    );
  }
  printer.line();
}

/** `--reset-points`: the run's auto-reset points, as cards (text) or `temporal`'s JSON array. */
function printResetPoints(printer: Printer, response: DescribeResponse): void {
  const points = response.workflowExecutionInfo?.autoResetPoints?.points ?? [];
  if (printer.isJson) {
    printer.json(
      points.map((point) => ({
        BinaryChecksum: point.binaryChecksum ?? '',
        CreateTime: new Date(toEpochMs(point.createTime) ?? Date.parse('0001-01-01T00:00:00Z')).toISOString(),
        RunId: point.runId ?? '',
        EventId: Number(point.firstWorkflowTaskCompletedId ?? 0),
      })),
    );
    return;
  }
  printer.line(printer.style('magenta', `Auto Reset Points: ${points.length}`));
  points.forEach((point, i) => {
    if (i > 0) printer.line();
    printer.card(
      [
        ['BinaryChecksum', point.binaryChecksum ?? ''],
        ['CreateTime', printer.time(point.createTime)],
        ['RunId', point.runId ?? ''],
        ['EventId', String(point.firstWorkflowTaskCompletedId ?? 0)],
      ],
      INDENT,
    );
  });
}

/** A payload as compact JSON (a plain value in shorthand). */
function payloadText(printer: Printer, payload: Payload | null | undefined): string {
  return payload ? JSON.stringify(printer.protoJson('temporal.api.common.v1.Payload', payload)) : '';
}

/** Memo fields or search attributes as one compact JSON object; `''` when there are none. */
function payloadMapText(printer: Printer, fields: Record<string, Payload> | null | undefined): string {
  const entries = Object.entries(fields ?? {});
  if (entries.length === 0) return '';
  const json = Object.fromEntries(entries.map(([key, payload]) => [key, printer.protoJson('temporal.api.common.v1.Payload', payload)]));
  return JSON.stringify(json);
}
