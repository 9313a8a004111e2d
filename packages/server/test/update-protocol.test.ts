/**
 * The update protocol as a worker sees it, driven through the raw gRPC API: the
 * request message on a workflow task, a rejection that leaves history as it
 * was, and a completion whose update messages do not match the run, which
 * fails the task with Temporal's cause and lets the next attempt succeed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { Connection } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import { EndureServer } from '../src/index.js';
import { eventTypeName } from './helpers/history.js';
import { waitFor } from './helpers/wait-for.js';

type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type Message = temporal.api.protocol.v1.IMessage;
const { CommandType, WorkflowTaskFailedCause, UpdateWorkflowExecutionLifecycleStage: Stage } = temporal.api.enums.v1;
const U = temporal.api.update.v1;
const GRPC_INVALID_ARGUMENT = 3;

let server: EndureServer;
let connection: Connection;

beforeAll(async () => {
  server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'error', pollTimeoutMs: 1000 });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

const service = () => connection.workflowService;

async function pollTask(taskQueue: string): Promise<PollResponse> {
  return waitFor(
    async () => {
      const res = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
      return res.taskToken?.length ? res : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 1, description: `a workflow task on ${taskQueue}` },
  );
}

async function historyTypes(workflowId: string): Promise<string[]> {
  const res = await service().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return (res.history?.events ?? []).map((e) => eventTypeName(e.eventType));
}

function sendUpdate(workflowId: string, updateId: string, stage: number) {
  return service().updateWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId },
    request: { meta: { updateId, identity: 'test' }, input: { name: 'setValue', args: { payloads: [{ data: Buffer.from('"x"') }] } } },
    waitPolicy: { lifecycleStage: stage },
  });
}

function pollOutcome(workflowId: string, updateId: string) {
  return service().pollWorkflowExecutionUpdate({
    namespace: 'default',
    updateRef: { workflowExecution: { workflowId }, updateId },
    waitPolicy: { lifecycleStage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
  });
}

function completeCommand(): temporal.api.command.v1.ICommand {
  return { commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} };
}

function any(type: string, bytes: Uint8Array): google.protobuf.IAny {
  return { type_url: `type.googleapis.com/temporal.api.update.v1.${type}`, value: bytes };
}

function complete(task: PollResponse, messages: Message[], commands: temporal.api.command.v1.ICommand[] = []) {
  return service().respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, identity: 'raw', messages, commands });
}

/** A started workflow whose first task completed with nothing to do. */
async function startIdle(): Promise<{ workflowId: string; taskQueue: string }> {
  const workflowId = `wf-${randomUUID()}`;
  const taskQueue = `tq-${randomUUID()}`;
  await service().startWorkflowExecution({
    namespace: 'default',
    workflowId,
    workflowType: { name: 'rawWorkflow' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
  });
  await complete(await pollTask(taskQueue), []);
  return { workflowId, taskQueue };
}

describe('update protocol', () => {
  it('carries the request on a speculative task, and a rejection leaves history as it was', async () => {
    const { workflowId, taskQueue } = await startIdle();
    const before = await historyTypes(workflowId);
    const admitted = await sendUpdate(workflowId, 'u1', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
    expect(admitted.stage).toBe(Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
    // The same id again, now waiting for the outcome.
    const caller = sendUpdate(workflowId, 'u1', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);

    const task = await pollTask(taskQueue);
    expect(task.messages).toHaveLength(1);
    const message = task.messages![0]!;
    expect(message.protocolInstanceId).toBe('u1');
    expect(Number(message.eventId)).toBe(Number(task.startedEventId) - 1);
    const request = U.Request.decode(message.body!.value!);
    expect(request.input?.name).toBe('setValue');
    // The speculative task's two events are shown to the worker only.
    expect((task.history?.events ?? []).length).toBe(before.length + 2);

    const rejection = U.Rejection.encode({
      rejectedRequestMessageId: message.id,
      rejectedRequestSequencingEventId: message.eventId,
      rejectedRequest: request,
      failure: { message: 'no thanks', applicationFailureInfo: { type: 'Rejected' } },
    }).finish();
    const answer = await complete(task, [{ id: 'u1/reject', protocolInstanceId: 'u1', body: any('Rejection', rejection) }]);
    expect(Number(answer.resetHistoryEventId)).toBe(3);
    expect((await caller).outcome?.failure?.message).toBe('no thanks');
    expect(await historyTypes(workflowId)).toEqual(before);
  });

  it('fails a task whose update messages do not match the run with BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE; the next attempt completes the update', async () => {
    const { workflowId, taskQueue } = await startIdle();
    const caller = sendUpdate(workflowId, 'u2', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);

    const first = await pollTask(taskQueue);
    const acceptUnknown = U.Acceptance.encode({ acceptedRequestMessageId: 'nope/request' }).finish();
    const err = await complete(first, [{ id: 'nope/accept', protocolInstanceId: 'nope', body: any('Acceptance', acceptUnknown) }]).catch(
      (e: unknown) => e as { code?: number; details?: string },
    );
    expect(err).toMatchObject({ code: GRPC_INVALID_ARGUMENT });
    expect((err as { details?: string }).details).toContain('nope');
    const failed = await service().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const failedEvent = failed.history!.events!.at(-1)!;
    expect(eventTypeName(failedEvent.eventType)).toBe('WORKFLOW_TASK_FAILED');
    expect(failedEvent.workflowTaskFailedEventAttributes?.cause).toBe(
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
    );

    const second = await pollTask(taskQueue);
    const message = second.messages!.find((m) => m.protocolInstanceId === 'u2')!;
    const request = U.Request.decode(message.body!.value!);
    const accept = U.Acceptance.encode({
      acceptedRequestMessageId: message.id,
      acceptedRequestSequencingEventId: message.eventId,
      acceptedRequest: request,
    }).finish();
    const respond = U.Response.encode({ meta: request.meta, outcome: { success: { payloads: [{ data: Buffer.from('"done"') }] } } }).finish();
    const protocolCommand = (messageId: string) => ({
      commandType: CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE,
      protocolMessageCommandAttributes: { messageId },
    });
    await complete(
      second,
      [
        { id: 'u2/accept', protocolInstanceId: 'u2', body: any('Acceptance', accept) },
        { id: 'u2/complete', protocolInstanceId: 'u2', body: any('Response', respond) },
      ],
      [protocolCommand('u2/accept'), protocolCommand('u2/complete')],
    );

    const answered = await caller;
    expect(answered.stage).toBe(Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    expect(Buffer.from(answered.outcome!.success!.payloads![0]!.data!).toString()).toBe('"done"');
    const types = await historyTypes(workflowId);
    expect(types.slice(-5)).toEqual([
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
      'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    ]);
    const accepted = (await service().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } })).history!.events!.at(-2)!;
    expect(accepted.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId).toBe('u2');
    expect(Long.fromValue(accepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequestSequencingEventId!).toNumber()).toBe(
      Number(message.eventId),
    );
  });

  it('a task that closes the workflow while an update waits undelivered fails with UNHANDLED_UPDATE, and the next task carries the update', async () => {
    const workflowId = `wf-${randomUUID()}`;
    const taskQueue = `tq-${randomUUID()}`;
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'rawWorkflow' },
      taskQueue: { name: taskQueue },
      requestId: randomUUID(),
    });
    const first = await pollTask(taskQueue);
    await sendUpdate(workflowId, 'late', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
    const err = await complete(first, [], [completeCommand()]).catch((e: unknown) => e as { code?: number; details?: string });
    expect(err).toMatchObject({ code: GRPC_INVALID_ARGUMENT });
    const events = (await service().getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } })).history!.events!;
    const failed = events.find((e) => e.workflowTaskFailedEventAttributes)!;
    expect(events.some((e) => e.workflowExecutionCompletedEventAttributes)).toBe(false);
    expect(failed.workflowTaskFailedEventAttributes?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_UPDATE);
    const next = await pollTask(taskQueue);
    expect(next.messages?.map((m) => m.protocolInstanceId)).toEqual(['late']);
  });

  it('an update accepted and still running when the workflow completes answers AcceptedUpdateCompletedWorkflow, every time', async () => {
    const { workflowId, taskQueue } = await startIdle();
    const caller = sendUpdate(workflowId, 'unfinished', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    const task = await pollTask(taskQueue);
    const message = task.messages![0]!;
    const accept = U.Acceptance.encode({ acceptedRequestMessageId: message.id, acceptedRequestSequencingEventId: message.eventId }).finish();
    await complete(task, [{ id: 'unfinished/accept', protocolInstanceId: 'unfinished', body: any('Acceptance', accept) }], [
      { commandType: CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE, protocolMessageCommandAttributes: { messageId: 'unfinished/accept' } },
      completeCommand(),
    ]);
    const expected = {
      message: 'Workflow Update failed because the Workflow completed before the Update completed.',
      applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow' },
    };
    expect((await caller).outcome?.failure).toMatchObject(expected);
    expect((await pollOutcome(workflowId, 'unfinished')).outcome?.failure).toMatchObject(expected);
    expect((await sendUpdate(workflowId, 'unfinished', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED)).outcome?.failure).toMatchObject(expected);
  });

  it('a worker that answers the task without a word about the update rejects it as UnprocessedUpdate, leaving history as it was', async () => {
    const { workflowId, taskQueue } = await startIdle();
    const before = await historyTypes(workflowId);
    const caller = sendUpdate(workflowId, 'ignored', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    const task = await pollTask(taskQueue);
    expect(task.messages?.map((m) => m.protocolInstanceId)).toEqual(['ignored']);
    await complete(task, []);
    expect((await caller).outcome?.failure).toMatchObject({ applicationFailureInfo: { type: 'UnprocessedUpdate' } });
    expect(await historyTypes(workflowId)).toEqual(before);
  });

  it('on a sticky run the update goes to the worker’s sticky queue with only the events it has not seen', async () => {
    const workflowId = `wf-${randomUUID()}`;
    const taskQueue = `tq-${randomUUID()}`;
    const stickyQueue = `${taskQueue}-sticky`;
    await service().startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'rawWorkflow' },
      taskQueue: { name: taskQueue },
      requestId: randomUUID(),
    });
    const first = await pollTask(taskQueue);
    await service().respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: first.taskToken,
      identity: 'raw',
      stickyAttributes: {
        workerTaskQueue: { name: stickyQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: taskQueue },
        scheduleToStartTimeout: { seconds: Long.fromNumber(10) },
      },
    });
    // The worker long-polls its sticky queue while the update arrives.
    const polled = service().pollWorkflowTaskQueue({
      namespace: 'default',
      taskQueue: { name: stickyQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: taskQueue },
      identity: 'raw',
    });
    await waitFor(
      async () => {
        const { pollers } = await service().describeTaskQueue({ namespace: 'default', taskQueue: { name: stickyQueue, kind: 2 } });
        return (pollers?.length ?? 0) > 0;
      },
      { description: 'the sticky poll to be waiting' },
    );
    await sendUpdate(workflowId, 'sticky-u', Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
    const task = await polled;
    expect(task.messages?.map((m) => m.protocolInstanceId)).toEqual(['sticky-u']);
    // Only what follows the last started event (3): WorkflowTaskCompleted, then the speculative pair.
    expect((task.history?.events ?? []).map((e) => Number(e.eventId))).toEqual([4, 5, 6]);
  });

  it('PollWorkflowExecutionUpdate of an update id the run does not know answers NOT_FOUND naming it', async () => {
    const { workflowId } = await startIdle();
    const err = await pollOutcome(workflowId, 'never-sent').catch((e: unknown) => e as { code?: number; details?: string });
    expect(err).toMatchObject({ code: 5 });
    expect((err as { details?: string }).details).toContain('never-sent');
  });

  it('an update naming a first_execution_run_id of another chain answers NOT_FOUND and is not admitted', async () => {
    const { workflowId, taskQueue } = await startIdle();
    const err = await service()
      .updateWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId },
        firstExecutionRunId: randomUUID(),
        request: { meta: { updateId: 'other-chain' }, input: { name: 'setValue' } },
      })
      .catch((e: unknown) => e as { code?: number; details?: string });
    expect(err).toMatchObject({ code: 5 });
    expect((err as { details?: string }).details).toContain('first_execution_run_id');
    const idle = await service().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
    expect(idle.taskToken?.length ?? 0).toBe(0);
  });
});
