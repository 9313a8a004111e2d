/**
 * Temporal's HTTP API routes, read from the `google.api.http` options of the WorkflowService
 * and OperatorService methods in @temporalio/proto: each method's `/api/v1/...` bindings
 * (the bare `/namespaces/...` bindings are left out: those paths belong to the web UI).
 */
import { protoRoot } from '../common/proto.js';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One path segment: a literal, or a `{field.path}` variable naming a request field (proto names). */
type Segment = { literal: string } | { field: string[] };

export interface HttpRoute {
  verb: HttpVerb;
  /** The template as written in the proto, e.g. `/api/v1/namespaces/{namespace}/workflows`. */
  template: string;
  segments: Segment[];
  /** `*`: the JSON body is the request message; empty: no body, fields come from the query string. */
  body: string;
  /** The gRPC path, `/temporal.api.workflowservice.v1.WorkflowService/ListWorkflowExecutions`. */
  grpcPath: string;
  requestType: string;
  responseType: string;
}

export interface RouteMatch {
  route: HttpRoute;
  /** Path variables: proto field path (`workflow_execution.workflow_id`) → decoded segment. */
  params: Array<[string[], string]>;
}

const API_PREFIX = '/api/v1/';
const VERBS: Record<string, HttpVerb> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' };

interface HttpRule {
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
  [verb: string]: unknown;
}

interface ReflectedMethod {
  name: string;
  requestType: string;
  responseType: string;
  parsedOptions?: Array<Record<string, unknown>> | null;
}

/** Every `/api/v1` route of the given services. */
export function httpRoutes(serviceNames: readonly string[]): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const serviceName of serviceNames) {
    const pkg = serviceName.slice(0, serviceName.lastIndexOf('.'));
    const service = protoRoot.lookupService(serviceName) as unknown as { methods: Record<string, ReflectedMethod> };
    for (const method of Object.values(service.methods)) {
      const rule = method.parsedOptions?.find((o) => '(google.api.http)' in o)?.['(google.api.http)'] as HttpRule | undefined;
      if (!rule) continue;
      for (const binding of bindingsOf(rule)) {
        const verbKey = Object.keys(binding).find((k) => k in VERBS);
        const template = verbKey ? binding[verbKey] : undefined;
        if (!verbKey || typeof template !== 'string' || !template.startsWith(API_PREFIX)) continue;
        routes.push({
          verb: VERBS[verbKey]!,
          template,
          segments: parseTemplate(template),
          body: binding.body ?? '',
          grpcPath: `/${serviceName}/${method.name}`,
          requestType: qualify(pkg, method.requestType),
          responseType: qualify(pkg, method.responseType),
        });
      }
    }
  }
  return routes;
}

function bindingsOf(rule: HttpRule): HttpRule[] {
  const extra = rule.additional_bindings;
  return [rule, ...(extra === undefined ? [] : Array.isArray(extra) ? extra : [extra])];
}

function parseTemplate(template: string): Segment[] {
  return template
    .split('/')
    .slice(1)
    .map((part) => {
      const variable = /^\{([a-z0-9_.]+)\}$/.exec(part);
      return variable ? { field: variable[1]!.split('.') } : { literal: part };
    });
}

function qualify(pkg: string, typeName: string): string {
  return typeName.includes('.') ? typeName : `${pkg}.${typeName}`;
}

/**
 * The route for `verb pathname`: literal segments win over variables where two templates
 * could both match. `methodNotAllowed` when the path matches only with another verb.
 */
export function matchRoute(
  routes: readonly HttpRoute[],
  verb: string,
  pathname: string,
): RouteMatch | { methodNotAllowed: true } | undefined {
  const parts = pathname.split('/').slice(1);
  let best: { match: RouteMatch; literals: number } | undefined;
  let otherVerb = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Array<[string[], string]> = [];
    let literals = 0;
    let matches = true;
    for (let i = 0; i < parts.length && matches; i++) {
      const segment = route.segments[i]!;
      const part = parts[i]!;
      if ('literal' in segment) {
        matches = segment.literal === part;
        literals++;
      } else {
        const value = decodeSegment(part);
        matches = value !== undefined && value !== '';
        if (matches) params.push([segment.field, value!]);
      }
    }
    if (!matches) continue;
    if (route.verb !== verb) {
      otherVerb = true;
      continue;
    }
    if (!best || literals > best.literals) best = { match: { route, params }, literals };
  }
  if (best) return best.match;
  return otherVerb ? { methodNotAllowed: true } : undefined;
}

function decodeSegment(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
