/**
 * The HTTP API and UI port: requests built from the route table (`http/routes.ts`, the same
 * one the server serves) with odd methods, path variables, query strings and JSON bodies
 * (generated request messages as JSON, then values of the wrong type, truncated text, deep
 * nesting, bodies past the size limit), static UI paths, and raw HTTP/1.1 requests no
 * client library would send (bad request lines, bad headers, smuggling-shaped framing).
 */
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../lib/paths.mjs';
import { generateMessage, LONG_POLL_METHODS, NAMESPACE_DESTROYING_METHODS, protoRoot, SERVICES, SPARE_NAMESPACE } from './proto-gen.mjs';
import { randomString, stringFor } from './values.mjs';

const { httpRoutes } = await import(pathToFileURL(join(repoRoot, 'packages/server/dist/http/routes.js')).href);

const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'FOO'];
const STATIC_PATHS = ['/', '/index.html', '/namespaces/default/workflows', '/assets/', '/assets/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/%00.js', '/assets/x.js', '/favicon.ico', '/api', '/api/', '/api/v1', '/api/v2/x', `/${'a'.repeat(8000)}`, '/\u00e9', '/a%ZZb', '/.git/config'];
const RAW_REQUESTS = [
  'GET // HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET //[::1 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://example.com/api/v1/namespaces HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET //api/v1/namespaces HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  'CONNECT localhost:1 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /api/v1/namespaces HTTP/1.0\r\n\r\n',
  'GET /\r\n\r\n',
  'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
  'POST /api/v1/namespaces/default/workflows/a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'POST /api/v1/namespaces/default/workflows/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'POST /api/v1/namespaces/default/workflows/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  'POST /api/v1/namespaces/default/workflows/a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":',
  'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nX: \u0000\r\n\r\n',
  `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
  'GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /api/v1/namespaces?%%%%=%%% HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /api/v1/namespaces/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n',
  '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003',
  'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
];
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** 5xx answers that are statuses, not failures: UNIMPLEMENTED (501), UNAVAILABLE (503), DEADLINE_EXCEEDED (504, a query no worker answered). */
const UNDERSTOOD_HTTP_5XX = new Set([501, 503, 504]);
const RAW_READ_MS = 1_000;

export class HttpFuzzer {
  constructor({ uiPort, rng, pools, findings, hangMs, longPollHangMs }) {
    this.longPollHangMs = longPollHangMs;
    this.port = uiPort;
    this.rng = rng;
    this.pools = pools;
    this.findings = findings;
    this.hangMs = hangMs;
    this.routes = httpRoutes(SERVICES);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 48 });
    this.inFlight = new Set();
  }

  close() {
    this.agent.destroy();
  }

  /** One request: mostly API routes, some UI paths, a few raw ones. */
  async next() {
    const kind = this.rng.weighted([80, 10, 10]);
    if (kind === 2) return this.raw(this.rng.pick(RAW_REQUESTS));
    return this.send(kind === 0 ? this.apiRequest() : { method: this.rng.pick(['GET', 'GET', 'HEAD', 'POST']), path: this.rng.pick(STATIC_PATHS) });
  }

  apiRequest() {
    const rng = this.rng;
    const route = rng.pick(this.routes);
    const type = protoRoot.lookupType(route.requestType);
    let path = '';
    for (const segment of route.segments) {
      path += '/';
      if ('literal' in segment) path += rng.chance(0.01) ? randomString(rng) : segment.literal;
      else path += this.pathValue(segment.field, type);
    }
    const method = rng.chance(0.9) ? route.verb : rng.pick(VERBS);
    const query = this.queryString(type, route.body !== '');
    let body = route.body ? this.body(type) : rng.chance(0.05) ? '{"ignored": true}' : undefined;
    const methodName = route.grpcPath.slice(route.grpcPath.lastIndexOf('/') + 1);
    // Another verb on the same path may be another method: DELETE on a namespace's path deletes it.
    if (NAMESPACE_DESTROYING_METHODS.has(methodName) || method !== route.verb) {
      path = path.replaceAll('/default/', `/${SPARE_NAMESPACE}/`).replace(/\/default$/, `/${SPARE_NAMESPACE}`);
      body = body?.replaceAll('"default"', `"${SPARE_NAMESPACE}"`);
    }
    return { method, path: `${path}${query}`, body, longPoll: LONG_POLL_METHODS.has(methodName) };
  }

  pathValue(fieldPath, type) {
    const rng = this.rng;
    const last = fieldPath[fieldPath.length - 1];
    const camel = last.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    switch (rng.weighted([80, 5, 5, 5, 5])) {
      case 0:
        return enc(stringFor(rng, this.pools, camel, type.fullName));
      case 1:
        return rng.pick(['%ZZ', '%', '%00', '%2F', '..', '%2e%2e', '%C0%AF', '%FF']);
      case 2:
        return enc(randomString(rng)).slice(0, 9000);
      case 3:
        return 'a/b';
      default:
        return '';
    }
  }

  queryString(type, hasBody) {
    const rng = this.rng;
    const params = [];
    if (rng.chance(0.1)) params.push('pretty');
    if (rng.chance(0.1)) params.push('noPayloadShorthand');
    if (!hasBody || rng.chance(0.1)) {
      const message = generateMessage(type, rng, this.pools);
      for (const [key, value] of flatten(message)) {
        if (params.length > 64) break;
        const k = rng.chance(0.5) ? key : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        params.push(`${enc(k)}=${enc(value)}`);
      }
    }
    if (rng.chance(0.1)) params.push(rng.pick(['a[b]=c', 'x.y.z=1', '%ZZ=1', '=', '&&&', 'namespace=a&namespace=b', 'pageSize=-1', 'pageSize=1e999', 'maximumPageSize=99999999999', 'query=%00', 'executionStatus=999']));
    return params.length ? `?${params.join('&')}` : '';
  }

  /** The request's JSON body: protobufjs's JSON of a generated message, often broken on purpose. */
  body(type) {
    const rng = this.rng;
    const choice = rng.weighted([60, 10, 8, 8, 5, 3, 1, 2]);
    if (choice === 5) return '['.repeat(rng.pick([100, 5000, 200_000]));
    if (choice === 6) return `{"x":"${'y'.repeat(BODY_LIMIT_BYTES + 10)}"}`;
    if (choice === 7) return rng.pick(['', 'null', '[]', '"s"', '1', 'true', '{"__proto__": {"polluted": 1}}', '{"constructor": {"prototype": {}}}']);
    let json;
    try {
      const message = generateMessage(type, rng, this.pools);
      json = type.toObject(type.fromObject(message), { longs: String, enums: String, bytes: String });
    } catch {
      json = {};
    }
    if (choice === 1) json = wrongTypes(json, rng);
    let text = JSON.stringify(json);
    if (choice === 2) text = text.slice(0, rng.int(text.length));
    if (choice === 3) text = text.replace(/"[a-zA-Z]+":/, '"unknownField":');
    if (choice === 4) text = `{"payload": ${JSON.stringify(rng.pick([1e308, -0, 'x', [1, { a: null }], { metadata: 5 }]))}, ${text.slice(1)}`;
    return text;
  }

  send({ method, path, body, longPoll }) {
    const hangMs = longPoll ? this.longPollHangMs : this.hangMs;
    const input = { category: 'http', method, path: path.length > 10_000 ? `${path.slice(0, 10_000)}…` : path, body };
    this.inFlight.add(input);
    return new Promise((resolve) => {
      let finished = false;
      const done = (outcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(hang);
        this.inFlight.delete(input);
        this.findings.count('http', outcome);
        resolve();
      };
      const hang = setTimeout(() => {
        this.findings.record('hang', `http ${method} ${path.slice(0, 80)}`, { ...input, boundMs: hangMs });
        req.destroy();
        done('hang');
      }, hangMs);
      let req;
      try {
        req = http.request({ host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers: body !== undefined ? { 'content-type': 'application/json' } : {} });
      } catch (err) {
        return done(`client-refused ${err.code ?? ''}`);
      }
      req.on('error', (err) => done(`error-${err.code ?? err.message}`));
      req.on('response', (res) => {
        const chunks = [];
        let size = 0;
        res.on('data', (c) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('error', () => done('response-error'));
        res.on('end', () => {
          const status = res.statusCode;
          if (status >= 500 && !UNDERSTOOD_HTTP_5XX.has(status)) {
            const text = Buffer.concat(chunks).toString('utf8');
            this.findings.record('http-500', `${status} ${method} ${routeShape(path)} ${text.slice(0, 200)}`, { ...input, status, response: text.slice(0, 2000) });
          }
          done(`http-${status}`);
        });
      });
      req.end(body);
    });
  }

  raw(text) {
    this.inFlight.add({ category: 'http-raw', raw: text });
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let response = '';
      const timer = setTimeout(() => socket.destroy(), RAW_READ_MS);
      socket.on('error', () => {});
      socket.on('data', (d) => {
        if (response.length < 2000) response += d.toString('latin1');
      });
      socket.on('connect', () => socket.end(Buffer.from(text, 'latin1')));
      socket.on('close', () => {
        clearTimeout(timer);
        const status = /^HTTP\/1\.\d (\d{3})/.exec(response)?.[1];
        if (status && Number(status) >= 500 && !UNDERSTOOD_HTTP_5XX.has(Number(status))) {
          this.findings.record('http-500', `raw ${status} ${text.slice(0, 60)}`, { category: 'http-raw', raw: text, response: response.slice(0, 2000) });
        }
        this.findings.count('http-raw', status ? `http-${status}` : 'closed');
        for (const i of this.inFlight) if (i.raw === text) this.inFlight.delete(i);
        resolve();
      });
    });
  }
}

/** `[dotted key, string value]` for every scalar in a generated message, as a query string carries them. */
function flatten(value, prefix = '', out = []) {
  if (out.length > 64) return out;
  if (Array.isArray(value)) {
    for (const v of value) flatten(v, prefix, out);
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.push([prefix, Buffer.isBuffer(value) ? value.toString('base64') : String(value).slice(0, 2000)]);
  }
  return out;
}

/** The same JSON with some values swapped for values of another type. */
function wrongTypes(json, rng) {
  if (Array.isArray(json)) return json.map((v) => wrongTypes(v, rng));
  if (json && typeof json === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(json)) out[k] = rng.chance(0.3) ? rng.pick([null, 1, -1.5, 'x', true, [], {}, [null], { a: 1 }, '1s', '2020-13-45T99:99:99Z']) : wrongTypes(v, rng);
    return out;
  }
  return json;
}

/** Percent-encoding that does not throw on lone surrogates (they become U+FFFD). */
function enc(s) {
  return encodeURIComponent(String(s).toWellFormed());
}

function routeShape(path) {
  return path.split('?')[0].split('/').slice(0, 5).join('/');
}
