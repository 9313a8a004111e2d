/**
 * gRPC plumbing for WorkflowService: the service definition comes from
 * @temporalio/proto's reflection root; requests that do not decode get
 * INVALID_ARGUMENT instead of crashing a handler; errors become gRPC statuses
 * with Temporal's error details where the SDKs look for them.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../common/logger.js';
import { ServiceError } from '../common/errors.js';
import { google, protoRoot } from '../common/proto.js';

const SERVICE_NAME = 'temporal.api.workflowservice.v1.WorkflowService';

export interface CallContext {
  /** Aborted when the caller cancels or disconnects. */
  signal: AbortSignal;
}

// Handlers receive decoded protobuf messages; their exact types are declared at each handler.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UnaryHandler = (request: any, ctx: CallContext) => Promise<object>;

interface MessageType {
  name: string;
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
}

class UndecodableRequest {
  constructor(readonly reason: string) {}
}

interface MethodDescriptor {
  name: string;
  requestType: string;
  responseType: string;
  requestStream?: boolean;
  responseStream?: boolean;
}

export function workflowServiceMethods(): MethodDescriptor[] {
  const service = protoRoot.lookupService(SERVICE_NAME) as unknown as { methods: Record<string, MethodDescriptor> };
  return Object.values(service.methods);
}

export function buildServiceDefinition(
  handlers: Record<string, UnaryHandler>,
  log: Logger,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of workflowServiceMethods()) {
    const pkg = SERVICE_NAME.slice(0, SERVICE_NAME.lastIndexOf('.'));
    const req = protoRoot.lookupType(qualify(pkg, method.requestType)) as unknown as MessageType;
    const res = protoRoot.lookupType(qualify(pkg, method.responseType)) as unknown as MessageType;
    definition[method.name] = {
      path: `/${SERVICE_NAME}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (m: object) => Buffer.from(req.encode(m).finish()),
      requestDeserialize: (bytes: Buffer) => {
        try {
          return req.decode(bytes);
        } catch (err) {
          return new UndecodableRequest(err instanceof Error ? err.message : String(err));
        }
      },
      responseSerialize: (m: object) => Buffer.from(res.encode(m).finish()),
      responseDeserialize: (bytes: Buffer) => res.decode(bytes),
    };
    const handler = handlers[method.name];
    implementation[method.name] = (call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>) => {
      if (call.request instanceof UndecodableRequest) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `${req.name} could not be decoded: ${call.request.reason}` });
        return;
      }
      if (!handler) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${method.name} is not implemented by this server yet` });
        return;
      }
      const controller = new AbortController();
      call.on('cancelled', () => controller.abort());
      handler(call.request, { signal: controller.signal }).then(
        (response) => callback(null, response),
        (err: unknown) => callback(toGrpcError(err, method.name, log)),
      );
    };
  }
  return { definition, implementation };
}

function qualify(pkg: string, typeName: string): string {
  return typeName.includes('.') ? typeName : `${pkg}.${typeName}`;
}

function toGrpcError(err: unknown, method: string, log: Logger): Partial<grpc.StatusObject> {
  if (err instanceof ServiceError) {
    const metadata = new grpc.Metadata();
    if (err.details) {
      const statusProto = google.rpc.Status.encode({
        code: err.code,
        message: err.message,
        details: [{ type_url: err.details.typeUrl, value: err.details.value }],
      }).finish();
      metadata.set('grpc-status-details-bin', Buffer.from(statusProto));
    }
    return { code: err.code, details: err.message, metadata };
  }
  log.error({ err, method }, 'internal error');
  return { code: grpc.status.INTERNAL, details: `internal error in ${method}` };
}
