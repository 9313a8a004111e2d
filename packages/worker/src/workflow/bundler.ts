/**
 * Bundles workflow code with esbuild into one script for the sandbox: the
 * user's workflows module plus the @endure/workflow runtime, no Node built-ins.
 * Takes tens of milliseconds where a webpack build takes seconds.
 *
 * The script is laid out for sandbox contexts that many runs share (see
 * sandbox.ts). Evaluated once per context, it loads the modules that hold no
 * state of a run and evaluates to a function that loads the others anew each
 * time it is called, once per run:
 *
 *   (() => {
 *     var __endureShared = (() => { ...@endure/common and its dependencies... })();
 *     return function newWorkflowRun() {
 *       var __endureRun = (() => { ...workflows module, @endure/workflow... })();
 *       return __endureRun.runtime;
 *     };
 *   })()
 *
 * @endure/common is most of the bundle's load time (failure classes, converters,
 * Long): loading it once per context is what makes a run's sandbox cheap. It is
 * shared because it keeps no state of a run and reads neither the clock nor
 * randomness. The user's modules and @endure/workflow (whose module state is the
 * run's state) must be fresh for every run.
 */
import { builtinModules, createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { build, transform, type BuildOptions, type Plugin } from 'esbuild';

/** Options for {@link bundleWorkflowCode} (mirrors @temporalio/worker's BundleOptions where it applies). */
export interface BundleOptions {
  /** Path of the module that exports the workflow functions. */
  workflowsPath: string;
  /** Modules to leave out of the bundle (they must not be reached at run time). */
  ignoreModules?: string[];
  /**
   * Replace imports of one package with another. `@temporalio/workflow` always
   * maps to `@endure/workflow`, so workflow code written for the official SDK
   * runs unchanged.
   */
  alias?: Record<string, string>;
}

/** A bundle ready for {@link WorkerOptions.workflowBundle}. */
export interface WorkflowBundle {
  code: string;
}

/** Module loaded once per sandbox context and shared by its runs. */
const SHARED_MODULE = '@endure/common';
/** Variables of the bundle script holding the shared modules' exports and one run's exports. */
const SHARED_VAR = '__endureShared';
const RUN_VAR = '__endureRun';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function forbidNodeBuiltins(ignored: Set<string>): Plugin {
  return {
    name: 'endure-forbid-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (ignored.has(args.path)) return { path: args.path, namespace: 'endure-ignored' };
        if (!builtins.has(args.path)) return undefined;
        return {
          errors: [
            {
              text: `workflow code imports the Node built-in '${args.path}' (from ${args.importer}): workflows run in a deterministic sandbox without Node APIs; move this code to an activity`,
            },
          ],
        };
      });
      b.onLoad({ filter: /.*/, namespace: 'endure-ignored' }, (args) => ({
        contents: `throw new Error('module ${args.path} was ignored by the workflow bundler and cannot be used in workflow code');`,
      }));
    },
  };
}

/** Where the runtime entry of @endure/workflow lives, as seen from the workflows module. */
function resolveWorkflowRuntime(workflowsDir: string): string {
  for (const from of [resolve(workflowsDir, 'noop.js'), import.meta.url]) {
    try {
      return createRequire(from).resolve('@endure/workflow/internal');
    } catch {
      // try the next location
    }
  }
  throw new Error('cannot find @endure/workflow: install it beside your workflows');
}

/** Aliases point at absolute paths so they resolve the same from every importer. */
function resolveAliases(alias: Record<string, string>, workflowsDir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(alias).map(([from, to]) => {
      if (to !== '@endure/workflow') return [from, to];
      const runtime = resolveWorkflowRuntime(workflowsDir);
      return [from, resolve(dirname(runtime), '..', 'index.js')];
    }),
  );
}

/**
 * Bundle the workflows module at `workflowsPath` for the worker's sandbox.
 *
 * @example
 * ```ts
 * const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows') });
 * ```
 */
export async function bundleWorkflowCode(options: BundleOptions): Promise<WorkflowBundle> {
  const workflowsPath = resolve(options.workflowsPath);
  const workflowsDir = dirname(workflowsPath);
  const runtimePath = resolveWorkflowRuntime(workflowsDir);
  const buildOptions: BuildOptions = {
    bundle: true,
    write: false,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    target: 'es2022',
    logLevel: 'silent',
    alias: resolveAliases({ '@temporalio/workflow': '@endure/workflow', ...options.alias }, workflowsDir),
  };
  const forbid = forbidNodeBuiltins(new Set(options.ignoreModules ?? []));

  // The shared part, resolved from @endure/workflow so that it is the copy the runtime uses. Built
  // as ESM first for the list of its exports, which the per-run part imports by name.
  const sharedPart = (async () => {
    const shared = await build({
      ...buildOptions,
      stdin: { contents: `export * from ${JSON.stringify(SHARED_MODULE)};`, resolveDir: dirname(runtimePath), sourcefile: 'endure-shared-entry.js', loader: 'js' },
      format: 'esm',
      metafile: true,
      plugins: [forbid],
    });
    const sharedOutput = shared.outputFiles?.[0];
    const exportNames = Object.values(shared.metafile.outputs)[0]?.exports;
    if (!sharedOutput || !exportNames) throw new Error(`esbuild produced no output for ${SHARED_MODULE}`);
    const script = await transform(sharedOutput.text, { format: 'iife', globalName: SHARED_VAR, target: 'es2022', logLevel: 'silent' });
    return { exportNames, code: script.code };
  })();

  const entry = [
    `import * as workflows from ${JSON.stringify(workflowsPath)};`,
    `import { installRuntime } from ${JSON.stringify(runtimePath)};`,
    `export const runtime = installRuntime(workflows);`,
  ].join('\n');
  // Both builds run at once; the per-run one waits for the shared part's export list only
  // when it meets an import of the shared module.
  const [sharedScript, perRun] = await Promise.all([
    sharedPart,
    build({
      ...buildOptions,
      stdin: { contents: entry, resolveDir: workflowsDir, sourcefile: 'endure-workflow-entry.js', loader: 'js' },
      format: 'iife',
      globalName: RUN_VAR,
      plugins: [forbid, importShared(sharedPart.then((p) => p.exportNames))],
    }),
  ]);
  const perRunOutput = perRun.outputFiles?.[0];
  if (!perRunOutput) throw new Error('esbuild produced no output for the workflow bundle');
  const code = [
    '(() => {',
    sharedScript.code,
    'return function newWorkflowRun() {',
    perRunOutput.text,
    `return ${RUN_VAR}.runtime;`,
    '};',
    '})()',
  ].join('\n');
  return { code };
}

/**
 * Imports of the shared module in the per-run part read the exports the bundle
 * script loaded once. Named bindings rather than a CommonJS shim: esbuild's
 * interop would copy the whole namespace on every run, over ten times the cost.
 */
function importShared(exportNames: Promise<string[]>): Plugin {
  return {
    name: 'endure-import-shared',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${SHARED_MODULE.replace('/', '\\/')}$`) }, (args) => ({ path: args.path, namespace: 'endure-shared' }));
      b.onLoad({ filter: /.*/, namespace: 'endure-shared' }, async () => ({
        contents: `export const { ${(await exportNames).join(', ')} } = ${SHARED_VAR};`,
        loader: 'js',
      }));
    },
  };
}
