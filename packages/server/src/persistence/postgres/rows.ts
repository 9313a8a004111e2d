/** Rows of the task and timer tables as the Store's records (the store and the cluster's queries share them). */
import type { TaskQueueTask, TimerTask } from '../store.js';

type Row = Record<string, unknown>;

export function toTask(r: Row): TaskQueueTask {
  return {
    id: r.id as number,
    namespaceId: r.namespace_id as string,
    taskQueue: r.task_queue as string,
    kind: r.kind as TaskQueueTask['kind'],
    workflowId: r.workflow_id as string,
    runId: r.run_id as string,
    scheduledEventId: r.scheduled_event_id as number,
    attempt: r.attempt as number,
    createdMs: r.created_ms as number,
  };
}

export function toTimer(r: Row): TimerTask {
  return {
    id: r.id as number,
    fireAtMs: r.fire_at_ms as number,
    namespaceId: r.namespace_id as string,
    workflowId: r.workflow_id as string,
    runId: r.run_id as string,
    kind: r.kind as string,
    data: r.data as string,
  };
}
