/**
 * TLS and mutual TLS on the gRPC port and the UI/HTTP port, with certificates made for the
 * test: the official SDK (client and worker) and ours connect with `tls` options; a client
 * without a certificate of the client CA is refused; a renewed certificate is served without
 * a restart.
 */
import { request } from 'node:https';
import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as endure from '@endure/client';
import { EndureServer } from '../src/index.js';
import { certificateDir, type CertificateDir, type Pem, type TestCa } from './helpers/certificates.js';
import { installQuietRuntime, uniqueTaskQueue, uniqueWorkflowId, workflowBundlePath } from './helpers/env.js';

let certs: CertificateDir;
let ca: TestCa;
let serverPem: Pem;
let clientPem: Pem;
let strangerPem: Pem;
let server: EndureServer;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  installQuietRuntime();
  certs = certificateDir();
  ca = certs.ca('test-ca');
  serverPem = ca.issue('server', 'server');
  clientPem = ca.issue('client', 'client');
  strangerPem = certs.ca('other-ca').issue('stranger', 'client');
  server = await EndureServer.start({
    port: 0,
    uiPort: 0,
    logLevel: 'error',
    inMemory: true,
    tls: { certPath: serverPem.certPath, keyPath: serverPem.keyPath, clientCaPath: ca.certPath, reloadIntervalMs: 60_000 },
  });
});

afterAll(async () => {
  await Promise.allSettled(closers.map((c) => c.close()));
  await server?.stop();
  certs?.remove();
});

function tlsOptions(client: Pem | null, serverCa: Buffer = ca.cert) {
  return { serverRootCACertificate: serverCa, ...(client ? { clientCertPair: { crt: client.cert, key: client.key } } : {}) };
}

async function officialClient(client: Pem | null, serverCa?: Buffer): Promise<Client> {
  const connection = await Connection.connect({ address: server.address, tls: tlsOptions(client, serverCa), connectTimeout: 3000 });
  closers.push(connection);
  return new Client({ connection });
}

/** GET on the UI port over HTTPS with the given client certificate; the status, or the error's code. */
function httpsGet(path: string, client: Pem | null): Promise<number | string> {
  const url = new URL(path, server.uiAddress!);
  return new Promise((resolve) => {
    const req = request(url, { ca: ca.cert, ...(client ? { cert: client.cert, key: client.key } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('TLS', () => {
  it('runs a workflow with the official client and worker over mutual TLS', async () => {
    expect(server.uiAddress).toMatch(/^https:\/\//);
    const client = await officialClient(clientPem);
    const nativeConnection = await NativeConnection.connect({ address: server.address, tls: tlsOptions(clientPem) });
    closers.push(nativeConnection);
    const taskQueue = uniqueTaskQueue('tls');
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: { codePath: workflowBundlePath() } });
    const result: unknown = await worker.runUntil(
      client.workflow.execute('scheduledJob', { taskQueue, workflowId: uniqueWorkflowId('tls'), args: ['complete'] }),
    );
    expect(result).toMatchObject({ previous: null });
  });

  it("connects with Endure's client over mutual TLS", async () => {
    const connection = await endure.Connection.connect({ address: server.address, tls: tlsOptions(clientPem) });
    closers.push(connection);
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
  });

  it('refuses a client without a certificate, or with one the client CA did not sign', async () => {
    for (const client of [null, strangerPem]) {
      const connection = await Connection.connect({ address: server.address, tls: tlsOptions(client), connectTimeout: 2000 }).catch(
        (err: unknown) => err,
      );
      if (connection instanceof Connection) {
        closers.push(connection);
        await expect(connection.workflowService.getSystemInfo({})).rejects.toThrow();
      } else {
        expect(connection).toBeInstanceOf(Error);
      }
    }
    expect(await httpsGet('/api/v1/namespaces', clientPem)).toBe(200);
    expect(await httpsGet('/api/v1/namespaces', null)).not.toBe(200);
    expect(await httpsGet('/api/v1/namespaces', strangerPem)).not.toBe(200);
  });

  it('serves a renewed certificate without a restart', async () => {
    const renewedCa = certs.ca('renewed-ca');
    const renewed = renewedCa.issue('renewed-server', 'server');
    copyFileSync(renewed.certPath, serverPem.certPath);
    copyFileSync(renewed.keyPath, serverPem.keyPath);
    server.tlsReloader!.check();
    // A client that trusts only the new CA now gets in; one that trusts only the old one does not.
    const fresh = await officialClient(clientPem, renewedCa.cert);
    expect((await fresh.workflowService.getSystemInfo({})).serverVersion).toBeTruthy();
    const stale = await Connection.connect({ address: server.address, tls: tlsOptions(clientPem), connectTimeout: 2000 }).catch(
      (err: unknown) => err,
    );
    if (stale instanceof Connection) {
      closers.push(stale);
      await expect(stale.workflowService.getSystemInfo({})).rejects.toThrow();
    } else {
      expect(stale).toBeInstanceOf(Error);
    }
  });

  it('refuses to start when a TLS file cannot be read, naming it', async () => {
    await expect(
      EndureServer.start({ port: 0, logLevel: 'error', inMemory: true, tls: { certPath: '/nonexistent/cert.pem', keyPath: serverPem.keyPath } }),
    ).rejects.toThrow(/cannot read the TLS certificate \/nonexistent\/cert\.pem/);
  });
});
