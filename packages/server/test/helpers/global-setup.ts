/**
 * Vitest global setup: bundles the test workflows once per run (webpack is the
 * slow part of starting a worker) and hands the bundle's path to every test
 * file through `inject('workflowBundlePath')`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { bundleWorkflowCode as bundleEndureWorkflows } from '@endure/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
    endureWorkflowBundlePath: string;
    sdk: 'official' | 'endure';
    /** The server's store in scenario tests: SQLite in memory (default) or a PostgreSQL database per test env. */
    store: 'sqlite' | 'postgres';
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });
  const dir = mkdtempSync(join(tmpdir(), 'endure-workflow-bundle-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  project.provide('workflowBundlePath', bundlePath);
  // The same workflow files, written against @temporalio/workflow, bundled for Endure's worker.
  const endure = await bundleEndureWorkflows({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    alias: { '@temporalio/workflow': '@endure/workflow' },
  });
  const endureBundlePath = join(dir, 'endure-workflow-bundle.js');
  writeFileSync(endureBundlePath, endure.code);
  project.provide('endureWorkflowBundlePath', endureBundlePath);
  return () => rmSync(dir, { recursive: true, force: true });
}
