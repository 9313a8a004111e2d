/**
 * JWTs, verified with `jose` against a JSON Web Key Set: a file (read again when it changes,
 * checked at most every `JWKS_FILE_CHECK_MS`) or a URL (fetched, cached and refetched for an
 * unknown key id by jose). The token's signature, `exp`/`nbf`, and the `iss`/`aud` set in the
 * settings are checked; its permissions are read from a claim holding a list of Temporal
 * permission strings (`default:write`, `system:admin`), as Temporal's default JWT claim mapper.
 */
import { stat, readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { principalOf, type Principal } from './permissions.js';
import type { JwtSettings } from './settings.js';

/** How often a JWKS file's modification time is looked at. */
const JWKS_FILE_CHECK_MS = 5_000;
/** How long a JWKS URL may take to answer. */
const JWKS_FETCH_TIMEOUT_MS = 5_000;
/** Algorithms accepted: asymmetric only, so the key set never holds a secret that could sign. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** What jwtVerify picks a token's key from (a local or a remote set). */
type KeySet = JWTVerifyGetKey;

function unauthenticated(message: string): ServiceError {
  return new ServiceError(Status.UNAUTHENTICATED, message);
}

export class JwtAuthenticator {
  private fileKeys: { keySet: KeySet; mtimeMs: number; checkedMs: number } | null = null;
  private readonly remoteKeys: KeySet | null;

  private constructor(
    private readonly settings: JwtSettings,
    private readonly nowMs: () => number,
  ) {
    this.remoteKeys = settings.jwksUrl
      ? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: JWKS_FETCH_TIMEOUT_MS })
      : null;
  }

  /** Reads a JWKS file now, so a missing or malformed file fails the server's start. */
  static async create(settings: JwtSettings, nowMs: () => number): Promise<JwtAuthenticator> {
    const authenticator = new JwtAuthenticator(settings, nowMs);
    if (settings.jwksPath) await authenticator.keySet();
    return authenticator;
  }

  async authenticate(token: string): Promise<Principal> {
    const keySet = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: ALGORITHMS,
        currentDate: new Date(this.nowMs()),
        ...(this.settings.issuer ? { issuer: this.settings.issuer } : {}),
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      }));
    } catch (err) {
      throw jwtError(err);
    }
    const claim = payload[this.settings.permissionsClaim];
    const permissions = Array.isArray(claim) ? claim.filter((p): p is string => typeof p === 'string') : [];
    return principalOf(`jwt ${typeof payload.sub === 'string' ? payload.sub : '(no subject)'}`, permissions);
  }

  private async keySet(): Promise<KeySet> {
    if (this.remoteKeys) return this.remoteKeys;
    const path = this.settings.jwksPath!;
    const now = this.nowMs();
    const cached = this.fileKeys;
    if (cached && now - cached.checkedMs < JWKS_FILE_CHECK_MS) return cached.keySet;
    const { mtimeMs } = await stat(path);
    if (cached && cached.mtimeMs === mtimeMs) {
      cached.checkedMs = now;
      return cached.keySet;
    }
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
    } catch (err) {
      throw new Error(`auth.jwt.jwksPath ${path} is not a JSON Web Key Set: ${(err as Error).message}`, { cause: err });
    }
    const keySet = createLocalJWKSet(jwks);
    this.fileKeys = { keySet, mtimeMs, checkedMs: now };
    return keySet;
  }
}

/** jose's rejection as the caller's status: a bad token is UNAUTHENTICATED, an unreachable key set UNAVAILABLE. */
function jwtError(err: unknown): ServiceError {
  if (err instanceof errors.JWTExpired) return unauthenticated('token expired');
  if (err instanceof errors.JWTClaimValidationFailed) return unauthenticated(`token refused: ${err.message} (claim ${err.claim})`);
  if (err instanceof errors.JWKSTimeout || (err instanceof Error && !(err instanceof errors.JOSEError))) {
    return new ServiceError(Status.UNAVAILABLE, `the JWKS URL could not be read to check the token: ${err.message}`);
  }
  if (err instanceof errors.JWKSNoMatchingKey) return unauthenticated('token signed by a key not in the JWKS');
  if (err instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('token signature invalid');
  return unauthenticated(`token invalid: ${err instanceof Error ? err.message : String(err)}`);
}
