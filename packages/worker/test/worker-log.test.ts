/**
 * What Endure's worker tells its logger when a workflow task fails, as the
 * official worker does: a warning per failed attempt naming the workflow, the
 * cause and the message (here: a workflow type the bundle does not export).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode, type Logger, type WorkflowBundle } from '@endure/worker';
import { startSdkTestEnv, uniqueTaskQueue, uniqueWorkflowId, waitFor, type SdkTestEnv } from './helpers/env.js';

let env: SdkTestEnv;
let bundle: WorkflowBundle;

beforeAll(async () => {
  env = await startSdkTestEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows/orders.ts', import.meta.url)) });
});

afterAll(async () => {
  await env?.close();
});

interface Entry {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

function recordingLogger(entries: Entry[]): Logger {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void entries.push({ level, message, meta });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('worker log', () => {
  it('warns "Failing workflow task" for a workflow type the bundle does not export', async () => {
    const taskQueue = uniqueTaskQueue('worker-log');
    const workflowId = uniqueWorkflowId('worker-log');
    const entries: Entry[] = [];
    await env.runWorker({ taskQueue, workflowBundle: bundle, logger: recordingLogger(entries) }, async () => {
      const handle = await env.client.workflow.start('noSuchWorkflowType', { taskQueue, workflowId });
      const failing = await waitFor(() => entries.find((e) => e.message === 'Failing workflow task'), {
        description: 'the failing task warning',
      });
      expect(failing.level).toBe('warn');
      expect(failing.meta).toMatchObject({ workflowId, workflowType: 'noSuchWorkflowType', attempt: 1, cause: 'WORKFLOW_WORKER_UNHANDLED_FAILURE' });
      expect(failing.meta?.message).toMatch(/Failed to initialize workflow of type 'noSuchWorkflowType': no such function is exported/);
      await handle.terminate();
    });
  });
});
