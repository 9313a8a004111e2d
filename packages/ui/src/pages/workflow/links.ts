/** Addresses inside the app for a workflow run and its tabs. */

export const WORKFLOW_TABS = ['history', 'timeline', 'pending-activities', 'relationships', 'queries', 'workers'] as const;
export type WorkflowTab = (typeof WORKFLOW_TABS)[number];

export function workflowPath(namespace: string, workflowId: string, runId: string, tab?: WorkflowTab): string {
  const base = `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}`;
  return tab ? `${base}/${tab}` : base;
}

export function workflowsPath(namespace: string): string {
  return `/namespaces/${encodeURIComponent(namespace)}/workflows`;
}

export function taskQueuePath(namespace: string, queue: string): string {
  return `/namespaces/${encodeURIComponent(namespace)}/task-queues/${encodeURIComponent(queue)}`;
}

/** The server's API path of a workflow (`/namespaces/{ns}/workflows/{wid}`), segments encoded. */
export function workflowApiPath(namespace: string, workflowId: string): string {
  return `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
