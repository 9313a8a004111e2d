/**
 * One workflow run: its summary, the actions on it, and its tabs (history, timeline, pending
 * activities, relationships, queries, workers), each at its own URL. An open run is described
 * again every two seconds; what is on screen (scroll, open dialogs, typed text) stays.
 */
import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { apiGet, ApiError } from '../../api';
import { ErrorBox, Loading, NotFound, StatusBadge } from '../../components/common';
import { useLoad } from '../../hooks';
import { ActionsBar } from './actions/actions-bar';
import { workflowApiPath, workflowsPath, WORKFLOW_TABS, type WorkflowTab } from './links';
import { Summary } from './summary';
import { WorkflowTabs } from './workflow-tabs';
import { RUNNING, type DescribeWorkflowExecutionResponse } from './workflow-types';
import './workflow.css';

/** How often an open run is described again. */
const REFRESH_MS = 2000;
const INVALID_ARGUMENT = 3;

export function WorkflowPage() {
  const { params } = useRoute();
  const namespace = params.namespace ?? '';
  const workflowId = params.workflowId ?? '';
  const runId = params.runId ?? '';
  const tab = params.tab ?? 'history';

  // Refreshing follows the last answer: it starts once the run is seen open and stops once closed.
  const [running, setRunning] = useState(false);
  const describe = useLoad(
    `describe/${namespace}/${workflowId}/${runId}`,
    (signal) => apiGet<DescribeWorkflowExecutionResponse>(workflowApiPath(namespace, workflowId), { 'execution.runId': runId }, signal),
    running ? REFRESH_MS : undefined,
  );
  const status = describe.data?.workflowExecutionInfo?.status;
  useEffect(() => setRunning(status === RUNNING), [status]);

  const backToList = <a href={workflowsPath(namespace)}>Back to the workflows of {namespace}</a>;
  if (!WORKFLOW_TABS.includes(tab as WorkflowTab)) return <NotFound what="tab">{backToList}</NotFound>;
  if (!describe.data) {
    // A malformed run id is refused as an invalid argument: to the reader it is a run that does not exist.
    if (describe.error instanceof ApiError && (describe.error.notFound || describe.error.code === INVALID_ARGUMENT)) {
      return (
        <NotFound what="workflow run">
          <p class="mono">
            {workflowId} / {runId}
          </p>
          <p class="muted">{describe.error.message}</p>
          {backToList}
        </NotFound>
      );
    }
    if (describe.error) return <ErrorBox error={describe.error} />;
    return <Loading />;
  }

  const isRunning = status === RUNNING;
  return (
    <article class="workflow-page">
      <header class="workflow-header">
        <div class="workflow-title">
          <StatusBadge status={status} />
          <h1 class="mono">{workflowId}</h1>
        </div>
        <ActionsBar namespace={namespace} workflowId={workflowId} runId={runId} running={isRunning} reload={describe.reload} />
      </header>
      {/* A failed refresh keeps the last answer on screen and says why it is stale. */}
      {describe.error && <ErrorBox error={describe.error} />}
      <Summary namespace={namespace} describe={describe.data} />
      <WorkflowTabs namespace={namespace} workflowId={workflowId} runId={runId} tab={tab as WorkflowTab} describe={describe.data} />
    </article>
  );
}
