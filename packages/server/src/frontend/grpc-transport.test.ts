/**
 * The gRPC-over-HTTP/2 transport at the wire level, with a raw node:http2
 * client: framing, compression, status trailers, limits and cancellation.
 */
import http2 from 'node:http2';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { GrpcTransport, percentEncode, type CallContext, type UnaryMethod } from './grpc-transport.js';

const MAX = 1024;
let transport: GrpcTransport;
let client: http2.ClientHttp2Session;
let lastSignal: AbortSignal | undefined;

const echo: UnaryMethod = {
  decode: (bytes) => Buffer.from(bytes).toString('utf8'),
  encode: (response) => Buffer.from((response as { text: string }).text, 'utf8'),
  handle: (request) => {
    const text = request as string;
    if (text === 'boom') return Promise.reject(new Error('bug'));
    if (text === 'missing') return Promise.reject(new ServiceError(Status.NOT_FOUND, 'no such thing: ünïcode 100%'));
    if (text === 'undecodable') throw new Error('unreachable');
    // An error quoting a huge request value (the fuzzer's find): too large for a header block.
    if (text === 'long') return Promise.reject(new ServiceError(Status.INVALID_ARGUMENT, `bad value ${'x'.repeat(200_000)}`));
    return Promise.resolve({ text: `echo:${text}` });
  },
};

const hang: UnaryMethod = {
  decode: () => null,
  encode: () => new Uint8Array(),
  handle: (_request, ctx: CallContext) => {
    lastSignal = ctx.signal;
    return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({}), { once: true }));
  },
};

const strict: UnaryMethod = {
  decode: () => {
    throw new Error('bad wire type');
  },
  encode: () => new Uint8Array(),
  handle: () => Promise.resolve({}),
};

beforeAll(async () => {
  transport = new GrpcTransport(
    new Map([
      ['/test.Svc/Echo', echo],
      ['/test.Svc/Hang', hang],
      ['/test.Svc/Strict', strict],
    ]),
    {
      maxMessageBytes: MAX,
      toError: (err) =>
        err instanceof ServiceError
          ? { code: err.code, message: err.message, statusDetails: err.message.length > 100_000 ? new Uint8Array(100_000) : undefined }
          : { code: Status.INTERNAL, message: 'internal error' },
    },
  );
  const port = await transport.listen('127.0.0.1', 0);
  client = http2.connect(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  client?.close();
  await transport?.close(100);
});

interface Answer {
  httpStatus: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

function frame(payload: Buffer, compressed = false): Buffer {
  const head = Buffer.alloc(5);
  head[0] = compressed ? 1 : 0;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

function call(path: string, body: Buffer, extra: http2.OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...extra });
    const chunks: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('response', (h: http2.IncomingHttpHeaders) => {
      headers = h;
    });
    req.on('trailers', (t: http2.IncomingHttpHeaders) => {
      trailers = t;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ httpStatus: Number(headers[':status']), headers, trailers, body: Buffer.concat(chunks) }));
    req.on('error', reject);
    req.end(body);
  });
}

/** grpc-status from the trailers, or from the headers of a trailers-only answer. */
function statusOf(a: Answer): { code: number; message: string } {
  const source = a.trailers['grpc-status'] !== undefined ? a.trailers : a.headers;
  return { code: Number(source['grpc-status']), message: decodeURIComponent(String(source['grpc-message'] ?? '')) };
}

describe('gRPC transport', () => {
  it('answers a unary call with one framed message and status 0 in the trailers', async () => {
    const a = await call('/test.Svc/Echo', frame(Buffer.from('hi')));
    expect(a.httpStatus).toBe(200);
    expect(a.headers['content-type']).toBe('application/grpc');
    expect(statusOf(a).code).toBe(Status.OK);
    expect(a.body.subarray(5).toString()).toBe('echo:hi');
    expect(a.body.readUInt32BE(1)).toBe(a.body.length - 5);
  });

  it('accepts gzip- and deflate-compressed requests', async () => {
    const gz = await call('/test.Svc/Echo', frame(zlib.gzipSync(Buffer.from('zipped')), true), { 'grpc-encoding': 'gzip' });
    expect(gz.body.subarray(5).toString()).toBe('echo:zipped');
    const df = await call('/test.Svc/Echo', frame(zlib.deflateSync(Buffer.from('deflated')), true), { 'grpc-encoding': 'deflate' });
    expect(df.body.subarray(5).toString()).toBe('echo:deflated');
  });

  it('refuses an unknown compression with UNIMPLEMENTED naming it', async () => {
    const a = await call('/test.Svc/Echo', frame(Buffer.from('x'), true), { 'grpc-encoding': 'snappy' });
    expect(statusOf(a).code).toBe(Status.UNIMPLEMENTED);
    expect(statusOf(a).message).toContain('snappy');
  });

  it('answers an unknown method with UNIMPLEMENTED naming it', async () => {
    const a = await call('/test.Svc/Nope', frame(Buffer.from('x')));
    expect(statusOf(a).code).toBe(Status.UNIMPLEMENTED);
    expect(statusOf(a).message).toContain('/test.Svc/Nope');
  });

  it('answers a request that does not decode with INVALID_ARGUMENT naming the method and the reason', async () => {
    const a = await call('/test.Svc/Strict', frame(Buffer.from('x')));
    expect(statusOf(a).code).toBe(Status.INVALID_ARGUMENT);
    expect(statusOf(a).message).toMatch(/Strict.*bad wire type/);
  });

  it('refuses a request over the size limit with RESOURCE_EXHAUSTED and keeps serving', async () => {
    const a = await call('/test.Svc/Echo', frame(Buffer.alloc(MAX + 1, 97)));
    expect(statusOf(a).code).toBe(Status.RESOURCE_EXHAUSTED);
    const bomb = await call('/test.Svc/Echo', frame(zlib.gzipSync(Buffer.alloc(MAX * 10, 97)), true), { 'grpc-encoding': 'gzip' });
    expect(statusOf(bomb).code).toBe(Status.RESOURCE_EXHAUSTED);
    expect((await call('/test.Svc/Echo', frame(Buffer.from('after')))).body.subarray(5).toString()).toBe('echo:after');
  });

  it('refuses a malformed frame with INTERNAL', async () => {
    const truncated = frame(Buffer.from('hello')).subarray(0, 7);
    expect(statusOf(await call('/test.Svc/Echo', truncated)).code).toBe(Status.INTERNAL);
  });

  it('sends service errors with their code and a percent-encoded message; bugs as INTERNAL', async () => {
    const missing = await call('/test.Svc/Echo', frame(Buffer.from('missing')));
    expect(statusOf(missing)).toEqual({ code: Status.NOT_FOUND, message: 'no such thing: ünïcode 100%' });
    expect(String(missing.headers['grpc-message'])).toMatch(/^[\x20-\x7e]+$/);
    const boom = await call('/test.Svc/Echo', frame(Buffer.from('boom')));
    expect(statusOf(boom)).toEqual({ code: Status.INTERNAL, message: 'internal error' });
  });

  it('cuts an error message too large for a header, and keeps the connection for the calls that follow', async () => {
    const long = await call('/test.Svc/Echo', frame(Buffer.from('long')));
    expect(statusOf(long).code).toBe(Status.INVALID_ARGUMENT);
    expect(statusOf(long).message).toMatch(/^bad value x+… \(\d+ more characters\)$/);
    expect(statusOf(long).message.length).toBeLessThan(2_000);
    expect(long.headers['grpc-status-details-bin']).toBeUndefined();
    expect(client.closed).toBe(false);
    expect((await call('/test.Svc/Echo', frame(Buffer.from('after')))).body.subarray(5).toString()).toBe('echo:after');
  });

  it('answers a request that is not gRPC with HTTP 415', async () => {
    const a = await call('/test.Svc/Echo', Buffer.from('{}'), { 'content-type': 'application/json' });
    expect(a.httpStatus).toBe(415);
  });

  it('aborts the handler\'s signal when the caller cancels', async () => {
    lastSignal = undefined;
    const req = client.request({ ':method': 'POST', ':path': '/test.Svc/Hang', 'content-type': 'application/grpc', te: 'trailers' });
    req.on('error', () => {});
    req.end(frame(Buffer.alloc(0)));
    await waitFor(() => lastSignal !== undefined);
    expect(lastSignal!.aborted).toBe(false);
    req.close(http2.constants.NGHTTP2_CANCEL);
    await waitFor(() => lastSignal!.aborted);
  });

  it('percent-encodes exactly what grpc-message requires', () => {
    expect(percentEncode('plain text: ok')).toBe('plain text: ok');
    expect(percentEncode('50%')).toBe('50%25');
    expect(percentEncode('é\n')).toBe('%C3%A9%0A');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
