/** The run's family: its parent above it, its descendants below, and children still starting. */
import { apiGet } from '../../api';
import { ErrorBox, Loading, StatusBadge } from '../../components/common';
import { useLoad } from '../../hooks';
import { enumLabel } from '../../format';
import type { WorkflowRef } from './history/history-tab';
import { FAMILY_DEPTH_MAX, FAMILY_NODES_MAX, loadFamilyTree, type FamilyNode } from './family-tree';
import { workflowApiPath, workflowPath } from './links';
import type { DescribeWorkflowExecutionResponse, PendingChildExecutionInfo, WorkflowExecution } from './workflow-types';

const REFRESH_MS = 5000;

function NodeLine({ namespace, execution, type, status, current }: { namespace: string; execution?: WorkflowExecution; type?: string; status?: string; current?: boolean }) {
  const workflowId = execution?.workflowId ?? '';
  const runId = execution?.runId ?? '';
  return (
    <div class={current ? 'family-node current' : 'family-node'}>
      <StatusBadge status={status} />{' '}
      {current ? (
        <strong class="mono" aria-current="true">
          {workflowId}
        </strong>
      ) : (
        <a class="mono" href={workflowPath(namespace, workflowId, runId)}>
          {workflowId}
        </a>
      )}{' '}
      <span class="muted">{type}</span> <span class="muted mono small">{runId}</span>
    </div>
  );
}

function Parent({ namespace, parent }: { namespace: string; parent: WorkflowExecution }) {
  const described = useLoad(`describe/${namespace}/${parent.workflowId}/${parent.runId}`, (signal) =>
    apiGet<DescribeWorkflowExecutionResponse>(workflowApiPath(namespace, parent.workflowId ?? ''), { 'execution.runId': parent.runId }, signal),
  );
  const info = described.data?.workflowExecutionInfo;
  return <NodeLine namespace={namespace} execution={parent} type={info?.type?.name} status={info?.status} />;
}

function Children({ namespace, nodes }: { namespace: string; nodes: FamilyNode[] }) {
  if (nodes.length === 0) return null;
  return (
    <ul class="family-children">
      {nodes.map((node) => (
        <li key={node.item.execution?.runId}>
          <NodeLine namespace={namespace} execution={node.item.execution} type={node.item.type?.name} status={node.item.status} />
          <Children namespace={namespace} nodes={node.children} />
        </li>
      ))}
    </ul>
  );
}

function PendingChildren({ namespace, children }: { namespace: string; children: PendingChildExecutionInfo[] }) {
  return (
    <>
      <h2>Pending children</h2>
      <table aria-label="Pending children">
        <thead>
          <tr>
            <th>Workflow ID</th>
            <th>Run ID</th>
            <th>Type</th>
            <th>Initiated by event</th>
            <th>Parent close policy</th>
          </tr>
        </thead>
        <tbody>
          {children.map((child) => (
            <tr key={`${child.workflowId}/${child.runId}`}>
              <td class="mono">
                {child.runId ? <a href={workflowPath(namespace, child.workflowId ?? '', child.runId)}>{child.workflowId}</a> : child.workflowId}
              </td>
              <td class="mono">{child.runId || <span class="muted">starting</span>}</td>
              <td>{child.workflowTypeName}</td>
              <td>{child.initiatedId}</td>
              <td>{enumLabel(child.parentClosePolicy, 'PARENT_CLOSE_POLICY_')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function RelationshipsTab({ namespace, workflowId, runId, running, describe }: WorkflowRef & { describe: DescribeWorkflowExecutionResponse }) {
  const info = describe.workflowExecutionInfo ?? {};
  const tree = useLoad(`family/${namespace}/${runId}`, (signal) => loadFamilyTree(namespace, runId, signal), running ? REFRESH_MS : undefined);
  const pendingChildren = describe.pendingChildren ?? [];
  const self = <NodeLine namespace={namespace} execution={{ workflowId, runId }} type={info.type?.name} status={info.status} current />;
  const root = info.rootExecution;
  const rootIsElsewhere = root?.runId && root.runId !== runId && root.runId !== info.parentExecution?.runId;

  return (
    <div class="relationships">
      {rootIsElsewhere && (
        <p class="muted">
          Root of the tree: <a href={workflowPath(namespace, root.workflowId ?? '', root.runId ?? '')}>{root.workflowId}</a>
        </p>
      )}
      <ul class="family-tree" aria-label="Workflow family">
        <li>
          {info.parentExecution ? <Parent namespace={namespace} parent={info.parentExecution} /> : self}
          {info.parentExecution ? (
            <ul class="family-children">
              <li>
                {self}
                {tree.data && <Children namespace={namespace} nodes={tree.data.children} />}
              </li>
            </ul>
          ) : (
            tree.data && <Children namespace={namespace} nodes={tree.data.children} />
          )}
        </li>
      </ul>
      {tree.error && <ErrorBox error={tree.error} />}
      {!tree.data && !tree.error && <Loading />}
      {tree.data && tree.data.children.length === 0 && !info.parentExecution && <p class="muted">This run has no parent and no children.</p>}
      {tree.data?.truncated && (
        <p class="muted">
          The tree shows at most {FAMILY_DEPTH_MAX} levels and {FAMILY_NODES_MAX} runs below this one.
        </p>
      )}
      {pendingChildren.length > 0 && <PendingChildren namespace={namespace} children={pendingChildren} />}
    </div>
  );
}
