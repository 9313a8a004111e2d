/**
 * WorkflowService and OperatorService over gRPC: the method tables come from @temporalio/proto's
 * reflection root; requests that do not decode, or carry a Duration or Timestamp out of
 * protobuf's range (time-ranges.ts), get INVALID_ARGUMENT instead of reaching a handler;
 * errors become gRPC statuses with Temporal's error details where the SDKs look for them.
 * The transport is grpc-transport.ts.
 */
import type { Logger } from '../common/logger.js';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { google, protoRoot } from '../common/proto.js';
import { encodeHistoryField, rawHistoryOf } from '../common/raw-history.js';
import { ConditionFailedError, isStoreUnavailable } from '../persistence/store.js';
import type { CallContext, GrpcError, UnaryMethod } from './grpc-transport.js';
import { checkTimeRanges } from './time-ranges.js';
import { appendFields } from './appended-fields.js';

export type { CallContext } from './grpc-transport.js';

export const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
export const OPERATOR_SERVICE = 'temporal.api.operatorservice.v1.OperatorService';

// Handlers receive decoded protobuf messages; their exact types are declared at each handler.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UnaryHandler = (request: any, ctx: CallContext) => Promise<object>;

interface MessageType {
  fields: Record<string, { id: number } | undefined>;
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
}

interface MethodDescriptor {
  name: string;
  requestType: string;
  responseType: string;
}

function serviceMethods(serviceName: string): MethodDescriptor[] {
  const service = protoRoot.lookupService(serviceName) as unknown as { methods: Record<string, MethodDescriptor> };
  return Object.values(service.methods);
}

/**
 * `/package.Service/Method` → how to decode, run and encode it. Methods without a handler
 * answer UNIMPLEMENTED. With `log` at debug, every call is logged when it ends.
 */
export function serviceMethodTable(
  serviceName: string,
  handlers: Record<string, UnaryHandler>,
  log?: Logger,
): Map<string, UnaryMethod> {
  const pkg = serviceName.slice(0, serviceName.lastIndexOf('.'));
  const table = new Map<string, UnaryMethod>();
  for (const method of serviceMethods(serviceName)) {
    const req = protoRoot.lookupType(qualify(pkg, method.requestType)) as unknown as MessageType;
    const res = protoRoot.lookupType(qualify(pkg, method.responseType)) as unknown as MessageType;
    const found = handlers[method.name];
    const handler = found && log?.isLevelEnabled('debug') ? loggedHandler(method.name, found, log) : found;
    const historyField = res.fields['history']?.id;
    table.set(`/${serviceName}/${method.name}`, {
      decode: (bytes) => checkTimeRanges(req.decode(bytes)),
      encode:
        historyField === undefined
          ? (message) => appendFields(res.encode(message).finish(), message)
          : (message) => encodeWithHistory(res, historyField, message),
      handle: handler
        ? handler
        : () =>
            Promise.reject(new ServiceError(Status.UNIMPLEMENTED, `${method.name} is not implemented by this server yet`)),
    });
  }
  return table;
}

/** The response's bytes, with stored history events appended as its `history` field when it carries them raw. */
function encodeWithHistory(type: MessageType, historyField: number, message: object): Uint8Array {
  const bytes = type.encode(message).finish();
  const events = rawHistoryOf(message);
  if (!events) return bytes;
  const history = encodeHistoryField(historyField, events);
  const out = new Uint8Array(bytes.length + history.length);
  out.set(bytes);
  out.set(history, bytes.length);
  return out;
}

/** `handler`, logging each call's method, outcome, duration and the workflow it names. */
function loggedHandler(method: string, handler: UnaryHandler, log: Logger): UnaryHandler {
  return async (request: RequestIds, ctx) => {
    const startedMs = performance.now();
    const ids = {
      namespace: request.namespace || undefined,
      workflowId: request.workflowId || request.workflowExecution?.workflowId || request.execution?.workflowId || undefined,
      runId: request.runId || request.workflowExecution?.runId || request.execution?.runId || undefined,
      taskQueue: request.taskQueue?.name || undefined,
    };
    try {
      const response = await handler(request, ctx);
      log.debug({ method, ...ids, status: 'OK', ms: elapsedMs(startedMs) }, 'rpc');
      return response;
    } catch (err) {
      const status = err instanceof ServiceError ? Status[err.code] : 'INTERNAL';
      const message = err instanceof Error ? err.message : String(err);
      log.debug({ method, ...ids, status, message, ms: elapsedMs(startedMs) }, 'rpc');
      throw err;
    }
  };
}

/** The fields most requests name their target by (all optional). */
interface RequestIds {
  namespace?: string;
  workflowId?: string;
  runId?: string;
  workflowExecution?: { workflowId?: string; runId?: string } | null;
  execution?: { workflowId?: string; runId?: string } | null;
  taskQueue?: { name?: string } | null;
}

function elapsedMs(startedMs: number): number {
  return Math.round((performance.now() - startedMs) * 100) / 100;
}

function qualify(pkg: string, typeName: string): string {
  return typeName.includes('.') ? typeName : `${pkg}.${typeName}`;
}

/** A handler's rejection as the client sees it; anything but a ServiceError is a bug, logged and answered INTERNAL. */
export function toGrpcError(err: unknown, path: string, log: Logger): GrpcError {
  if (err instanceof ServiceError) {
    const statusDetails = err.details
      ? google.rpc.Status.encode({
          code: err.code,
          message: err.message,
          details: [err.details, ...err.moreDetails].map((d) => ({ type_url: d.typeUrl, value: d.value })),
        }).finish()
      : undefined;
    return { code: err.code, message: err.message, statusDetails };
  }
  const method = path.slice(path.lastIndexOf('/') + 1);
  if (isStoreUnavailable(err)) {
    // The SDKs retry UNAVAILABLE on their own: a database restart or failover is waited out.
    log.warn({ err, method }, 'database unavailable');
    return { code: Status.UNAVAILABLE, message: `the database is unavailable (${method} can be retried)` };
  }
  if (err instanceof ConditionFailedError) {
    // Writers on several nodes kept changing the run under this one: retrying succeeds.
    log.warn({ err, method }, 'run changed concurrently too often');
    return { code: Status.UNAVAILABLE, message: `the workflow execution kept changing concurrently (${method} can be retried)` };
  }
  log.error({ err, method }, 'internal error');
  return { code: Status.INTERNAL, message: `internal error in ${method}` };
}
