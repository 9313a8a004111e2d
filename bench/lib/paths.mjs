/** Folders the benchmark scripts are resolved against. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(benchDir, '..');
export const resultsDir = join(benchDir, 'results');
export const workflowsPath = join(benchDir, 'workflows', 'bench-workflows.ts');
