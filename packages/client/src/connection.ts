/**
 * `Connection`: one grpc-js channel to the server and the raw WorkflowService and OperatorService over it, plus
 * the call-context scopes (`withDeadline`, `withAbortSignal`, `withMetadata`) that apply to
 * every call made inside them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as grpc from '@grpc/grpc-js';
import proto from '@temporalio/proto';
import { API_KEY_SERVICE_NAME, createApiKeyService, type ApiKeyService } from './api-key-service.js';
import { compileConnectionOptions, type ConnectionOptions, type ConnectionOptionsWithDefaults } from './connection-options.js';
import { isGrpcServiceError, ServiceError } from './errors.js';
import { Http2Channel } from './http2-channel.js';
import { makeHttp2ServiceRpc, makeServiceRpc, type RpcImpl } from './service-rpc.js';
import {
  encodeActivityTaskAnswer,
  NEXT_WORKFLOW_TASK_HEADER,
  nextWorkflowTaskOf,
  type ActivityTaskAnswer,
} from './next-workflow-task.js';
import type { CallContext, ConnectionLike, Metadata, OperatorService, WorkflowService } from './types.js';

/** Sent as `client-name`: servers only accept known SDK names, and our wire behaviour is the TypeScript SDK's. */
const clientName = 'temporal-typescript';
/** Sent as `client-version`: the official SDK version whose API and behaviour we mirror. */
const clientVersion = '1.24.0';
const workflowServiceName = 'temporal.api.workflowservice.v1.WorkflowService';
const operatorServiceName = 'temporal.api.operatorservice.v1.OperatorService';

/**
 * Client connection to the server.
 *
 * Connections are expensive: create one per process and share it between clients, and
 * {@link Connection.close | close} it when done.
 *
 * @example
 * ```ts
 * import { Client, Connection } from '@endure/client';
 *
 * const connection = await Connection.connect({ address: 'localhost:7233' });
 * const client = new Client({ connection });
 * // …
 * await connection.close();
 * ```
 */
export class Connection implements ConnectionLike {
  /** Options after defaults are applied. */
  readonly options: ConnectionOptionsWithDefaults;
  /**
   * Raw gRPC access to the WorkflowService. The namespace of a request is also sent as the
   * `temporal-namespace` header, as the official SDK does.
   */
  readonly workflowService: WorkflowService;
  /**
   * Raw gRPC access to the OperatorService (search attributes, namespaces' cluster settings).
   * As in the official SDK, no `temporal-namespace` header is added.
   *
   * @example
   * ```ts
   * const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
   * ```
   */
  readonly operatorService: OperatorService;
  /**
   * Endure's API key management (`endure.operator.v1.ApiKeyService`); needs `system:admin`.
   *
   * @example
   * ```ts
   * const { apiKeys } = await connection.apiKeyService.listApiKeys();
   * ```
   */
  readonly apiKeyService: ApiKeyService;
  /** Carries the deadline, metadata and abort signal of the current `with…` scope. */
  readonly callContextStorage = new AsyncLocalStorage<CallContext>();
  /** The grpc-js client, when grpc-js options asked for it; else the built-in HTTP/2 channel. */
  protected readonly client: grpc.Client | undefined;
  private readonly channel: Http2Channel | undefined;
  private readonly apiKeyRef: { fn: (() => string) | undefined };
  /** The WorkflowService's raw calls (bytes in, bytes out), for responses read beyond their type. */
  private readonly workflowRpc: RpcImpl;
  private connectPromise: Promise<void> | undefined;

  /**
   * Creates a connection without checking that the server is reachable; the first call
   * connects. Prefer {@link Connection.connect}.
   */
  static lazy(options?: ConnectionOptions): Connection {
    return new this(options);
  }

  /**
   * Creates a connection and waits until the server answers `GetSystemInfo` (bounded by
   * `connectTimeout`).
   *
   * @example
   * ```ts
   * const connection = await Connection.connect({ address: 'endure.internal:7233', connectTimeout: '5s' });
   * ```
   */
  static async connect(options?: ConnectionOptions): Promise<Connection> {
    const connection = this.lazy(options);
    await connection.ensureConnected();
    return connection;
  }

  protected constructor(options?: ConnectionOptions) {
    const compiled = compileConnectionOptions(options);
    this.options = compiled.options;
    this.apiKeyRef = { fn: compiled.apiKey };
    const staticMetadata: Metadata = { 'client-name': clientName, 'client-version': clientVersion, ...this.options.metadata };
    this.options.metadata = staticMetadata;
    const common = { callContextStorage: this.callContextStorage, staticMetadata, apiKeyRef: this.apiKeyRef };
    let rpcFor: (serviceName: string) => RpcImpl;
    if (compiled.http2) {
      const channel = new Http2Channel({ ...compiled.http2, userAgent: `${clientName}/${clientVersion} (endure)` });
      this.channel = channel;
      rpcFor = (serviceName) => makeHttp2ServiceRpc({ ...common, serviceName, channel });
    } else {
      const GenericClient = grpc.makeGenericClientConstructor({}, 'WorkflowService', {});
      const client = new GenericClient(this.options.address, this.options.credentials, this.options.channelArgs);
      this.client = client;
      rpcFor = (serviceName) => makeServiceRpc({ ...common, serviceName, client, interceptors: this.options.interceptors });
    }
    const services = proto.temporal.api;
    this.workflowRpc = rpcFor(workflowServiceName);
    this.workflowService = this.withNamespaceHeader(services.workflowservice.v1.WorkflowService.create(this.workflowRpc, false, false));
    this.operatorService = services.operatorservice.v1.OperatorService.create(rpcFor(operatorServiceName), false, false);
    this.apiKeyService = createApiKeyService(rpcFor(API_KEY_SERVICE_NAME));
  }

  /**
   * Waits until the server is reachable and answers `GetSystemInfo`, within `connectTimeout`.
   * Memoized: later calls return the first call's promise.
   */
  async ensureConnected(): Promise<void> {
    this.connectPromise ??= this.connectOnce(Date.now() + this.options.connectTimeoutMs);
    return this.connectPromise;
  }

  /**
   * Opens the transport to the server once, within `connectTimeout`, and rejects with the
   * reason when the server cannot be reached (connection refused, unknown host, failed TLS
   * handshake) instead of waiting for it to come up. Calls made later still retry transient
   * failures. `NativeConnection.connect` in `@endure/worker` uses it to fail fast, as the
   * official worker's does.
   *
   * @example
   * ```ts
   * const connection = Connection.lazy({ address: 'localhost:7233' });
   * await connection.checkReachable(); // rejects at once if nothing listens there
   * ```
   */
  async checkReachable(): Promise<void> {
    const deadline = Date.now() + this.options.connectTimeoutMs;
    if (this.channel) await this.channel.connect(deadline);
    else if (this.client) await grpcChannelReady(this.client.getChannel(), deadline);
  }

  private async connectOnce(deadline: number): Promise<void> {
    const client = this.client;
    if (client) {
      await new Promise<void>((resolve, reject) => {
        client.waitForReady(deadline, (err) => (err ? reject(err) : resolve()));
      });
    }
    try {
      await this.withDeadline(deadline, () => this.workflowService.getSystemInfo({}));
    } catch (err) {
      if (!isGrpcServiceError(err)) throw err;
      // Servers older than GetSystemInfo answer UNIMPLEMENTED and are still usable.
      if (err.code !== grpc.status.UNIMPLEMENTED) {
        throw new ServiceError('Failed to connect to Temporal server', { cause: err });
      }
    }
  }

  /**
   * Runs `fn` with a deadline on every call it makes; calls still pending then fail with a
   * gRPC DEADLINE_EXCEEDED {@link ServiceError} (see {@link isGrpcDeadlineError}).
   *
   * @example
   * ```ts
   * await connection.withDeadline(Date.now() + 5_000, () => handle.describe());
   * ```
   */
  async withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.callContextStorage.run({ ...this.callContextStorage.getStore(), deadline }, fn);
  }

  /**
   * Runs `fn` so that aborting `abortSignal` cancels the calls it makes (they fail with gRPC
   * CANCELLED; see {@link isGrpcCancelledError}). Long polls such as `result()` stop at once.
   *
   * @example
   * ```ts
   * const ctrl = new AbortController();
   * setTimeout(() => ctrl.abort(), 10_000);
   * await connection.withAbortSignal(ctrl.signal, () => client.workflow.execute(myWorkflow, options));
   * ```
   */
  async withAbortSignal<R>(abortSignal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.callContextStorage.run({ ...this.callContextStorage.getStore(), abortSignal }, fn);
  }

  /**
   * Runs `fn` with `metadata` added to every call it makes, over the connection's metadata and
   * any enclosing scope's.
   *
   * @example
   * ```ts
   * await connection.withMetadata({ 'x-tenant': 'acme' }, () => client.workflow.start(myWorkflow, options));
   * ```
   */
  async withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    const current = this.callContextStorage.getStore();
    return this.callContextStorage.run({ ...current, metadata: { ...current?.metadata, ...metadata } }, fn);
  }

  /** Runs `fn` with `apiKey` as the `Authorization` header of every call it makes. */
  async withApiKey<R>(apiKey: string, fn: () => Promise<R>): Promise<R> {
    return this.withMetadata({ Authorization: `Bearer ${apiKey}` }, fn);
  }

  /** Sets the API key used by all later calls. */
  setApiKey(apiKey: string | (() => string)): void {
    if (apiKey === '') throw new TypeError('`apiKey` must not be an empty string');
    this.apiKeyRef.fn = typeof apiKey === 'string' ? () => apiKey : apiKey;
  }

  /** Closes the channel; pending calls fail. */
  // Async for uniformity with the official SDK's NativeConnection.
  // eslint-disable-next-line @typescript-eslint/require-await
  async close(): Promise<void> {
    this.client?.close();
    this.channel?.close();
    this.callContextStorage.disable();
  }

  /**
   * Endure extension, for `@endure/worker`: answers an activity task (RespondActivityTaskCompleted
   * or RespondActivityTaskFailed) and asks an Endure server for the run's next workflow task,
   * which the worker polls on `stickyQueue`, in the same call. Resolves to that task when the
   * server started it (the caller must then run it, as if it had polled it), else null: the
   * task, if any, comes through the worker's poll as usual.
   *
   * @example
   * ```ts
   * const task = await connection.respondActivityTaskWithNextWorkflowTask({ completed: request }, stickyQueue);
   * if (task) runWorkflowTask(task);
   * ```
   */
  async respondActivityTaskWithNextWorkflowTask(
    answer: ActivityTaskAnswer,
    stickyQueue: string,
  ): Promise<proto.temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse | null> {
    const { method, namespace, bytes } = encodeActivityTaskAnswer(answer);
    const metadata: Metadata = { [NEXT_WORKFLOW_TASK_HEADER]: stickyQueue };
    if (namespace) metadata['temporal-namespace'] = namespace;
    const response = await this.withMetadata(
      metadata,
      () =>
        new Promise<Uint8Array>((resolve, reject) => {
          // protobufjs's RPCImpl reads only the method's name.
          const descriptor = { name: method } as Parameters<RpcImpl>[0];
          this.workflowRpc(descriptor, bytes, (err, data) => (err ? reject(err) : resolve(data ?? new Uint8Array())));
        }),
    );
    return nextWorkflowTaskOf(response);
  }

  /** Wraps each method so a request's `namespace` is also sent as the `temporal-namespace` header. */
  private withNamespaceHeader(service: WorkflowService): WorkflowService {
    const methods = service as unknown as Record<string, unknown>;
    const wrapper: Record<string, unknown> = {};
    for (const name of serviceMethodNames(service)) {
      const method = methods[name] as (request: { namespace?: string | null }) => Promise<unknown>;
      wrapper[name] = (request: { namespace?: string | null }) => {
        const namespace = request?.namespace;
        const call = () => method.call(service, request);
        return namespace ? this.withMetadata({ 'temporal-namespace': namespace }, call) : call();
      };
    }
    return wrapper as unknown as WorkflowService;
  }
}

/**
 * Waits until a grpc-js channel is READY; a channel that falls into TRANSIENT_FAILURE (grpc-js
 * would keep reconnecting) or shuts down fails at once. grpc-js does not say why it failed.
 */
async function grpcChannelReady(channel: ReturnType<grpc.Client['getChannel']>, deadline: number): Promise<void> {
  const { READY, TRANSIENT_FAILURE, SHUTDOWN } = grpc.connectivityState;
  for (let state = channel.getConnectivityState(true); state !== READY; state = channel.getConnectivityState(false)) {
    if (state === TRANSIENT_FAILURE) throw new Error('the server could not be reached');
    if (state === SHUTDOWN) throw new Error('the connection is closed');
    const current = state;
    await new Promise<void>((resolve, reject) => {
      channel.watchConnectivityState(current, deadline, (err) => (err ? reject(err) : resolve()));
    });
  }
}

/** The RPC methods of a reflection-built protobufjs service: its own function-valued properties. */
function serviceMethodNames(service: WorkflowService): string[] {
  return Object.entries(service)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name);
}
