/**
 * An HTTP API call as the JSON value of its request message: the body (for `body: "*"`
 * routes), the path variables, and the query string (for routes without a body), as
 * grpc-gateway fills them. Query keys name fields by their proto or JSON name, dotted for
 * nested fields (`execution.runId=…`); a repeated field takes the key once per value; a map
 * entry is `field[key]=value`. Keys that name no field are ignored, as grpc-gateway does.
 */
import type { Field, Type } from 'protobufjs';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';

/** Query keys that shape the answer, never request fields. */
export const REPRESENTATION_KEYS = new Set(['pretty', 'noPayloadShorthand']);

type JsonObject = Record<string, unknown>;

const NUMBER_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'double', 'float']);
const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
/** Message types whose JSON form is a string, so a query value can fill them. */
const STRING_FORM_MESSAGES = new Set(['.google.protobuf.Timestamp', '.google.protobuf.Duration', '.google.protobuf.FieldMask']);

export function requestJson(
  type: Type,
  body: unknown,
  pathParams: ReadonlyArray<readonly [string[], string]>,
  query: URLSearchParams | undefined,
): JsonObject {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw invalid('the request body must be a JSON object');
  }
  const json: JsonObject = body === undefined ? {} : { ...(body as JsonObject) };
  if (query) {
    for (const key of new Set(query.keys())) {
      if (REPRESENTATION_KEYS.has(key)) continue;
      setField(type, json, key, query.getAll(key), { ignoreUnknown: true });
    }
  }
  for (const [path, value] of pathParams) setField(type, json, path.join('.'), [value], { ignoreUnknown: false });
  return json;
}

/** Sets the field at dotted `key` (with an optional `[mapKey]` at its end) from text values. */
function setField(type: Type, json: JsonObject, key: string, values: string[], options: { ignoreUnknown: boolean }): void {
  const mapEntry = /^(.*)\[([^\]]*)\]$/.exec(key);
  const parts = (mapEntry ? mapEntry[1]! : key).split('.');
  let currentType = type;
  let target = json;
  for (let i = 0; i < parts.length; i++) {
    const field = fieldByName(currentType, parts[i]!);
    if (!field) {
      if (options.ignoreUnknown) return;
      throw invalid(`${key}: no such field in ${currentType.name}`);
    }
    // The body may name a field either way; the URL's value joins whichever name it used.
    const jsonName = camelToSnake(field.name) in target ? camelToSnake(field.name) : field.name;
    const last = i === parts.length - 1;
    if (last) {
      if (mapEntry) {
        if (!field.map) throw invalid(`${key}: ${parts.join('.')} is not a map`);
        const map = isObject(target[jsonName]) ? target[jsonName] : (target[jsonName] = {});
        map[mapEntry[2]!] = scalarValue(field, values[values.length - 1]!, key);
      } else if (field.repeated) {
        target[jsonName] = values.map((v) => scalarValue(field, v, key));
      } else {
        target[jsonName] = scalarValue(field, values[values.length - 1]!, key);
      }
      return;
    }
    const nestedType = messageTypeOf(field);
    if (!nestedType || field.repeated || field.map) throw invalid(`${key}: ${parts[i]} cannot be set from the URL`);
    const existing = target[jsonName];
    target = isObject(existing) ? existing : (target[jsonName] = {});
    currentType = nestedType;
  }
}

/** The field called `name` (proto or JSON name; @temporalio/proto's reflection names fields in lowerCamelCase). */
function fieldByName(type: Type, name: string): Field | undefined {
  return type.fields[name] ?? type.fields[snakeToCamel(name)];
}

/** A text value as the JSON value of `field` (a map's value type when it is a map). */
function scalarValue(field: Field, text: string, key: string): unknown {
  field.resolve();
  const resolved = field.resolvedType;
  if (resolved && 'values' in resolved) return /^-?\d+$/.test(text) ? Number(text) : text; // enum
  if (resolved && 'fieldsArray' in resolved) {
    if (STRING_FORM_MESSAGES.has(resolved.fullName)) return text;
    throw invalid(`${key}: a ${resolved.name} message cannot be given in the URL; send it in the body`);
  }
  if (field.type === 'bool') {
    if (text === 'true' || text === '') return true;
    if (text === 'false') return false;
    throw invalid(`${key}: expected true or false, got ${JSON.stringify(text)}`);
  }
  if (NUMBER_TYPES.has(field.type)) {
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) throw invalid(`${key}: expected a number, got ${JSON.stringify(text)}`);
    return value;
  }
  if (INT64_TYPES.has(field.type)) {
    if (!/^-?\d+$/.test(text)) throw invalid(`${key}: expected an integer, got ${JSON.stringify(text)}`);
    return text;
  }
  return text; // string, and bytes as base64
}

function messageTypeOf(field: Field): Type | undefined {
  field.resolve();
  const resolved = field.resolvedType;
  return resolved && 'fieldsArray' in resolved ? resolved : undefined;
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): ServiceError {
  return new ServiceError(Status.INVALID_ARGUMENT, message);
}
