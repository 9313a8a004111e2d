/**
 * `Connection` against a scripted gRPC server: retries of transient failures (bounded),
 * pass-through of other failures, the metadata every call carries and the call-context scopes.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import {
  Connection,
  defaultGrpcRetryOptions,
  isGrpcDeadlineError,
  isGrpcServiceError,
  makeGrpcRetryInterceptor,
} from '../src/index.js';

const ws = proto.temporal.api.workflowservice.v1;
const os = proto.temporal.api.operatorservice.v1;
const servicePath = '/temporal.api.workflowservice.v1.WorkflowService';
const operatorServicePath = '/temporal.api.operatorservice.v1.OperatorService';

/** What the scripted server does with each call: fail with a status, hang, or answer. */
type Script = (call: grpc.ServerUnaryCall<Buffer, Buffer>) => grpc.status | 'hang' | 'ok';

let server: grpc.Server;
let address: string;
let script: Script = () => 'ok';
const calls: grpc.Metadata[] = [];

/** Describes a unary method whose messages pass through as raw bytes. */
function unary(method: string, service = servicePath): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path: `${service}/${method}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  };
}

function handler(response: () => Uint8Array): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    calls.push(call.metadata);
    const outcome = script(call);
    if (outcome === 'hang') return;
    if (outcome === 'ok') callback(null, Buffer.from(response()));
    else callback({ code: outcome, details: `scripted ${grpc.status[outcome]}` });
  };
}

beforeAll(async () => {
  server = new grpc.Server();
  const systemInfo = () => ws.GetSystemInfoResponse.encode({ serverVersion: 'scripted' }).finish();
  const describeNamespace = () => ws.DescribeNamespaceResponse.encode({}).finish();
  server.addService(
    { GetSystemInfo: unary('GetSystemInfo'), DescribeNamespace: unary('DescribeNamespace') },
    { GetSystemInfo: handler(systemInfo), DescribeNamespace: handler(describeNamespace) },
  );
  const searchAttributes = () =>
    os.ListSearchAttributesResponse.encode({
      customAttributes: { CustomKeywordField: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    }).finish();
  server.addService(
    { ListSearchAttributes: unary('ListSearchAttributes', operatorServicePath) },
    { ListSearchAttributes: handler(searchAttributes) },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(() => {
  server?.forceShutdown();
});

/** A connection that retries quickly so tests stay fast. */
function fastRetryConnection(maxAttempts: number): Connection {
  return Connection.lazy({
    address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts, initialIntervalMs: () => 1 }))],
  });
}

describe('Connection', () => {
  it('connects and sends client name, version, connection and scoped metadata', async () => {
    script = () => 'ok';
    calls.length = 0;
    const connection = await Connection.connect({ address, metadata: { 'x-static': 'a' } });
    try {
      await connection.withMetadata({ 'x-scoped': 'b' }, () =>
        connection.workflowService.describeNamespace({ namespace: 'orders' }),
      );
      const first = calls[0];
      const last = calls.at(-1);
      expect(first?.get('client-name')).toEqual(['temporal-typescript']);
      expect(first?.get('client-version')).toEqual(['1.24.0']);
      expect(last?.get('x-static')).toEqual(['a']);
      expect(last?.get('x-scoped')).toEqual(['b']);
      expect(last?.get('temporal-namespace')).toEqual(['orders']);
    } finally {
      await connection.close();
    }
  });

  it.each([
    ['built-in HTTP/2', () => Connection.lazy({ address })],
    ['grpc-js', () => fastRetryConnection(1)],
  ])('calls the OperatorService on its own path with the connection metadata (%s transport)', async (_name, connect) => {
    script = () => 'ok';
    calls.length = 0;
    const connection = connect();
    try {
      const response = await connection.operatorService.listSearchAttributes({ namespace: 'orders' });
      expect(response.customAttributes).toEqual({ CustomKeywordField: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD });
      expect(calls.at(-1)?.get('client-name')).toEqual(['temporal-typescript']);
    } finally {
      await connection.close();
    }
  });

  it('gives up after maxAttempts and surfaces the grpc-js ServiceError (grpc-js transport)', async () => {
    script = () => grpc.status.UNAVAILABLE;
    calls.length = 0;
    const connection = fastRetryConnection(3);
    try {
      const err: unknown = await connection.workflowService.getSystemInfo({}).catch((e: unknown) => e);
      expect(isGrpcServiceError(err)).toBe(true);
      expect((err as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
      expect(calls).toHaveLength(3);
    } finally {
      await connection.close();
    }
  });

  it('stops retrying at the deadline (built-in HTTP/2 transport)', async () => {
    script = () => grpc.status.UNAVAILABLE;
    calls.length = 0;
    const connection = Connection.lazy({ address });
    try {
      const started = Date.now();
      const err: unknown = await connection
        .withDeadline(Date.now() + 500, () => connection.workflowService.getSystemInfo({}))
        .catch((e: unknown) => e);
      expect(isGrpcServiceError(err)).toBe(true);
      expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain((err as grpc.ServiceError).code);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(calls.length).toBeGreaterThan(1);
    } finally {
      await connection.close();
    }
  });

  // The same behaviour over both transports: the built-in HTTP/2 one (the default, with the
  // default retry policy) and grpc-js (chosen by passing grpc-js options, here interceptors).
  describe.each([
    { transport: 'built-in HTTP/2', connect: () => Connection.lazy({ address }) },
    { transport: 'grpc-js', connect: () => fastRetryConnection(10) },
  ])('over $transport', ({ connect }) => {
    it('retries UNAVAILABLE until the call succeeds', async () => {
      const failures = [grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE];
      script = () => failures.shift() ?? 'ok';
      calls.length = 0;
      const connection = connect();
      try {
        const response = await connection.workflowService.getSystemInfo({});
        expect(response.serverVersion).toBe('scripted');
        expect(calls).toHaveLength(3);
      } finally {
        await connection.close();
      }
    });

    it('does not retry non-transient failures and keeps their code and details', async () => {
      script = () => grpc.status.INVALID_ARGUMENT;
      calls.length = 0;
      const connection = connect();
      try {
        const err: unknown = await connection.workflowService.getSystemInfo({}).catch((e: unknown) => e);
        expect(isGrpcServiceError(err)).toBe(true);
        expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
        expect((err as grpc.ServiceError).details).toBe('scripted INVALID_ARGUMENT');
        expect(calls).toHaveLength(1);
      } finally {
        await connection.close();
      }
    });

    it('applies withDeadline and withAbortSignal to calls in scope', async () => {
      script = () => 'hang';
      const connection = connect();
      try {
        const timedOut: unknown = await connection
          .withDeadline(Date.now() + 100, () => connection.workflowService.getSystemInfo({}))
          .catch((e: unknown) => e);
        expect(isGrpcDeadlineError(timedOut)).toBe(true);

        const controller = new AbortController();
        const pending = connection.withAbortSignal(controller.signal, () => connection.workflowService.getSystemInfo({}));
        controller.abort();
        const cancelled: unknown = await pending.catch((e: unknown) => e);
        expect((cancelled as grpc.ServiceError).code).toBe(grpc.status.CANCELLED);
      } finally {
        await connection.close();
      }
    });

    it('sends connection, scoped, namespace and API-key metadata', async () => {
      script = () => 'ok';
      calls.length = 0;
      const connection = connect();
      try {
        connection.setApiKey('secret');
        await connection.withMetadata({ 'x-scoped': 'b', 'x-data-bin': Buffer.from([1, 2, 3]) }, () =>
          connection.workflowService.describeNamespace({ namespace: 'orders' }),
        );
        const last = calls.at(-1);
        expect(last?.get('client-name')).toEqual(['temporal-typescript']);
        expect(last?.get('x-scoped')).toEqual(['b']);
        expect(last?.get('x-data-bin')).toEqual([Buffer.from([1, 2, 3])]);
        expect(last?.get('temporal-namespace')).toEqual(['orders']);
        expect(last?.get('authorization')).toEqual(['Bearer secret']);
      } finally {
        await connection.close();
      }
    });
  });

  it('reports an unreachable server as UNAVAILABLE (built-in HTTP/2 transport)', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    try {
      const err: unknown = await connection
        .withDeadline(Date.now() + 300, () => connection.workflowService.getSystemInfo({}))
        .catch((e: unknown) => e);
      expect(isGrpcServiceError(err)).toBe(true);
      expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain((err as grpc.ServiceError).code);
    } finally {
      await connection.close();
    }
  });

  it('rejects an address with a scheme and adds the default port', () => {
    expect(() => Connection.lazy({ address: 'http://localhost:7233' })).toThrow(TypeError);
    const connection = Connection.lazy({ address: 'localhost' });
    expect(connection.options.address).toBe('localhost:7233');
    void connection.close();
  });
});
