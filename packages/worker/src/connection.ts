/**
 * NativeConnection (mirrors @temporalio/worker's): here it is the same pure
 * TypeScript gRPC connection the client uses, under the name worker code expects.
 */
import { Connection, type ConnectionOptions } from '@endure/client';

/** Options for {@link NativeConnection.connect}. */
export type NativeConnectionOptions = ConnectionOptions;

/**
 * A connection for workers.
 *
 * @example
 * ```ts
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * ```
 */
export class NativeConnection {
  private constructor(readonly connection: Connection) {}

  static async connect(options: NativeConnectionOptions = {}): Promise<NativeConnection> {
    return new NativeConnection(await Connection.connect(options));
  }

  get workflowService(): Connection['workflowService'] {
    return this.connection.workflowService;
  }

  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.connection.withAbortSignal(signal, fn);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
