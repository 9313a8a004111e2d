#!/usr/bin/env node
/**
 * Sends the input of one saved finding again: `node bench/fuzz/replay.mjs FINDING.json
 * --address 127.0.0.1:7233 [--ui-port 8233]`, and prints the answer and how long it took.
 * For chasing a finding against a server started by hand (e.g. under a debugger).
 */
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { address: { type: 'string', default: '127.0.0.1:7233' }, 'ui-port': { type: 'string', default: '8233' } } });
if (positionals.length !== 1) throw new Error('usage: replay.mjs FINDING.json [--address HOST:PORT] [--ui-port PORT]');
const finding = JSON.parse(readFileSync(positionals[0], 'utf8'));
const t0 = performance.now();
const body = finding.bodyBase64 ? Buffer.from(finding.bodyBase64, 'base64') : finding.body;

if (finding.category === 'http-raw') {
  const socket = net.connect(Number(opts['ui-port']), '127.0.0.1', () => socket.end(Buffer.from(finding.raw, 'latin1')));
  let response = '';
  socket.on('data', (d) => (response += d.toString('latin1')));
  socket.on('error', (err) => console.log('error', err.code));
  socket.on('close', () => console.log(`${Math.round(performance.now() - t0)} ms\n${response.slice(0, 2000)}`));
} else if (finding.category === 'http') {
  const req = http.request({ host: '127.0.0.1', port: Number(opts['ui-port']), method: finding.method, path: finding.path, headers: body !== undefined ? { 'content-type': 'application/json' } : {} }, (res) => {
    let text = '';
    res.on('data', (c) => (text += c));
    res.on('end', () => console.log(`${Math.round(performance.now() - t0)} ms HTTP ${res.statusCode}\n${text.slice(0, 2000)}`));
  });
  req.on('error', (err) => console.log('error', err.code ?? err.message));
  req.end(body);
} else {
  const session = http2.connect(`http://${opts.address}`);
  session.on('error', (err) => console.log('session error', err.code ?? err.message));
  const stream = session.request({ ':method': 'POST', ':path': finding.path, 'content-type': 'application/grpc', te: 'trailers', ...finding.headers });
  const show = (h) => h['grpc-status'] !== undefined && console.log(`grpc-status ${h['grpc-status']} ${decodeURIComponent(String(h['grpc-message'] ?? ''))}`);
  stream.on('response', show);
  stream.on('trailers', show);
  stream.on('data', () => {});
  stream.on('error', (err) => console.log('stream error', err.code ?? err.message));
  stream.on('close', () => {
    console.log(`${Math.round(performance.now() - t0)} ms, rst ${stream.rstCode}`);
    session.close();
  });
  stream.end(body);
}
