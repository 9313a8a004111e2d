/** The facts about a run: ids, type, queue, times, size, family links, then input/result and attributes. */
import { Card, Field, Time } from '../../components/common';
import { durationMs, formatDurationMs, formatElapsed } from '../../format';
import { AttributesCard } from './attributes-card';
import { InputResult } from './input-result';
import { taskQueuePath, workflowPath } from './links';
import { eventAttributes, useRunEnds } from './run-ends';
import { RUNNING, type DescribeWorkflowExecutionResponse, type WorkflowExecution } from './workflow-types';

/** `1234567` bytes as `1.2 MB`. */
function formatBytes(text: string | undefined): string {
  const bytes = Number(text ?? 0);
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function RunLink({ namespace, execution }: { namespace: string; execution: WorkflowExecution }) {
  if (!execution.workflowId || !execution.runId) return <span class="muted">—</span>;
  return (
    <a class="mono" href={workflowPath(namespace, execution.workflowId, execution.runId)}>
      {execution.workflowId} / {execution.runId}
    </a>
  );
}

export function Summary({ namespace, describe }: { namespace: string; describe: DescribeWorkflowExecutionResponse }) {
  const info = describe.workflowExecutionInfo ?? {};
  const workflowId = info.execution?.workflowId ?? '';
  const runId = info.execution?.runId ?? '';
  const running = info.status === RUNNING;
  const ends = useRunEnds(namespace, workflowId, runId, !running);
  const continuedFrom = eventAttributes<{ continuedExecutionRunId?: string }>(ends.first.data)?.continuedExecutionRunId;
  const continuedAs = eventAttributes<{ newExecutionRunId?: string }>(ends.close.data)?.newExecutionRunId;
  const taskQueue = info.taskQueue || describe.executionConfig?.taskQueue?.name || '';
  const duration = durationMs(info.executionDuration);

  return (
    <>
      <Card title="Summary">
        <dl>
          <Field label="Workflow ID">
            <span class="mono">{workflowId}</span>
          </Field>
          <Field label="Run ID">
            <span class="mono">{runId}</span>
          </Field>
          <Field label="Type">{info.type?.name}</Field>
          <Field label="Task queue">
            {taskQueue ? <a href={taskQueuePath(namespace, taskQueue)}>{taskQueue}</a> : <span class="muted">—</span>}
          </Field>
          <Field label="Start time">
            <Time value={info.startTime} />
          </Field>
          <Field label="Execution time">
            <Time value={info.executionTime} />
          </Field>
          <Field label="Close time">
            <Time value={info.closeTime} />
          </Field>
          <Field label="Duration">
            {duration !== undefined ? formatDurationMs(duration) : formatElapsed(info.startTime, info.closeTime)}
            {running && <span class="muted"> (running)</span>}
          </Field>
          <Field label="History">
            {info.historyLength ?? 0} events, {formatBytes(info.historySizeBytes)}
          </Field>
          <Field label="State transitions">{info.stateTransitionCount ?? 0}</Field>
          {info.parentExecution && (
            <Field label="Parent">
              <RunLink namespace={namespace} execution={info.parentExecution} />
            </Field>
          )}
          {info.firstRunId && info.firstRunId !== runId && (
            <Field label="First run">
              <RunLink namespace={namespace} execution={{ workflowId, runId: info.firstRunId }} />
            </Field>
          )}
          {continuedFrom && (
            <Field label="Continued from">
              <RunLink namespace={namespace} execution={{ workflowId, runId: continuedFrom }} />
            </Field>
          )}
          {continuedAs && (
            <Field label="Next run">
              <RunLink namespace={namespace} execution={{ workflowId, runId: continuedAs }} />
            </Field>
          )}
          {describe.workflowExtendedInfo?.resetRunId && (
            <Field label="Reset to run">
              <RunLink namespace={namespace} execution={{ workflowId, runId: describe.workflowExtendedInfo.resetRunId }} />
            </Field>
          )}
          {describe.workflowExtendedInfo?.cancelRequested && <Field label="Cancellation">requested</Field>}
        </dl>
      </Card>
      <InputResult ends={ends} running={running} />
      <AttributesCard info={info} />
    </>
  );
}
