/**
 * One node:vm context per workflow run, loaded from the compiled bundle. The
 * context gets only what deterministic code may use: no timers of the host,
 * no WeakRef / FinalizationRegistry, no Node APIs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import vm from 'node:vm';
import type { WorkflowRuntime } from '@endure/workflow/internal';
import { BUNDLE_GLOBAL } from './bundler.js';

/**
 * Language built-ins that leak what the bundle's runtime cannot make deterministic:
 * garbage-collection timing (WeakRef, FinalizationRegistry), the host clock
 * (Temporal.Now) and a fresh realm with unpatched Date and Math (ShadowRealm).
 * Node 20's contexts have neither Temporal nor ShadowRealm; Bun's and Deno's do.
 */
const REMOVE_NONDETERMINISTIC_GLOBALS =
  'delete globalThis.WeakRef; delete globalThis.FinalizationRegistry; delete globalThis.ShadowRealm; delete globalThis.Temporal?.Now;';

/**
 * One AsyncLocalStorage shared by every sandbox for cancellation scopes: each
 * live instance costs work on every promise in the process, so one per
 * workflow run would make the worker slower with every cached run.
 */
const scopeStorage = new AsyncLocalStorage<unknown>();

export type SandboxLog = (level: string, message: string, attrs?: Record<string, unknown>) => void;

export class SandboxFactory {
  private readonly script: vm.Script;

  constructor(
    code: string,
    private readonly log: SandboxLog,
  ) {
    this.script = new vm.Script(code, { filename: 'endure-workflow-bundle.js' });
  }

  /** A fresh context with the bundle evaluated in it. */
  create(): WorkflowRuntime {
    const context = vm.createContext({
      AsyncLocalStorage,
      __endure_scope_storage: scopeStorage,
      TextEncoder,
      TextDecoder,
      queueMicrotask,
      __endure_log: this.log,
      console: sandboxConsole(this.log),
    });
    vm.runInContext(REMOVE_NONDETERMINISTIC_GLOBALS, context);
    this.script.runInContext(context);
    const bundle = (context as Record<string, unknown>)[BUNDLE_GLOBAL] as { runtime: WorkflowRuntime } | undefined;
    if (!bundle?.runtime) throw new Error('workflow bundle did not export the runtime');
    return bundle.runtime;
  }
}

function sandboxConsole(log: SandboxLog): Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'> {
  const at = (level: string) => (...args: unknown[]) => log(level, args.map(String).join(' '));
  return { log: at('INFO'), info: at('INFO'), warn: at('WARN'), error: at('ERROR'), debug: at('DEBUG') };
}
