/**
 * One node:vm context per workflow run, loaded from the compiled bundle. The
 * context gets only what deterministic code may use: no timers of the host,
 * no WeakRef / FinalizationRegistry, no Node APIs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import vm from 'node:vm';
import type { WorkflowRuntime } from '@endure/workflow/internal';
import { BUNDLE_GLOBAL } from './bundler.js';

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
      TextEncoder,
      TextDecoder,
      queueMicrotask,
      __endure_log: this.log,
      console: sandboxConsole(this.log),
    });
    vm.runInContext('delete globalThis.WeakRef; delete globalThis.FinalizationRegistry;', context);
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
