/**
 * The bridge between protobufjs's generated service stubs and grpc-js: each stub method
 * becomes a unary call on `/<service>/<Method>`, carrying the call context (deadline,
 * metadata, abort signal) of the `AsyncLocalStorage` scope it was made in.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import * as grpc from '@grpc/grpc-js';
import proto from '@temporalio/proto';
import type { Http2Channel } from './http2-channel.js';
import type { CallContext, Metadata } from './types.js';

/** protobufjs's `RPCImpl`, named through the generated service so protobufjs is not a direct dependency. */
export type RpcImpl = Parameters<typeof proto.temporal.api.workflowservice.v1.WorkflowService.create>[0];

export interface ServiceRpcOptions {
  /** Fully qualified service name, e.g. `temporal.api.workflowservice.v1.WorkflowService`. */
  serviceName: string;
  client: grpc.Client;
  callContextStorage: AsyncLocalStorage<CallContext>;
  interceptors: grpc.Interceptor[];
  /** Metadata sent with every call (connection options plus client name and version). */
  staticMetadata: Metadata;
  /** Read at each call so {@link Connection.setApiKey} takes effect immediately. */
  apiKeyRef: { fn: (() => string) | undefined };
}

const passThrough = (bytes: Buffer): Buffer => bytes;

/** Builds the `rpcImpl` protobufjs calls for every method of a generated service. */
export function makeServiceRpc(options: ServiceRpcOptions): RpcImpl {
  const { serviceName, client, callContextStorage, interceptors, staticMetadata, apiKeyRef } = options;
  return (method, requestData, callback) => {
    const { metadata, deadline, abortSignal } = callContextStorage.getStore() ?? {};
    const grpcMetadata = buildMetadata(apiKeyRef.fn?.(), staticMetadata, metadata);
    let onAbort: (() => void) | undefined;
    const call = client.makeUnaryRequest(
      `/${serviceName}/${method.name}`,
      passThrough,
      passThrough,
      Buffer.from(requestData),
      grpcMetadata,
      { interceptors, ...(deadline !== undefined ? { deadline } : {}) },
      (err, response) => {
        // Long-lived signals (a worker's shutdown signal) see many calls: detach from each one.
        if (onAbort !== undefined) abortSignal?.removeEventListener('abort', onAbort);
        callback(err, response);
      },
    );
    if (abortSignal !== undefined) {
      if (abortSignal.aborted) {
        call.cancel();
      } else {
        onAbort = () => call.cancel();
        abortSignal.addEventListener('abort', onAbort, { once: true });
      }
    }
  };
}

function buildMetadata(apiKey: string | undefined, staticMetadata: Metadata, scoped: Metadata | undefined): grpc.Metadata {
  const result = new grpc.Metadata();
  if (apiKey) result.set('Authorization', `Bearer ${apiKey}`);
  for (const [key, value] of Object.entries(staticMetadata)) result.set(key, value);
  for (const [key, value] of Object.entries(scoped ?? {})) result.set(key, value);
  return result;
}

export interface Http2ServiceRpcOptions extends Omit<ServiceRpcOptions, 'client' | 'interceptors'> {
  channel: Http2Channel;
}

/** The same bridge over the built-in HTTP/2 channel (retries are the channel's). */
export function makeHttp2ServiceRpc(options: Http2ServiceRpcOptions): RpcImpl {
  const { serviceName, channel, callContextStorage, staticMetadata, apiKeyRef } = options;
  return (method, requestData, callback) => {
    const { metadata, deadline, abortSignal } = callContextStorage.getStore() ?? {};
    const apiKey = apiKeyRef.fn?.();
    const headers: Metadata = apiKey ? { authorization: `Bearer ${apiKey}`, ...staticMetadata } : { ...staticMetadata };
    if (metadata) Object.assign(headers, metadata);
    channel
      .unary(`/${serviceName}/${method.name}`, requestData, {
        metadata: headers,
        deadline: deadline === undefined ? undefined : Number(deadline),
        signal: abortSignal,
      })
      .then(
        (response) => callback(null, response),
        (err: Error) => callback(err),
      );
  };
}
