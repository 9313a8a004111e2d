/**
 * gRPC inputs over node:http2: structure-aware messages, mutated encodings, and abuse of the
 * gRPC framing and of HTTP/2 streams (bad length prefixes, a compressed flag over garbage,
 * unknown encodings, no content type, huge headers, RST mid-body, bursts of streams, early
 * close). Many streams run at once on a few sessions; every call has a bound, and a call not
 * answered within it is a hang. Sessions the abuse kills are opened again.
 */
import http2 from 'node:http2';
import zlib from 'node:zlib';
import { UNDERSTOOD_INTERNAL } from './findings.mjs';
import { generateRequestBytes, LONG_POLL_METHODS } from './proto-gen.mjs';
import { mutateBytes } from './mutate.mjs';

const STATUS_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
const { NGHTTP2_CANCEL } = http2.constants;
/** Long polls are cancelled after at most this long, except one in LONG_POLL_KEPT_ONE_IN, left to run to the server's poll timeout. */
const LONG_POLL_CANCEL_MAX_MS = 500;
const LONG_POLL_KEPT_ONE_IN = 500;
const BURST_STREAMS = 100;

/** A few HTTP/2 sessions to one server, opened again when one dies. */
export class SessionPool {
  constructor(address, size, name) {
    this.url = `http://${address}`;
    this.name = name;
    /** GOAWAY frames received, by error code: on the main sessions, any is a finding (the server dropped a connection that did nothing wrong). */
    this.goaways = {};
    this.sessions = Array.from({ length: size }, () => null);
    this.next = 0;
  }

  get() {
    const i = this.next++ % this.sessions.length;
    let s = this.sessions[i];
    if (!s || s.closed || s.destroyed) {
      s = http2.connect(this.url, { settings: { enablePush: false }, maxSessionMemory: 256, peerMaxConcurrentStreams: 20_000 });
      s.on('error', (err) => {
        if (process.env.FUZZ_DEBUG) console.log(`session error on ${this.name}: ${err.code} ${err.message}`);
      });
      s.on('frameError', (type, code, id) => {
        if (process.env.FUZZ_DEBUG) console.log(`frameError on ${this.name}: type ${type} code ${code} stream ${id}`);
      });
      s.on('goaway', (code, lastStreamId) => {
        this.goaways[code] = (this.goaways[code] ?? 0) + 1;
        if (process.env.FUZZ_DEBUG) console.log(`goaway ${code} (last stream ${lastStreamId}) on a ${this.name} session`);
      });
      s.unref();
      this.sessions[i] = s;
    }
    return s;
  }

  close() {
    for (const s of this.sessions) s?.destroy();
  }
}

/** A gRPC frame around `bytes`: flag byte, big-endian length, message. */
export function frame(bytes, { compressed = false, length = bytes.length } = {}) {
  const out = Buffer.allocUnsafe(5 + bytes.length);
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(length >>> 0, 1);
  out.set(bytes, 5);
  return out;
}

export class GrpcFuzzer {
  /**
   * @param {object} o
   * @param {import('./findings.mjs').Findings} o.findings
   * @param {(path: string, responseBytes: Buffer) => void} o.onResponse learns ids from answers
   */
  constructor({ address, methods, rng, pools, findings, hangMs, longPollHangMs, onResponse }) {
    this.methods = methods;
    this.rng = rng;
    this.pools = pools;
    this.findings = findings;
    this.hangMs = hangMs;
    this.longPollHangMs = longPollHangMs;
    this.onResponse = onResponse;
    this.main = new SessionPool(address, 4, 'main');
    // Abuse that may cost a session (huge headers, protocol errors) runs on sessions of its own.
    this.abuse = new SessionPool(address, 2, 'abuse');
    this.gzipBomb = zlib.gzipSync(Buffer.alloc(160 * 1024 * 1024), { level: 9 });
    /** Inputs in flight, for a crash report. */
    this.inFlight = new Set();
  }

  close() {
    this.main.close();
    this.abuse.close();
  }

  /** One structure-aware message to a random method. */
  async structured() {
    const method = this.rng.pick(this.methods);
    const bytes = generateRequestBytes(method, this.rng, this.pools);
    if (!bytes) return this.findings.count('proto', 'unencodable');
    await this.call('proto', { path: method.path, method, body: frame(bytes) });
  }

  /** One valid-looking message with its bytes mutated. */
  async mutated() {
    const method = this.rng.pick(this.methods);
    const bytes = generateRequestBytes(method, this.rng, this.pools) ?? Buffer.alloc(0);
    await this.call('mutated', { path: method.path, method, body: frame(mutateBytes(bytes, this.rng)) });
  }

  /** One abuse of gRPC framing or HTTP/2 streams; resolves to the number of inputs sent (a burst sends many). */
  async framing() {
    const rng = this.rng;
    const method = rng.pick(this.methods);
    const bytes = generateRequestBytes(method, rng, this.pools) ?? Buffer.alloc(0);
    const input = { path: method.path, method, body: frame(bytes) };
    switch (rng.int(14)) {
      case 0: // length prefix larger or smaller than the message
        input.body = frame(bytes, { length: rng.pick([bytes.length + 1 + rng.int(100), Math.max(0, bytes.length - 1 - rng.int(10)), 0xffffffff, 0x7fffffff]) });
        break;
      case 1: // compressed flag over garbage
        input.body = frame(rng.bytes(rng.int(64)), { compressed: true });
        input.headers = { 'grpc-encoding': rng.pick(['gzip', 'deflate']) };
        break;
      case 2: // properly compressed
        input.body = frame(rng.chance(0.5) ? zlib.gzipSync(bytes) : zlib.deflateSync(bytes), { compressed: true });
        input.headers = { 'grpc-encoding': 'gzip' };
        if (input.body.length && rng.chance(0.5)) input.headers['grpc-encoding'] = 'deflate';
        break;
      case 3: // unknown or missing encoding with the compressed flag
        input.body = frame(zlib.gzipSync(bytes), { compressed: true });
        if (rng.chance(0.7)) input.headers = { 'grpc-encoding': rng.pick(['snappy', 'identity', '', 'GZIP', 'gzip, deflate', 'x'.repeat(1000)]) };
        break;
      case 4: // not gRPC: no content type, or another
        input.contentType = rng.pick([null, 'application/json', 'text/plain', 'application/grpc+json', 'application/grpc-web', 'application/grpcx']);
        break;
      case 5: // huge or odd headers
        input.abuse = true;
        input.headers = rng.chance(0.5)
          ? { 'x-fuzz': 'a'.repeat(rng.pick([1024, 16 * 1024, 60 * 1024, 200 * 1024])) }
          : { authorization: `Bearer ${rng.bytes(30).toString('base64')}`, 'grpc-timeout': rng.pick(['1n', '0S', '-1m', '99999999H', 'x', '']), 'x-bin': 'AAAA' };
        break;
      case 6: // RST in the middle of the body
        input.rstAfterBytes = rng.int(input.body.length + 1);
        break;
      case 7: // headers, then nothing; closed after a moment
        input.closeWithoutBodyMs = rng.int(50);
        break;
      case 8: // sometimes, a burst of streams at once
        if (rng.chance(0.05)) return this.burst();
        break;
      case 9: // unknown paths and odd methods
        input.path = rng.pick(['/', '', '/temporal.api.workflowservice.v1.WorkflowService/', '/x/y', `${method.path}/extra`, method.path.toLowerCase(), '/grpc.health.v1.Health/Check', '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo', `/${'a'.repeat(5000)}`]);
        if (!input.path) input.path = '/';
        break;
      case 10: // two messages in one unary body, or an empty one
        input.body = rng.chance(0.5) ? Buffer.concat([frame(bytes), frame(bytes)]) : Buffer.alloc(0);
        break;
      case 11: // another HTTP method
        input.httpMethod = rng.pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']);
        if (input.httpMethod === 'GET' || input.httpMethod === 'HEAD') input.body = Buffer.alloc(0);
        break;
      case 12: // a decompression bomb, rarely: inflates past the message size limit
        if (rng.chance(0.02)) {
          input.body = frame(this.gzipBomb, { compressed: true });
          input.headers = { 'grpc-encoding': 'gzip' };
        }
        break;
      default: // the session closed under the stream
        input.abuse = true;
        input.destroySessionAfterMs = rng.int(20);
        break;
    }
    await this.call('framing', input);
    return 1;
  }

  /** Many streams opened at once on one session; resolves to how many. */
  async burst() {
    const calls = [];
    for (let i = 0; i < BURST_STREAMS; i++) {
      const method = this.rng.pick(this.methods);
      const bytes = generateRequestBytes(method, this.rng, this.pools) ?? Buffer.alloc(0);
      calls.push(this.call('framing', { path: method.path, method, body: frame(bytes) }));
    }
    await Promise.all(calls);
    return BURST_STREAMS;
  }

  /** Sends one call and classifies its answer; resolves when it is answered, reset or hung. */
  call(category, input) {
    const longPoll = input.method && LONG_POLL_METHODS.has(input.method.name);
    const keepPoll = longPoll && this.rng.int(LONG_POLL_KEPT_ONE_IN) === 0;
    const cancelAfterMs = longPoll && !keepPoll ? this.rng.int(LONG_POLL_CANCEL_MAX_MS) : undefined;
    const hangMs = keepPoll ? this.longPollHangMs : this.hangMs;
    const session = (input.abuse ? this.abuse : this.main).get();
    const headers = { ':method': input.httpMethod ?? 'POST', ':path': input.path, te: 'trailers', ...input.headers };
    if (input.contentType !== null) headers['content-type'] = input.contentType ?? 'application/grpc';
    const record = { category, path: input.path, headers: input.headers, body: input.body };
    this.inFlight.add(record);
    return new Promise((resolve) => {
      let stream;
      let status;
      let message = '';
      let httpStatus;
      let responseBytes = [];
      let cancelled = false;
      let finished = false;
      let cancelTimer;
      const done = (outcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(hang);
        clearTimeout(cancelTimer);
        this.inFlight.delete(record);
        resolve(outcome);
      };
      const hang = setTimeout(() => {
        this.findings.record('hang', `${category} ${input.path}`, { ...record, boundMs: hangMs });
        this.findings.count(category, 'hang');
        stream?.close(NGHTTP2_CANCEL);
        done('hang');
      }, hangMs);
      try {
        stream = session.request(headers, { endStream: false });
      } catch (err) {
        this.findings.count(category, 'client-refused');
        return done(`client-refused ${err.code ?? err.message}`);
      }
      stream.on('error', () => {});
      const takeStatus = (h) => {
        if (h[':status'] !== undefined) httpStatus = h[':status'];
        if (h['grpc-status'] !== undefined) {
          status = Number(h['grpc-status']);
          message = decodeURIComponentSafe(String(h['grpc-message'] ?? ''));
        }
      };
      stream.on('response', takeStatus);
      stream.on('trailers', takeStatus);
      stream.on('data', (chunk) => {
        if (responseBytes && responseBytes.length < 64) responseBytes.push(chunk);
      });
      stream.on('close', () => {
        if (finished) return;
        const outcome = this.classify(category, input, { status, message, httpStatus, cancelled, rstCode: stream.rstCode });
        if (status === 0 && this.onResponse && responseBytes.length) this.onResponse(input.path, Buffer.concat(responseBytes));
        responseBytes = null;
        done(outcome);
      });
      if (cancelAfterMs !== undefined) {
        cancelTimer = setTimeout(() => {
          cancelled = true;
          stream.close(NGHTTP2_CANCEL);
        }, cancelAfterMs);
      }
      if (input.rstAfterBytes !== undefined) {
        stream.write(input.body.subarray(0, input.rstAfterBytes), () => {
          cancelled = true;
          stream.close(NGHTTP2_CANCEL);
        });
      } else if (input.closeWithoutBodyMs !== undefined) {
        cancelTimer = setTimeout(() => {
          cancelled = true;
          stream.close(NGHTTP2_CANCEL);
        }, input.closeWithoutBodyMs);
      } else if (input.destroySessionAfterMs !== undefined) {
        stream.write(input.body.subarray(0, input.body.length >> 1));
        cancelTimer = setTimeout(() => {
          cancelled = true;
          session.destroy();
        }, input.destroySessionAfterMs);
      } else {
        stream.end(input.body);
      }
    });
  }

  classify(category, input, { status, message, httpStatus, cancelled, rstCode }) {
    let outcome;
    if (status !== undefined) outcome = STATUS_NAMES[status] ?? `status-${status}`;
    else if (cancelled) outcome = 'cancelled-by-us';
    else if (httpStatus !== undefined) outcome = `http-${httpStatus}`;
    else outcome = `reset-${rstCode ?? '?'}`;
    this.findings.count(category, outcome);
    const record = { category, path: input.path, headers: input.headers, body: input.body, status, message };
    if (status === 13 && !UNDERSTOOD_INTERNAL.some((re) => re.test(message))) {
      this.findings.record('internal', `${input.path} ${message}`, record);
    } else if (status === 2) {
      this.findings.record('unknown', `${input.path} ${message}`, record);
    } else if (status === undefined && !cancelled && httpStatus === undefined && !input.abuse && input.method) {
      // A well-formed stream the server reset without an answer.
      this.findings.record('reset', `${input.path} rst ${rstCode}`, record);
    }
    return outcome;
  }
}

function decodeURIComponentSafe(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
