import { describe, expect, it } from 'vitest';
import { OPERATOR_SERVICE, WORKFLOW_SERVICE } from '../frontend/grpc-server.js';
import { httpRoutes, matchRoute, type RouteMatch } from './routes.js';

const routes = httpRoutes([WORKFLOW_SERVICE, OPERATOR_SERVICE]);

function match(verb: string, path: string): RouteMatch {
  const found = matchRoute(routes, verb, path);
  if (!found || 'methodNotAllowed' in found) throw new Error(`no route for ${verb} ${path}`);
  return found;
}

describe('HTTP API routes', () => {
  it('reads the /api/v1 binding of every annotated method, and no bare binding', () => {
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.every((r) => r.template.startsWith('/api/v1/'))).toBe(true);
    const list = routes.find((r) => r.grpcPath.endsWith('/ListWorkflowExecutions'));
    expect(list).toMatchObject({
      verb: 'GET',
      template: '/api/v1/namespaces/{namespace}/workflows',
      body: '',
      requestType: 'temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest',
      responseType: 'temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse',
    });
    expect(routes.some((r) => r.grpcPath === `/${OPERATOR_SERVICE}/ListSearchAttributes`)).toBe(true);
    // Methods without an HTTP option (worker polls, DeleteWorkflowExecution) have no route.
    expect(routes.some((r) => r.grpcPath.endsWith('/PollWorkflowTaskQueue'))).toBe(false);
  });

  it('captures nested path variables, decoded', () => {
    const found = match('POST', '/api/v1/namespaces/my%20ns/workflows/order%2F1/signal/go');
    expect(found.route.grpcPath).toBe(`/${WORKFLOW_SERVICE}/SignalWorkflowExecution`);
    expect(found.params).toEqual([
      [['namespace'], 'my ns'],
      [['workflow_execution', 'workflow_id'], 'order/1'],
      [['signal_name'], 'go'],
    ]);
  });

  it('prefers a literal segment over a variable', () => {
    // `/workflows/{workflow_id}` (start) and `/workflows/{id}/history` share a prefix; the
    // describe route must not swallow `history`.
    expect(match('GET', '/api/v1/namespaces/default/workflows/wf/history').route.grpcPath).toMatch(/GetWorkflowExecutionHistory$/);
    expect(match('GET', '/api/v1/namespaces/default/workflows/wf').route.grpcPath).toMatch(/DescribeWorkflowExecution$/);
    expect(match('POST', '/api/v1/namespaces/default/workflows/wf').route.grpcPath).toMatch(/StartWorkflowExecution$/);
  });

  it('tells an unknown path from a known path with another verb', () => {
    expect(matchRoute(routes, 'GET', '/api/v1/nothing')).toBeUndefined();
    expect(matchRoute(routes, 'PUT', '/api/v1/namespaces/default/workflows')).toEqual({ methodNotAllowed: true });
    // An empty variable segment matches nothing.
    expect(matchRoute(routes, 'GET', '/api/v1/namespaces//workflows')).toBeUndefined();
  });
});
