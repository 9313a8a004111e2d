/** Out-of-range Durations and Timestamps are found at any depth of a decoded request and named by their field path. */
import { createRequire } from 'node:module';
import type * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { checkTimeRanges } from './time-ranges.js';

const root = createRequire(import.meta.url)('@temporalio/proto/protos/root.js') as protobuf.Root;
const Start = root.lookupType('temporal.api.workflowservice.v1.StartWorkflowExecutionRequest');
const decoded = (fields: object) => Start.decode(Start.encode(Start.fromObject(fields)).finish());

function refusal(fields: object): string {
  try {
    checkTimeRanges(decoded(fields));
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe(Status.INVALID_ARGUMENT);
    return (err as ServiceError).message;
  }
  throw new Error('not refused');
}

describe('checkTimeRanges', () => {
  it('passes ordinary values through unchanged', () => {
    const message = decoded({ workflowRunTimeout: { seconds: 60 }, retryPolicy: { initialInterval: { nanos: 5e8 } } });
    expect(checkTimeRanges(message)).toBe(message);
  });

  it('names the field of a Duration past 10,000 years, nested or repeated', () => {
    expect(refusal({ workflowRunTimeout: { seconds: '9223372036854775807' } })).toMatch(/^workflow_run_timeout is not a valid duration/);
    expect(refusal({ retryPolicy: { maximumInterval: { seconds: -315_576_000_001 } } })).toMatch(/^retry_policy\.maximum_interval /);
    expect(refusal({ retryPolicy: { initialInterval: { seconds: 1, nanos: -1 } } })).toMatch(/^retry_policy\.initial_interval /);
  });

  it('names a Timestamp out of 0001..9999, and one with negative nanos', () => {
    const List = root.lookupType('temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest');
    const check = (earliestTime: object) => () => checkTimeRanges(List.decode(List.encode(List.fromObject({ startTimeFilter: { earliestTime } })).finish()));
    expect(check({ seconds: 253_402_300_800 })).toThrow(/^start_time_filter\.earliest_time is not a valid time/);
    expect(check({ seconds: 1, nanos: -1 })).toThrow(/^start_time_filter\.earliest_time /);
    expect(check({ seconds: 1_700_000_000, nanos: 1 })).not.toThrow();
  });
});
