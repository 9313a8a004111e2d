/**
 * NativeConnection (mirrors @temporalio/worker's): here it is the same pure
 * TypeScript gRPC connection the client uses, under the name worker code expects. A client
 * given a worker's NativeConnection can start workflows eagerly on that worker.
 */
import {
  Connection,
  type ConnectionLike,
  type ConnectionOptions,
  type EagerWorkflowTaskSlot,
  type EagerWorkflowTaskWorkers,
  type Metadata,
} from '@endure/client';
import { errorMessage, SymbolBasedInstanceOfError } from '@endure/common';

/** Options for {@link NativeConnection.connect}. */
export type NativeConnectionOptions = ConnectionOptions;

/**
 * The server could not be reached when a {@link NativeConnection} was made (connection
 * refused, unknown host, failed TLS handshake, or nothing answered within `connectTimeout`).
 *
 * @example
 * ```ts
 * try {
 *   await NativeConnection.connect({ address: 'localhost:7233' });
 * } catch (err) {
 *   if (err instanceof TransportError) console.error('is the server running?', err.message);
 * }
 * ```
 */
export class TransportError extends Error {}
SymbolBasedInstanceOfError('TransportError')(TransportError);

/**
 * A connection for workers.
 *
 * @example
 * ```ts
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * ```
 */
export class NativeConnection implements ConnectionLike {
  /** The running workers on this connection, for eager workflow start. */
  readonly eagerWorkflowTaskWorkers = new EagerWorkers();

  private constructor(readonly connection: Connection) {}

  /**
   * Connects to the server and checks that it answers. Unlike the client's
   * `Connection.connect`, it does not wait for a server that is not there: when nothing
   * listens at the address it rejects at once with a {@link TransportError}, as the official
   * worker's does. Once connected, calls retry transient failures.
   */
  static async connect(options: NativeConnectionOptions = {}): Promise<NativeConnection> {
    const connection = Connection.lazy(options);
    try {
      await connection.checkReachable();
    } catch (err) {
      await connection.close();
      throw new TransportError(`Failed to connect to the server at ${connection.options.address}: ${errorMessage(err) ?? String(err)}`, {
        cause: err,
      });
    }
    try {
      await connection.ensureConnected();
    } catch (err) {
      await connection.close();
      throw err;
    }
    return new NativeConnection(connection);
  }

  get workflowService(): Connection['workflowService'] {
    return this.connection.workflowService;
  }

  /** Raw gRPC access to the OperatorService (see {@link Connection.operatorService}). */
  get operatorService(): Connection['operatorService'] {
    return this.connection.operatorService;
  }

  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.connection.withAbortSignal(signal, fn);
  }

  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.connection.withDeadline(deadline, fn);
  }

  withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    return this.connection.withMetadata(metadata, fn);
  }

  ensureConnected(): Promise<void> {
    return this.connection.ensureConnected();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** A worker that can take a new run's first workflow task from a start response. */
export interface EagerWorkflowTaskRunner {
  reserveEagerSlot(): EagerWorkflowTaskSlot | null;
}

/** Running workers by namespace and task queue; a start asks them in turn for a free slot. */
class EagerWorkers implements EagerWorkflowTaskWorkers {
  private readonly workers = new Map<string, Set<EagerWorkflowTaskRunner>>();

  add(namespace: string, taskQueue: string, worker: EagerWorkflowTaskRunner): void {
    const key = `${namespace}\u0000${taskQueue}`;
    let set = this.workers.get(key);
    if (!set) this.workers.set(key, (set = new Set()));
    set.add(worker);
  }

  remove(namespace: string, taskQueue: string, worker: EagerWorkflowTaskRunner): void {
    const key = `${namespace}\u0000${taskQueue}`;
    this.workers.get(key)?.delete(worker);
    if (this.workers.get(key)?.size === 0) this.workers.delete(key);
  }

  reserve(namespace: string, taskQueue: string): EagerWorkflowTaskSlot | null {
    for (const worker of this.workers.get(`${namespace}\u0000${taskQueue}`) ?? []) {
      const slot = worker.reserveEagerSlot();
      if (slot) return slot;
    }
    return null;
  }
}
