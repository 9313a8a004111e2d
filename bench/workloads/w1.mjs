/**
 * W1 throughput: `workflows` workflows of `activities` sequential no-op activities, a
 * closed loop of `concurrency` started and awaited at a time. Reports workflows/s,
 * activity steps/s and start→result latency percentiles, measured by the load generator,
 * and `cpuMsPerWorkflow`: the machine's busy CPU over the timed window per completed workflow,
 * as the peers' harness reports it. `warmup` workflows (same kind, same concurrency) run first,
 * untimed (the peers warm up with 200; 0 here by default, so figures stay comparable).
 */
import { closedLoop } from '../lib/loop.mjs';
import { percentiles, round } from '../lib/stats.mjs';
import { standardRun } from '../lib/run-once.mjs';

export const title = 'W1 throughput';
export const defaultSdks = ['endure', 'official'];
export const defaultParams = { workflows: 2000, activities: 3, concurrency: 100, warmup: 0 };
export const keyMetrics = ['workflowsPerSec', 'activityStepsPerSec', 'latencyMs.p50', 'latencyMs.p95', 'latencyMs.p99', 'cpuMsPerWorkflow'];
export const ratioMetrics = ['workflowsPerSec', 'latencyMs.p50', 'latencyMs.p99'];

export async function orchestrate({ sdk, params }) {
  const result = await standardRun({ workload: 'w1', sdk, params, timeoutMs: 15 * 60_000 });
  return { ...result, cpuMsPerWorkflow: round((result.cpuSeconds.systemBusy / result.completed) * 1000, 3) };
}

export async function load({ clients, taskQueue, params, emit, warmUp }) {
  if (params.warmup) await warmUp({ count: params.warmup, concurrency: params.concurrency, activities: params.activities, prefix: 'w1' });
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
