import { describe, expect, it } from 'vitest';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { createLogger } from '../common/logger.js';
import { toGrpcError } from './grpc-server.js';

const log = createLogger('silent', 'json');
const path = '/temporal.api.workflowservice.v1.WorkflowService/SignalWorkflowExecution';

describe('a handler error as the client sees it', () => {
  it('keeps a ServiceError\'s status and message', () => {
    expect(toGrpcError(new ServiceError(Status.NOT_FOUND, 'workflow not found'), path, log)).toMatchObject({
      code: Status.NOT_FOUND,
      message: 'workflow not found',
    });
  });

  it('answers UNAVAILABLE, which the SDKs retry, when the database is restarting or unreachable', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const dropped = new Error('Connection terminated unexpectedly');
    const connectionException = Object.assign(new Error('connection failure'), { code: '08006' });
    const deadClient = new Error('Client has encountered a connection error and is not queryable');
    for (const err of [shutdown, refused, dropped, connectionException, deadClient]) {
      expect(toGrpcError(err, path, log)).toEqual({
        code: Status.UNAVAILABLE,
        message: 'the database is unavailable (SignalWorkflowExecution can be retried)',
      });
    }
  });

  it('answers INTERNAL, naming the method and nothing else, for any other error', () => {
    const constraint = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(toGrpcError(constraint, path, log)).toEqual({ code: Status.INTERNAL, message: 'internal error in SignalWorkflowExecution' });
    expect(toGrpcError(new TypeError('x is undefined'), path, log).code).toBe(Status.INTERNAL);
  });
});
