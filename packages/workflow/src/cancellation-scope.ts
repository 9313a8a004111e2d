/**
 * Cancellation scopes (mirrors @temporalio/workflow's CancellationScope): a
 * tree of scopes; cancelling one rejects `cancelRequested` in it and in every
 * cancellable scope below it. Timers, activities and conditions started in a
 * scope are cancelled with it.
 */
import { CancelledFailure, IllegalStateError, type Duration } from '@endure/common';

/** Options for a new scope. */
export interface CancellationScopeOptions {
  /** Cancel the scope after this long (a durable timer). */
  timeout?: Duration;
  /** When false, cancellation of the parent does not reach this scope. Default true. */
  cancellable?: boolean;
  /** Defaults to the current scope. */
  parent?: CancellationScope;
}

interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

declare const AsyncLocalStorage: new <T>() => AsyncLocalStorageLike<T>;
/** The worker's storage shared by all sandboxes (see the worker's sandbox.ts). */
declare const __endure_scope_storage: AsyncLocalStorageLike<CancellationScope> | undefined;

/** Hook set by workflow.ts so a scope timeout can start a durable timer. */
let sleepForTimeout: ((ms: Duration) => Promise<void>) | undefined;
export function setScopeSleep(fn: (ms: Duration) => Promise<void>): void {
  sleepForTimeout = fn;
}

/**
 * A node of the cancellation tree.
 *
 * @example
 * ```ts
 * await CancellationScope.nonCancellable(() => cleanup());
 * ```
 */
export class CancellationScope {
  readonly timeout?: Duration;
  readonly cancellable: boolean;
  readonly parent?: CancellationScope;
  /** Rejects with CancelledFailure when this scope is cancelled. */
  readonly cancelRequested: Promise<never>;
  #cancelRequested = false;
  #reject!: (err: Error) => void;

  constructor(options?: CancellationScopeOptions) {
    this.timeout = options?.timeout;
    this.cancellable = options?.cancellable ?? true;
    this.cancelRequested = new Promise<never>((_, reject) => {
      this.#reject = (err) => {
        this.#cancelRequested = true;
        reject(err);
      };
    });
    // Nobody may be listening: do not report it as an unhandled rejection.
    this.cancelRequested.catch(() => undefined);
    const parent = options?.parent === undefined ? currentOrRoot() : options.parent;
    this.parent = parent ?? undefined;
    if (this.parent && this.cancellable) {
      if (this.parent.consideredCancelled) this.#cancelRequested = true;
      this.parent.cancelRequested.catch((err: Error) => this.#reject(err));
      if (this.parent.consideredCancelled) this.#reject(new CancelledFailure('Cancellation scope cancelled'));
    }
  }

  /** True when cancellation was requested and this scope is cancellable. */
  get consideredCancelled(): boolean {
    return this.#cancelRequested && this.cancellable;
  }

  /** Run `fn` inside this scope. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return storage().run(this, () => {
      if (this.timeout !== undefined) {
        if (!sleepForTimeout) throw new IllegalStateError('scope timeouts need the workflow runtime');
        const sleep = sleepForTimeout;
        void storage().run(this.parent ?? this, () =>
          sleep(this.timeout!).then(
            () => this.cancel(),
            () => undefined,
          ),
        );
      }
      return fn();
    });
  }

  /** Request cancellation of this scope and its cancellable descendants. */
  cancel(): void {
    this.#reject(new CancelledFailure('Cancellation scope cancelled'));
  }

  /** The scope of the calling code. */
  static current(): CancellationScope {
    return storage().getStore() ?? rootScope();
  }

  static cancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new this({ cancellable: true }).run(fn);
  }

  static nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new this({ cancellable: false }).run(fn);
  }

  static withTimeout<T>(timeout: Duration, fn: () => Promise<T>): Promise<T> {
    return new this({ cancellable: true, timeout }).run(fn);
  }
}

let root: CancellationScope | undefined;
let als: AsyncLocalStorageLike<CancellationScope> | undefined;

function storage(): AsyncLocalStorageLike<CancellationScope> {
  als ??= typeof __endure_scope_storage === 'undefined' ? new AsyncLocalStorage<CancellationScope>() : __endure_scope_storage;
  return als;
}

function currentOrRoot(): CancellationScope | null {
  return storage().getStore() ?? root ?? null;
}

/** The workflow's root scope, cancelled when the workflow is cancelled. */
export function rootScope(): CancellationScope {
  root ??= new CancellationScope({ parent: undefined, cancellable: true });
  return root;
}
