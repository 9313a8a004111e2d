/**
 * `client.workflow.list()` and `count()` against a scripted WorkflowService: paging with
 * `next_page_token`, the request fields, decoding of each execution (typed search attributes
 * included), `intoHistories()`, and the groups of a `GROUP BY` count.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import proto from '@temporalio/proto';
import { Client, Connection, defineSearchAttributeKey, ServiceError } from '../src/index.js';

const ws = proto.temporal.api.workflowservice.v1;
const servicePath = '/temporal.api.workflowservice.v1.WorkflowService';
const Status = proto.temporal.api.enums.v1.WorkflowExecutionStatus;
const tier = defineSearchAttributeKey('CustomKeywordField', 'KEYWORD');

const executionCount = 5;
const listRequests: proto.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest[] = [];
const countRequests: proto.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest[] = [];
let failList = false;
let server: grpc.Server;
let connection: Connection;
let client: Client;

function jsonPayload(value: unknown, type: string): proto.temporal.api.common.v1.IPayload {
  return { metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) }, data: Buffer.from(JSON.stringify(value)) };
}

function execution(index: number): proto.temporal.api.workflow.v1.IWorkflowExecutionInfo {
  return {
    execution: { workflowId: `wf-${index}`, runId: `run-${index}` },
    type: { name: 'orderWorkflow' },
    taskQueue: 'orders',
    status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTime: { seconds: Long.fromNumber(1_700_000_000 + index) },
    historyLength: Long.fromNumber(3),
    searchAttributes: { indexedFields: { CustomKeywordField: jsonPayload(`tier-${index}`, 'Keyword') } },
  };
}

/** Pages of `pageSize` (2 when unset); the token is the next offset. */
function listExecutions(request: proto.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest): Uint8Array {
  listRequests.push(request);
  const offset = request.nextPageToken.length > 0 ? Number(Buffer.from(request.nextPageToken).toString()) : 0;
  const end = Math.min(offset + (request.pageSize || 2), executionCount);
  const executions = Array.from({ length: end - offset }, (_, i) => execution(offset + i));
  const nextPageToken = end < executionCount ? Buffer.from(String(end)) : Buffer.alloc(0);
  return ws.ListWorkflowExecutionsResponse.encode({ executions, nextPageToken }).finish();
}

function historyOf(request: proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest): Uint8Array {
  const eventId = Long.fromNumber(Number(request.execution?.workflowId?.replace('wf-', '') ?? 0) + 1);
  return ws.GetWorkflowExecutionHistoryResponse.encode({ history: { events: [{ eventId }] } }).finish();
}

function countExecutions(request: proto.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest): Uint8Array {
  countRequests.push(request);
  const groups = request.query.includes('GROUP BY')
    ? [
        { count: Long.fromNumber(3), groupValues: [jsonPayload('Running', 'Keyword')] },
        { count: Long.fromNumber(2), groupValues: [jsonPayload('Completed', 'Keyword')] },
      ]
    : [];
  return ws.CountWorkflowExecutionsResponse.encode({ count: Long.fromNumber(executionCount), groups }).finish();
}

function unary<Req>(
  method: string,
  decode: (bytes: Buffer) => Req,
  answer: (request: Req) => Uint8Array,
): [grpc.MethodDefinition<Buffer, Buffer>, grpc.handleUnaryCall<Buffer, Buffer>] {
  const passThrough = (b: Buffer) => b;
  const definition = {
    path: `${servicePath}/${method}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  };
  const handle: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    if (method === 'ListWorkflowExecutions' && failList) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'invalid query' });
      return;
    }
    callback(null, Buffer.from(answer(decode(call.request))));
  };
  return [definition, handle];
}

beforeAll(async () => {
  server = new grpc.Server();
  const methods = {
    ListWorkflowExecutions: unary('ListWorkflowExecutions', (b) => ws.ListWorkflowExecutionsRequest.decode(b), listExecutions),
    GetWorkflowExecutionHistory: unary('GetWorkflowExecutionHistory', (b) => ws.GetWorkflowExecutionHistoryRequest.decode(b), historyOf),
    CountWorkflowExecutions: unary('CountWorkflowExecutions', (b) => ws.CountWorkflowExecutionsRequest.decode(b), countExecutions),
  };
  server.addService(
    Object.fromEntries(Object.entries(methods).map(([name, [definition]]) => [name, definition])),
    Object.fromEntries(Object.entries(methods).map(([name, [, handle]]) => [name, handle])),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  connection = Connection.lazy({ address: `127.0.0.1:${port}` });
  client = new Client({ connection, namespace: 'orders' });
});

afterAll(async () => {
  await connection?.close();
  server?.forceShutdown();
});

describe('list', () => {
  it('pages with next_page_token and decodes each execution', async () => {
    listRequests.length = 0;
    const listed = [];
    for await (const info of client.workflow.list({ query: `WorkflowType = 'orderWorkflow'`, pageSize: 2 })) listed.push(info);
    expect(listed.map((info) => info.workflowId)).toEqual(['wf-0', 'wf-1', 'wf-2', 'wf-3', 'wf-4']);
    expect(listRequests.map((r) => [r.namespace, r.query, r.pageSize])).toEqual(Array(3).fill(['orders', `WorkflowType = 'orderWorkflow'`, 2]));
    expect(listRequests.map((r) => Buffer.from(r.nextPageToken).toString())).toEqual(['', '2', '4']);
    const first = listed[0]!;
    expect(first).toMatchObject({ runId: 'run-0', type: 'orderWorkflow', taskQueue: 'orders', historyLength: 3, status: { name: 'RUNNING' } });
    expect(first.startTime).toEqual(new Date(1_700_000_000_000));
    expect(first.typedSearchAttributes.get(tier)).toBe('tier-0');
    expect(first.searchAttributes).toEqual({ CustomKeywordField: ['tier-0'] });
  });

  it('reads no page before it is iterated, and no further page than it is read', async () => {
    listRequests.length = 0;
    const iterable = client.workflow.list({ pageSize: 2 });
    expect(listRequests).toHaveLength(0);
    for await (const info of iterable) {
      expect(info.workflowId).toBe('wf-0');
      break;
    }
    expect(listRequests).toHaveLength(1);
  });

  it('turns the list into histories', async () => {
    const histories = [];
    for await (const item of client.workflow.list({ pageSize: 2 }).intoHistories({ concurrency: 2 })) histories.push(item);
    const byId = Object.fromEntries(
      histories.map(({ workflowId, history }) => [workflowId, (history as proto.temporal.api.history.v1.IHistory).events?.map((e) => Number(e.eventId))]),
    );
    expect(byId).toEqual({ 'wf-0': [1], 'wf-1': [2], 'wf-2': [3], 'wf-3': [4], 'wf-4': [5] });
  });

  it('throws a ServiceError when the server refuses the query', async () => {
    failList = true;
    try {
      const iterator = client.workflow.list({ query: 'nonsense' })[Symbol.asyncIterator]();
      await expect(iterator.next()).rejects.toBeInstanceOf(ServiceError);
    } finally {
      failList = false;
    }
  });
});

describe('count', () => {
  it('counts, with the decoded groups of a GROUP BY query', async () => {
    countRequests.length = 0;
    expect(await client.workflow.count()).toEqual({ count: 5, groups: [] });
    expect(await client.workflow.count('GROUP BY ExecutionStatus')).toEqual({
      count: 5,
      groups: [
        { count: 3, groupValues: [['Running']] },
        { count: 2, groupValues: [['Completed']] },
      ],
    });
    expect(countRequests.map((r) => [r.namespace, r.query])).toEqual([
      ['orders', ''],
      ['orders', 'GROUP BY ExecutionStatus'],
    ]);
  });
});
