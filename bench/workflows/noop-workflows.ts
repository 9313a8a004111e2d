/** Workflows for the benchmarks. Imports the official API; the Endure worker aliases it to @endure/workflow. */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function oneActivity(): Promise<string> {
  return noop();
}
