/**
 * The access table covers every method of every service the server serves, and the role
 * rules match Temporal's (roles include the ones below them; system roles hold in every
 * namespace; unknown claims grant nothing).
 */
import { describe, expect, it } from 'vitest';
import { apiKeyProtoRoot, API_KEY_SERVICE_NAME } from '@endure/client/api-key-service';
import { protoRoot } from '../common/proto.js';
import { OPERATOR_SERVICE, WORKFLOW_SERVICE } from '../frontend/grpc-server.js';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { METHOD_ACCESS, checkAccess, methodAccess, principalOf, type MethodAccess } from './permissions.js';

function paths(root: { lookupService(name: string): { methods: Record<string, unknown> } }, service: string): string[] {
  return Object.keys(root.lookupService(service).methods).map((name) => `/${service}/${name}`);
}

const served = [
  ...paths(protoRoot, WORKFLOW_SERVICE),
  ...paths(protoRoot, OPERATOR_SERVICE),
  ...paths(apiKeyProtoRoot, API_KEY_SERVICE_NAME),
];

function denial(fn: () => void): ServiceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('expected PERMISSION_DENIED, the call was allowed');
}

describe('method access table', () => {
  it('classifies every method of WorkflowService, OperatorService and ApiKeyService', () => {
    const unclassified = served.filter((path) => !METHOD_ACCESS.has(path));
    expect(unclassified).toEqual([]);
    expect(served.length).toBeGreaterThan(130);
  });

  it('names no method the protos do not have (a typo would leave the real one unclassified)', () => {
    const known = new Set([...served, '/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch']);
    expect([...METHOD_ACCESS.keys()].filter((path) => !known.has(path))).toEqual([]);
  });

  it('classes as Temporal does, with polls and task answers as worker calls', () => {
    const ws = (name: string): MethodAccess => methodAccess(`/${WORKFLOW_SERVICE}/${name}`);
    expect(ws('GetSystemInfo')).toBe('public');
    expect(ws('ListNamespaces')).toEqual({ scope: 'system', role: 'read' });
    expect(ws('DescribeWorkflowExecution')).toEqual({ scope: 'namespace', role: 'read' });
    expect(ws('PollWorkflowTaskQueue')).toEqual({ scope: 'namespace', role: 'worker' });
    expect(ws('StartWorkflowExecution')).toEqual({ scope: 'namespace', role: 'write' });
    expect(ws('UpdateNamespace')).toEqual({ scope: 'namespace', role: 'admin' });
    expect(methodAccess(`/${API_KEY_SERVICE_NAME}/CreateApiKey`)).toEqual({ scope: 'system', role: 'admin' });
    expect(() => methodAccess('/x.Y/Z')).toThrow(/no access class/);
  });
});

describe('checkAccess', () => {
  const read = { scope: 'namespace', role: 'read' } as const;
  const worker = { scope: 'namespace', role: 'worker' } as const;
  const write = { scope: 'namespace', role: 'write' } as const;
  const admin = { scope: 'namespace', role: 'admin' } as const;

  it('lets a role do what the roles below it may, and no more, in its namespace only', () => {
    const p = principalOf('t', ['prod:write']);
    for (const access of [read, worker, write]) expect(() => checkAccess(p, 'M', access, 'prod')).not.toThrow();
    const denied = denial(() => checkAccess(p, 'UpdateNamespace', admin, 'prod'));
    expect(denied.code).toBe(Status.PERMISSION_DENIED);
    expect(denied.message).toBe('UpdateNamespace on namespace "prod" needs permission prod:admin');
    expect(denial(() => checkAccess(p, 'DescribeNamespace', read, 'dev')).message).toBe(
      'DescribeNamespace on namespace "dev" needs permission dev:read',
    );
  });

  it('holds a system role in every namespace, and the best of several claims', () => {
    const p = principalOf('t', ['system:read', 'prod:worker', 'prod:read', 'PROD:admin', 'dev:WRITE', 'junk', 'x:owner']);
    expect(() => checkAccess(p, 'M', read, 'anywhere')).not.toThrow();
    expect(() => checkAccess(p, 'M', write, 'dev')).not.toThrow();
    expect(() => checkAccess(p, 'M', worker, 'prod')).not.toThrow();
    expect(denial(() => checkAccess(p, 'M', write, 'prod')).message).toContain('prod:write');
    expect(denial(() => checkAccess(p, 'M', worker, 'x')).message).toContain('x:worker');
  });

  it('asks a system role of calls that name no namespace, or act on the whole server', () => {
    const p = principalOf('t', ['default:admin']);
    expect(denial(() => checkAccess(p, 'ListNamespaces', { scope: 'system', role: 'read' }, '')).message).toBe(
      'ListNamespaces needs permission system:read',
    );
    expect(denial(() => checkAccess(p, 'DescribeNamespace', read, '')).message).toContain('system:read');
    expect(() => checkAccess(principalOf('t', ['system:admin']), 'CreateApiKey', { scope: 'system', role: 'admin' }, '')).not.toThrow();
  });
});
