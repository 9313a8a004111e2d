/**
 * Unary gRPC calls over one node:http2 session: what every WorkflowService call needs
 * (framing, metadata, deadlines, cancellation, status trailers, reconnection, keepalive) and
 * nothing else. It is the default transport of {@link Connection}: grpc-js costs about a
 * millisecond and a good share of a worker's CPU per call (bench/README.md), and a worker
 * makes several calls per workflow step. Connections given grpc-js-specific options
 * (`credentials`, `callCredentials`, `channelArgs`, `interceptors`) still use grpc-js.
 *
 * Failed calls reject with the same shape grpc-js uses (`code`, `details`, `metadata`), so
 * every error helper of the client works on both.
 */
import http2 from 'node:http2';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import type { GrpcRetryOptions } from './grpc-retry.js';
import type { Metadata } from './types.js';

export interface Http2ChannelOptions {
  /** `host:port`. */
  address: string;
  /** TLS settings; plaintext (h2c) when undefined. */
  tls?: {
    ca?: Uint8Array;
    cert?: Uint8Array;
    key?: Uint8Array;
    /** Name checked against the server's certificate and sent as `:authority`. */
    serverName?: string;
  };
  maxReceiveMessageBytes: number;
  retry: GrpcRetryOptions;
  /** A PING is sent after this long without one while calls are open; no answer in `keepaliveTimeoutMs` drops the session. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  userAgent: string;
}

export interface UnaryCallOptions {
  metadata: Metadata;
  /** Epoch ms; the call fails with DEADLINE_EXCEEDED then. */
  deadline?: number;
  signal?: AbortSignal;
}

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

export class Http2Channel {
  private session: http2.ClientHttp2Session | undefined;
  private readonly authority: string;
  private openCalls = 0;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: Http2ChannelOptions) {
    this.authority = `${options.tls ? 'https' : 'http'}://${options.address}`;
  }

  /** One call with the retry policy applied: resolves to the response message bytes. */
  async unary(path: string, request: Uint8Array, call: UnaryCallOptions): Promise<Buffer> {
    const frame = Buffer.allocUnsafe(5 + request.length);
    frame[0] = 0;
    frame.writeUInt32BE(request.length, 1);
    frame.set(request, 5);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(path, frame, call);
      } catch (err) {
        const status = err as grpc.StatusObject;
        if (this.closed || call.signal?.aborted || !this.options.retry.retryableDecider(attempt, status)) throw err;
        const delayMs = this.options.retry.delayFunction(attempt, status);
        if (call.deadline !== undefined && Date.now() + delayMs >= call.deadline) throw err;
        await sleep(delayMs, call.signal);
      }
    }
  }

  /**
   * Opens the session (TCP, TLS, HTTP/2 settings) once, without retries: resolves when it is
   * up and rejects with the reason (refused, unknown host, handshake failure) or at `deadline`.
   */
  async connect(deadline: number): Promise<void> {
    if (this.closed) throw new Error('Connection closed');
    const session = this.currentSession();
    if (!session.connecting) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        clearTimeout(timer);
        session.off('connect', onConnect);
        session.off('error', settle);
        session.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onConnect = (): void => settle();
      const onClose = (): void => settle(new Error('the connection closed before it was established'));
      const waitMs = Math.max(0, deadline - Date.now());
      // A ref'd timer: the session itself is unref'd while no call is open.
      const timer = setTimeout(() => settle(new Error(`no connection within ${waitMs} ms`)), waitMs);
      session.once('connect', onConnect);
      session.once('error', settle);
      session.once('close', onClose);
    });
  }

  /** Sends GOAWAY and fails calls still open once they end; later calls fail. */
  close(): void {
    this.closed = true;
    clearInterval(this.keepaliveTimer);
    this.session?.close();
    this.session = undefined;
  }

  private attempt(path: string, frame: Buffer, call: UnaryCallOptions): Promise<Buffer> {
    if (this.closed) return Promise.reject(grpcError(grpc.status.UNAVAILABLE, 'Connection closed'));
    if (call.signal?.aborted) return Promise.reject(grpcError(grpc.status.CANCELLED, 'Cancelled on client'));
    const timeoutMs = call.deadline === undefined ? undefined : call.deadline - Date.now();
    if (timeoutMs !== undefined && timeoutMs <= 0) {
      return Promise.reject(grpcError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    }
    const session = this.currentSession();
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': this.options.userAgent,
      'grpc-accept-encoding': 'identity,gzip,deflate',
    };
    if (this.options.tls?.serverName) headers[':authority'] = this.options.tls.serverName;
    if (timeoutMs !== undefined) headers['grpc-timeout'] = `${Math.ceil(timeoutMs)}m`;
    for (const [key, value] of Object.entries(call.metadata)) {
      // Binary metadata (`-bin` keys) travels base64-encoded, as gRPC specifies.
      headers[key.toLowerCase()] = typeof value === 'string' ? value : Buffer.from(value).toString('base64');
    }

    return new Promise<Buffer>((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request(headers);
      } catch (err) {
        this.dropSession(session);
        reject(grpcError(grpc.status.UNAVAILABLE, `could not start a call: ${String(err)}`));
        return;
      }
      this.callOpened();
      const chunks: Buffer[] = [];
      let received = 0;
      let responseHeaders: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders | undefined;
      let localError: grpc.StatusObject | undefined;
      let timer: NodeJS.Timeout | undefined;

      const cancel = (status: grpc.StatusObject): void => {
        localError ??= status;
        if (!stream.closed) stream.close(NGHTTP2_CANCEL);
      };
      const onAbort = (): void => cancel(statusObject(grpc.status.CANCELLED, 'Cancelled on client'));
      call.signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => cancel(statusObject(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded')), timeoutMs);
      }

      stream.on('response', (h: http2.IncomingHttpHeaders) => {
        responseHeaders = h;
      });
      stream.on('trailers', (t: http2.IncomingHttpHeaders) => {
        trailers = t;
      });
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > this.options.maxReceiveMessageBytes + 5) {
          cancel(
            statusObject(
              grpc.status.RESOURCE_EXHAUSTED,
              `Received message larger than max (${received} vs. ${this.options.maxReceiveMessageBytes})`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      // Errors arrive again as the stream's close; the outcome is decided there.
      let streamError: Error | undefined;
      stream.on('error', (err: Error) => {
        streamError = err;
      });
      stream.on('close', () => {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
        this.callClosed();
        const outcome = localError ?? callStatus(responseHeaders, trailers, stream.rstCode, streamError);
        if (outcome.code !== grpc.status.OK) {
          reject(toServiceError(outcome));
          return;
        }
        const message = parseMessage(chunks, received, responseHeaders['grpc-encoding']);
        if (typeof message === 'string') reject(grpcError(grpc.status.INTERNAL, message));
        else resolve(message);
      });
      stream.end(frame);
    });
  }

  /** The open session, or a new one when there is none or it is going away. */
  private currentSession(): http2.ClientHttp2Session {
    const existing = this.session;
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const tls = this.options.tls;
    const session = http2.connect(this.authority, {
      ...(tls ? { ca: tls.ca && Buffer.from(tls.ca), cert: tls.cert && Buffer.from(tls.cert), key: tls.key && Buffer.from(tls.key) } : {}),
      ...(tls?.serverName ? { servername: tls.serverName } : {}),
      settings: { enablePush: false },
      maxSessionMemory: 256,
    });
    session.on('error', () => this.dropSession(session));
    session.on('goaway', () => this.dropSession(session));
    session.on('close', () => this.dropSession(session));
    if (this.openCalls === 0) session.unref();
    this.session = session;
    this.scheduleKeepalive();
    return session;
  }

  /** A session that failed or goes away takes no new calls; its open calls end on their own. */
  private dropSession(session: http2.ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
    if (!session.closed && !session.destroyed) session.close();
  }

  private callOpened(): void {
    if (this.openCalls++ === 0) this.session?.ref();
  }

  private callClosed(): void {
    // An idle connection does not keep the process alive, as with grpc-js.
    if (--this.openCalls === 0) this.session?.unref();
  }

  private scheduleKeepalive(): void {
    if (this.keepaliveTimer) return;
    this.keepaliveTimer = setInterval(() => this.keepalive(), this.options.keepaliveTimeMs);
    this.keepaliveTimer.unref();
  }

  /** Detects a peer that vanished without closing the connection (long polls would hang on it). */
  private keepalive(): void {
    const session = this.session;
    if (!session || session.closed || session.destroyed || this.openCalls === 0) return;
    const timeout = setTimeout(() => session.destroy(), this.options.keepaliveTimeoutMs);
    timeout.unref();
    const sent = session.ping((err) => {
      clearTimeout(timeout);
      if (err) session.destroy();
    });
    if (!sent) clearTimeout(timeout);
  }
}

/** The call's gRPC status from its headers/trailers, or from how the stream ended without one. */
function callStatus(
  headers: http2.IncomingHttpHeaders,
  trailers: http2.IncomingHttpHeaders | undefined,
  rstCode: number | undefined,
  streamError: Error | undefined,
): grpc.StatusObject {
  // Trailers-only responses put the status in the headers.
  const source = trailers?.['grpc-status'] !== undefined ? trailers : headers;
  const rawStatus = source['grpc-status'];
  if (rawStatus !== undefined) {
    const metadata = toMetadata(source);
    return { code: Number(rawStatus), details: percentDecode(String(source['grpc-message'] ?? '')), metadata };
  }
  const httpStatus = Number(headers[':status']);
  if (headers[':status'] !== undefined && httpStatus !== 200) {
    return statusObject(httpStatusToGrpc(httpStatus), `Received HTTP status code ${httpStatus}`);
  }
  if (headers[':status'] === undefined) {
    // No answer at all: the connection failed or went away, or the server refused the stream.
    const reason = rstCode === NGHTTP2_REFUSED_STREAM ? 'stream refused by server' : (streamError?.message ?? 'connection dropped');
    return statusObject(grpc.status.UNAVAILABLE, `No connection to the server: ${reason}`);
  }
  if (rstCode !== undefined && rstCode !== 0 && rstCode !== NGHTTP2_CANCEL) {
    return statusObject(grpc.status.INTERNAL, `Received RST_STREAM with code ${rstCode}`);
  }
  return statusObject(grpc.status.UNKNOWN, 'Call ended without gRPC status');
}

function parseMessage(chunks: Buffer[], length: number, encoding: string | string[] | undefined): Buffer | string {
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  if (body.length < 5) return 'Response carried no message';
  const size = body.readUInt32BE(1);
  if (body.length !== 5 + size) return 'Response is not exactly one gRPC message';
  const bytes = body.subarray(5);
  if (body[0] === 0) return bytes;
  if (encoding === 'gzip') return zlib.gunzipSync(bytes);
  if (encoding === 'deflate') return zlib.inflateSync(bytes);
  return `Response compressed with unsupported encoding ${String(encoding)}`;
}

function httpStatusToGrpc(httpStatus: number): grpc.status {
  switch (httpStatus) {
    case 400:
      return grpc.status.INTERNAL;
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 404:
      return grpc.status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return grpc.status.UNAVAILABLE;
    default:
      return grpc.status.UNKNOWN;
  }
}

function toMetadata(headers: http2.IncomingHttpHeaders): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(':') || key === 'grpc-status' || key === 'grpc-message' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (key.endsWith('-bin')) metadata.add(key, Buffer.from(v, 'base64'));
      else metadata.add(key, v);
    }
  }
  return metadata;
}

function percentDecode(message: string): string {
  try {
    return decodeURIComponent(message);
  } catch {
    return message;
  }
}

function statusObject(code: grpc.status, details: string): grpc.StatusObject {
  return { code, details, metadata: new grpc.Metadata() };
}

/** The error grpc-js would have produced for `status`. */
function toServiceError(status: grpc.StatusObject): grpc.ServiceError {
  const error = new Error(`${status.code} ${grpc.status[status.code] ?? 'UNKNOWN'}: ${status.details}`);
  return Object.assign(error, status);
}

function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return toServiceError(statusObject(code, details));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
