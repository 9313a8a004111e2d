/**
 * Inputs the API fuzzer (bench/fuzz/) found to crash the server or to answer INTERNAL, sent
 * again through the official client and the HTTP port: each must get a clear answer naming
 * the field, and the server must go on serving.
 */
import net from 'node:net';
import { Connection } from '@temporalio/client';
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Status } from '../common/grpc-status.js';
import { EndureServer } from '../server.js';

let server: EndureServer;
let connection: Connection;

beforeAll(async () => {
  server = await EndureServer.start({ port: 0, uiPort: 0, inMemory: true, logLevel: 'error' });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

/** The gRPC status and message a call failed with (fails the test if it succeeded). */
async function failure(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  const err = (await call.then(
    () => null,
    (e: unknown) => e,
  )) as { code: number; details: string } | null;
  expect(err, 'the call should have failed').not.toBeNull();
  return { code: err!.code, details: err!.details };
}

const FAR_FUTURE = { seconds: Long.fromString('9223372036854775807'), nanos: 0 };
const service = () => connection.workflowService;

describe('time values outside what a Date holds', () => {
  it('ListOpenWorkflowExecutions refuses an out-of-range start time filter', async () => {
    const { code, details } = await failure(
      service().listOpenWorkflowExecutions({ namespace: 'default', startTimeFilter: { earliestTime: FAR_FUTURE } }),
    );
    expect(code).toBe(Status.INVALID_ARGUMENT);
    expect(details).toContain('start_time_filter.earliest_time');
  });

  it('ListScheduleMatchingTimes refuses an out-of-range start time', async () => {
    const request = { namespace: 'default', scheduleId: 's', startTime: FAR_FUTURE, endTime: { seconds: Long.ZERO } };
    const { code, details } = await failure(service().listScheduleMatchingTimes(request));
    expect(code).toBe(Status.INVALID_ARGUMENT);
    expect(details).toContain('start_time');
  });

  it('RegisterNamespace refuses a retention past protobuf Duration range, so ListNamespaces can still print it as JSON', async () => {
    const request = { namespace: 'fuzzed-retention', workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(315_576_000_001) } };
    const { code, details } = await failure(service().registerNamespace(request));
    expect(code).toBe(Status.INVALID_ARGUMENT);
    expect(details).toContain('workflow_execution_retention_period');
    const response = await fetch(`${server.uiAddress}/api/v1/namespaces`);
    expect(response.status).toBe(200);
  });
});

describe('Durations and Timestamps out of protobuf range, anywhere in a request', () => {
  it('StartWorkflowExecution refuses a run timeout past 10,000 years, so the history stays printable as JSON', async () => {
    const request = {
      namespace: 'default',
      workflowId: 'fuzzed-timeout',
      workflowType: { name: 'w' },
      taskQueue: { name: 'q' },
      workflowRunTimeout: FAR_FUTURE,
      requestId: 'r1',
    };
    const { code, details } = await failure(service().startWorkflowExecution(request));
    expect(code).toBe(Status.INVALID_ARGUMENT);
    expect(details).toContain('workflow_run_timeout');
    const { code: nested } = await failure(
      service().startWorkflowExecution({ ...request, workflowRunTimeout: null, retryPolicy: { initialInterval: { seconds: Long.ONE, nanos: -5 } } }),
    );
    expect(nested).toBe(Status.INVALID_ARGUMENT);
  });

  it('the HTTP API answers 400 for the same request', async () => {
    const body = { workflowType: { name: 'w' }, taskQueue: { name: 'q' }, workflowRunTimeout: '315576000001s' };
    const response = await fetch(`${server.uiAddress}/api/v1/namespaces/default/workflows/fuzzed-timeout-http`, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: number }).code).toBe(Status.INVALID_ARGUMENT);
  });
});

describe('paging arguments', () => {
  it('ListNamespaces with a negative page size answers the first page', async () => {
    // Fewer namespaces than 5 exist: -5 used to slice the page empty and then read its last entry.
    const response = await service().listNamespaces({ pageSize: -5 });
    expect(response.namespaces.map((n) => n.namespaceInfo?.name)).toContain('default');
  });

  it('a page token that is JSON but not an object is refused', async () => {
    for (const token of ['null', '1', '"q"']) {
      const { code } = await failure(service().listWorkflowExecutions({ namespace: 'default', nextPageToken: Buffer.from(token) }));
      expect(code).toBe(Status.INVALID_ARGUMENT);
    }
  });
});

describe('HTTP request targets that are not URLs', () => {
  /** One raw HTTP/1.1 request; resolves to the status line. */
  function rawRequest(target: string): Promise<string> {
    const { port } = new URL(server.uiAddress!);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    });
  }

  it('answers 400 to `GET //` and `GET //[::1` and keeps serving', async () => {
    expect(await rawRequest('//')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawRequest('//[::1')).toBe('HTTP/1.1 400 Bad Request');
    expect((await fetch(`${server.uiAddress}/api/v1/namespaces`)).status).toBe(200);
  });
});
