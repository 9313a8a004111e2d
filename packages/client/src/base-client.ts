/**
 * What every sub-client shares: the connection, the loaded data converter, identity and
 * namespace defaults, and the call-context helpers that delegate to the connection.
 */
import os from 'node:os';
import { loadDataConverter, type DataConverter, type LoadedDataConverter } from '@endure/common';
import { Connection } from './connection.js';
import type { ConnectionLike, Metadata } from './types.js';

/** Options shared by all clients. */
export interface BaseClientOptions {
  /** Converts payloads and failures. @default the default data converter */
  dataConverter?: DataConverter | LoadedDataConverter;
  /** Identity reported to the server. @default `${process.pid}@${os.hostname()}` */
  identity?: string;
  /** Connection to the server; share one between clients. @default `Connection.lazy()` to localhost:7233 */
  connection?: ConnectionLike;
  /** Server namespace. @default 'default' */
  namespace?: string;
}

/** Options after defaults are applied. */
export type LoadedBaseClientOptions = Required<Omit<BaseClientOptions, 'connection' | 'dataConverter'>> & {
  dataConverter: DataConverter | LoadedDataConverter;
  loadedDataConverter: LoadedDataConverter;
};

export function defaultBaseClientOptions(): Required<Pick<BaseClientOptions, 'identity' | 'namespace'>> {
  return { identity: `${process.pid}@${os.hostname()}`, namespace: 'default' };
}

/** Base of {@link Client} and {@link WorkflowClient}. */
export class BaseClient {
  /** The connection calls go through; clients are cheap, connections are not: share it. */
  readonly connection: ConnectionLike;
  private readonly loadedDataConverter: LoadedDataConverter;

  protected constructor(options?: BaseClientOptions) {
    this.connection = options?.connection ?? Connection.lazy();
    const dataConverter = options?.dataConverter ?? {};
    this.loadedDataConverter = isLoadedDataConverter(dataConverter) ? dataConverter : loadDataConverter(dataConverter);
  }

  /** Runs `fn` with a deadline on the calls it makes; see {@link Connection.withDeadline}. */
  async withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.connection.withDeadline(deadline, fn);
  }

  /** Runs `fn` so that aborting `abortSignal` cancels its calls; see {@link Connection.withAbortSignal}. */
  async withAbortSignal<R>(abortSignal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.connection.withAbortSignal(abortSignal, fn);
  }

  /** Runs `fn` with extra metadata on its calls; see {@link Connection.withMetadata}. */
  async withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    return this.connection.withMetadata(metadata, fn);
  }

  protected get dataConverter(): LoadedDataConverter {
    return this.loadedDataConverter;
  }
}

function isLoadedDataConverter(dc: DataConverter | LoadedDataConverter): dc is LoadedDataConverter {
  const candidate = dc as Partial<LoadedDataConverter>;
  return (
    typeof candidate.payloadConverter === 'object' &&
    typeof candidate.failureConverter === 'object' &&
    Array.isArray(candidate.payloadCodecs)
  );
}
