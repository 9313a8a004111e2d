/**
 * Temporal's HTTP JSON API on the UI port, checked against the official SDK's view of the
 * same workflows: reads answer the same data, writes have the same effects, and bad calls
 * answer a JSON error with the gRPC status and a message naming what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, uniqueTaskQueue, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';

let env: TestEnv;
let api: string;
let taskQueue: string;

// The answers are JSON documents whose shape each assertion states; typing every one would only restate it.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; text: string }> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Json, text };
}

beforeAll(async () => {
  env = await startTestEnv({ uiPort: 0 });
  api = `${env.server.uiAddress}/api/v1`;
  taskQueue = uniqueTaskQueue('http-api');
  await env.createWorker({
    taskQueue,
    activities: {
      greet: (name: string) => Promise.resolve(`Hello, ${name}!`),
      alwaysFails: (message: string) => Promise.reject(new Error(message)),
    },
  }).then((worker) => {
    void worker.run();
  });
});

afterAll(async () => {
  await env?.close();
});

describe('HTTP API reads', () => {
  it('describes, lists and shows the history of a workflow as the SDK sees it, payloads as JSON', async () => {
    const workflowId = uniqueWorkflowId('http-read');
    const handle = await env.client.workflow.start('uiCompleted', { taskQueue, workflowId, args: ['http'] });
    const result = await handle.result();
    const sdkView = await handle.describe();

    const described = await call('GET', `/namespaces/default/workflows/${workflowId}`);
    expect(described.status).toBe(200);
    expect(described.json.workflowExecutionInfo).toMatchObject({
      execution: { workflowId, runId: handle.firstExecutionRunId },
      type: { name: 'uiCompleted' },
      status: 'WORKFLOW_EXECUTION_STATUS_COMPLETED',
      taskQueue,
      historyLength: String(sdkView.historyLength),
      startTime: sdkView.startTime.toISOString(),
      closeTime: sdkView.closeTime!.toISOString(),
    });

    const listed = await call('GET', `/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId = '${workflowId}'`)}`);
    expect(listed.json.executions).toHaveLength(1);
    expect(listed.json.executions[0]).toMatchObject({ execution: { workflowId }, status: 'WORKFLOW_EXECUTION_STATUS_COMPLETED' });
    const counted = await call('GET', `/namespaces/default/workflow-count?query=${encodeURIComponent(`WorkflowId = '${workflowId}'`)}`);
    expect(counted.json).toEqual({ count: '1' });

    const history = await call('GET', `/namespaces/default/workflows/${workflowId}/history?execution.runId=${handle.firstExecutionRunId}`);
    const events = history.json.history.events as Json[];
    const sdkHistory = await handle.fetchHistory();
    expect(events.map((e) => e.eventId)).toEqual(sdkHistory.events!.map((e) => String(e.eventId)));
    expect(events[0]!.workflowExecutionStartedEventAttributes.input).toEqual(['http']);
    expect(events.at(-1)!.workflowExecutionCompletedEventAttributes.result).toEqual([result]);

    const canonical = await call('GET', `/namespaces/default/workflows/${workflowId}/history?maximumPageSize=1&noPayloadShorthand`);
    const input = canonical.json.history.events[0].workflowExecutionStartedEventAttributes.input;
    expect(input.payloads[0]).toEqual({
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"http"').toString('base64'),
    });
    const pretty = await call('GET', `/namespaces/default/workflows/${workflowId}?pretty`);
    expect(pretty.text).toMatch(/^\{\n {2}"executionConfig"/);
  });

  it('reads a history newest first, a page at a time, over gRPC and HTTP', async () => {
    const workflowId = uniqueWorkflowId('http-reverse');
    const handle = await env.client.workflow.start('uiCompleted', { taskQueue, workflowId, args: ['reverse'] });
    await handle.result();
    const forward = (await handle.fetchHistory()).events!.map((e) => Number(e.eventId));

    const seen: number[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await env.client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: 'default',
        execution: { workflowId },
        maximumPageSize: 4,
        nextPageToken,
      });
      expect(page.history!.events!.length).toBeLessThanOrEqual(4);
      seen.push(...page.history!.events!.map((e) => Number(e.eventId)));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    expect(seen).toEqual([...forward].reverse());

    const last = await call('GET', `/namespaces/default/workflows/${workflowId}/history-reverse?maximumPageSize=1`);
    expect(last.json.history.events).toHaveLength(1);
    expect(last.json.history.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(last.json.nextPageToken).toBeTruthy();
  });

  it('describes a failing activity with its last failure and when it retries next', async () => {
    const workflowId = uniqueWorkflowId('http-retrying');
    const handle = await env.client.workflow.start('uiPendingFailingActivity', { taskQueue, workflowId, args: ['disk full'] });
    const pending = await waitFor(async () => {
      const described = await call('GET', `/namespaces/default/workflows/${workflowId}`);
      const activity = described.json.pendingActivities?.[0];
      return activity?.attempt >= 2 && activity.nextAttemptScheduleTime ? activity : undefined;
    }, { description: 'a second attempt of the failing activity', timeoutMs: 15_000 });
    expect(pending).toMatchObject({
      activityType: { name: 'alwaysFails' },
      lastFailure: { message: 'disk full' },
      currentRetryInterval: '1s',
    });
    // The backoff is 1 s, so the retry's dispatch time is within a few seconds of now.
    expect(Math.abs(Date.parse(pending.nextAttemptScheduleTime) - Date.now())).toBeLessThan(5_000);
    await handle.terminate('seen enough');
  });

  it('shows a payload that is not JSON in its canonical form, with its encoding', async () => {
    const workflowId = uniqueWorkflowId('http-binary');
    const binary = { metadata: { encoding: Buffer.from('binary/plain').toString('base64') }, data: Buffer.from([0, 1, 2, 255]).toString('base64') };
    const started = await call('POST', `/namespaces/default/workflows/${workflowId}`, {
      workflowType: { name: 'notRegistered' },
      taskQueue: { name: uniqueTaskQueue('nobody') },
      input: { payloads: [binary] },
      requestId: crypto.randomUUID(),
    });
    expect(started.status).toBe(200);
    const history = await call('GET', `/namespaces/default/workflows/${workflowId}/history?maximumPageSize=1`);
    expect(history.json.history.events[0].workflowExecutionStartedEventAttributes.input).toEqual({ payloads: [binary] });
    await env.client.workflow.getHandle(workflowId).terminate('done');
  });

  it('lists namespaces, task queues with their pollers, and the cluster', async () => {
    const namespaces = await call('GET', '/namespaces');
    expect(namespaces.json.namespaces.map((n: Json) => n.namespaceInfo.name)).toContain('default');
    const queue = await waitFor(async () => {
      const described = await call('GET', `/namespaces/default/task-queues/${taskQueue}?taskQueueType=TASK_QUEUE_TYPE_WORKFLOW`);
      return described.json.pollers?.length > 0 ? described.json : undefined;
    }, { description: 'a workflow poller on the task queue' });
    expect(queue.pollers[0].identity).toBeTruthy();
    const cluster = await call('GET', '/cluster-info');
    expect(cluster.json.serverVersion).toBeTruthy();
  });
});

describe('HTTP API writes', () => {
  it('signals, queries and updates a running workflow, and terminates it', async () => {
    const workflowId = uniqueWorkflowId('http-write');
    const handle = await env.client.workflow.start('uiAwaitingApproval', { taskQueue, workflowId });

    const updated = await call('POST', `/namespaces/default/workflows/${workflowId}/update/addNote`, {
      request: { meta: { updateId: 'note-1' }, input: { args: ['first note'] } },
      waitPolicy: { lifecycleStage: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED' },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.outcome.success).toEqual([1]);

    const queried = await call('POST', `/namespaces/default/workflows/${workflowId}/query/state`, { query: {} });
    expect(queried.json.queryResult).toEqual([{ approvedBy: null, notes: ['first note'] }]);

    const signalled = await call('POST', `/namespaces/default/workflows/${workflowId}/signal/approve`, { input: ['ops'] });
    expect(signalled).toMatchObject({ status: 200, json: {} });
    expect(await handle.result()).toBe('approved by ops');

    const other = await env.client.workflow.start('uiAwaitingApproval', { taskQueue, workflowId: uniqueWorkflowId('http-terminate') });
    const terminated = await call('POST', `/namespaces/default/workflows/${other.workflowId}/terminate`, { reason: 'from curl' });
    expect(terminated.status).toBe(200);
    const description = await other.describe();
    expect(description.status.name).toBe('TERMINATED');
    const again = await call('POST', `/namespaces/default/workflows/${other.workflowId}/terminate`, { reason: 'twice' });
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ code: 5, message: expect.stringMatching(/already completed/) });
  });
});

describe('HTTP API errors', () => {
  it('answers a JSON error with the gRPC status, the HTTP status grpc-gateway maps it to, and a clear message', async () => {
    const unknown = await call('GET', '/namespaces/default/workflows/no-such-workflow');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 5, message: expect.any(String), details: expect.any(Array) });

    const badNamespace = await call('GET', '/namespaces/no-such-namespace/workflows');
    expect(badNamespace.status).toBe(404);
    expect(badNamespace.json.details[0]).toMatchObject({
      '@type': 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
      namespace: 'no-such-namespace',
    });

    const badQuery = await call('GET', `/namespaces/default/workflows?query=${encodeURIComponent('WorkflowType = ')}`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.json).toMatchObject({ code: 3, message: expect.stringMatching(/^invalid query at position \d+/) });

    const badJson = await call('POST', '/namespaces/default/workflows/x/signal/s', '{"input": [1,');
    expect(badJson.status).toBe(400);
    expect(badJson.json.message).toMatch(/^the request body is not valid JSON/);

    const unknownField = await call('POST', '/namespaces/default/workflows/x/signal/s', { inptu: [1] });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.message).toMatch(/inptu/);

    const badNumber = await call('GET', '/namespaces/default/workflows?pageSize=many');
    expect(badNumber.json).toMatchObject({ code: 3, message: 'pageSize: expected a number, got "many"' });

    const noRoute = await call('GET', '/no/such/route');
    expect(noRoute).toMatchObject({ status: 404, json: { code: 5, message: 'no API route for GET /api/v1/no/such/route' } });
    const wrongVerb = await call('PUT', '/namespaces/default/workflows');
    expect(wrongVerb.status).toBe(405);

    const unimplemented = await call('GET', '/namespaces/default/batch-operations');
    expect(unimplemented.status).toBe(501);
    expect(unimplemented.json.code).toBe(12);
    const schedules = await call('GET', '/namespaces/default/schedules');
    expect(schedules.status).toBe(200);
    expect(schedules.json.schedules ?? []).toEqual([]);
    const noSchedule = await call('GET', '/namespaces/default/schedules/nope');
    expect(noSchedule).toMatchObject({ status: 404, json: { code: 5, message: 'schedule not found: nope' } });

    const huge = await call('POST', '/namespaces/default/workflows/x/signal/s', { input: ['x'.repeat(5 * 1024 * 1024)] }).catch(
      (err: Error) => ({ status: 0, json: { message: err.message } }),
    );
    // The server answers and closes; a client still sending may see the connection reset instead.
    if (huge.status !== 0) expect(huge).toMatchObject({ status: 429, json: { code: 8 } });

    // The server is still serving.
    expect((await call('GET', '/namespaces/default')).status).toBe(200);
  });
});
