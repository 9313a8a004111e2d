/**
 * Small runtime type guards and the cross-realm `instanceof` marker shared by every error class
 * of the SDK. Nothing here may touch a Node built-in: this module is loaded in the workflow sandbox.
 */

/** True when `value` is a non-null object (arrays included). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * True when `error` looks like an `Error`, whichever realm or library copy created it
 * (`instanceof Error` is false for an error thrown in another `vm` context).
 */
export function isError(error: unknown): error is Error {
  return (
    isRecord(error) &&
    typeof error.name === 'string' &&
    typeof error.message === 'string' &&
    (error.stack == null || typeof error.stack === 'string')
  );
}

/**
 * The message of an error-like value, the value itself when it is a string, else `undefined`.
 *
 * @example
 * ```ts
 * errorMessage(new Error('boom')); // 'boom'
 * ```
 */
export function errorMessage(error: unknown): string | undefined {
  if (isError(error)) return error.message;
  if (typeof error === 'string') return error;
  return undefined;
}

/**
 * The string `code` property of an error-like value (e.g. `'ECONNREFUSED'`), else `undefined`.
 *
 * @example
 * ```ts
 * errorCode(Object.assign(new Error('x'), { code: 'E42' })); // 'E42'
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  if (isRecord(error) && typeof error.code === 'string') return error.code;
  return undefined;
}

/** Any constructor of an error class; the marker only needs its prototype. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors of any arity must be accepted
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Marks an error class so that `instanceof` works across `vm` contexts and across copies of this
 * library: the check looks for a `Symbol.for` marker on the prototype chain instead of comparing
 * constructor identity. Also sets `name` on the prototype to `markerName`.
 *
 * The marker key (`__temporal_is<Name>`) is the one the official `@temporalio/*` SDK uses, so
 * errors created by either SDK satisfy `instanceof` against the other's class of the same name.
 *
 * Usable as a call or as a (standard) class decorator.
 *
 * @example
 * ```ts
 * class MyFailure extends Error {}
 * SymbolBasedInstanceOfError('MyFailure')(MyFailure);
 * ```
 */
export function SymbolBasedInstanceOfError(markerName: string): (clazz: ErrorClass, _context?: unknown) => void {
  return (clazz: ErrorClass): void => {
    const marker = Symbol.for(`__temporal_is${markerName}`);
    Object.defineProperty(clazz.prototype, 'name', { value: markerName, enumerable: true });
    Object.defineProperty(clazz.prototype, marker, { value: true, enumerable: false });
    Object.defineProperty(clazz, Symbol.hasInstance, {
      value: function hasInstance(this: ErrorClass, value: unknown): boolean {
        if (this === clazz) return isRecord(value) && value[marker as unknown as string] === true;
        // `this` is an unmarked subclass that inherited this method: a marker check would accept
        // every instance of the parent, so fall back to the prototype chain (same-realm only).
        return Object.prototype.isPrototypeOf.call(this.prototype, value as object);
      },
    });
  };
}
