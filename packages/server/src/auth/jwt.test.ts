/**
 * JWTs checked against a JWKS URL (the file case runs in test/auth.test.ts): the key set is
 * fetched from the URL, issuer and audience are enforced, a token signed by a key the set does
 * not hold is UNAUTHENTICATED, and an unreachable key set is UNAVAILABLE (worth a retry).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { JwtAuthenticator } from './jwt.js';

let server: Server;
let jwksUrl: string;
let signingKey: CryptoKey;
let fetches = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] });
  server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

function token(claims: { permissions?: unknown; iss?: string; kid?: string } = {}, key = signingKey) {
  return new SignJWT({ permissions: claims.permissions ?? ['prod:read'] })
    .setProtectedHeader({ alg: 'RS256', kid: claims.kid ?? 'k1' })
    .setSubject('bob')
    .setIssuer(claims.iss ?? 'https://idp.test')
    .setAudience('endure')
    .setExpirationTime('5m')
    .sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<[Status, string]> {
  const err = await promise.then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  if (!(err instanceof ServiceError)) throw err;
  return [err.code, err.message];
}

const settings = { jwksPath: null, jwksUrl: '', issuer: 'https://idp.test', audience: 'endure', permissionsClaim: 'permissions' };

describe('JWTs against a JWKS URL', () => {
  it('accepts a token signed by a key of the set, with the permissions of its claim', async () => {
    const jwt = await JwtAuthenticator.create({ ...settings, jwksUrl }, Date.now);
    const principal = await jwt.authenticate(await token({ permissions: ['prod:write', 42, 'system:read'] }));
    expect(principal).toEqual({ subject: 'jwt bob', systemRank: 1, namespaceRanks: new Map([['prod', 3]]) });
    expect(fetches).toBeGreaterThan(0);
  });

  it('refuses another issuer and a key the set does not hold', async () => {
    const jwt = await JwtAuthenticator.create({ ...settings, jwksUrl }, Date.now);
    const [code, message] = await refusal(jwt.authenticate(await token({ iss: 'https://evil.test' })));
    expect(code).toBe(Status.UNAUTHENTICATED);
    expect(message).toContain('claim iss');
    const stranger = (await generateKeyPair('RS256')).privateKey;
    expect(await refusal(jwt.authenticate(await token({ kid: 'k9' }, stranger)))).toEqual([
      Status.UNAUTHENTICATED,
      'token signed by a key not in the JWKS',
    ]);
  });

  it('answers UNAVAILABLE when the key set cannot be fetched', async () => {
    const jwt = await JwtAuthenticator.create({ ...settings, jwksUrl: 'http://127.0.0.1:1/jwks.json' }, Date.now);
    const [code, message] = await refusal(jwt.authenticate(await token()));
    expect(code).toBe(Status.UNAVAILABLE);
    expect(message).toMatch(/^the JWKS URL could not be read to check the token/);
  });
});
