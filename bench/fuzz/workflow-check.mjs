/**
 * The fuzzed server must still serve ordinary work: an official-SDK worker (bench/worker.mjs,
 * started once, polling through the fuzz) and a workflow with one activity, started and
 * awaited with the official client.
 */
import { Connection, WorkflowClient } from '@temporalio/client';

const TASK_QUEUE = 'fuzz-check';
const WORKFLOW_TIMEOUT_MS = 60_000;

export function startCheckWorker(group, address) {
  return group.startWorker({ sdk: 'official', taskQueue: TASK_QUEUE, address }, 'worker-check');
}

/** `{ completed, ms, result | error }` */
export async function runNormalWorkflow(address, label) {
  const t0 = performance.now();
  const connection = await Connection.connect({ address });
  try {
    const client = new WorkflowClient({ connection });
    const handle = await client.start('recordedSteps', { args: [1], taskQueue: TASK_QUEUE, workflowId: `fuzz-check-${label}-${Date.now()}` });
    let timer;
    const result = await Promise.race([
      handle.result(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`not completed within ${WORKFLOW_TIMEOUT_MS} ms`)), WORKFLOW_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
    return { completed: result === 'done', ms: Math.round(performance.now() - t0), result };
  } catch (err) {
    return { completed: false, ms: Math.round(performance.now() - t0), error: String(err?.message ?? err) };
  } finally {
    await connection.close();
  }
}
