import { describe, expect, it } from 'vitest';
import { lookupProtoType } from '@endure/client/proto-json';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { requestJson } from './request-json.js';

const listType = lookupProtoType('temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest');
const historyType = lookupProtoType('temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest');
const signalType = lookupProtoType('temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest');
const describeTaskQueueType = lookupProtoType('temporal.api.workflowservice.v1.DescribeTaskQueueRequest');

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe(Status.INVALID_ARGUMENT);
    return (err as Error).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('HTTP request → request JSON', () => {
  it('fills fields from the query string by JSON or proto name, typed by the field', () => {
    const query = new URLSearchParams('pageSize=20&query=WorkflowType%3D%27A%27&next_page_token=AAE%3D&pretty&unknownKey=1');
    expect(requestJson(listType, undefined, [[['namespace'], 'default']], query)).toEqual({
      namespace: 'default',
      pageSize: 20,
      query: "WorkflowType='A'",
      nextPageToken: 'AAE=',
    });
  });

  it('fills nested fields, booleans and enums', () => {
    const query = new URLSearchParams('execution.runId=r1&waitNewEvent=true&historyEventFilterType=HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT');
    expect(requestJson(historyType, undefined, [[['execution', 'workflow_id'], 'wf']], query)).toEqual({
      execution: { workflowId: 'wf', runId: 'r1' },
      waitNewEvent: true,
      historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT',
    });
    const numericEnum = requestJson(describeTaskQueueType, undefined, [], new URLSearchParams('taskQueueType=2'));
    expect(numericEnum).toEqual({ taskQueueType: 2 });
  });

  it('merges path variables into the body, joining the name the body used', () => {
    const body = { workflow_execution: { run_id: 'r1' }, input: [1] };
    expect(requestJson(signalType, body, [[['workflow_execution', 'workflow_id'], 'wf'], [['signal_name'], 'go']], undefined)).toEqual({
      workflow_execution: { run_id: 'r1', workflowId: 'wf' },
      signalName: 'go',
      input: [1],
    });
  });

  it('answers INVALID_ARGUMENT naming the parameter for a value of the wrong type', () => {
    expect(invalidMessage(() => requestJson(listType, undefined, [], new URLSearchParams('pageSize=ten')))).toBe(
      'pageSize: expected a number, got "ten"',
    );
    expect(invalidMessage(() => requestJson(historyType, undefined, [], new URLSearchParams('waitNewEvent=maybe')))).toBe(
      'waitNewEvent: expected true or false, got "maybe"',
    );
    expect(invalidMessage(() => requestJson(historyType, undefined, [], new URLSearchParams('execution=x')))).toMatch(
      /^execution: a WorkflowExecution message cannot be given in the URL/,
    );
    expect(invalidMessage(() => requestJson(signalType, [1, 2], [], undefined))).toBe('the request body must be a JSON object');
  });
});
