/**
 * Health checks. `grpc.health.v1.Health/Check` on the gRPC port, as the SDKs' health service
 * and `temporal operator cluster health` call it; `/healthz` (the process answers) and
 * `/readyz` (the store answers a cheap query) on the HTTP ports. None of them needs
 * credentials: load balancers and orchestrators call them.
 *
 * `Health/Watch` is a server-streaming method and the gRPC transport serves unary calls only,
 * so it answers UNIMPLEMENTED (as an unknown method), which the gRPC health protocol allows.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from '../common/errors.js';
import { protobufRuntime } from '../common/proto.js';
import { Status } from '../common/grpc-status.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import type { Store } from '../persistence/store.js';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** The services a health check may name; the empty name is the server as a whole. */
const SERVED = new Set([
  '',
  'temporal.api.workflowservice.v1.WorkflowService',
  'temporal.api.operatorservice.v1.OperatorService',
]);

/** How long /readyz waits for the store before it answers 503. */
const READINESS_TIMEOUT_MS = 2000;

/**
 * grpc/health/v1/health.proto, the two messages Check uses. Built on the protobufjs that
 * @temporalio/proto loads anyway: importing our own copy of protobufjs cost ~15 ms of a start.
 */
const healthRoot = protobufRuntime.Root.fromJSON({
  nested: {
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: {
                  fields: { status: { type: 'ServingStatus', id: 1 } },
                  nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
                },
              },
            },
          },
        },
      },
    },
  },
});
const CheckRequest = healthRoot.lookupType('grpc.health.v1.HealthCheckRequest');
const CheckResponse = healthRoot.lookupType('grpc.health.v1.HealthCheckResponse');
const SERVING = 1;
const NOT_SERVING = 2;

/**
 * The method table entry of `Health/Check`. `serving()` is false once the server is stopping:
 * the check then says NOT_SERVING, so a balancer drains it.
 */
export function healthMethods(serving: () => boolean): Map<string, UnaryMethod> {
  const check: UnaryMethod = {
    decode: (bytes) => CheckRequest.toObject(CheckRequest.decode(bytes), { defaults: true }),
    encode: (message) => CheckResponse.encode(CheckResponse.fromObject(message)).finish(),
    handle: (request) => {
      const service = (request as { service: string }).service;
      if (!SERVED.has(service)) return Promise.reject(new ServiceError(Status.NOT_FOUND, `unknown service ${JSON.stringify(service)}`));
      return Promise.resolve({ status: serving() ? SERVING : NOT_SERVING });
    },
  };
  return new Map([[`/${HEALTH_SERVICE}/Check`, check]]);
}

/** `/healthz` and `/readyz` for an HTTP server; `serve` answers false for any other path. */
export class HealthEndpoints {
  constructor(private readonly store: Store) {}

  /** Answers the request if it is for a health endpoint; false leaves it to the caller. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path === '/healthz') {
      reply(req, res, 200, 'ok\n');
      return true;
    }
    if (path === '/readyz') {
      void this.ready().then((problem) => reply(req, res, problem ? 503 : 200, problem ? `not ready: ${problem}\n` : 'ok\n'));
      return true;
    }
    return false;
  }

  /** Null when the store answers a cheap query in time, else what is wrong. */
  async ready(): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the store did not answer within ${READINESS_TIMEOUT_MS} ms`), READINESS_TIMEOUT_MS);
    });
    const query = this.store.listNamespaces().then(
      () => null,
      (err: unknown) => `the store is unreachable (${err instanceof Error ? err.message : String(err)})`,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function reply(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
