/**
 * Workflow sandboxes: node:vm contexts that give workflow code only what
 * deterministic code may use (no timers of the host, no WeakRef /
 * FinalizationRegistry, no Node APIs), each shared by many workflow runs.
 *
 * A context of its own per run cost ~2 ms of CPU (creating the context, then
 * loading the bundle in it), a large part of a short workflow's cost. Now a
 * context is created once and loads what runs can share (see bundler.ts); a
 * new run only calls the bundle's per-run function, which evaluates the
 * workflows module and @endure/workflow anew, so every run still has its own
 * module state.
 *
 * What else the runs of a context have in common, and how they are kept apart:
 * - The global object. A run's own properties of globalThis (Date, setTimeout
 *   and clearTimeout as the runtime installs them for the run, whatever workflow
 *   code assigns) and Math.random (Math is one object for the whole context)
 *   belong to the run: they are put on before its code runs and taken off
 *   before another run's code runs (see `switchTo`).
 * - The microtask queue. Workflow code runs as promise callbacks; an activation
 *   lets them run over a macrotask turn, during which the worker may go on with
 *   other runs. A context runs one activation at a time, so those callbacks
 *   always find their own run's globals; runs are spread over a few contexts so
 *   that activations still overlap.
 * Not kept apart: properties of the other built-in objects (Array.prototype,
 * JSON, console, ...). Workflow code that changes those changes them for every
 * run of its context, as with the official SDK's reuseV8Context option.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import vm from 'node:vm';
import type { Activation, ActivationCompletion, QueryResult, WorkflowRuntime } from '@endure/workflow/internal';

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

/**
 * Contexts per factory. One would do for isolation, but a context runs one
 * activation at a time and an activation lasts a macrotask turn: a few let
 * the activations of concurrent workflow tasks overlap. Each holds ~0.3 MB.
 */
const CONTEXTS_PER_FACTORY = 4;

export type SandboxLog = (level: string, message: string, attrs?: Record<string, unknown>) => void;

type Payload = Parameters<WorkflowRuntime['query']>[1][number];

/** The sandbox of one workflow run. */
export interface WorkflowSandbox {
  /** Apply an activation, let the workflow code run until it waits again, and return what it produced. */
  activate(activation: Activation): Promise<ActivationCompletion>;
  /** Answer a query from the run's current state. */
  query(queryType: string, args: Payload[]): QueryResult;
}

export class SandboxFactory {
  private readonly script: vm.Script;
  private readonly contexts: SharedContext[] = [];
  private created = 0;

  constructor(
    code: string,
    private readonly log: SandboxLog,
    private readonly contextCount = CONTEXTS_PER_FACTORY,
  ) {
    this.script = new vm.Script(code, { filename: 'endure-workflow-bundle.js' });
  }

  /** A sandbox for a new run: fresh module state, in one of the factory's contexts. */
  create(): WorkflowSandbox {
    // Round robin; a run stays in its context for good, its functions belong to that context's realm.
    const i = this.created++ % this.contextCount;
    const context = (this.contexts[i] ??= new SharedContext(this.script, this.log));
    return new SandboxedRun(context);
  }
}

/**
 * Properties of the global object as a run left them, where they differ from the
 * context's pristine globals; `undefined` for a property the run deleted.
 */
type GlobalChanges = Map<PropertyKey, PropertyDescriptor | undefined>;

/** Key of Math.random among a run's changes (no property of globalThis can have it). */
const MATH_RANDOM = Symbol('Math.random');

class SandboxedRun implements WorkflowSandbox {
  /** The run's globals while another run's are installed. */
  globals: GlobalChanges = new Map();
  /**
   * Loaded by the first activation (or query), not when the sandbox is made: the run's
   * module code, and any promise callbacks it starts, then run as all its code does,
   * with its own (still pristine) globals on and no other run's activation under way.
   */
  runtime: WorkflowRuntime | undefined;

  constructor(private readonly context: SharedContext) {}

  activate(activation: Activation): Promise<ActivationCompletion> {
    return this.context.activate(this, activation);
  }

  query(queryType: string, args: Payload[]): QueryResult {
    return this.context.callSync(this, (runtime) => runtime.query(queryType, args));
  }
}

/** One node:vm context and the runs loaded in it. */
class SharedContext {
  /** The context's global object, as code inside it sees it (not the object given to createContext). */
  private readonly global: Record<PropertyKey, unknown>;
  private readonly math: { random: () => number };
  private readonly newWorkflowRun: () => WorkflowRuntime;
  private readonly pristine = new Map<PropertyKey, PropertyDescriptor>();
  private readonly pristineRandom: () => number;
  /** The run whose globals are on the global object. */
  private installed: SandboxedRun | undefined;
  /** The run whose activation holds the context. */
  private activating: SandboxedRun | undefined;
  /** Settles when the last activation queued so far is done. */
  private lastActivation: Promise<void> = Promise.resolve();

  constructor(script: vm.Script, log: SandboxLog) {
    const context = vm.createContext({
      AsyncLocalStorage,
      __endure_scope_storage: scopeStorage,
      TextEncoder,
      TextDecoder,
      queueMicrotask,
      __endure_log: log,
      console: sandboxConsole(log),
    });
    vm.runInContext(REMOVE_NONDETERMINISTIC_GLOBALS, context);
    const newWorkflowRun: unknown = script.runInContext(context);
    if (typeof newWorkflowRun !== 'function') {
      throw new Error('the workflow bundle did not evaluate to a function: build it with bundleWorkflowCode of this version of @endure/worker');
    }
    this.newWorkflowRun = newWorkflowRun as () => WorkflowRuntime;
    this.global = vm.runInContext('globalThis', context) as Record<PropertyKey, unknown>;
    this.math = this.global.Math as { random: () => number };
    for (const key of Reflect.ownKeys(this.global)) this.pristine.set(key, Reflect.getOwnPropertyDescriptor(this.global, key)!);
    this.pristineRandom = this.math.random;
  }

  /** Activations of the context's runs, one at a time: see the top of this file. */
  async activate(run: SandboxedRun, activation: Activation): Promise<ActivationCompletion> {
    const previous = this.lastActivation;
    let done!: () => void;
    this.lastActivation = new Promise((resolve) => (done = resolve));
    await previous;
    this.activating = run;
    try {
      const runtime = this.enter(run);
      runtime.activate(activation);
      await settle();
      while (runtime.tryUnblockConditions()) await settle();
      return runtime.concludeActivation();
    } finally {
      this.activating = undefined;
      done();
    }
  }

  /**
   * Call synchronous code of `run` (a query) at any time, even in the middle of
   * another run's activation: that run's globals are put back before its pending
   * promise callbacks run.
   */
  callSync<T>(run: SandboxedRun, fn: (runtime: WorkflowRuntime) => T): T {
    const resume = this.activating;
    try {
      return fn(this.enter(run));
    } finally {
      if (resume) this.switchTo(resume);
    }
  }

  private enter(run: SandboxedRun): WorkflowRuntime {
    this.switchTo(run);
    run.runtime ??= this.newWorkflowRun();
    return run.runtime;
  }

  /** Take the installed run's globals off the global object and put `run`'s on. */
  private switchTo(run: SandboxedRun): void {
    const leaving = this.installed;
    if (leaving === run) return;
    if (leaving) {
      leaving.globals = this.changedGlobals();
      for (const key of leaving.globals.keys()) {
        if (!run.globals.has(key)) this.put(key, this.pristine.get(key));
      }
    }
    for (const [key, descriptor] of run.globals) this.put(key, descriptor);
    this.installed = run;
  }

  /** How the global object differs from the pristine one now: what the installed run changed. */
  private changedGlobals(): GlobalChanges {
    const changes: GlobalChanges = new Map();
    let pristineKeysLeft = 0;
    for (const key of Reflect.ownKeys(this.global)) {
      // Descriptors, not values: reading the property could call a getter of workflow code.
      const now = Reflect.getOwnPropertyDescriptor(this.global, key)!;
      const before = this.pristine.get(key);
      if (before) pristineKeysLeft++;
      if (!before || !sameProperty(now, before)) changes.set(key, now);
    }
    if (pristineKeysLeft < this.pristine.size) {
      for (const key of this.pristine.keys()) if (!Object.hasOwn(this.global, key)) changes.set(key, undefined);
    }
    if (this.math.random !== this.pristineRandom) changes.set(MATH_RANDOM, { value: this.math.random });
    return changes;
  }

  /**
   * Set one global as `descriptor` describes it, or delete it. A property workflow
   * code made non-configurable can be neither, and stays for the context's other runs.
   */
  private put(key: PropertyKey, descriptor: PropertyDescriptor | undefined): void {
    if (key === MATH_RANDOM) {
      this.math.random = (descriptor?.value as (() => number) | undefined) ?? this.pristineRandom;
    } else if (descriptor) {
      Reflect.defineProperty(this.global, key, descriptor);
    } else {
      Reflect.deleteProperty(this.global, key);
    }
  }
}

function sameProperty(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return (
    Object.is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

/** Let the workflow's promise callbacks run (they are all microtasks). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sandboxConsole(log: SandboxLog): Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'> {
  const at = (level: string) => (...args: unknown[]) => log(level, args.map(String).join(' '));
  return { log: at('INFO'), info: at('INFO'), warn: at('WARN'), error: at('ERROR'), debug: at('DEBUG') };
}
