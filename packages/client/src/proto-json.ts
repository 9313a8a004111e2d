/**
 * Temporal's JSON form of API messages: protobuf's canonical JSON mapping (lowerCamelCase
 * names, enum value names, int64 as strings, RFC 3339 timestamps, `"1.5s"` durations)
 * with Temporal's *payload shorthand*: a payload whose encoding is `json/plain` is shown as
 * the JSON value it holds, as `temporal -o json` and Temporal's HTTP API print it (see
 * `shorthandOf` for the exact rules, and a Payloads message whose payloads all have a
 * shorthand is a plain array of them). Other payloads keep the canonical
 * `{ "metadata": {…}, "data": "<base64>" }` form.
 *
 * The canonical mapping itself is protobufjs's `protojson` extension; this module only adds
 * the payload shorthand, by walking the reflected message type beside the JSON value.
 */
import { createRequire } from 'node:module';
import type protojsonModule from 'protobufjs/ext/protojson.js';
import type { Field, Root, Type } from 'protobufjs';

/**
 * protojson checks types with `instanceof Type`, so it must come from the protobufjs copy
 * behind @temporalio/proto (npm may install several copies).
 */
const requireHere = createRequire(import.meta.url);
const protoRoot = requireHere('@temporalio/proto/protos/root.js') as Root;
const requireFromProto = createRequire(requireHere.resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as typeof protojsonModule;

const PAYLOAD_TYPE = 'temporal.api.common.v1.Payload';
const PAYLOADS_TYPE = 'temporal.api.common.v1.Payloads';
const JSON_ENCODING = 'json/plain';
const PROTO_JSON_ENCODING = 'json/protobuf';
const BINARY_NULL_ENCODING = 'binary/null';
const PROTO_MESSAGE_TYPE_KEY = '_protoMessageType';

export interface ProtoJsonOptions {
  /** Show `json/plain` payloads as their JSON value. @default true */
  shorthandPayloads?: boolean;
}

/** The reflected type of a fully qualified message name, e.g. `temporal.api.history.v1.History`. */
export function lookupProtoType(typeName: string): Type {
  return protoRoot.lookupType(typeName);
}

/**
 * `message` (a decoded message or a plain object of the same shape) as Temporal's JSON value.
 *
 * @example
 * ```ts
 * const response = await connection.workflowService.describeWorkflowExecution({ namespace, execution });
 * const json = toProtoJson('temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse', response);
 * ```
 */
export function toProtoJson(typeName: string, message: object, options: ProtoJsonOptions = {}): unknown {
  const type = lookupProtoType(typeName);
  const json = protojson.toJson(type, message) as unknown;
  return options.shorthandPayloads === false ? json : shortenPayloads(type, json);
}

/**
 * Parses Temporal's JSON form of `typeName` (payloads in shorthand or canonical form; enum
 * names in either `SCREAMING_CASE` or Temporal's short form are not both accepted: use the
 * canonical names). Unknown fields are an error unless `ignoreUnknownFields`.
 */
export function fromProtoJson(typeName: string, json: unknown, options: { ignoreUnknownFields?: boolean } = {}): unknown {
  const type = lookupProtoType(typeName);
  return protojson.fromJson(type, expandPayloads(type, json), options);
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies `convert` to every payload found in `json`, a JSON value of message type `type`,
 * and `convertList` to every Payloads message (before looking inside it).
 */
function mapPayloads(
  type: Type,
  json: unknown,
  convert: (payload: unknown) => unknown,
  convertList: (payloads: unknown) => unknown,
): unknown {
  if (type.fullName === `.${PAYLOAD_TYPE}`) return convert(json);
  if (type.fullName === `.${PAYLOADS_TYPE}`) {
    const converted = convertList(json);
    if (converted !== json) return converted;
  }
  if (!isObject(json)) return json;
  let out: JsonObject | undefined;
  for (const field of type.fieldsArray) {
    const jsonKey = jsonKeyOf(field, json);
    if (jsonKey === undefined) continue;
    const fieldType = messageTypeOf(field);
    if (fieldType === undefined || !containsPayload(fieldType)) continue;
    const value = json[jsonKey];
    let mapped: unknown;
    if (field.map) {
      mapped = isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapPayloads(fieldType, v, convert, convertList)]))
        : value;
    } else if (field.repeated && Array.isArray(value)) {
      mapped = value.map((v) => mapPayloads(fieldType, v, convert, convertList));
    } else {
      mapped = mapPayloads(fieldType, value, convert, convertList);
    }
    if (mapped !== value) {
      out ??= { ...json };
      out[jsonKey] = mapped;
    }
  }
  return out ?? json;
}

/** The key of `field` in `json`: its lowerCamelCase JSON name, or its proto name (both are accepted when parsing). */
function jsonKeyOf(field: Field, json: JsonObject): string | undefined {
  const camel = field.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel in json) return camel;
  return field.name in json ? field.name : undefined;
}

function messageTypeOf(field: Field): Type | undefined {
  field.resolve();
  const resolved = field.resolvedType;
  return resolved !== null && 'fieldsArray' in resolved ? resolved : undefined;
}

/** Whether a value of `type` can hold a payload somewhere (memoized: most types never do). */
const payloadReach = new Map<string, boolean>();
function containsPayload(type: Type): boolean {
  const known = payloadReach.get(type.fullName);
  if (known !== undefined) return known;
  payloadReach.set(type.fullName, false); // breaks cycles (e.g. Failure.cause)
  const found =
    type.fullName === `.${PAYLOAD_TYPE}` ||
    type.fieldsArray.some((field) => {
      const fieldType = messageTypeOf(field);
      return fieldType !== undefined && containsPayload(fieldType);
    });
  payloadReach.set(type.fullName, found);
  return found;
}

function shortenPayloads(type: Type, json: unknown): unknown {
  return mapPayloads(type, json, (payload) => {
    const short = shorthandOf(payload);
    return short === undefined ? payload : short.value;
  }, (payloads) => {
    // A Payloads message becomes a plain array when every payload in it has a shorthand.
    const list = isObject(payloads) && Array.isArray(payloads.payloads) ? payloads.payloads : isObject(payloads) ? [] : undefined;
    if (list === undefined) return payloads;
    const short = list.map((p) => shorthandOf(p));
    return short.every((v) => v !== undefined) ? short.map((v) => v.value) : payloads;
  });
}

/**
 * The shorthand of one payload in canonical JSON, as Temporal defines it: `binary/null` is
 * `null`; `json/plain` (with no other metadata) is its JSON value; `json/protobuf` (with only
 * `messageType` besides) is its JSON object plus `_protoMessageType`. Others have none.
 */
function shorthandOf(payload: unknown): { value: unknown } | undefined {
  if (!isObject(payload) || !isObject(payload.metadata)) return undefined;
  const metadata = payload.metadata;
  const encoding = decodeBase64Text(metadata.encoding);
  const keys = Object.keys(metadata).length;
  try {
    if (encoding === BINARY_NULL_ENCODING) return { value: null };
    if (encoding === JSON_ENCODING && keys === 1) return { value: JSON.parse(decodeBase64Text(payload.data ?? '') ?? '') as unknown };
    const messageType = decodeBase64Text(metadata.messageType);
    if (encoding === PROTO_JSON_ENCODING && messageType && keys === 2) {
      const value = JSON.parse(decodeBase64Text(payload.data ?? '') ?? '') as unknown;
      return isObject(value) ? { value: { ...value, [PROTO_MESSAGE_TYPE_KEY]: messageType } } : undefined;
    }
  } catch {
    return undefined; // data that does not parse keeps the canonical form
  }
  return undefined;
}

function expandPayloads(type: Type, json: unknown): unknown {
  return mapPayloads(type, json, expandPayload, (payloads) =>
    Array.isArray(payloads) ? { payloads: payloads.map(expandPayload) } : payloads,
  );
}

/** The canonical JSON of a payload given in shorthand or canonical form. */
function expandPayload(value: unknown): unknown {
  if (value === null) return { metadata: { encoding: base64(BINARY_NULL_ENCODING) } };
  if (isCanonicalPayload(value)) return value;
  if (isObject(value) && typeof value[PROTO_MESSAGE_TYPE_KEY] === 'string') {
    const { [PROTO_MESSAGE_TYPE_KEY]: messageType, ...message } = value;
    return {
      metadata: { encoding: base64(PROTO_JSON_ENCODING), messageType: base64(messageType) },
      data: base64(JSON.stringify(message)),
    };
  }
  return { metadata: { encoding: base64(JSON_ENCODING) }, data: base64(JSON.stringify(value)) };
}

/** `{ "metadata": { "encoding": <base64>, … }, "data": <base64> }` and nothing else (data may be left out for binary/null). */
function isCanonicalPayload(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.metadata) || typeof value.metadata.encoding !== 'string') return false;
  const keys = Object.keys(value);
  const hasData = typeof value.data === 'string';
  if (!(keys.length === 2 && hasData) && !(keys.length === 1 && decodeBase64Text(value.metadata.encoding) === BINARY_NULL_ENCODING)) return false;
  return Object.values(value.metadata).every((v) => typeof v === 'string');
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function decodeBase64Text(value: unknown): string | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}
