/**
 * Temporal's JSON form of API messages (`toProtoJson` / `fromProtoJson`): the payload
 * shorthand rules, the round trip back to messages, and the canonical mapping of int64,
 * timestamps, durations and enums that `-o json` output relies on.
 */
import { describe, expect, it } from 'vitest';
import { fromProtoJson, toProtoJson } from './proto-json.js';

const PAYLOAD = 'temporal.api.common.v1.Payload';
const PAYLOADS = 'temporal.api.common.v1.Payloads';
const EVENT = 'temporal.api.history.v1.HistoryEvent';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const b64 = (text: string) => Buffer.from(text).toString('base64');
const jsonPayload = (value: unknown) => ({ metadata: { encoding: bytes('json/plain') }, data: bytes(JSON.stringify(value)) });
const binaryPayload = { metadata: { encoding: bytes('binary/plain') }, data: bytes('raw') };

interface PayloadMessage {
  metadata: Record<string, Uint8Array>;
  data?: Uint8Array;
}
const text = (value: Uint8Array | undefined) => Buffer.from(value ?? []).toString('utf8');
const decoded = (payload: PayloadMessage) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, text(v)])),
  data: text(payload.data),
});

describe('payload shorthand', () => {
  it('shows a json/plain payload with no other metadata as its JSON value', () => {
    expect(toProtoJson(PAYLOAD, jsonPayload({ order: 42, items: ['a'] }))).toEqual({ order: 42, items: ['a'] });
    expect(toProtoJson(PAYLOAD, jsonPayload('text'))).toBe('text');
    expect(toProtoJson(PAYLOAD, jsonPayload(null))).toBeNull();
  });

  it('shows binary/null as null', () => {
    expect(toProtoJson(PAYLOAD, { metadata: { encoding: bytes('binary/null') } })).toBeNull();
  });

  it('shows json/protobuf with its message type as the object plus _protoMessageType', () => {
    const payload = {
      metadata: { encoding: bytes('json/protobuf'), messageType: bytes('temporal.api.common.v1.WorkflowType') },
      data: bytes('{"name":"order"}'),
    };
    expect(toProtoJson(PAYLOAD, payload)).toEqual({ name: 'order', _protoMessageType: 'temporal.api.common.v1.WorkflowType' });
  });

  it('keeps the canonical form for extra metadata, other encodings and data that does not parse', () => {
    const typed = { metadata: { encoding: bytes('json/plain'), type: bytes('Keyword') }, data: bytes('"gold"') };
    expect(toProtoJson(PAYLOAD, typed)).toEqual({ metadata: { encoding: b64('json/plain'), type: b64('Keyword') }, data: b64('"gold"') });
    expect(toProtoJson(PAYLOAD, binaryPayload)).toEqual({ metadata: { encoding: b64('binary/plain') }, data: b64('raw') });
    const broken = { metadata: { encoding: bytes('json/plain') }, data: bytes('{not json') };
    expect(toProtoJson(PAYLOAD, broken)).toEqual({ metadata: { encoding: b64('json/plain') }, data: b64('{not json') });
  });

  it('shows a Payloads message as a plain array only when every payload has a shorthand', () => {
    expect(toProtoJson(PAYLOADS, { payloads: [jsonPayload(1), jsonPayload('two')] })).toEqual([1, 'two']);
    const mixed = toProtoJson(PAYLOADS, { payloads: [jsonPayload(1), binaryPayload] });
    expect(Array.isArray(mixed)).toBe(false);
    expect(mixed).toEqual({ payloads: [1, { metadata: { encoding: b64('binary/plain') }, data: b64('raw') }] });
  });

  it('finds payloads nested anywhere in a message (inputs, maps of payloads)', () => {
    const event = {
      eventId: 1,
      eventType: 1,
      workflowExecutionStartedEventAttributes: {
        input: { payloads: [jsonPayload({ id: 7 })] },
        memo: { fields: { team: jsonPayload('billing') } },
      },
    };
    expect(toProtoJson(EVENT, event)).toMatchObject({
      workflowExecutionStartedEventAttributes: { input: [{ id: 7 }], memo: { fields: { team: 'billing' } } },
    });
  });

  it('is turned off by shorthandPayloads: false', () => {
    expect(toProtoJson(PAYLOADS, { payloads: [jsonPayload(1)] }, { shorthandPayloads: false })).toEqual({
      payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('1') }],
    });
  });
});

describe('round trip through fromProtoJson', () => {
  it('gives back the payloads of every form', () => {
    const payloads = [
      jsonPayload({ order: 42 }),
      { metadata: { encoding: bytes('binary/null') } },
      { metadata: { encoding: bytes('json/protobuf'), messageType: bytes('temporal.api.common.v1.WorkflowType') }, data: bytes('{"name":"order"}') },
      { metadata: { encoding: bytes('json/plain'), type: bytes('Keyword') }, data: bytes('"gold"') },
      binaryPayload,
    ];
    const json = toProtoJson(PAYLOADS, { payloads });
    const back = fromProtoJson(PAYLOADS, json) as { payloads: PayloadMessage[] };
    expect(back.payloads.map(decoded)).toEqual([
      { metadata: { encoding: 'json/plain' }, data: '{"order":42}' },
      { metadata: { encoding: 'binary/null' }, data: '' },
      { metadata: { encoding: 'json/protobuf', messageType: 'temporal.api.common.v1.WorkflowType' }, data: '{"name":"order"}' },
      { metadata: { encoding: 'json/plain', type: 'Keyword' }, data: '"gold"' },
      { metadata: { encoding: 'binary/plain' }, data: 'raw' },
    ]);
  });

  it('turns a shorthand array into a Payloads message of json/plain payloads', () => {
    const back = fromProtoJson(PAYLOADS, ['a', 2, { b: true }]) as { payloads: PayloadMessage[] };
    expect(back.payloads.map(decoded)).toEqual([
      { metadata: { encoding: 'json/plain' }, data: '"a"' },
      { metadata: { encoding: 'json/plain' }, data: '2' },
      { metadata: { encoding: 'json/plain' }, data: '{"b":true}' },
    ]);
  });

  it('refuses unknown fields unless asked to ignore them', () => {
    expect(() => fromProtoJson(EVENT, { eventId: '1', noSuchField: 1 })).toThrow(/noSuchField/);
    expect(fromProtoJson(EVENT, { eventId: '1', noSuchField: 1 }, { ignoreUnknownFields: true })).toMatchObject({});
  });
});

describe('canonical mapping', () => {
  const event = {
    eventId: 9_007_199_254_740_993n.toString(), // past 2^53: must stay exact
    eventTime: { seconds: 1_700_000_000, nanos: 500_000_000 },
    eventType: 1,
    taskId: 12,
    workflowExecutionStartedEventAttributes: { workflowRunTimeout: { seconds: 90 }, workflowTaskTimeout: { seconds: 1, nanos: 500_000_000 } },
  };

  it('writes int64 as strings, timestamps in RFC 3339, durations in seconds and enums by name', () => {
    const json = toProtoJson(EVENT, fromProtoJson(EVENT, { eventId: '9007199254740993' }) as object) as { eventId: string };
    expect(json.eventId).toBe('9007199254740993');
    expect(toProtoJson(EVENT, { ...event, eventId: 5 })).toEqual({
      eventId: '5',
      eventTime: '2023-11-14T22:13:20.500Z',
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      taskId: '12',
      workflowExecutionStartedEventAttributes: { workflowRunTimeout: '90s', workflowTaskTimeout: '1.500s' },
    });
  });

  it('reads the same forms back', () => {
    const json = {
      eventId: '5',
      eventTime: '2023-11-14T22:13:20.500Z',
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      workflowExecutionStartedEventAttributes: { workflowRunTimeout: '90s' },
    };
    const message = fromProtoJson(EVENT, json) as {
      eventId: unknown;
      eventTime: { seconds: unknown; nanos: number };
      eventType: number;
      workflowExecutionStartedEventAttributes: { workflowRunTimeout: { seconds: unknown } };
    };
    expect(String(message.eventId)).toBe('5');
    expect(Number(message.eventTime.seconds)).toBe(1_700_000_000);
    expect(message.eventTime.nanos).toBe(500_000_000);
    expect(message.eventType).toBe(1);
    expect(Number(message.workflowExecutionStartedEventAttributes.workflowRunTimeout.seconds)).toBe(90);
    expect(toProtoJson(EVENT, message)).toEqual(json);
  });
});
