/**
 * Interchangeability with the official SDK, which is the reference: payloads and failures written
 * by `@endure/common` must be read back by `@temporalio/common` into the same values and classes,
 * and the other way round.
 */
import * as vm from 'node:vm';
import * as official from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import * as ours from './index.js';

const ourPc = ours.defaultPayloadConverter;
const officialPc = official.defaultPayloadConverter;

/** Wire bytes of a Failure proto: what the server stores. */
function failureBytes(failure: ours.ProtoFailure): Uint8Array {
  return temporal.api.failure.v1.Failure.encode(failure).finish();
}

/** Wire bytes of a Payload proto. */
function payloadBytes(payload: ours.Payload): Uint8Array {
  return temporal.api.common.v1.Payload.encode(payload).finish();
}

const STACK = 'Error: boom\n    at userCode (file:///app/activities.ts:10:11)';

describe('payload converter', () => {
  const values: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['string', 'hello'],
    ['empty string', ''],
    ['unicode string', 'ünïcødé ✓ 🎉'],
    ['zero', 0],
    ['integer', 42],
    ['negative float', -1.5],
    ['boolean', true],
    ['object', { a: 1, b: [1, 2], c: { d: 'x', e: null } }],
    ['array', [1, 'two', null, { three: 3 }]],
    ['Uint8Array', new Uint8Array([0, 1, 127, 128, 255])],
  ];

  it.each(values)('writes the same payload bytes as the official SDK for %s', (_name, value) => {
    const mine = ourPc.toPayload(value);
    const theirs = officialPc.toPayload(value);
    expect(payloadBytes(mine)).toEqual(payloadBytes(theirs));
    expect(Object.keys(mine.metadata ?? {})).toEqual([ours.METADATA_ENCODING_KEY]);
  });

  it.each(values)('round-trips %s through both SDKs', (_name, value) => {
    expect(ourPc.fromPayload(ourPc.toPayload(value))).toEqual(value);
    expect(officialPc.fromPayload(ourPc.toPayload(value))).toEqual(value);
    expect(ourPc.fromPayload(officialPc.toPayload(value))).toEqual(value);
  });

  it('uses the official encodings', () => {
    const encodingOf = (value: unknown): string => ours.decode(ourPc.toPayload(value).metadata!.encoding!);
    expect(encodingOf(undefined)).toBe('binary/null');
    expect(encodingOf(null)).toBe('json/plain');
    expect(encodingOf(new Uint8Array([1]))).toBe('binary/plain');
    expect(encodingOf({})).toBe('json/plain');
    expect(ours.encodingKeys.METADATA_ENCODING_JSON).toEqual(official.encodingKeys.METADATA_ENCODING_JSON);
  });

  it('accepts a Uint8Array from another realm', () => {
    const foreign = vm.runInNewContext('new Uint8Array([9, 8, 7])') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    const decoded = ourPc.fromPayload<Uint8Array>(ourPc.toPayload(foreign));
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded)).toEqual([9, 8, 7]);
  });

  it('rejects what it cannot convert with ValueError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => ourPc.toPayload(cyclic)).toThrow(ours.ValueError);
    expect(() => ourPc.fromPayload({ metadata: { encoding: ours.encode('x/unknown') } })).toThrow(/Unknown encoding/);
  });

  it('implements the list and map helpers', () => {
    expect(ours.toPayloads(ourPc)).toBeUndefined();
    const payloads = ours.toPayloads(ourPc, 'a', 1, undefined);
    expect(ours.arrayFromPayloads(ourPc, payloads)).toEqual(['a', 1, undefined]);
    expect(ours.fromPayloadsAtIndex(ourPc, 1, payloads)).toBe(1);
    expect(ours.fromPayloadsAtIndex(ourPc, 5, payloads)).toBeUndefined();
    expect(ours.arrayFromPayloads(ourPc, null)).toEqual([]);
    const map = ours.mapToPayloads(ourPc, { x: [1], y: 'z' });
    expect(ours.mapFromPayloads(ourPc, map)).toEqual({ x: [1], y: 'z' });
    expect(ours.mapFromPayloads(ourPc, undefined)).toBeUndefined();
  });
});

/** The same failure built with each SDK's classes; stacks pinned so the protos can be compared. */
function pairs(): [string, Error, Error][] {
  const pin = <E extends Error>(e: E): E => {
    e.stack = STACK;
    return e;
  };
  return [
    [
      'ApplicationFailure with details, nonRetryable and a cause chain',
      pin(
        ours.ApplicationFailure.create({
          message: 'card declined',
          type: 'CardError',
          nonRetryable: true,
          details: [{ last4: '4242' }, 7],
          category: 'BENIGN',
          cause: pin(ours.ApplicationFailure.retryable('gateway said no', 'GatewayError', 'detail')),
        }),
      ),
      pin(
        official.ApplicationFailure.create({
          message: 'card declined',
          type: 'CardError',
          nonRetryable: true,
          details: [{ last4: '4242' }, 7],
          category: 'BENIGN',
          cause: pin(official.ApplicationFailure.retryable('gateway said no', 'GatewayError', 'detail')),
        }),
      ),
    ],
    [
      'CancelledFailure',
      pin(new ours.CancelledFailure('cancelled', ['why'])),
      pin(new official.CancelledFailure('cancelled', ['why'])),
    ],
    [
      'TimeoutFailure',
      pin(new ours.TimeoutFailure('timed out', { progress: 3 }, 'HEARTBEAT')),
      pin(new official.TimeoutFailure('timed out', { progress: 3 }, 'HEARTBEAT')),
    ],
    [
      'TerminatedFailure',
      pin(new ours.TerminatedFailure('terminated')),
      pin(new official.TerminatedFailure('terminated')),
    ],
    ['ServerFailure', pin(new ours.ServerFailure('server', true)), pin(new official.ServerFailure('server', true))],
  ];
}

describe('failure converter', () => {
  it.each(pairs())('writes the same Failure bytes as the official SDK for %s', (_name, mine, theirs) => {
    const ourFailure = ours.defaultFailureConverter.errorToFailure(mine, ourPc);
    const officialFailure = official.defaultFailureConverter.errorToFailure(theirs, officialPc);
    expect(failureBytes(ourFailure)).toEqual(failureBytes(officialFailure));
  });

  it('is read by the official SDK: ApplicationFailure with cause chain', () => {
    const root = new Error('socket closed');
    const err = ours.ApplicationFailure.create({
      message: 'card declined',
      type: 'CardError',
      nonRetryable: true,
      details: [{ last4: '4242' }],
      cause: ours.ApplicationFailure.retryable('gateway said no', 'GatewayError', 'detail'),
    });
    (err.cause as { cause?: unknown }).cause = root;
    const decoded = official.defaultFailureConverter.failureToError(
      ours.defaultFailureConverter.errorToFailure(err, ourPc),
      officialPc,
    );
    expect(decoded).toBeInstanceOf(official.ApplicationFailure);
    const app = decoded as official.ApplicationFailure;
    expect(app.message).toBe('card declined');
    expect(app.type).toBe('CardError');
    expect(app.nonRetryable).toBe(true);
    expect(app.details).toEqual([{ last4: '4242' }]);
    expect(app.stack).toContain('converters.test.ts');
    const cause = app.cause as official.ApplicationFailure;
    expect(cause).toBeInstanceOf(official.ApplicationFailure);
    expect([cause.message, cause.type, cause.nonRetryable, cause.details]).toEqual([
      'gateway said no',
      'GatewayError',
      false,
      ['detail'],
    ]);
    const rootDecoded = cause.cause as official.ApplicationFailure;
    expect(rootDecoded).toBeInstanceOf(official.ApplicationFailure);
    expect([rootDecoded.message, rootDecoded.type]).toEqual(['socket closed', 'Error']);
    expect(official.rootCause(decoded)).toBe('socket closed');
  });

  it('is read by the official SDK: CancelledFailure, TimeoutFailure, plain errors', () => {
    const toOfficial = (err: unknown): Error =>
      official.defaultFailureConverter.failureToError(ours.defaultFailureConverter.errorToFailure(err, ourPc), officialPc);

    const cancelled = toOfficial(new ours.CancelledFailure('cancelled', ['why']));
    expect(cancelled).toBeInstanceOf(official.CancelledFailure);
    expect((cancelled as official.CancelledFailure).details).toEqual(['why']);

    const timeout = toOfficial(new ours.TimeoutFailure('timed out', { progress: 3 }, 'START_TO_CLOSE'));
    expect(timeout).toBeInstanceOf(official.TimeoutFailure);
    expect((timeout as official.TimeoutFailure).timeoutType).toBe('START_TO_CLOSE');
    expect((timeout as official.TimeoutFailure).lastHeartbeatDetails).toEqual({ progress: 3 });

    const plain = toOfficial(new TypeError('bad input'));
    expect(plain).toBeInstanceOf(official.ApplicationFailure);
    expect((plain as official.ApplicationFailure).type).toBe('TypeError');
    expect((plain as official.ApplicationFailure).nonRetryable).toBe(false);
    expect(plain.message).toBe('bad input');

    const thrownString = ours.defaultFailureConverter.errorToFailure('oops', ourPc);
    expect(thrownString).toEqual(official.defaultFailureConverter.errorToFailure('oops', officialPc));
    const thrownObject = ours.defaultFailureConverter.errorToFailure({ code: 1 }, ourPc);
    expect(thrownObject).toEqual(official.defaultFailureConverter.errorToFailure({ code: 1 }, officialPc));
  });

  it('reads what the official SDK writes', () => {
    const toOurs = (err: unknown): Error =>
      ours.defaultFailureConverter.failureToError(official.defaultFailureConverter.errorToFailure(err, officialPc), ourPc);

    const app = toOurs(
      official.ApplicationFailure.create({
        message: 'declined',
        type: 'CardError',
        nonRetryable: true,
        details: [1, 'two'],
        cause: new official.CancelledFailure('inner', ['d']),
      }),
    );
    expect(app).toBeInstanceOf(ours.ApplicationFailure);
    const a = app as ours.ApplicationFailure;
    expect([a.message, a.type, a.nonRetryable, a.details]).toEqual(['declined', 'CardError', true, [1, 'two']]);
    expect(a.cause).toBeInstanceOf(ours.CancelledFailure);
    expect((a.cause as ours.CancelledFailure).details).toEqual(['d']);
    expect(a.failure?.source).toBe('TypeScriptSDK');

    const timeout = toOurs(new official.TimeoutFailure('t', 'hb', 'SCHEDULE_TO_CLOSE'));
    expect(timeout).toBeInstanceOf(ours.TimeoutFailure);
    expect((timeout as ours.TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_CLOSE');
    expect((timeout as ours.TimeoutFailure).lastHeartbeatDetails).toBe('hb');

    // The official converter leaves a plain Error without failure info: it decodes as a bare TemporalFailure.
    const plain = toOurs(new Error('plain'));
    expect(plain).toBeInstanceOf(ours.TemporalFailure);
    expect(plain).not.toBeInstanceOf(ours.ApplicationFailure);
    expect(plain.message).toBe('plain');

    const activity = toOurs(
      new official.ActivityFailure(
        'Activity task failed',
        'charge',
        '7',
        'MAXIMUM_ATTEMPTS_REACHED',
        'worker-1',
        official.ApplicationFailure.nonRetryable('declined'),
      ),
    );
    expect(activity).toBeInstanceOf(ours.ActivityFailure);
    const act = activity as ours.ActivityFailure;
    expect([act.activityType, act.activityId, act.retryState, act.identity]).toEqual([
      'charge',
      '7',
      'MAXIMUM_ATTEMPTS_REACHED',
      'worker-1',
    ]);
    expect(ours.rootCause(activity)).toBe('declined');

    const child = toOurs(
      new official.ChildWorkflowFailure(
        'default',
        { workflowId: 'child-1', runId: 'run-1' },
        'childWorkflow',
        'NON_RETRYABLE_FAILURE',
        new official.TerminatedFailure('terminated'),
      ),
    );
    expect(child).toBeInstanceOf(ours.ChildWorkflowFailure);
    const c = child as ours.ChildWorkflowFailure;
    expect([c.namespace, c.execution, c.workflowType, c.retryState]).toEqual([
      'default',
      { workflowId: 'child-1', runId: 'run-1' },
      'childWorkflow',
      'NON_RETRYABLE_FAILURE',
    ]);
    expect(c.cause).toBeInstanceOf(ours.TerminatedFailure);
  });

  it('accepts Int64 fields as Long or number and nextRetryDelay as a Duration', () => {
    const base: ours.ProtoFailure = {
      message: 'Activity task failed',
      cause: {
        message: 'later',
        applicationFailureInfo: { type: 'Busy', nextRetryDelay: { seconds: Long.fromNumber(2), nanos: 500_000_000 } },
      },
    };
    for (const scheduledEventId of [Long.fromNumber(5), 5 as unknown as Long]) {
      const err = ours.defaultFailureConverter.failureToError(
        {
          ...base,
          activityFailureInfo: {
            scheduledEventId,
            startedEventId: scheduledEventId,
            activityType: { name: 'a' },
            activityId: '1',
            retryState: 2,
          },
        },
        ourPc,
      ) as ours.ActivityFailure;
      expect(err.retryState).toBe('NON_RETRYABLE_FAILURE');
      expect((err.cause as ours.ApplicationFailure).nextRetryDelay).toBe(2500);
      // Decoded failures are re-encoded verbatim, event ids included.
      expect(ours.defaultFailureConverter.errorToFailure(err, ourPc).activityFailureInfo?.scheduledEventId).toBe(
        scheduledEventId,
      );
    }
    const encoded = ours.defaultFailureConverter.errorToFailure(
      ours.ApplicationFailure.create({ message: 'x', nextRetryDelay: '1.5s' }),
      ourPc,
    );
    expect(encoded.applicationFailureInfo?.nextRetryDelay).toEqual({ seconds: Long.fromNumber(1), nanos: 500_000_000 });
    expect(
      ours.defaultFailureConverter.failureToError({ ...encoded, applicationFailureInfo: { ...encoded.applicationFailureInfo, nextRetryDelay: { seconds: 3, nanos: 0 } as never } }, ourPc),
    ).toMatchObject({ nextRetryDelay: 3000 });
  });

  it('encodes common attributes in a way the official SDK decodes', () => {
    const converter = new ours.DefaultFailureConverter({ encodeCommonAttributes: true });
    const failure = converter.errorToFailure(ours.ApplicationFailure.nonRetryable('secret', 'T'), ourPc);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    const decoded = new official.DefaultFailureConverter({ encodeCommonAttributes: true }).failureToError(
      failure,
      officialPc,
    );
    expect(decoded.message).toBe('secret');
    expect(decoded.stack).toContain('converters.test.ts');
  });
});

describe('instanceof across realms and library copies', () => {
  it('recognizes a failure whose prototype chain is another copy of the class', () => {
    const marker = (name: string): symbol => Symbol.for(`__temporal_is${name}`);
    const foreignPrototype = Object.create(Error.prototype, {
      [marker('TemporalFailure')]: { value: true },
      [marker('ApplicationFailure')]: { value: true },
    }) as object;
    const foreign: unknown = Object.create(foreignPrototype);
    expect(foreign instanceof ours.ApplicationFailure).toBe(true);
    expect(foreign instanceof ours.TemporalFailure).toBe(true);
    expect(foreign instanceof ours.CancelledFailure).toBe(false);
  });

  it('recognizes a failure created in another vm context', () => {
    const foreign: unknown = vm.runInNewContext(`
      class CancelledFailure extends Error {}
      for (const name of ['TemporalFailure', 'CancelledFailure']) {
        Object.defineProperty(CancelledFailure.prototype, Symbol.for('__temporal_is' + name), { value: true });
      }
      const e = new CancelledFailure('cancelled in the sandbox');
      e.details = ['d'];
      e;
    `);
    expect(foreign instanceof Error).toBe(false);
    expect(foreign instanceof ours.CancelledFailure).toBe(true);
    expect(foreign instanceof ours.TemporalFailure).toBe(true);
    const failure = ours.defaultFailureConverter.errorToFailure(foreign, ourPc);
    expect(failure.canceledFailureInfo?.details?.payloads).toHaveLength(1);
  });

  it('interoperates with the official classes, which use the same markers', () => {
    expect(official.ApplicationFailure.create({ message: 'x' })).toBeInstanceOf(ours.ApplicationFailure);
    expect(ours.ApplicationFailure.create({ message: 'x' })).toBeInstanceOf(official.ApplicationFailure);
    expect(new ours.ValueError('x')).toBeInstanceOf(official.ValueError);
    expect(new ours.ValueError('x')).not.toBeInstanceOf(ours.TemporalFailure);
  });

  it('keeps plain prototype semantics for unmarked subclasses', () => {
    class MyFailure extends ours.ApplicationFailure {}
    expect(new MyFailure('m')).toBeInstanceOf(ours.ApplicationFailure);
    expect(new MyFailure('m')).toBeInstanceOf(MyFailure);
    expect(ours.ApplicationFailure.create({ message: 'x' })).not.toBeInstanceOf(MyFailure);
    expect(new ours.ApplicationFailure('m').name).toBe('ApplicationFailure');
  });
});

describe('enums, durations and retry policies match the official SDK', () => {
  it('maps enums to the same proto numbers', () => {
    for (const value of Object.values(ours.RetryState)) {
      expect(ours.encodeRetryState(value)).toBe(official.encodeRetryState(value));
    }
    for (const value of Object.values(ours.TimeoutType)) {
      expect(ours.encodeTimeoutType(value)).toBe(official.encodeTimeoutType(value));
    }
    for (const value of Object.values(ours.WorkflowIdReusePolicy)) {
      expect(ours.encodeWorkflowIdReusePolicy(value)).toBe(official.encodeWorkflowIdReusePolicy(value));
    }
    for (const value of Object.values(ours.WorkflowIdConflictPolicy)) {
      expect(ours.encodeWorkflowIdConflictPolicy(value)).toBe(official.encodeWorkflowIdConflictPolicy(value));
    }
    for (let n = 0; n <= 8; n++) {
      expect(ours.decodeRetryState(n)).toBe(official.decodeRetryState(n));
      expect(ours.decodeTimeoutType(n)).toBe(official.decodeTimeoutType(n));
      expect(ours.decodeWorkflowIdReusePolicy(n)).toBe(official.decodeWorkflowIdReusePolicy(n));
      expect(ours.decodeWorkflowIdConflictPolicy(n)).toBe(official.decodeWorkflowIdConflictPolicy(n));
    }
    expect(ours.encodeRetryState('RETRY_STATE_TIMEOUT')).toBe(3);
    expect(() => ours.encodeRetryState('NOPE' as never)).toThrow(ours.ValueError);
  });

  it('converts durations like the official SDK', () => {
    for (const d of ['1 minute', '2h', '500ms', '1.5s', 0, 1, 1500, 86_400_000] as const) {
      expect(ours.msToNumber(d)).toBe(official.msToNumber(d));
      expect(ours.tsToMs(ours.msToTs(d))).toBe(ours.msToNumber(d));
      expect(ours.tsToMs(ours.msToTs(d))).toBe(official.tsToMs(official.msToTs(d)));
    }
    expect(ours.tsToMs({ seconds: 2, nanos: 1_000_000 })).toBe(2001);
    expect(ours.optionalTsToMs(null)).toBeUndefined();
    expect(ours.msOptionalToTs(undefined)).toBeUndefined();
    expect(ours.tsToDate({ seconds: Long.fromNumber(1), nanos: 0 })).toEqual(new Date(1000));
    expect(() => ours.msToNumber('forever' as never)).toThrow(ours.ValueError);
    expect(() => ours.requiredTsToMs(undefined, 'startTime')).toThrow(/startTime/);
  });

  it('compiles retry policies like the official SDK', () => {
    const policies: official.RetryPolicy[] = [
      {},
      { initialInterval: '2s', maximumInterval: '1m', backoffCoefficient: 1.5, maximumAttempts: 4 },
      { maximumAttempts: Number.POSITIVE_INFINITY, nonRetryableErrorTypes: ['CardError'] },
    ];
    for (const policy of policies) {
      const mine = ours.compileRetryPolicy(policy);
      expect(temporal.api.common.v1.RetryPolicy.encode(mine).finish()).toEqual(
        temporal.api.common.v1.RetryPolicy.encode(official.compileRetryPolicy(policy)).finish(),
      );
      expect(ours.decompileRetryPolicy(mine)).toEqual(official.decompileRetryPolicy(official.compileRetryPolicy(policy)));
    }
    const invalid: official.RetryPolicy[] = [
      { backoffCoefficient: 0 },
      { maximumAttempts: 0 },
      { maximumAttempts: 1.5 },
      { maximumInterval: 0 },
      { initialInterval: 0 },
      { initialInterval: '10s', maximumInterval: '1s' },
    ];
    for (const policy of invalid) {
      const expected = (() => {
        try {
          official.compileRetryPolicy(policy);
        } catch (err) {
          return (err as Error).message;
        }
        throw new Error('official SDK accepted an invalid policy');
      })();
      expect(() => ours.compileRetryPolicy(policy)).toThrow(ours.ValueError);
      expect(() => ours.compileRetryPolicy(policy)).toThrow(expected);
    }
  });

  it('loads data converters', () => {
    expect(ours.loadDataConverter()).toBe(ours.defaultDataConverter);
    const codec: ours.PayloadCodec = { encode: (p) => Promise.resolve(p), decode: (p) => Promise.resolve(p) };
    expect(ours.loadDataConverter({ payloadCodecs: [codec] }).payloadCodecs).toEqual([codec]);
    expect(() => ours.loadDataConverter({ payloadConverterPath: './converter.js' })).toThrow(ours.ValueError);
  });
});
