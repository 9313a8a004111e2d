/**
 * `endure operator api-key create | list | revoke` against `endure server start --auth` (on
 * PostgreSQL, over TLS as a production server runs): the bootstrap admin key from a file makes
 * a real key, the key works for what it permits and is refused for the rest, a revoked key is
 * refused, and none of it works without `system:admin`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../server/src/persistence/postgres/test-database.test-support.js';
import { certificateDir, type CertificateDir, type TestCa } from '../../server/test/helpers/certificates.js';
import { endureJson, endureOk, runEndure } from './helpers/cli.js';
import { bannerOf, exitCodeOf, killServerProcesses, runServerCli, waitForOutput, type ServerProcess } from './helpers/server-process.js';

const adminKey = randomBytes(32).toString('hex');
let dir: string;
let database: TestDatabase;
let certs: CertificateDir;
let ca: TestCa;
let run: ServerProcess;
let address: string;

interface KeyJson {
  id: string;
  name: string;
  permissions: string[];
  createTime: string;
  expireTime?: string;
  revoked: boolean;
  key?: string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'endure-api-key-'));
  database = await createTestDatabase();
  certs = certificateDir();
  ca = certs.ca('api-key-ca');
  const serverPem = ca.issue('api-key-server', 'server');
  const keyFile = join(dir, 'admin-key');
  writeFileSync(keyFile, `${adminKey}\n`);
  run = runServerCli([
    'server', 'start', '--db', database.url, '--port', '0', '--headless', '--log-level', 'warn', '-n', 'prod',
    '--tls-cert-path', serverPem.certPath, '--tls-key-path', serverPem.keyPath, '--auth-admin-api-key-file', keyFile,
  ]);
  const banner = await bannerOf(run);
  address = banner['Endure server']!;
  expect(banner['Auth']).toBe('on, API keys; bootstrap admin key set (remove it once real keys exist)');
});

afterAll(async () => {
  if (run) {
    run.child.kill('SIGTERM');
    await exitCodeOf(run.child);
  }
  killServerProcesses();
  await database?.drop();
  certs?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** The connection flags of a call made with `apiKey`. */
function as(apiKey: string): string[] {
  return ['--address', address, '--api-key', apiKey, '--tls-ca-path', ca.certPath];
}

describe('endure operator api-key', () => {
  it('creates a key (printed once), lists it without its secret, and revokes it', async () => {
    const created = await endureJson<KeyJson>([
      'operator', 'api-key', 'create', '--name', 'ci deploys', '--permission', 'prod:write', '--permission', 'prod:read', '--expires-in', '30d',
      ...as(adminKey),
    ]);
    expect(created).toMatchObject({ name: 'ci deploys', permissions: ['prod:write', 'prod:read'], revoked: false });
    expect(created.key).toMatch(new RegExp(`^endure_${created.id}_[A-Za-z0-9_-]{43}$`));
    const expiresInMs = Date.parse(created.expireTime!) - Date.parse(created.createTime);
    expect(expiresInMs).toBe(30 * 24 * 3600 * 1000);

    // The new key works for what it permits, and the server says what it lacks.
    const key = created.key!;
    await endureOk(['operator', 'namespace', 'describe', '-n', 'prod', ...as(key)]);
    const denied = await runEndure(['operator', 'namespace', 'describe', '-n', 'default', ...as(key)]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('DescribeNamespace on namespace "default" needs permission default:read (PERMISSION_DENIED)');

    const text = await endureOk(['operator', 'api-key', 'list', ...as(adminKey)]);
    expect(text).toMatch(new RegExp(`${created.id}\\s+ci deploys\\s+prod:write,prod:read\\s+.*active`));
    const listed = await endureJson<KeyJson[]>(['operator', 'api-key', 'list', ...as(adminKey)]);
    expect(listed.find((k) => k.id === created.id)).toEqual({ ...created, key: undefined });
    expect(JSON.stringify(listed)).not.toContain(key.slice(key.lastIndexOf('_') + 1));

    const revoked = await endureOk(['operator', 'api-key', 'revoke', '--id', created.id, ...as(adminKey)]);
    expect(revoked).toContain(`API key ${created.id} (ci deploys) revoked.`);
    const refused = await runEndure(['operator', 'namespace', 'describe', '-n', 'prod', ...as(key)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`api key revoked (id ${created.id}) (UNAUTHENTICATED)`);
    expect((await endureJson<KeyJson[]>(['operator', 'api-key', 'list', ...as(adminKey)])).find((k) => k.id === created.id)?.revoked).toBe(true);
  });

  it('needs system:admin, and refuses a malformed permission naming it', async () => {
    const { key } = await endureJson<KeyJson>(['operator', 'api-key', 'create', '--name', 'ns admin', '--permission', 'prod:admin', ...as(adminKey)]);
    const refused = await runEndure(['operator', 'api-key', 'list', ...as(key!)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ListApiKeys needs permission system:admin (PERMISSION_DENIED)');
    const bad = await runEndure(['operator', 'api-key', 'create', '--name', 'x', '--permission', 'prod', ...as(adminKey)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('permissions[0] "prod" is not a permission');
    const anonymous = await runEndure(['operator', 'api-key', 'list', '--address', address, '--tls-ca-path', ca.certPath]);
    expect(anonymous.stderr).toContain('missing authorization header');
  });

  it('refuses a start whose JWT settings lack a key set', async () => {
    const half = runServerCli(['server', 'start', '--db', database.url, '--port', '0', '--headless', '--auth-jwt-issuer', 'https://x']);
    expect(await exitCodeOf(half.child)).toBe(1);
    await waitForOutput(half, /--auth-jwt-issuer, --auth-jwt-audience and --auth-permissions-claim need --auth-jwks-path or --auth-jwks-url/);
  });
});
