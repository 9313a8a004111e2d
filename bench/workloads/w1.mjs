/**
 * W1 throughput: `workflows` workflows of `activities` sequential no-op activities, a
 * closed loop of `concurrency` started and awaited at a time. Reports workflows/s,
 * activity steps/s and start→result latency percentiles, measured by the load generator.
 */
import { closedLoop } from '../lib/loop.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W1 throughput';
export const defaultSdks = ['endure', 'official'];
export const defaultParams = { workflows: 2000, activities: 3, concurrency: 100 };
export const keyMetrics = ['workflowsPerSec', 'activityStepsPerSec', 'latencyMs.p50', 'latencyMs.p95', 'latencyMs.p99'];
export const ratioMetrics = ['workflowsPerSec', 'latencyMs.p50', 'latencyMs.p99'];

export function orchestrate({ sdk, params }) {
  return standardRun({ workload: 'w1', sdk, params, timeoutMs: 15 * 60_000 });
}

export async function load({ clients, taskQueue, params, emit }) {
  const latencies = [];
  emit({ event: 'begin' });
  const t0 = performance.now();
  await closedLoop(
    params.workflows,
    params.concurrency,
    async (i) => {
      // Several connections (several nodes, `--nodes`): workflow i on connection i mod n.
      const client = clients[i % clients.length];
      const start = performance.now();
      const handle = await client.workflow.start('sequentialNoops', { taskQueue, workflowId: `w1-${i}`, args: [params.activities] });
      await handle.result();
      latencies.push(performance.now() - start);
    },
    10 * 60_000,
  );
  const wallMs = performance.now() - t0;
  emit({ event: 'end' });
  return {
    completed: latencies.length,
    wallMs: round(wallMs),
    workflowsPerSec: round((latencies.length / wallMs) * 1000),
    activityStepsPerSec: round(((latencies.length * params.activities) / wallMs) * 1000),
    latencyMs: percentiles(latencies),
  };
}
