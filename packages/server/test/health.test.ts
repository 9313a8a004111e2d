/**
 * Health checks: `grpc.health.v1.Health/Check` on the gRPC port (through the official SDK's
 * health service and a raw gRPC client), `/healthz` and `/readyz` on the UI port and the
 * metrics port, and `/readyz` answering 503 while a PostgreSQL store's database is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { Root } from 'protobufjs';
import { EndureServer } from '../src/index.js';
import { createTestDatabase } from '../src/persistence/postgres/test-database.test-support.js';
import { startTestEnv, type TestEnv } from './helpers/env.js';
import { createConnection } from 'node:net';
import { startPostgresRelay, urlOnPort } from './helpers/postgres-relay.js';
import { findFreePort } from './helpers/processes.js';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ uiPort: 0, metricsPort: 0 });
});

afterAll(async () => {
  await env?.close();
});

const healthTypes = Root.fromJSON({
  nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: { fields: { status: { type: 'int32', id: 1 } } },
  },
});
const Request = healthTypes.lookupType('HealthCheckRequest');
const Response = healthTypes.lookupType('HealthCheckResponse');
const SERVING = 1;

/** One raw unary call of grpc.health.v1.Health: the status number, or the gRPC error. */
function rawHealthCall(address: string, method: 'Check' | 'Watch', service: string): Promise<number> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<number>((resolve, reject) => {
    client.makeUnaryRequest(
      `/grpc.health.v1.Health/${method}`,
      (message: { service: string }) => Buffer.from(Request.encode(Request.fromObject(message)).finish()),
      (bytes: Buffer) => Response.toObject(Response.decode(bytes), { defaults: true }) as { status: number },
      { service },
      (err, response) => (err ? reject(err) : resolve(response!.status)),
    );
  }).finally(() => client.close());
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('gRPC health', () => {
  it('answers SERVING to the official SDK health service', async () => {
    const response = await env.connection.healthService.check({});
    expect(response.status).toBe(SERVING);
  });

  it('answers SERVING for the server and the WorkflowService, NOT_FOUND for an unknown service', async () => {
    expect(await rawHealthCall(env.address, 'Check', '')).toBe(SERVING);
    expect(await rawHealthCall(env.address, 'Check', 'temporal.api.workflowservice.v1.WorkflowService')).toBe(SERVING);
    await expect(rawHealthCall(env.address, 'Check', 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('answers Watch UNIMPLEMENTED (a streaming method)', async () => {
    await expect(rawHealthCall(env.address, 'Watch', '')).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });
});

describe('HTTP health', () => {
  it('serves /healthz and /readyz on the UI port and on the metrics port', async () => {
    for (const base of [env.server.uiAddress, env.server.metricsAddress]) {
      expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: 'ok\n' });
    }
    expect((await get(`${env.server.metricsAddress}/nothing-here`)).status).toBe(404);
  });

  it('answers a request target that is not a URL without ending the process, on both HTTP ports', async () => {
    for (const base of [env.server.uiAddress!, env.server.metricsAddress!]) {
      const { port } = new URL(base);
      const statusLine = await rawHttpStatusLine(Number(port), 'GET //[::1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(statusLine).toMatch(/^HTTP\/1\.1 (400|404) /);
      expect((await get(`${base}/healthz`)).status).toBe(200);
    }
  });

  it('answers /readyz 503 while the PostgreSQL database is unreachable, and 200 again once it is back', async () => {
    const database = await createTestDatabase();
    const port = await findFreePort();
    let relay = await startPostgresRelay(database.url, port);
    const server = await EndureServer.start({
      port: 0,
      metricsPort: 0,
      logLevel: 'silent',
      store: 'postgres',
      postgresUrl: urlOnPort(database.url, port),
      postgresConnectRetryMs: 0,
    });
    try {
      expect((await get(`${server.metricsAddress}/readyz`)).status).toBe(200);
      await relay.close();
      const down = await get(`${server.metricsAddress}/readyz`);
      expect(down.status).toBe(503);
      expect(down.body).toContain('the store is unreachable');
      // The process still answers: it is alive, only not ready.
      expect((await get(`${server.metricsAddress}/healthz`)).status).toBe(200);
      relay = await startPostgresRelay(database.url, port);
      expect((await get(`${server.metricsAddress}/readyz`)).status).toBe(200);
    } finally {
      await server.stop();
      await relay.close();
      await database.drop();
    }
  });
});

/** Sends `request` as raw bytes and returns the answer's status line. */
function rawHttpStatusLine(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(request));
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
  });
}
