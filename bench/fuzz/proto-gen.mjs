/**
 * Structure-aware request messages, generated from @temporalio/proto's reflection root: for
 * each method of WorkflowService and OperatorService, its request type is walked field by
 * field and every field gets a value of its type (values.mjs), nested messages to a depth
 * bound, repeated and map fields a few entries, enums known and unknown numbers, oneofs
 * sometimes with several members set. The result is encoded by protobufjs, so the wire bytes
 * are valid protobuf carrying invalid-for-Temporal content.
 */
import { createRequire } from 'node:module';
import { bytesFor, floatFor, intFor, stringFor } from './values.mjs';

const require = createRequire(import.meta.url);
export const protoRoot = require('@temporalio/proto/protos/root.js');
protoRoot.resolveAll();

export const SERVICES = ['temporal.api.workflowservice.v1.WorkflowService', 'temporal.api.operatorservice.v1.OperatorService'];

/** Nested messages deeper than this are left unset (Failure.cause and the like recurse). */
const DEPTH_MAX = 5;
/** Entries of a repeated or map field: few, sometimes more. */
const REPEATED_MAX = 4;
const REPEATED_MANY = 64;

/** Methods the server answers only after waiting (long polls): they get a longer hang bound, and most are cancelled early. */
export const LONG_POLL_METHODS = new Set([
  'PollWorkflowTaskQueue',
  'PollActivityTaskQueue',
  'PollNexusTaskQueue',
  'GetWorkflowExecutionHistory',
  'UpdateWorkflowExecution',
  'PollWorkflowExecutionUpdate',
  'ExecuteMultiOperation',
  'QueryWorkflow',
]);

/**
 * Methods that would take the namespace `default` away (delete, deprecate, update its state),
 * after which no call would get past the namespace check and the normal workflow could not run:
 * they are aimed at `fuzz-ns` instead, a namespace the setup registers for them.
 */
export const NAMESPACE_DESTROYING_METHODS = new Set(['DeleteNamespace', 'DeprecateNamespace', 'UpdateNamespace']);
export const SPARE_NAMESPACE = 'fuzz-ns';

/** Every unary method: `{ service, name, path, requestType, responseType }`. */
export function allMethods() {
  const methods = [];
  for (const serviceName of SERVICES) {
    const service = protoRoot.lookupService(serviceName);
    for (const method of Object.values(service.methods)) {
      methods.push({
        service: serviceName,
        name: method.name,
        path: `/${serviceName}/${method.name}`,
        requestType: method.resolvedRequestType,
        responseType: method.resolvedResponseType,
      });
    }
  }
  return methods;
}

/** A plain object protobufjs can encode as `type`. */
export function generateMessage(type, rng, pools, depth = 0) {
  if (type.fullName === '.google.protobuf.Duration' || type.fullName === '.google.protobuf.Timestamp') return oddTime(rng);
  if (type.fullName === '.temporal.api.common.v1.Payload') return payload(rng, pools);
  const message = {};
  // Shallow messages get most fields; deeper ones fewer, so sizes stay bounded.
  const fill = depth === 0 ? 0.7 : depth < 3 ? 0.45 : 0.2;
  const oneofsSet = new Set();
  for (const field of type.fieldsArray) {
    if (!rng.chance(fill)) continue;
    if (field.partOf && oneofsSet.has(field.partOf) && !rng.chance(0.1)) continue;
    if (field.resolvedType && field.resolvedType.fieldsArray && depth >= DEPTH_MAX) continue;
    if (field.partOf) oneofsSet.add(field.partOf);
    message[field.name] = fieldValue(field, type, rng, pools, depth);
  }
  return message;
}

function fieldValue(field, parent, rng, pools, depth) {
  if (field.map) {
    const map = {};
    const n = rng.chance(0.02) ? REPEATED_MANY : rng.int(REPEATED_MAX);
    for (let i = 0; i < n; i++) {
      const key = field.keyType === 'string' ? stringFor(rng, pools, 'key', parent.fullName) : String(intFor(rng, false) >>> 0);
      map[key] = singleValue(field, parent, rng, pools, depth);
    }
    return map;
  }
  if (field.repeated) {
    const n = rng.chance(0.02) ? REPEATED_MANY : rng.int(REPEATED_MAX);
    return Array.from({ length: n }, () => singleValue(field, parent, rng, pools, depth));
  }
  return singleValue(field, parent, rng, pools, depth);
}

function singleValue(field, parent, rng, pools, depth) {
  const resolved = field.resolvedType;
  if (resolved && resolved.values) return enumValue(resolved, rng);
  if (resolved) return generateMessage(resolved, rng, pools, depth + 1);
  switch (field.type) {
    case 'string':
      return stringFor(rng, pools, field.name, parent.fullName);
    case 'bytes':
      return bytesFor(rng, pools, field.name);
    case 'bool':
      return rng.chance(0.5);
    case 'double':
    case 'float':
      return floatFor(rng);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return intFor(rng, true);
    default:
      return intFor(rng, false);
  }
}

function enumValue(enumType, rng) {
  const known = Object.values(enumType.values);
  return rng.chance(0.8) ? rng.pick(known) : rng.pick([-1, 99, 1000, 2147483647, -2147483648]);
}

/** Durations and timestamps: ordinary ones, and negative, huge and denormal ones. */
function oddTime(rng) {
  if (rng.chance(0.5)) return { seconds: rng.int(120), nanos: rng.chance(0.5) ? 0 : rng.int(1e9) };
  return {
    seconds: rng.pick([0, -1, 1, 315576000000, 315576000001, -315576000001, '9223372036854775807', '-9223372036854775808', 253402300800, -62135596801]),
    nanos: rng.pick([0, -1, 999999999, 1000000000, 2147483647, -2147483648]),
  };
}

/** Payloads with real encodings and data that fits them or not. */
function payload(rng, pools) {
  const encoding = stringFor(rng, pools, 'encoding', '');
  const data = rng.chance(0.5) ? Buffer.from(JSON.stringify(rng.pick(['x', 1, null, { a: [1, 2] }, 'ü'.repeat(10)]))) : bytesFor(rng, pools, 'data');
  const metadata = { encoding: Buffer.from(encoding) };
  if (rng.chance(0.1)) metadata.messageType = Buffer.from(rng.pick(['temporal.api.common.v1.Payload', 'no.such.Type', '']));
  return rng.chance(0.05) ? { data } : { metadata, data };
}

/** The encoded request for `method`, or null when protobufjs cannot encode what was generated. */
export function generateRequestBytes(method, rng, pools) {
  const message = generateMessage(method.requestType, rng, pools);
  if (NAMESPACE_DESTROYING_METHODS.has(method.name) && message.namespace === 'default') message.namespace = SPARE_NAMESPACE;
  try {
    return Buffer.from(method.requestType.encode(message).finish());
  } catch {
    return null;
  }
}
