/**
 * Lets Node 20 run smoke.ts as Bun and Deno do: `node --import ./ts-loader.mjs smoke.ts`.
 * Node 20 has no type stripping, so .ts modules are compiled with esbuild (already a
 * dependency of @endure/worker) on the module-hooks thread; everything else loads as usual.
 * The same file is both the --import entry (main thread: registers itself) and the hooks
 * module (hooks thread: exports `load`).
 */
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { transform } from 'esbuild';

if (isMainThread) register(import.meta.url);

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: path,
    sourcemap: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
