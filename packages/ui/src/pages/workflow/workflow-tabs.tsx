/** The tab links (each its own URL) and the open tab's panel. */
import { HistoryTab } from './history/history-tab';
import { TimelineTab } from './timeline/timeline-tab';
import { workflowPath, type WorkflowTab } from './links';
import { PendingActivitiesTab } from './pending-activities-tab';
import { QueriesTab } from './queries-tab';
import { RelationshipsTab } from './relationships-tab';
import { WorkersTab } from './workers-tab';
import { RUNNING, type DescribeWorkflowExecutionResponse } from './workflow-types';

interface TabsProps {
  namespace: string;
  workflowId: string;
  runId: string;
  tab: WorkflowTab;
  describe: DescribeWorkflowExecutionResponse;
}

export function WorkflowTabs({ namespace, workflowId, runId, tab, describe }: TabsProps) {
  const running = describe.workflowExecutionInfo?.status === RUNNING;
  const pending = describe.pendingActivities?.length ?? 0;
  const labels: Array<[WorkflowTab, string]> = [
    ['history', 'History'],
    ['timeline', 'Timeline'],
    ['pending-activities', pending > 0 ? `Pending activities (${pending})` : 'Pending activities'],
    ['relationships', 'Relationships'],
    ['queries', 'Queries'],
    ['workers', 'Workers'],
  ];
  const ref = { namespace, workflowId, runId, running };
  const taskQueue = describe.workflowExecutionInfo?.taskQueue || describe.executionConfig?.taskQueue?.name || '';
  return (
    <>
      <nav class="tabs" aria-label="Workflow tabs">
        {labels.map(([id, label]) => (
          <a key={id} href={workflowPath(namespace, workflowId, runId, id)} aria-current={id === tab ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <section class="tab-panel" aria-label={labels.find(([id]) => id === tab)?.[1]}>
        {tab === 'history' && <HistoryTab {...ref} />}
        {tab === 'timeline' && <TimelineTab {...ref} />}
        {tab === 'pending-activities' && <PendingActivitiesTab activities={describe.pendingActivities ?? []} running={running} />}
        {tab === 'relationships' && <RelationshipsTab {...ref} describe={describe} />}
        {tab === 'queries' && <QueriesTab {...ref} />}
        {tab === 'workers' && <WorkersTab namespace={namespace} taskQueue={taskQueue} running={running} />}
      </section>
    </>
  );
}
