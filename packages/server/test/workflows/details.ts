/** Workflows that report details the official SDK's integration tests check. */
import { workflowInfo } from '@temporalio/workflow';

export interface InfoSeen {
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  currentBuildId?: string;
}

/** What workflowInfo() shows about timeouts and the worker's build. */
export function infoWorkflow(): Promise<InfoSeen> {
  const info = workflowInfo();
  return Promise.resolve({
    executionTimeoutMs: info.executionTimeoutMs,
    runTimeoutMs: info.runTimeoutMs,
    currentBuildId: info.currentBuildId,
  });
}
