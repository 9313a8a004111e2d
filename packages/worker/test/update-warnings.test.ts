/**
 * The warning the official SDK gives when a workflow returns while an update
 * handler still runs ([TMPRL1102], naming the update), and its absence for a
 * handler set with `unfinishedPolicy: ABANDON`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode, type Logger, type WorkflowBundle } from '@endure/worker';
import { startSdkTestEnv, uniqueTaskQueue, uniqueWorkflowId, type SdkTestEnv } from './helpers/env.js';

let env: SdkTestEnv;
let bundle: WorkflowBundle;

beforeAll(async () => {
  env = await startSdkTestEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows/updates.ts', import.meta.url)) });
});

afterAll(async () => {
  await env?.close();
});

function recordingLogger(warnings: string[]): Logger {
  const ignore = () => undefined;
  return { debug: ignore, info: ignore, warn: (message: string) => void warnings.push(message), error: ignore };
}

describe('unfinished update handlers', () => {
  it('warns with [TMPRL1102] naming the update when the workflow returns while its handler runs, unless its policy is ABANDON', async () => {
    const taskQueue = uniqueTaskQueue('update-warning');
    const warnings: string[] = [];
    await env.runWorker({ taskQueue, workflowBundle: bundle, logger: recordingLogger(warnings) }, async () => {
      const handle = await env.client.workflow.start('leavesHandlersRunning', { taskQueue, workflowId: uniqueWorkflowId('update-warning') });
      await handle.startUpdate('never', { updateId: 'left-running', waitForStage: 'ACCEPTED' });
      await handle.startUpdate('quietNever', { updateId: 'left-quietly', waitForStage: 'ACCEPTED' });
      await handle.signal('finish');
      expect(await handle.result()).toBe('done');
    });
    const warning = warnings.find((w) => w.includes('[TMPRL1102]'));
    expect(warning).toContain('Workflow finished while an update handler was still running');
    expect(warning).toContain('{"name":"never","id":"left-running"}');
    expect(warning).not.toContain('left-quietly');
  });
});
