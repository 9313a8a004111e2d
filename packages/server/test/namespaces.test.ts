/**
 * Namespace management and custom search attributes through the RPCs a Temporal user calls
 * (WorkflowService and OperatorService), and retention deleting closed runs. Runs with both
 * SDKs' connections.
 */
import Long from 'long';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, uniqueWorkflowId, type TestEnv } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';

const RETENTION_MIN_MS = 200;
const Status = { NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, INVALID_ARGUMENT: 3 };
const KEYWORD = 2;
const INT = 3;

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ namespaceRetentionMinMs: RETENTION_MIN_MS });
});

afterAll(async () => {
  await env?.close();
});

function rpcError(promise: Promise<unknown>): Promise<{ code?: number; details?: string; message?: string }> {
  return promise.then(
    () => ({}),
    (err: unknown) => err as { code?: number; details?: string },
  );
}

const seconds = (s: number) => ({ seconds: Long.fromNumber(s) });

describe('namespaces', () => {
  it('registers, describes by name and id, updates, lists and deprecates a namespace', async () => {
    const ws = env.connection.workflowService;
    await ws.registerNamespace({
      namespace: 'orders',
      description: 'order processing',
      ownerEmail: 'team@example.com',
      workflowExecutionRetentionPeriod: seconds(7 * 24 * 3600),
      data: { team: 'payments' },
    });
    const described = await ws.describeNamespace({ namespace: 'orders' });
    expect(described.namespaceInfo?.name).toBe('orders');
    expect(described.namespaceInfo?.description).toBe('order processing');
    expect(described.namespaceInfo?.ownerEmail).toBe('team@example.com');
    expect(described.namespaceInfo?.data).toEqual({ team: 'payments' });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(7 * 24 * 3600);
    const byId = await ws.describeNamespace({ id: described.namespaceInfo!.id! });
    expect(byId.namespaceInfo?.name).toBe('orders');

    const updated: temporal.api.workflowservice.v1.IUpdateNamespaceResponse = await ws.updateNamespace({
      namespace: 'orders',
      updateInfo: { description: 'orders v2', data: { tier: 'gold' } },
      config: { workflowExecutionRetentionTtl: seconds(3 * 24 * 3600) },
    });
    expect(updated.namespaceInfo?.description).toBe('orders v2');
    expect(updated.namespaceInfo?.data).toEqual({ team: 'payments', tier: 'gold' });
    expect(Number(updated.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 24 * 3600);

    const names: string[] = [];
    let token: Uint8Array | undefined;
    do {
      const page = await ws.listNamespaces({ pageSize: 1, nextPageToken: token });
      names.push(...(page.namespaces ?? []).map((n) => n.namespaceInfo!.name!));
      token = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (token);
    expect(names).toEqual(expect.arrayContaining(['default', 'orders']));
    expect(new Set(names).size).toBe(names.length);

    await ws.deprecateNamespace({ namespace: 'orders' });
    expect((await ws.describeNamespace({ namespace: 'orders' })).namespaceInfo?.state).toBe(2);
    const start = await rpcError(
      ws.startWorkflowExecution({
        namespace: 'orders',
        workflowId: uniqueWorkflowId('deprecated'),
        workflowType: { name: 'anything' },
        taskQueue: { name: 'nobody-polls' },
      }),
    );
    expect(start.code).toBe(Status.FAILED_PRECONDITION);
    expect(start.details).toMatch(/deprecated/);
  });

  it('refuses a taken name, a bad name and a retention below the minimum, naming the problem', async () => {
    const ws = env.connection.workflowService;
    const taken = await rpcError(ws.registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: seconds(86400) }));
    expect(taken.code).toBe(Status.ALREADY_EXISTS);
    const bad = await rpcError(ws.registerNamespace({ namespace: 'has space', workflowExecutionRetentionPeriod: seconds(86400) }));
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/not a valid name/);
    const short = await rpcError(ws.registerNamespace({ namespace: 'short', workflowExecutionRetentionPeriod: { nanos: 1_000_000 } }));
    expect(short.code).toBe(Status.INVALID_ARGUMENT);
    expect(short.details).toMatch(/workflow_execution_retention_period must be at least/);
    const unknown = await rpcError(ws.describeNamespace({ namespace: 'nope' }));
    expect(unknown.code).toBe(Status.NOT_FOUND);
  });

  it('deletes a namespace: it is renamed at once, its workflows removed in the background, and the name reusable', async () => {
    const ws = env.connection.workflowService;
    await ws.registerNamespace({ namespace: 'scratch', workflowExecutionRetentionPeriod: seconds(86400) });
    for (let i = 0; i < 3; i++) {
      await ws.startWorkflowExecution({
        namespace: 'scratch',
        workflowId: `doomed-${i}`,
        workflowType: { name: 'anything' },
        taskQueue: { name: 'nobody-polls' },
        requestId: `req-${i}`,
      });
    }
    const deleted = await env.connection.operatorService.deleteNamespace({ namespace: 'scratch' });
    expect(deleted.deletedNamespace).toMatch(/^scratch-deleted-/);
    expect((await rpcError(ws.describeNamespace({ namespace: 'scratch' }))).code).toBe(Status.NOT_FOUND);
    await waitFor(
      async () => {
        const all = await ws.listNamespaces({ namespaceFilter: { includeDeleted: true } });
        return !all.namespaces?.some((n) => n.namespaceInfo?.name === deleted.deletedNamespace);
      },
      { description: 'the deleted namespace emptied and gone' },
    );
    await ws.registerNamespace({ namespace: 'scratch', workflowExecutionRetentionPeriod: seconds(86400) });
    const again = await rpcError(
      ws.describeWorkflowExecution({ namespace: 'scratch', execution: { workflowId: 'doomed-0' } }),
    );
    expect(again.code).toBe(Status.NOT_FOUND);
  });
});

describe('custom search attributes', () => {
  it('adds, lists and removes attributes per namespace, with the predefined ones present from the start', async () => {
    const os = env.connection.operatorService;
    const before = await os.listSearchAttributes({ namespace: 'default' });
    expect(before.customAttributes).toMatchObject({ CustomKeywordField: KEYWORD, CustomIntField: INT });
    expect(before.systemAttributes).toMatchObject({ WorkflowId: KEYWORD, ExecutionStatus: KEYWORD });

    await os.addSearchAttributes({ namespace: 'default', searchAttributes: { CustomerId: KEYWORD, Priority: INT } });
    const after = await os.listSearchAttributes({ namespace: 'default' });
    expect(after.customAttributes).toMatchObject({ CustomerId: KEYWORD, Priority: INT });

    const clash = await rpcError(os.addSearchAttributes({ namespace: 'default', searchAttributes: { CustomerId: INT } }));
    expect(clash.code).toBe(Status.ALREADY_EXISTS);
    const system = await rpcError(os.addSearchAttributes({ namespace: 'default', searchAttributes: { WorkflowId: KEYWORD } }));
    expect(system.code).toBe(Status.INVALID_ARGUMENT);
    expect(system.details).toMatch(/reserved/);

    await os.removeSearchAttributes({ namespace: 'default', searchAttributes: ['Priority'] });
    expect((await os.listSearchAttributes({ namespace: 'default' })).customAttributes).not.toHaveProperty('Priority');
    const gone = await rpcError(os.removeSearchAttributes({ namespace: 'default', searchAttributes: ['Priority'] }));
    expect(gone.code).toBe(Status.NOT_FOUND);
  });

  it('refuses a start whose search attribute is unknown or of the wrong type, naming it', async () => {
    const ws = env.connection.workflowService;
    const start = (indexedFields: Record<string, unknown>) =>
      rpcError(
        ws.startWorkflowExecution({
          namespace: 'default',
          workflowId: uniqueWorkflowId('sa'),
          workflowType: { name: 'anything' },
          taskQueue: { name: 'nobody-polls' },
          searchAttributes: { indexedFields: indexedFields as never },
        }),
      );
    const json = (value: unknown) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
    const unknown = await start({ NoSuchAttribute: json('x') });
    expect(unknown.code).toBe(Status.INVALID_ARGUMENT);
    expect(unknown.details).toMatch(/NoSuchAttribute is not defined/);
    const wrongType = await start({ CustomIntField: json('not a number') });
    expect(wrongType.code).toBe(Status.INVALID_ARGUMENT);
    expect(wrongType.details).toMatch(/CustomIntField of type Int/);
    expect((await start({ CustomIntField: json([42]), CustomKeywordField: json('ok') })).code).toBeUndefined();
  });
});

describe('retention', () => {
  it('deletes a closed run once the namespace retention has passed since it closed', async () => {
    const ws = env.connection.workflowService;
    await ws.registerNamespace({ namespace: 'short-lived', workflowExecutionRetentionPeriod: { nanos: RETENTION_MIN_MS * 1_000_000 } });
    const workflowId = uniqueWorkflowId('retained');
    const { runId } = await ws.startWorkflowExecution({
      namespace: 'short-lived',
      workflowId,
      workflowType: { name: 'anything' },
      taskQueue: { name: 'nobody-polls' },
      requestId: 'r1',
    });
    const execution = { workflowId, runId };
    await ws.terminateWorkflowExecution({ namespace: 'short-lived', workflowExecution: execution, reason: 'done' });
    await waitFor(
      async () => (await rpcError(ws.describeWorkflowExecution({ namespace: 'short-lived', execution }))).code === Status.NOT_FOUND,
      { description: 'the closed run deleted by retention' },
    );
    const history = await rpcError(ws.getWorkflowExecutionHistory({ namespace: 'short-lived', execution }));
    expect(history.code).toBe(Status.NOT_FOUND);
  });

  it('keeps a running workflow however long it runs', async () => {
    const ws = env.connection.workflowService;
    const workflowId = uniqueWorkflowId('kept');
    await ws.startWorkflowExecution({
      namespace: 'short-lived',
      workflowId,
      workflowType: { name: 'anything' },
      taskQueue: { name: 'nobody-polls' },
      requestId: 'r2',
    });
    // Longer than the retention, measured by a later closed run being deleted first.
    const other = uniqueWorkflowId('closed-first');
    const { runId } = await ws.startWorkflowExecution({
      namespace: 'short-lived',
      workflowId: other,
      workflowType: { name: 'anything' },
      taskQueue: { name: 'nobody-polls' },
      requestId: 'r3',
    });
    await ws.terminateWorkflowExecution({ namespace: 'short-lived', workflowExecution: { workflowId: other, runId } });
    await waitFor(
      async () =>
        (await rpcError(ws.describeWorkflowExecution({ namespace: 'short-lived', execution: { workflowId: other, runId } }))).code ===
        Status.NOT_FOUND,
      { description: 'the closed run deleted' },
    );
    const running = await ws.describeWorkflowExecution({ namespace: 'short-lived', execution: { workflowId } });
    expect(running.workflowExecutionInfo?.status).toBe(1);
  });
});
