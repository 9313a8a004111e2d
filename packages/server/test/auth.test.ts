/**
 * Authentication and authorization with the official SDK as the client: API keys made through
 * `endure.operator.v1.ApiKeyService` and JWTs signed here against a JWKS file. Each permission
 * class is allowed its calls and refused the next class's with PERMISSION_DENIED naming the
 * permission; missing, garbage, expired and revoked credentials are UNAUTHENTICATED; a worker
 * holding `<ns>:worker` runs what a `<ns>:write` client starts (official SDK and ours); the
 * HTTP API answers 401 and 403 the same way.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as endure from '@endure/client';
import * as endureWorker from '@endure/worker';
import { EndureServer } from '../src/index.js';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId } from './helpers/env.js';
import { waitFor } from './helpers/wait-for.js';
import { inject } from 'vitest';

const ADMIN_KEY = `bootstrap-${randomUUID()}-${randomUUID()}`;
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'endure-test';
const NS = 'prod';

let dir: string;
let server: EndureServer;
let admin: endure.Connection;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  installQuietRuntime();
  dir = mkdtempSync(join(tmpdir(), 'endure-auth-'));
  const pair = await generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const jwksPath = join(dir, 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify({ keys: [jwk] }));
  server = await EndureServer.start({
    port: 0,
    uiPort: 0,
    logLevel: 'error',
    inMemory: true,
    namespaces: [NS, 'other'],
    auth: { adminApiKey: ADMIN_KEY, jwt: { jwksPath, issuer: ISSUER, audience: AUDIENCE } },
  });
  admin = await endureConnection(ADMIN_KEY);
});

afterAll(async () => {
  await Promise.allSettled(closers.map((c) => c.close()));
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function endureConnection(apiKey: string): Promise<endure.Connection> {
  const connection = await endure.Connection.connect({ address: server.address, apiKey, tls: false });
  closers.push(connection);
  return connection;
}

async function officialConnection(apiKey?: string): Promise<Connection> {
  const connection = await Connection.connect({ address: server.address, ...(apiKey ? { apiKey, tls: false } : {}) });
  closers.push(connection);
  return connection;
}

async function apiKeyWith(permissions: string[], expiresInMs = 0): Promise<string> {
  const { key } = await admin.apiKeyService.createApiKey({ name: `test ${permissions.join(' ')}`, permissions, expiresInMs });
  return key;
}

function jwtWith(permissions: string[], { key = signingKey, expiresAt = '10m' }: { key?: CryptoKey; expiresAt?: string | number } = {}) {
  return new SignJWT({ permissions })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
    .setSubject('alice')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(key);
}

/** 'OK', or the gRPC status name and message a call was refused with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (err) {
    const { code, details, message } = err as { code?: number; details?: string; message: string };
    const names: Record<number, string> = { 7: 'PERMISSION_DENIED', 16: 'UNAUTHENTICATED' };
    return `${names[code ?? -1] ?? `code ${String(code)}`}: ${details ?? message}`;
  }
}

/** One call of each class, in namespace `ns`, through the official client (ApiKeyService through ours). */
function calls(connection: Connection, ours: endure.Connection, ns = NS) {
  const ws = connection.workflowService;
  return {
    read: () => ws.describeNamespace({ namespace: ns }),
    worker: () => ws.shutdownWorker({ namespace: ns, stickyTaskQueue: `sticky-${randomUUID()}`, identity: 'auth-test' }),
    write: () =>
      ws.startWorkflowExecution({
        namespace: ns,
        workflowId: uniqueWorkflowId('auth'),
        workflowType: { name: 'scheduledJob' },
        taskQueue: { name: uniqueTaskQueue('auth-nobody') },
        requestId: randomUUID(),
      }),
    admin: () => ws.updateNamespace({ namespace: ns, updateInfo: { description: `changed ${randomUUID()}` } }),
    systemAdmin: () => ours.apiKeyService.listApiKeys(),
  };
}

type CallClass = keyof ReturnType<typeof calls>;
const CLASSES: { permission: string; allowed: CallClass; nextUp: CallClass; needs: string }[] = [
  { permission: `${NS}:read`, allowed: 'read', nextUp: 'worker', needs: `ShutdownWorker on namespace "${NS}" needs permission ${NS}:worker` },
  { permission: `${NS}:worker`, allowed: 'worker', nextUp: 'write', needs: `StartWorkflowExecution on namespace "${NS}" needs permission ${NS}:write` },
  { permission: `${NS}:write`, allowed: 'write', nextUp: 'admin', needs: `UpdateNamespace on namespace "${NS}" needs permission ${NS}:admin` },
  { permission: `${NS}:admin`, allowed: 'admin', nextUp: 'systemAdmin', needs: 'ListApiKeys needs permission system:admin' },
];

const credentialKinds: [string, (permissions: string[]) => Promise<string>][] = [
  ['API key', apiKeyWith],
  ['JWT', (permissions) => jwtWith(permissions)],
];

describe.each(credentialKinds)('%s', (_kind, credentialWith) => {
  it.each(CLASSES)('$permission is allowed its calls and the ones below, refused the next class up', async ({ permission, allowed, nextUp, needs }) => {
    const token = await credentialWith([permission]);
    const call = calls(await officialConnection(token), await endureConnection(token));
    const order: CallClass[] = ['read', 'worker', 'write', 'admin', 'systemAdmin'];
    for (const lower of order.slice(0, order.indexOf(allowed) + 1)) expect(await outcome(call[lower]()), lower).toBe('OK');
    expect(await outcome(call[nextUp]())).toBe(`PERMISSION_DENIED: ${needs}`);
  });

  it('system:admin may do everything, in every namespace', async () => {
    const token = await credentialWith(['system:admin']);
    const call = calls(await officialConnection(token), await endureConnection(token), 'other');
    for (const name of ['read', 'worker', 'write', 'admin', 'systemAdmin'] as const) expect(await outcome(call[name]()), name).toBe('OK');
  });

  it('a permission in one namespace allows nothing in another', async () => {
    const token = await credentialWith([`${NS}:admin`]);
    const call = calls(await officialConnection(token), await endureConnection(token), 'other');
    expect(await outcome(call.read())).toBe('PERMISSION_DENIED: DescribeNamespace on namespace "other" needs permission other:read');
    expect(await outcome(call.write())).toBe('PERMISSION_DENIED: StartWorkflowExecution on namespace "other" needs permission other:write');
    const connection = await officialConnection(token);
    expect(await outcome(connection.workflowService.listNamespaces({}))).toBe('PERMISSION_DENIED: ListNamespaces needs permission system:read');
  });
});

describe('unauthenticated calls', () => {
  it('refuses a call without a credential, saying what to send; GetSystemInfo stays open', async () => {
    const connection = await officialConnection();
    expect((await connection.workflowService.getSystemInfo({})).serverVersion).toBeTruthy();
    expect(await outcome(connection.workflowService.describeNamespace({ namespace: NS }))).toBe(
      'UNAUTHENTICATED: missing authorization header: send "authorization: Bearer <API key or JWT>"',
    );
  });

  it('refuses garbage, a key with a wrong secret, and a JWT signed by another key', async () => {
    const key = await apiKeyWith([`${NS}:read`]);
    const wrongSecret = `${key.slice(0, key.lastIndexOf('_'))}_${'A'.repeat(43)}`;
    const cases: [string, string][] = [
      ['garbage', 'UNAUTHENTICATED: credential not recognised: neither an Endure API key nor a JWT'],
      [wrongSecret, 'UNAUTHENTICATED: api key not recognised'],
      ['endure_0123456789abcdef_nope', 'UNAUTHENTICATED: api key not recognised'],
      [await jwtWith([`${NS}:read`], { key: strangerKey }), 'UNAUTHENTICATED: token signature invalid'],
    ];
    for (const [token, expected] of cases) {
      const connection = await officialConnection(token);
      expect(await outcome(connection.workflowService.describeNamespace({ namespace: NS })), token).toBe(expected);
    }
  });

  it('refuses an expired API key and an expired JWT', async () => {
    const key = await apiKeyWith([`${NS}:read`], 1);
    const [listed] = (await admin.apiKeyService.listApiKeys()).apiKeys.filter((k) => key.includes(`_${k.id}_`));
    await waitFor(() => Date.now() > listed!.expireTimeMs, { description: 'the key to expire' });
    const expiredKey = await officialConnection(key);
    expect(await outcome(expiredKey.workflowService.describeNamespace({ namespace: NS }))).toMatch(
      new RegExp(`^UNAUTHENTICATED: api key expired at .* \\(id ${listed!.id}\\)$`),
    );
    const expiredJwt = await officialConnection(await jwtWith([`${NS}:read`], { expiresAt: Math.floor(Date.now() / 1000) - 60 }));
    expect(await outcome(expiredJwt.workflowService.describeNamespace({ namespace: NS }))).toBe('UNAUTHENTICATED: token expired');
  });

  it('refuses a key from the moment it is revoked', async () => {
    const key = await apiKeyWith([`${NS}:read`]);
    const connection = await officialConnection(key);
    expect(await outcome(connection.workflowService.describeNamespace({ namespace: NS }))).toBe('OK');
    const id = key.split('_')[1]!;
    const { apiKey } = await admin.apiKeyService.revokeApiKey({ id });
    expect(apiKey).toMatchObject({ id, revoked: true });
    expect(await outcome(connection.workflowService.describeNamespace({ namespace: NS }))).toBe(`UNAUTHENTICATED: api key revoked (id ${id})`);
  });
});

describe('managing keys', () => {
  it('lists keys without their secrets, and refuses a malformed permission naming it', async () => {
    const key = await apiKeyWith([`${NS}:worker`]);
    const id = key.split('_')[1]!;
    const { apiKeys } = await admin.apiKeyService.listApiKeys();
    expect(apiKeys.find((k) => k.id === id)).toMatchObject({ permissions: [`${NS}:worker`], revoked: false, expireTimeMs: 0 });
    expect(JSON.stringify(apiKeys)).not.toContain(key.slice(key.lastIndexOf('_') + 1));
    expect(await outcome(admin.apiKeyService.createApiKey({ name: 'bad', permissions: [`${NS}:write`, 'prod:owner'] }))).toBe(
      'code 3: permissions[1] "prod:owner" is not a permission: expected <namespace>:read|worker|write|admin or system:<role>',
    );
  });
});

describe('a server without auth', () => {
  it('lets every call through, and refuses to make API keys (they would be made by anyone)', async () => {
    const open = await EndureServer.start({ port: 0, logLevel: 'error', inMemory: true });
    try {
      const connection = await endure.Connection.connect({ address: open.address });
      closers.push(connection);
      expect(await outcome(connection.workflowService.describeNamespace({ namespace: 'default' }))).toBe('OK');
      expect(await outcome(connection.apiKeyService.createApiKey({ name: 'x', permissions: ['default:read'] }))).toBe(
        'code 9: authentication is off on this server: API keys work only on a server started with auth settings',
      );
    } finally {
      await open.stop();
    }
  });
});

describe('workers', () => {
  it('a worker holding <ns>:worker runs the workflow a client holding <ns>:write starts (official SDK)', async () => {
    const [workerKey, clientToken] = [await apiKeyWith([`${NS}:worker`]), await jwtWith([`${NS}:write`])];
    const nativeConnection = await NativeConnection.connect({ address: server.address, apiKey: workerKey, tls: false });
    closers.push(nativeConnection);
    const taskQueue = uniqueTaskQueue('auth');
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: NS,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const client = new Client({ connection: await officialConnection(clientToken), namespace: NS });
    const result: unknown = await worker.runUntil(client.workflow.execute('scheduledJob', { taskQueue, workflowId: uniqueWorkflowId('auth'), args: ['complete'] }));
    expect(result).toMatchObject({ previous: null });
  });

  it("runs a workflow end to end with Endure's client and worker on API keys", async () => {
    const [workerKey, clientKey] = [await apiKeyWith([`${NS}:worker`]), await apiKeyWith([`${NS}:write`])];
    const nativeConnection = await endureWorker.NativeConnection.connect({ address: server.address, apiKey: workerKey, tls: false });
    closers.push(nativeConnection);
    const taskQueue = uniqueTaskQueue('auth-endure');
    const worker = await endureWorker.Worker.create({
      connection: nativeConnection,
      namespace: NS,
      taskQueue,
      workflowBundle: { codePath: inject('endureWorkflowBundlePath') },
    });
    const client = new endure.Client({ connection: await endureConnection(clientKey), namespace: NS });
    const result: unknown = await worker.runUntil(client.workflow.execute('scheduledJob', { taskQueue, workflowId: uniqueWorkflowId('auth'), args: ['complete'] }));
    expect(result).toMatchObject({ previous: null });
  });
});

describe('HTTP API', () => {
  async function get(path: string, token?: string): Promise<{ status: number; body: { message?: string } }> {
    const response = await fetch(new URL(path, server.uiAddress!), { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  }

  it('answers 401 without a valid token, 403 without the permission, 200 with it', async () => {
    const path = `/api/v1/namespaces/${NS}`;
    const missing = await get(path);
    expect(missing.status).toBe(401);
    expect(missing.body.message).toContain('missing authorization header');
    expect((await get(path, 'garbage')).status).toBe(401);
    expect(await get(path, await apiKeyWith(['other:read']))).toMatchObject({
      status: 403,
      body: { message: `DescribeNamespace on namespace "${NS}" needs permission ${NS}:read` },
    });
    expect((await get(path, await apiKeyWith([`${NS}:read`]))).status).toBe(200);
    expect((await get(path, await jwtWith([`${NS}:read`]))).status).toBe(200);
  });

  it('serves the UI files without a token', async () => {
    const response = await fetch(new URL('/', server.uiAddress!));
    expect(response.status).toBe(200);
  });
});
