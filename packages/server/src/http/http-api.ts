/**
 * Temporal's HTTP JSON API: `/api/v1/...` requests become the same decoded request messages
 * the gRPC frontend hands its handlers, and the handlers' answers go back as Temporal's JSON
 * (canonical protobuf JSON with the payload shorthand; `?noPayloadShorthand` keeps payloads
 * canonical, `?pretty` indents). Errors answer the HTTP status grpc-gateway maps the gRPC
 * status to, with the body `{"code", "message", "details"}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromProtoJson, lookupProtoType, toProtoJson } from '@endure/client/proto-json';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { google } from '../common/proto.js';
import type { GrpcError, UnaryMethod } from '../frontend/grpc-transport.js';
import { requestJson } from './request-json.js';
import { httpRoutes, matchRoute, type HttpRoute } from './routes.js';

export interface HttpApiOptions {
  /** The gRPC method table, by gRPC path (the same one the gRPC transport serves). */
  methods: ReadonlyMap<string, UnaryMethod>;
  /** Services whose `/api/v1` routes are served. */
  services: readonly string[];
  /** A handler's rejection as a gRPC error (logs the unexpected ones). */
  toError: (err: unknown, grpcPath: string) => GrpcError;
  /** Largest request body accepted. */
  maxBodyBytes: number;
}

/** grpc-gateway's HTTP status for each gRPC status. */
const HTTP_STATUS: Record<number, number> = {
  [Status.OK]: 200,
  [Status.CANCELLED]: 499,
  [Status.UNKNOWN]: 500,
  [Status.INVALID_ARGUMENT]: 400,
  [Status.DEADLINE_EXCEEDED]: 504,
  [Status.NOT_FOUND]: 404,
  [Status.ALREADY_EXISTS]: 409,
  [Status.PERMISSION_DENIED]: 403,
  [Status.RESOURCE_EXHAUSTED]: 429,
  [Status.FAILED_PRECONDITION]: 400,
  [Status.ABORTED]: 409,
  [Status.OUT_OF_RANGE]: 400,
  [Status.UNIMPLEMENTED]: 501,
  [Status.INTERNAL]: 500,
  [Status.UNAVAILABLE]: 503,
  [Status.DATA_LOSS]: 500,
  [Status.UNAUTHENTICATED]: 401,
};

export function httpStatusOf(code: Status): number {
  return HTTP_STATUS[code] ?? 500;
}

interface MessageType {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
}

export class HttpApi {
  /**
   * Read from the protos on the first request, not at start: reading the HTTP options of every
   * method costs ~12 ms, which every server start would pay for an API most never call.
   */
  private routes: HttpRoute[] | null = null;

  constructor(private readonly options: HttpApiOptions) {}

  /** Answers one `/api/v1/...` request; never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const pretty = url.searchParams.has('pretty');
    this.routes ??= httpRoutes(this.options.services);
    const found = matchRoute(this.routes, req.method ?? 'GET', url.pathname);
    if (!found) return sendError(res, Status.NOT_FOUND, `no API route for ${req.method} ${url.pathname}`, [], pretty, 404);
    if ('methodNotAllowed' in found) {
      return sendError(res, Status.UNIMPLEMENTED, `${req.method} is not allowed on ${url.pathname}`, [], pretty, 405);
    }
    const { route, params } = found;
    const method = this.options.methods.get(route.grpcPath);
    if (!method) return sendError(res, Status.UNIMPLEMENTED, `${route.grpcPath} is not served`, [], pretty);

    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      const body = await readBody(req, this.options.maxBodyBytes);
      const request = this.decodeRequest(route, method, body, params, url.searchParams);
      const response = await method.handle(request, { signal: controller.signal, headers: req.headers });
      // Through the wire bytes, so raw stored history events are included exactly as gRPC sends them.
      const responseType = lookupProtoType(route.responseType) as unknown as MessageType;
      const message = responseType.decode(method.encode(response));
      const json = toProtoJson(route.responseType, message, { shorthandPayloads: !url.searchParams.has('noPayloadShorthand') });
      sendJson(res, 200, json, pretty);
    } catch (err) {
      const error = this.options.toError(err, route.grpcPath);
      sendError(res, error.code, error.message, detailsJson(error.statusDetails), pretty);
    }
  }

  /** The request message exactly as the gRPC path would decode it. */
  private decodeRequest(
    route: HttpRoute,
    method: UnaryMethod,
    body: string,
    params: ReadonlyArray<readonly [string[], string]>,
    query: URLSearchParams,
  ): unknown {
    let bodyJson: unknown = undefined;
    if (route.body && body.trim() !== '') {
      try {
        bodyJson = JSON.parse(body);
      } catch (err) {
        throw new ServiceError(Status.INVALID_ARGUMENT, `the request body is not valid JSON: ${(err as Error).message}`);
      }
    }
    const type = lookupProtoType(route.requestType);
    const json = requestJson(type, bodyJson, params, route.body ? undefined : query);
    let message: object;
    try {
      message = fromProtoJson(route.requestType, json) as object;
    } catch (err) {
      throw new ServiceError(Status.INVALID_ARGUMENT, `invalid ${type.name}: ${(err as Error).message}`);
    }
    return method.decode((type as unknown as MessageType).encode(message).finish());
  }
}

/** The `details` of an error body: each Any as its JSON with `@type`, as grpc-gateway writes them. */
function detailsJson(statusDetails: Uint8Array | undefined): unknown[] {
  if (!statusDetails) return [];
  const status = google.rpc.Status.decode(statusDetails);
  return status.details.map((any) => {
    const typeUrl = any.type_url ?? '';
    const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    try {
      const type = lookupProtoType(typeName) as unknown as MessageType;
      const value = toProtoJson(typeName, type.decode(any.value ?? new Uint8Array())) as object;
      return { '@type': typeUrl, ...value };
    } catch {
      return { '@type': typeUrl, value: Buffer.from(any.value ?? []).toString('base64') };
    }
  });
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new ServiceError(Status.RESOURCE_EXHAUSTED, `the request body is larger than ${maxBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // The client went away mid-body ("aborted", ECONNRESET): its error code would read as a
    // database connection failure to toError, so it is said for what it is.
    req.on('error', (err) => reject(new ServiceError(Status.CANCELLED, `the client closed the request before its body was read (${err.message})`)));
  });
}

function sendError(res: ServerResponse, code: Status, message: string, details: unknown[], pretty: boolean, httpStatus?: number): void {
  sendJson(res, httpStatus ?? httpStatusOf(code), { code, message, details }, pretty);
}

function sendJson(res: ServerResponse, status: number, value: unknown, pretty: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const text = pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
