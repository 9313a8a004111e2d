/**
 * Unary gRPC over HTTP/2 (node:http2), the part of the gRPC protocol the
 * Temporal SDKs use against WorkflowService: one length-prefixed message in,
 * one out, status in trailers. Written for the server's hot path: grpc-js's
 * server costs about a millisecond of latency per call here (see
 * bench/README.md), this costs what node:http2 costs.
 *
 * Protocol reference: gRPC over HTTP/2 (PROTOCOL-HTTP2.md in grpc/grpc).
 * Requests compressed with gzip or deflate are accepted (the Rust-core SDKs
 * send gzip); responses go uncompressed. Streaming methods are not served.
 */
import http2 from 'node:http2';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { Status } from '../common/grpc-status.js';

/** What a unary method handler gets besides its request. */
export interface CallContext {
  /** Aborted when the caller cancels or disconnects before the answer. */
  readonly signal: AbortSignal;
  /**
   * The call's request headers (gRPC metadata; on the HTTP API the HTTP request's), names in
   * lower case: `authorization` carries an API key or a JWT.
   */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * Aborted when the caller's connection closes (gRPC only; a killed worker's does): outlives
   * the call, shared by every call on the connection.
   */
  readonly connectionClosed?: AbortSignal;
}

export interface UnaryMethod {
  /** Decodes the request message; throws on malformed bytes. */
  decode(bytes: Uint8Array): unknown;
  encode(response: object): Uint8Array;
  handle(request: unknown, ctx: CallContext): Promise<object>;
}

/** An error answer: status code, message, optional encoded google.rpc.Status. */
export interface GrpcError {
  code: Status;
  message: string;
  statusDetails?: Uint8Array;
}

export interface GrpcTransportOptions {
  /** Largest request message accepted (bytes); larger → RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
  /** Turns a handler's rejection into the status the client sees. */
  toError(err: unknown, path: string): GrpcError;
  /** Serve over TLS with these options (frontend/tls.ts); absent: plaintext HTTP/2. */
  tls?: TlsOptions;
}

const {
  HTTP2_HEADER_PATH,
  HTTP2_HEADER_STATUS,
  HTTP2_HEADER_CONTENT_TYPE,
} = http2.constants;

const GRPC_CONTENT_TYPE = 'application/grpc';
/**
 * HTTP/2 flow-control windows for what clients send us. The protocol's default (64 KiB) makes a
 * large request take one round trip per 64 KiB, and under load (each window update waiting its
 * turn in the event loop) a megabyte took longer than 30 s; grpc-go grows its windows up to
 * these sizes by measuring the bandwidth-delay product.
 */
const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
const SESSION_WINDOW_BYTES = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const ACCEPT_ENCODING = 'identity,deflate,gzip';

export class GrpcTransport {
  private readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(
    private readonly methods: ReadonlyMap<string, UnaryMethod>,
    private readonly options: GrpcTransportOptions,
  ) {
    const serverOptions = {
      // Long polls keep many streams open per connection (the SDKs poll with several at once).
      settings: { maxConcurrentStreams: 10_000, initialWindowSize: STREAM_WINDOW_BYTES },
      maxSessionMemory: 256,
    };
    this.server = options.tls ? http2.createSecureServer({ ...serverOptions, ...options.tls }) : http2.createServer(serverOptions);
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.setLocalWindowSize(SESSION_WINDOW_BYTES);
      session.once('close', () => this.sessions.delete(session));
      // A broken connection is the client's problem; never the server's crash.
      session.on('error', () => {});
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  /** A renewed certificate (TLS only). */
  setSecureContext(options: SecureContextOptions): void {
    if ('setSecureContext' in this.server) this.server.setSecureContext(options);
  }

  /** Listens on host:port (0 picks a free port); resolves to the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting, sends GOAWAY to every client, and waits up to `graceMs` for open calls. */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        for (const s of this.sessions) s.destroy();
      }, graceMs);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      for (const s of this.sessions) s.close();
    });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => {});
    const contentType = headers[HTTP2_HEADER_CONTENT_TYPE];
    if (typeof contentType !== 'string' || !contentType.startsWith(GRPC_CONTENT_TYPE)) {
      // What gRPC specifies for a request that is not gRPC.
      stream.resume();
      respondHttpError(stream, 415);
      return;
    }
    const path = String(headers[HTTP2_HEADER_PATH] ?? '');
    const method = this.methods.get(path);
    if (!method) {
      stream.resume();
      sendError(stream, { code: Status.UNIMPLEMENTED, message: `unknown method ${path}` });
      return;
    }
    const call = new UnaryCall(stream, path, method, this.options);
    call.start(headers);
  }
}

/** One per HTTP/2 session that asked (see CallContext.connectionClosed), aborted when it closes. */
const sessionClosed = new WeakMap<http2.Http2Session, AbortController>();

function closedSignalOf(session: http2.Http2Session): AbortSignal {
  let controller = sessionClosed.get(session);
  if (!controller) {
    const created = new AbortController();
    controller = created;
    sessionClosed.set(session, created);
    if (session.closed || session.destroyed) created.abort();
    else session.once('close', () => created.abort());
  }
  return controller.signal;
}

class UnaryCall implements CallContext {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private controller: AbortController | null = null;
  private answered = false;
  headers: Readonly<Record<string, string | string[] | undefined>> = {};

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly path: string,
    private readonly method: UnaryMethod,
    private readonly options: GrpcTransportOptions,
  ) {}

  /** Created on first use: most calls never look at it. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.stream.closed && !this.answered) this.controller.abort();
    return this.controller.signal;
  }

  get connectionClosed(): AbortSignal | undefined {
    const session = this.stream.session;
    return session ? closedSignalOf(session) : undefined;
  }

  start(headers: http2.IncomingHttpHeaders): void {
    this.headers = headers;
    const encoding = headers['grpc-encoding'];
    const stream = this.stream;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => this.onEnd(typeof encoding === 'string' ? encoding : 'identity'));
    stream.on('close', () => {
      if (!this.answered) this.controller?.abort();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.answered) return;
    this.received += chunk.length;
    // 5 bytes of framing per message; anything past one maximal message is refused now, not buffered.
    if (this.received > this.options.maxMessageBytes + 5) {
      this.fail({
        code: Status.RESOURCE_EXHAUSTED,
        message: `request larger than the server's maximum of ${this.options.maxMessageBytes} bytes`,
      });
      return;
    }
    this.chunks.push(chunk);
  }

  private onEnd(encoding: string): void {
    if (this.answered) return;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const message = parseSingleMessage(body);
    if (typeof message === 'string') {
      this.fail({ code: Status.INTERNAL, message });
      return;
    }
    let bytes = message.bytes;
    if (message.compressed) {
      const inflated = this.decompress(bytes, encoding);
      if (!inflated) return;
      bytes = inflated;
    }
    let request: unknown;
    try {
      request = this.method.decode(bytes);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.fail({ code: Status.INVALID_ARGUMENT, message: `request for ${this.path} could not be decoded: ${reason}` });
      return;
    }
    let pending: Promise<object>;
    try {
      pending = this.method.handle(request, this);
    } catch (err) {
      pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    pending.then(
      (response) => this.succeed(response),
      (err: unknown) => this.fail(this.options.toError(err, this.path)),
    );
  }

  /** The message of a compressed frame, or undefined after answering with why not. */
  private decompress(bytes: Uint8Array, encoding: string): Uint8Array | undefined {
    const inflate = encoding === 'gzip' ? zlib.gunzipSync : encoding === 'deflate' ? zlib.inflateSync : null;
    if (!inflate) {
      this.fail({ code: Status.UNIMPLEMENTED, message: `message compression "${encoding}" is not supported (gzip, deflate are)` });
      return undefined;
    }
    try {
      return inflate(bytes, { maxOutputLength: this.options.maxMessageBytes });
    } catch (err) {
      const tooLarge = err instanceof RangeError;
      this.fail({
        code: tooLarge ? Status.RESOURCE_EXHAUSTED : Status.INTERNAL,
        message: tooLarge
          ? `request larger than the server's maximum of ${this.options.maxMessageBytes} bytes`
          : `request could not be decompressed (${encoding}): ${err instanceof Error ? err.message : String(err)}`,
      });
      return undefined;
    }
  }

  private succeed(response: object): void {
    if (this.answered) return;
    let bytes: Uint8Array;
    try {
      bytes = this.method.encode(response);
    } catch (err) {
      this.fail(this.options.toError(err, this.path));
      return;
    }
    this.answered = true;
    const stream = this.stream;
    if (stream.closed || stream.destroyed) return;
    const frame = Buffer.allocUnsafe(5 + bytes.length);
    frame[0] = 0;
    frame.writeUInt32BE(bytes.length, 1);
    frame.set(bytes, 5);
    stream.respond(
      { [HTTP2_HEADER_STATUS]: 200, [HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE, 'grpc-accept-encoding': ACCEPT_ENCODING },
      { waitForTrailers: true },
    );
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame);
  }

  private fail(error: GrpcError): void {
    if (this.answered) return;
    this.answered = true;
    sendError(this.stream, error);
  }
}

/** One gRPC length-prefixed message, or why the body is not one. */
function parseSingleMessage(body: Buffer): { compressed: boolean; bytes: Uint8Array } | string {
  if (body.length === 0) return { compressed: false, bytes: EMPTY };
  if (body.length < 5) return 'truncated gRPC message frame';
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) return 'a unary call carries exactly one gRPC message';
  return { compressed: body[0] !== 0, bytes: body.subarray(5) };
}

/** A trailers-only response: the status in the one HEADERS frame. */
function sendError(stream: http2.ServerHttp2Stream, error: GrpcError): void {
  if (stream.closed || stream.destroyed || stream.headersSent) return;
  const headers: http2.OutgoingHttpHeaders = {
    [HTTP2_HEADER_STATUS]: 200,
    [HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE,
    'grpc-accept-encoding': ACCEPT_ENCODING,
    'grpc-status': String(error.code),
    'grpc-message': percentEncode(boundedMessage(error.message)),
  };
  // Details repeat the message; when they are too large to send, the status and message still go.
  if (error.statusDetails && error.statusDetails.length <= STATUS_DETAILS_BYTES_MAX) {
    headers['grpc-status-details-bin'] = Buffer.from(error.statusDetails).toString('base64').replace(/=+$/, '');
  }
  stream.respond(headers, { endStream: true });
}

function respondHttpError(stream: http2.ServerHttp2Stream, httpStatus: number): void {
  if (stream.headersSent) return;
  stream.respond({ [HTTP2_HEADER_STATUS]: httpStatus }, { endStream: true });
}

/**
 * Error messages quote what they refuse, and a request can carry a megabyte-long value. A
 * header block larger than the peer accepts (64 KiB for node:http2) cannot be sent at all:
 * node:http2 then closes the whole session, every other call on it included. So a message is
 * cut to this many characters (at most 12 bytes each once percent-encoded) and details
 * larger than STATUS_DETAILS_BYTES_MAX are left out.
 */
const GRPC_MESSAGE_LENGTH_MAX = 1024;
const STATUS_DETAILS_BYTES_MAX = 16 * 1024;

export function boundedMessage(message: string): string {
  if (message.length <= GRPC_MESSAGE_LENGTH_MAX) return message;
  return `${message.slice(0, GRPC_MESSAGE_LENGTH_MAX)}… (${message.length - GRPC_MESSAGE_LENGTH_MAX} more characters)`;
}

/** grpc-message encoding: printable ASCII except '%' as is, everything else as %XX of its UTF-8 bytes. */
export function percentEncode(message: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(message)) return message;
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
