/** Reading an execution that may be gone (deleted, or never existed) without treating that as an error. */
import { Status } from '../common/grpc-status.js';
import { ServiceError } from '../common/errors.js';
import type { ExecutionRef, ExecutionStore } from './engine.js';
import type { ExecutionState } from './mutable-state.js';

export async function readOrNull(es: ExecutionStore, ref: ExecutionRef): Promise<ExecutionState | null> {
  try {
    return await es.read(ref);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ServiceError && err.code === Status.NOT_FOUND;
}
